/**
 * `npm run bench:scale-out`: two stateless app instances and two job workers against one
 * PostgreSQL, on this machine. Shows (and measures) that a session made on one instance is
 * served and ended by the other, that each job runs exactly once whichever worker takes it, and
 * the throughput of one instance against two. Uses the benchmark database (.data/bench-pg; run
 * `npm run bench` first for national-scale data, or it works on an empty one) or
 * BENCH_DATABASE_URL. Writes bench/scale-out.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { createDb } from '../../db/connection';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { loadReferenceData } from '../../db/reference';
import { freePort, round, startNode, stopChild, summary } from './lib';

const EMAILS = 500;
const LOAD_SECONDS = Number(process.env.SCALE_LOAD_SECONDS ?? 15);
const PASSWORD = 'scale-out-bench-2026';

async function main() {
  let url = process.env.BENCH_DATABASE_URL;
  let stopPg = async () => {};
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: path.resolve('.data/bench-pg'),
      port: Number(process.env.BENCH_PG_PORT ?? 54349),
      database: 'bench',
      log: (l) => console.log(`[bench-pg] ${l}`),
    });
    url = server.connectionString('bench');
    stopPg = server.stop;
  }
  process.env.DATABASE_URL = url;
  const { db, pool } = createDb(url, 4);
  await migrateToLatest(db, pool);
  if (!(await db.selectFrom('municipality').select('code').limit(1).executeTakeFirst()))
    await loadReferenceData(db);
  const { hashPassword } = await import('~/modules/auth/password.server');
  const { enqueueEmail } = await import('~/modules/mail/mail.server');
  const { closeDb } = await import('~/lib/db.server');
  const email = 'scale-counselor@bench.example';
  await db
    .insertInto('app_user')
    .values({
      email,
      name: 'スケール 確認',
      role: 'counselor',
      status: 'active',
      password_hash: await hashPassword(PASSWORD),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();

  // The SMTP peer tells the workers apart by their envelope sender.
  const received: { id: string; from: string }[] = [];
  const smtp = new SMTPServer({
    // The app keeps pooled connections open: close them at once when the peer stops.
    closeTimeout: 200,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      let head = '';
      stream.on('data', (d: Buffer) => {
        if (head.length < 4000) head += d.toString();
      });
      stream.on('end', () => {
        const id = /X-Banso-Mail-Id: ([0-9a-f-]+)/i.exec(head)?.[1] ?? '?';
        received.push({
          id,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        });
        cb();
      });
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));

  const [portA, portB] = [await freePort(), await freePort()];
  const appEnv = (port: number) => ({
    DATABASE_URL: url!,
    PORT: String(port),
    HOST: '127.0.0.1',
    // One public address in front of both (as behind a load balancer).
    APP_URL: `http://127.0.0.1:${portA}`,
    NODE_ENV: 'production',
    RUN_WORKER: 'false',
    SEED_DEMO: 'false',
  });
  const workerEnv = (name: string) => ({
    DATABASE_URL: url!,
    NODE_ENV: 'production',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_FROM: `${name}@bench.example`,
  });
  const children = await Promise.all([
    startNode('app/bin/serve.ts', appEnv(portA), /app listening/, 'app-a'),
    startNode('app/bin/serve.ts', appEnv(portB), /app listening/, 'app-b'),
    startNode('app/bin/worker.ts', workerEnv('worker-a'), /job worker running/, 'worker-a'),
    startNode('app/bin/worker.ts', workerEnv('worker-b'), /job worker running/, 'worker-b'),
  ]);
  const A = `http://127.0.0.1:${portA}`;
  const B = `http://127.0.0.1:${portB}`;
  const out: Record<string, unknown> = { at: new Date().toISOString() };
  try {
    // 1. Log in on A; B serves the same session; logging out on B ends it on A too.
    const login = await fetch(`${A}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: A },
      body: new URLSearchParams({ email, password: PASSWORD, redirectTo: '' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const onB = await fetch(`${B}/counselor`, { headers: { cookie }, redirect: 'manual' });
    const bodyB = await onB.text();
    const logout = await fetch(`${B}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: B },
    });
    const afterOnA = await fetch(`${A}/counselor`, { headers: { cookie }, redirect: 'manual' });
    out.session = {
      login_on_a: login.status,
      cookie_set: cookie.startsWith('banso_session='),
      board_on_b: onB.status,
      b_knows_the_user: bodyB.includes('スケール'),
      logout_on_b: logout.status,
      a_after_logout: afterOnA.status,
      a_redirects_to_login: (afterOnA.headers.get('location') ?? '').startsWith('/login'),
    };
    console.table([out.session]);

    // 2. Jobs run once: 500 emails committed, two workers competing for them.
    const before = received.length;
    const ids: string[] = [];
    for (let i = 0; i < EMAILS; i++)
      ids.push(
        await db.transaction().execute((tx) =>
          enqueueEmail(tx, {
            template: 'password_reset',
            to: `scale${i}@bench.example`,
            locale: 'ja',
            data: {
              name: 'Scale',
              url: `${A}/reset-password/x`,
              expiresAt: { ja: '1時間', en: '1 hour' },
            },
          }),
        ),
      );
    const deadline = Date.now() + 120_000;
    const mine = () => received.slice(before).filter((r) => ids.includes(r.id));
    while (mine().length < EMAILS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000)); // a late duplicate would show up here
    const got = mine();
    const unique = new Set(got.map((r) => r.id));
    const sentRows = await db
      .selectFrom('outgoing_mail')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('id', 'in', ids)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    out.jobs = {
      emails_committed: EMAILS,
      received: got.length,
      distinct: unique.size,
      duplicates: got.length - unique.size,
      marked_sent: Number(sentRows.n),
      by_worker_a: got.filter((r) => r.from.startsWith('worker-a')).length,
      by_worker_b: got.filter((r) => r.from.startsWith('worker-b')).length,
    };
    console.table([out.jobs]);

    // 3. Throughput of the board: one instance, then both at once (50 connections in all).
    const session = (
      await fetch(`${A}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: A },
        body: new URLSearchParams({ email, password: PASSWORD, redirectTo: '' }),
      })
    ).headers
      .get('set-cookie')!
      .split(';')[0];
    const run = (base: string, connections: number) =>
      new Promise<{ rps: number; p95: number; errors: number }>((resolve, reject) => {
        const lat: number[] = [];
        const inst = autocannon(
          {
            url: `${base}/counselor`,
            connections,
            duration: LOAD_SECONDS,
            headers: { cookie: session },
          },
          (err, r) =>
            err
              ? reject(err)
              : resolve({
                  rps: r.requests.average,
                  p95: summary(lat).p95_ms,
                  errors: r.non2xx + r.errors,
                }),
        );
        inst.on('response', (_c: unknown, _s: number, _b: number, ms: number) => lat.push(ms));
      });
    const one = await run(A, 50);
    const [a, b] = await Promise.all([run(A, 25), run(B, 25)]);
    out.throughput = {
      one_instance_rps: round(one.rps),
      one_instance_p95_ms: one.p95,
      two_instances_rps: round(a.rps + b.rps),
      two_instances_p95_ms: Math.max(a.p95, b.p95),
      errors: one.errors + a.errors + b.errors,
      cpus: (await import('node:os')).cpus().length,
    };
    console.table([out.throughput]);
    await sql`select 1`.execute(db);
  } finally {
    await Promise.all(children.map(stopChild));
    await new Promise<void>((r) => smtp.close(() => r()));
    mkdirSync('bench', { recursive: true });
    writeFileSync('bench/scale-out.json', JSON.stringify(out, null, 2));
    console.log('written bench/scale-out.json');
    await db.destroy();
    await closeDb();
    await stopPg();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
