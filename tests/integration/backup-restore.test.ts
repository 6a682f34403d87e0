// `npm run admin -- backup FILE` / `restore FILE [--force]` on a real PostgreSQL: a round trip
// restores every row, sequence, trigger and index; a non-empty database is refused without
// --force; a broken archive changes nothing (one transaction); another major version of pg_dump
// is refused by name. The round trip runs on the test server when its pg_dump is installed (CI's
// Debian PostgreSQL 15 pass), otherwise on a throw-away cluster of the system's PostgreSQL.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, db } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { findTool, serverMajor } from '~/lib/pg-tools.server';
import { makeUser } from '~/modules/demo/factories.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { approveStatement, buildStatement } from '~/modules/payments/payments.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { tokyoInstant } from '~/modules/visits/visit-schema';
import { reviewVisit } from '~/modules/visits/visits.server';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { loadReferenceData } from '../../db/reference';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { adminQuery, withDatabase } from '../support/global-setup';
import { startSystemPostgres } from '../support/system-pg';

const exec = promisify(execFile);

async function admin(databaseUrl: string, ...args: string[]) {
  try {
    // tsx without npx: a second less per run, and no npm warnings on stderr.
    const { stdout, stderr } = await exec('node_modules/.bin/tsx', ['app/bin/admin.ts', ...args], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function query<T extends pg.QueryResultRow>(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Everything a restore must bring back: per table its row count and a digest of all its rows;
 * sequence positions; triggers, indexes and constraints by definition.
 */
async function snapshot(url: string) {
  const tables = await query<{ name: string }>(
    url,
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname in ('public', 'graphile_worker')
      order by 1`,
  );
  const rows: Record<string, { n: number; digest: string | null }> = {};
  for (const { name } of tables) {
    const [r] = await query<{ n: number; digest: string | null }>(
      url,
      `select count(*)::int as n, md5(string_agg(t::text, E'\\n' order by t::text)) as digest
         from ${name} t`,
    );
    rows[name] = r!;
  }
  const sequences: Record<string, string> = {};
  for (const { name } of await query<{ name: string }>(
    url,
    `select format('%I.%I', schemaname, sequencename) as name from pg_sequences
      where schemaname in ('public', 'graphile_worker') order by 1`,
  )) {
    const [s] = await query<{ v: string }>(
      url,
      `select last_value || '/' || is_called as v from ${name}`,
    );
    sequences[name] = s!.v;
  }
  const definitions = await query<{ d: string }>(
    url,
    `select pg_get_triggerdef(t.oid) as d from pg_trigger t
       join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname in ('public', 'graphile_worker')
     union all
     select indexdef from pg_indexes where schemaname in ('public', 'graphile_worker')
     union all
     select conrelid::regclass || ' ' || pg_get_constraintdef(oid) from pg_constraint
      where connamespace in ('public'::regnamespace, 'graphile_worker'::regnamespace)
     order by 1`,
  );
  return { rows, sequences, definitions: definitions.map((r) => r.d) };
}

const testDbUrl = process.env.DATABASE_URL!;
let sourceUrl: string;
let targetUrl: string;
let serverUrl: (database: string) => string;
let stopServer: (() => Promise<void>) | undefined;
let dir: string;
let testServerMajor: number;
let testServerHasPgDump: boolean;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'banso-backup-'));
  testServerMajor = await serverMajor(db);
  testServerHasPgDump = await findTool('pg_dump', testServerMajor).then(
    () => true,
    () => false,
  );
  if (testServerHasPgDump) {
    const adminUrl = inject('adminDatabaseUrl');
    serverUrl = (database) => withDatabase(adminUrl, database);
  } else {
    // The embedded server (18) has no pg_dump in its package: use the system's PostgreSQL.
    const server = await startSystemPostgres();
    stopServer = server.stop;
    serverUrl = server.url;
  }
  const suffix = `${process.pid}_${Date.now()}`;
  const source = `banso_backup_src_${suffix}`;
  const target = `banso_backup_dst_${suffix}`;
  const postgres = serverUrl('postgres');
  await adminQuery(postgres, `create database ${source}`);
  await adminQuery(postgres, `create database ${target}`);
  sourceUrl = serverUrl(source);
  targetUrl = serverUrl(target);
  const { db: sourceDb, pool } = createDb(sourceUrl, 2);
  try {
    await migrateToLatest(sourceDb, pool);
    await loadReferenceData(sourceDb);
  } finally {
    await sourceDb.destroy();
  }
  // The app's modules write to the source database from here on.
  await closeDb();
  process.env.DATABASE_URL = sourceUrl;
  resetEnvCache();
  await seedBusinessData();
}, 120_000);

afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = testDbUrl;
  resetEnvCache();
  for (const url of [sourceUrl, targetUrl])
    if (url) {
      const name = new URL(url).pathname.slice(1);
      await adminQuery(serverUrl('postgres'), `drop database if exists ${name} with (force)`);
    }
  await stopServer?.();
  await fs.rm(dir, { recursive: true, force: true });
});

/** Partners, a dispatched and accepted request, an approved visit, an approved statement. */
async function seedBusinessData() {
  const counselor = (await makeUser(db, { role: 'counselor', email: 'bk-c@example.org' }))!;
  const staff = (await makeUser(db, { role: 'secretariat', email: 'bk-s@example.org' }))!;
  const p1 = await makeDispatchablePartner('BK1');
  const p2 = await makeDispatchablePartner('BK2', 3);
  await db
    .updateTable('mou')
    .set({ visit_base_fee: 5000 })
    .where('partner_id', '=', p1.id)
    .execute();
  const r = await makeRequest(counselor.id);
  await db
    .transaction()
    .execute((tx) => sendOffers(tx, r.id, [p1.id, p2.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', r.id)
    .where('partner_id', '=', p1.id)
    .executeTakeFirstOrThrow();
  expect(await acceptOffer(offer.id, { id: p1.userId, partnerId: p1.id })).toEqual({ ok: true });
  const today = tokyoToday();
  const visit = await db
    .insertInto('visit')
    .values({
      request_id: r.id,
      partner_id: p1.id,
      visit_date: today,
      starts_at: tokyoInstant(today, '10:00'),
      ends_at: tokyoInstant(today, '12:00'),
      place: '天草中央総合病院',
      activities: '受診に同行した。',
      interpreter_minutes: 30,
      status: 'submitted',
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
  await db
    .transaction()
    .execute((tx) =>
      reviewVisit(
        tx,
        visit.id,
        { intent: 'approve', comment: '', version: visit.version },
        { userId: staff.id },
      ),
    );
  const built = await db
    .transaction()
    .execute((tx) => buildStatement(tx, p1.id, today.slice(0, 7), { userId: staff.id }));
  expect(built.outcome).toBe('created');
  await db
    .transaction()
    .execute((tx) => approveStatement(tx, built.statementId!, { userId: staff.id }));
}

describe('npm run admin -- backup / restore', () => {
  it('explains wrong usage before touching the database', async () => {
    const noFile = await admin(testDbUrl, 'backup');
    expect(noFile.code).toBe(64);
    expect(noFile.stderr).toContain('backup needs exactly one FILE');
    const noDir = await admin(testDbUrl, 'backup', path.join(dir, 'missing', 'x.dump'));
    expect(noDir.code).toBe(64);
    expect(noDir.stderr).toContain('is not a directory');
    const missing = await admin(testDbUrl, 'restore', path.join(dir, 'nothing.dump'));
    expect(missing.code, missing.stderr).toBe(64);
    expect(missing.stderr).toContain('cannot read');
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(text, 'not a dump');
    const notDump = await admin(testDbUrl, 'restore', text);
    expect(notDump.code).toBe(65);
    expect(notDump.stderr).toContain('is not a backup made by `npm run admin -- backup`');
  }, 60_000);

  it('refuses a pg_dump of another major version, naming both', async (ctx) => {
    // Only where the test server's own pg_dump is missing (the embedded PostgreSQL 18).
    if (testServerHasPgDump) ctx.skip();
    const file = path.join(dir, 'mismatch.dump');
    const r = await admin(testDbUrl, 'backup', file);
    expect(r.code, r.stderr).toBe(69);
    expect(r.stderr).toContain(
      `the database server is PostgreSQL ${testServerMajor}, but no pg_dump ${testServerMajor} was found`,
    );
    await expect(fs.stat(file)).rejects.toThrow();
  }, 60_000);

  it('round trip: every row, sequence, trigger and index comes back; the audit log stays append-only', async () => {
    const before = await snapshot(sourceUrl);
    // The data the round trip must carry is really there.
    for (const t of [
      'public.partner',
      'public.accompaniment_request',
      'public.request_event',
      'public.offer',
      'public.visit',
      'public.payment_statement',
      'public.payment_line',
      'public.audit_log',
      'public.outgoing_mail',
    ])
      expect(before.rows[t]!.n, t).toBeGreaterThan(0);

    const file = path.join(dir, 'banso.dump');
    const b = await admin(sourceUrl, 'backup', file);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain(`backup written to ${file}`);
    expect((await fs.readFile(file)).subarray(0, 5).toString()).toBe('PGDMP');

    const r = await admin(targetUrl, 'restore', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`restored ${file}`);
    expect(await snapshot(targetUrl)).toEqual(before);

    // ⚑ The append-only audit log is still append-only in the restored database.
    for (const statement of [
      `update audit_log set action = 'tampered'`,
      `delete from audit_log`,
      `truncate audit_log`,
    ])
      await expect(query(targetUrl, statement)).rejects.toThrow('audit_log is append-only');
    // ⚑ …and a visit is still paid at most once.
    await expect(
      query(
        targetUrl,
        `insert into payment_line (statement_id, kind, source_key, visit_id, work_date, mou_id,
           quantity, unit, unit_price, amount, taxable, note)
         select statement_id, kind, source_key, visit_id, work_date, mou_id, quantity, unit,
           unit_price, amount, taxable, note from payment_line limit 1`,
      ),
    ).rejects.toThrow();

    // A database with tables is not overwritten without --force.
    const again = await admin(targetUrl, 'restore', file);
    expect(again.code, again.stderr).toBe(65);
    expect(again.stderr).toMatch(/the database is not empty \(\d+ tables\).*--force/);

    // Wipe and alter the restored copy; --force puts it back exactly as backed up.
    await query(targetUrl, `update partner set name = '改ざん'`);
    await query(targetUrl, `delete from outgoing_mail`);
    await query(targetUrl, `delete from request_event`);
    await query(targetUrl, `drop table payment_night`);
    expect(await snapshot(targetUrl)).not.toEqual(before);
    const forced = await admin(targetUrl, 'restore', file, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('replaced the objects of a database that had');
    expect(await snapshot(targetUrl)).toEqual(before);
  }, 180_000);

  it('a restore that fails half-way leaves the database as it was (one transaction)', async () => {
    const file = path.join(dir, 'banso.dump');
    const whole = await fs.readFile(file).catch(async () => {
      expect((await admin(sourceUrl, 'backup', file)).code).toBe(0);
      return fs.readFile(file);
    });
    const broken = path.join(dir, 'broken.dump');
    await fs.writeFile(broken, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await query(targetUrl, `update partner set name = '復元前'`);
    const before = await snapshot(targetUrl);
    const r = await admin(targetUrl, 'restore', broken, '--force');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('pg_restore failed');
    expect(await snapshot(targetUrl)).toEqual(before);
  }, 120_000);
});
