// WEB_CONCURRENCY: the production server forks HTTP processes that share one port and one
// PostgreSQL. A signed-in user is served whichever process answers; a process that dies is
// replaced while the others keep serving; SIGTERM stops them all and the primary exits 0.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { freePort } from '../support/net';
import { childrenOf } from '../support/processes';
import { waitFor } from '../support/smtp';

let app: ChildProcess;
let out = '';
let base: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A GET on a new connection each time (a kept-alive one may belong to a killed process). */
function get(path: string, cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      base + path,
      { agent: false, headers: cookie ? { cookie } : {}, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // node itself (not the tsx launcher), so the forked HTTP processes are its children.
  app = spawn(process.execPath, ['--import', 'tsx', 'app/bin/serve.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: base,
      WEB_CONCURRENCY: '2',
      RUN_WORKER: 'false',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.on('data', (d) => (out += d));
  app.stderr!.on('data', (d) => (out += d));
  await waitFor(
    'both HTTP processes to listen',
    () => (out.match(/app listening/g) ?? []).length >= 2,
    120_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${out.slice(-3000)}`);
  });
}, 240_000);

afterAll(async () => {
  if (app?.exitCode === null && app.signalCode === null) {
    for (const pid of childrenOf(app.pid!)) process.kill(pid, 'SIGKILL');
    app.kill('SIGKILL');
  }
});

it('serves one signed-in user from every process, replaces a dead one, and stops cleanly', async () => {
  try {
    await scenario();
  } catch (e) {
    // The server's own account of what happened, beside the failed expectation.
    if (e instanceof Error) e.message += `\n--- server output ---\n${out.slice(-4000)}`;
    throw e;
  }
}, 120_000);

async function scenario() {
  const primary = app.pid!;
  const first = childrenOf(primary);
  expect(first).toHaveLength(2);

  const user = (await makeUser(db, { role: 'counselor', email: 'web-concurrency@example.org' }))!;
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base },
    body: new URLSearchParams({ email: user.email, password: user.password }),
  });
  expect(login.status).toBe(302);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  // Connections are spread over both processes: every one knows the session (it is in
  // PostgreSQL), and none serves an anonymous visitor the page.
  const statuses = await Promise.all(Array.from({ length: 20 }, () => get('/counselor', cookie)));
  expect(statuses).toEqual(Array(20).fill(200));
  expect(await get('/counselor')).toBe(302);

  // One HTTP process dies: the other keeps serving, and a new one takes its place.
  process.kill(first[0]!, 'SIGKILL');
  // (A connection handed to it in the instant before the primary saw it die is lost, as with
  // any crash; from then on the survivor takes every connection.)
  await waitFor('the primary to see it exit', () => out.includes(`process ${first[0]} exited`));
  expect(await Promise.all(Array.from({ length: 5 }, () => get('/healthz')))).toEqual(
    Array(5).fill(200),
  );
  const replaced = await waitFor(
    'a replacement process',
    () => {
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(first[0]!) ? now : null;
    },
    30_000,
  );
  expect(replaced).toContain(first[1]);
  await waitFor('the replacement to listen', () => (out.match(/app listening/g) ?? []).length >= 3);
  expect(await get('/counselor', cookie)).toBe(200);

  // SIGTERM: every HTTP process stops, then the primary, with exit code 0.
  const exited = new Promise<number | null>((r) => app.once('exit', (code) => r(code)));
  app.kill('SIGTERM');
  expect(await exited).toBe(0);
  // (a child the primary has not reaped yet is a zombie that still answers signal 0)
  await waitFor('every HTTP process to be gone', () => replaced.filter(alive).length === 0, 10_000);
}
