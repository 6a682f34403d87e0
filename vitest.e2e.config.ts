import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests: `npm run test:e2e` builds the app, then tests/e2e/global-setup.ts
 * starts the real production server (embedded PostgreSQL, in-process mail worker) and an SMTP
 * peer; the tests drive /usr/bin/chromium through playwright-core.
 */
export default defineConfig({
  resolve: { alias: { '~': path.resolve(__dirname, 'app') } },
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    // One server, one browser at a time: the files share the server's database.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
