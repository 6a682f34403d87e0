// PostgreSQL restarted under load. The real production server (tsx app/bin/serve.ts, worker
// in-process) runs on a PostgreSQL of its own; counselors keep creating requests through the real
// form action while the database is stopped (fast shutdown) and started again. Meanwhile /healthz
// answers 503 and requests fail cleanly (5xx, none hangs, the process survives); afterwards the
// same process answers 200 and serves again, and every request acknowledged to the user (the
// redirect to its page) is in the database with its event.
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeDb, db } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { makeUser } from '~/modules/demo/factories.server';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../db/embedded';
import { tokyoLocal } from '../support/dispatch';
import { freePort } from '../support/net';
import { waitFor } from '../support/smtp';

const testDbUrl = process.env.DATABASE_URL!;
const dataDir = path.resolve(`.data/test-pg-restart-${process.pid}`);
let pgPort: number;
let pg: EmbeddedServer;
let app: ChildProcess;
let appOutput = '';
let base: string;
let cookie: string;

const startPg = () =>
  startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort, database: 'banso' });

beforeAll(async () => {
  pgPort = await freePort();
  pg = await startPg();
  const url = pg.connectionString('banso');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn('node_modules/.bin/tsx', ['app/bin/serve.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: base,
      DATABASE_URL: url,
      DATA_DIR: path.relative(process.cwd(), dataDir),
      RUN_WORKER: 'true',
      SEED_DEMO: 'false',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (d) => (appOutput += d));
  app.stderr!.on('data', (d) => (appOutput += d));
  await waitFor('the app to answer /healthz', async () => (await health()) === 200, 120_000).catch(
    (e: Error) => {
      throw new Error(`${e.message}\n${appOutput.slice(-3000)}`);
    },
  );
  // The app migrated its database; this file's modules use it from here on.
  await closeDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
  const counselor = (await makeUser(db, { role: 'counselor', email: 'restart@example.org' }))!;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base },
    body: new URLSearchParams({ email: counselor.email, password: counselor.password }),
  });
  expect(login.status).toBe(302);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
}, 240_000);

afterAll(async () => {
  if (app?.pid && app.exitCode === null) {
    try {
      process.kill(-app.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitFor(
      'the app to stop',
      () => app.exitCode !== null || app.signalCode !== null,
      20_000,
    ).catch(() => process.kill(-app.pid!, 'SIGKILL'));
  }
  await closeDb();
  process.env.DATABASE_URL = testDbUrl;
  resetEnvCache();
  await pg?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

async function health(): Promise<number | null> {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return null;
  }
}

type Phase = 'before' | 'down' | 'after';
interface Outcome {
  phase: Phase;
  caseCode: string;
  /** HTTP status, or what went wrong below HTTP. */
  status: number | 'timeout' | 'network';
  requestId: string | null;
}

/** One request through the real form action, as a browser without JavaScript sends it. */
async function createRequest(caseCode: string, phase: Phase): Promise<Outcome> {
  const start = new Date(Date.now() + 72 * 3_600_000);
  const body = new URLSearchParams({
    caseCode,
    category: 'hospital',
    workerLanguage: 'vi',
    interpreterNeeded: 'on',
    urgency: 'normal',
    municipalityCode: '432156',
    windowStart: tokyoLocal(start),
    windowEnd: tokyoLocal(new Date(start.getTime() + 2 * 3_600_000)),
    summary: '通院同行',
    details: '詳細',
    consent: 'on',
  });
  try {
    const res = await fetch(`${base}/requests/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: base, Cookie: cookie },
      body,
      // A bound, not a measurement: a request must end, one way or the other.
      signal: AbortSignal.timeout(30_000),
    });
    await res.body?.cancel();
    const location = res.headers.get('location') ?? '';
    const id = /^\/requests\/([0-9a-f-]{36})\?created=1$/.exec(location)?.[1] ?? null;
    return { phase, caseCode, status: res.status, requestId: res.status === 302 ? id : null };
  } catch (e) {
    const timeout = (e as Error).name === 'TimeoutError';
    return { phase, caseCode, status: timeout ? 'timeout' : 'network', requestId: null };
  }
}

it('PostgreSQL stopped and started under load: 503 meanwhile, recovery without restart, no acknowledged request lost', async () => {
  const outcomes: Outcome[] = [];
  let phase: Phase = 'before';
  let stop = false;
  const client = async (n: number) => {
    for (let i = 1; !stop; i++) {
      const o = await createRequest(`PGR-${n}-${i}`, phase);
      outcomes.push(o);
      // While the database is away requests fail at once: do not spin.
      if (o.status !== 302) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const acks = (p: Phase) => outcomes.filter((o) => o.phase === p && o.requestId).length;
  const clients = [1, 2, 3, 4].map(client);

  await waitFor('requests acknowledged before the restart', () => acks('before') >= 8, 60_000);
  const pid = app.pid;
  phase = 'down';
  await pg.stop();

  // Down: the health check says so, and requests fail cleanly instead of hanging.
  const down = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
  expect(down.status).toBe(503);
  expect(await down.json()).toMatchObject({ status: 'unavailable', database: 'down' });
  await waitFor(
    'requests to fail during the outage',
    () => outcomes.filter((o) => o.phase === 'down' && o.status !== 302).length >= 8,
    60_000,
  );
  expect(await health()).toBe(503);

  pg = await startPg();
  phase = 'after';
  await waitFor('/healthz to recover', async () => (await health()) === 200, 60_000);
  await waitFor('requests acknowledged after the restart', () => acks('after') >= 8, 60_000);
  stop = true;
  await Promise.all(clients);

  // The same process, never restarted.
  expect(app.exitCode).toBeNull();
  expect(app.signalCode).toBeNull();
  expect(app.pid).toBe(pid);

  const counts = (p: Phase) => {
    const mine = outcomes.filter((o) => o.phase === p);
    return {
      acknowledged: mine.filter((o) => o.requestId).length,
      failed: mine.filter((o) => !o.requestId).length,
    };
  };
  console.log(
    `[pg-restart] before ${JSON.stringify(counts('before'))}, down ${JSON.stringify(counts('down'))}, after ${JSON.stringify(counts('after'))}`,
  );
  // Every answer was an acknowledgement or a server error: never a hang, a dropped connection,
  // a redirect to the login page (the session survives) or anything else.
  const unexpected = outcomes.filter(
    (o) => !o.requestId && !(typeof o.status === 'number' && o.status >= 500),
  );
  expect(unexpected).toEqual([]);
  expect(counts('down').failed).toBeGreaterThan(0);

  // ⚑ Nothing acknowledged was lost: each request is there, with its 'created' event.
  const acknowledged = outcomes.filter((o) => o.requestId);
  const stored = await db
    .selectFrom('accompaniment_request as r')
    .select(['r.id', 'r.case_code'])
    .select((eb) =>
      eb
        .selectFrom('request_event as e')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('e.request_id', '=', 'r.id')
        .where('e.type', '=', 'created')
        .as('created_events'),
    )
    .where(
      'r.id',
      'in',
      acknowledged.map((o) => o.requestId!),
    )
    .execute();
  const byId = new Map(stored.map((r) => [r.id, r]));
  for (const o of acknowledged) {
    expect(byId.get(o.requestId!), o.caseCode).toMatchObject({ case_code: o.caseCode });
    expect(Number(byId.get(o.requestId!)!.created_events), o.caseCode).toBe(1);
  }
  // No request exists twice, and no failed request was half-written (a request without event).
  const all = await db
    .selectFrom('accompaniment_request as r')
    .select(['r.case_code'])
    .where('r.case_code', 'like', 'PGR-%')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('request_event as e').select('e.id').whereRef('e.request_id', '=', 'r.id'),
        ),
      ),
    )
    .execute();
  expect(all).toEqual([]);
}, 300_000);
