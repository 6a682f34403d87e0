import { expect, it } from 'vitest';
import { closeDb } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { healthCheck } from '~/lib/health.server';
import { freePort } from '../support/net';

it('/healthz reports the database up, and down when it cannot be reached', async () => {
  expect(await healthCheck()).toMatchObject({ status: 'ok', database: 'up' });
  const real = process.env.DATABASE_URL!;
  try {
    process.env.DATABASE_URL = `postgres://nobody:x@127.0.0.1:${await freePort()}/none`;
    resetEnvCache();
    expect(await healthCheck()).toMatchObject({ status: 'unavailable', database: 'down' });
  } finally {
    await closeDb();
    process.env.DATABASE_URL = real;
    resetEnvCache();
  }
  expect(await healthCheck()).toMatchObject({ status: 'ok' });
});
