import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '~': path.resolve(__dirname, 'app') } },
  plugins: [
    {
      // As in Remix's server build: `*.client.*` modules (Leaflet needs `window`) are empty on
      // the server, so route modules can be imported by tests.
      name: 'empty-client-modules',
      enforce: 'pre',
      load(id) {
        if (/\.client\.(ts|tsx)$/.test(id)) return 'export default undefined;';
      },
    },
  ],
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}', 'tests/integration/**/*.test.{ts,tsx}'],
    environment: 'node',
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/setup-database.ts', 'tests/support/setup-console.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { NODE_ENV: 'test', DATA_DIR: '.data/test' },
  },
});
