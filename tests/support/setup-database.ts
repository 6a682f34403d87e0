import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { closeDb } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { adminQuery, withDatabase } from './global-setup';

// A fresh database per test file, copied from the migrated template (fast: a file copy).
const adminUrl = inject('adminDatabaseUrl');
const template = inject('templateDatabase');
const name = `banso_t_${process.env.VITEST_POOL_ID ?? '0'}_${randomBytes(4).toString('hex')}`;

for (let attempt = 1; ; attempt++) {
  try {
    await adminQuery(adminUrl, `create database ${name} template ${template}`);
    break;
  } catch (e) {
    // Two files cloning the template at the same instant can collide; try again shortly.
    if (attempt >= 5) throw e;
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}
process.env.DATABASE_URL = withDatabase(adminUrl, name);
delete process.env.SMTP_URL;
resetEnvCache();

afterAll(async () => {
  await closeDb();
  await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
});
