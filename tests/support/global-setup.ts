import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/connection';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { freePort } from './net';
import { loadReferenceData } from '../../db/reference';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * One real PostgreSQL for the run: TEST_DATABASE_URL (any server where databases may be created)
 * or an embedded one. A template database is migrated once; every test file then gets its own
 * copy (tests/support/setup-database.ts), so workers never share state.
 */
export default async function setup(project: TestProject) {
  await ensureProductionBuild();
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    // A throw-away server per run, on a free port: parallel runs (two checkouts, CI beside a
    // developer) never share or stop each other's database.
    const dataDir = path.resolve(`.data/test-pg-${process.pid}`);
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = server.connectionString('postgres');
    stop = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const template = `banso_template_${process.pid}`;
  await adminQuery(adminUrl, `drop database if exists ${template} with (force)`);
  await adminQuery(adminUrl, `create database ${template}`);
  const { db, pool } = createDb(withDatabase(adminUrl, template), 2);
  try {
    await migrateToLatest(db, pool);
    await loadReferenceData(db);
  } finally {
    await db.destroy();
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await adminQuery(adminUrl, `drop database if exists ${template} with (force)`);
    await stop?.();
  };
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Tests that start the production server (pg-restart, web-concurrency, kill9) need a production
 * build: a development one (`npm run dev`'s, or one made under vitest's NODE_ENV=test) renders
 * with jsxDEV, which production React does not have, and every page answers 500. Built once
 * here, before any test file runs, so no two files build at the same time.
 */
async function ensureProductionBuild() {
  const file = 'build/index.js';
  if (existsSync(file) && !readFileSync(file, 'utf8').includes('jsxDEV')) return;
  await promisify(execFile)('npx', ['remix', 'build'], {
    timeout: 600_000,
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
