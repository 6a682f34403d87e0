import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { startCascade } from '~/modules/dispatch/cascade.server';
import { declineOffer } from '~/modules/dispatch/requests.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { waitFor } from '../support/smtp';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.pid && c.exitCode === null) kill(c, 'SIGTERM');
});

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  // npx starts node as a grandchild: signal the whole process group.
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** `npm run worker` as its own process group, on this test file's database. */
async function startWorkerProcess(env: Record<string, string> = {}) {
  const child = spawn('npx', ['tsx', 'app/bin/worker.ts'], {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await waitFor('the worker to start', () => out.includes('job worker running'), 60_000);
  return child;
}

const offers = (requestId: string) =>
  db
    .selectFrom('offer')
    .select(['id', 'partner_id', 'status'])
    .where('request_id', '=', requestId)
    .orderBy('sent_at')
    .execute();

it('kill -9 of the worker in the middle of a cascade step loses no step and repeats none', async () => {
  const counselor = (await makeUser(db, { role: 'counselor', email: 'crash@example.org' }))!;
  const ps = [];
  for (let i = 0; i < 3; i++) ps.push(await makeDispatchablePartner(`CRASH${i}`, i * 3));
  const r = await makeRequest(counselor.id);
  await db.transaction().execute((tx) => startCascade(tx, r.id, 1, { userId: counselor.id }));
  expect((await offers(r.id)).map((o) => o.partner_id)).toEqual([ps[0].id]);

  // A worker whose cascade steps hold their transaction open for 8 s: room to kill it inside one.
  const slow = await startWorkerProcess({ CASCADE_STEP_DELAY_MS: '8000' });
  const [first] = await offers(r.id);
  await declineOffer(first.id, { id: ps[0].userId, partnerId: ps[0].id }, '');
  await waitFor(
    'the step to be inside its transaction',
    async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'idle in transaction'`.execute(db)
      ).rows[0].n > 0,
    20_000,
  );
  kill(slow, 'SIGKILL');
  await waitFor(
    'PostgreSQL to roll the step back',
    async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'idle in transaction'`.execute(db)
      ).rows[0].n === 0,
    20_000,
  );
  // The half-done step left nothing: the second partner has no offer yet.
  expect((await offers(r.id)).map((o) => [o.partner_id, o.status])).toEqual([
    [ps[0].id, 'declined'],
  ]);

  // A new worker resumes the cascade at once: the second partner, exactly once.
  await startWorkerProcess();
  await waitFor('the step to resume', async () => (await offers(r.id)).length === 2, 30_000);
  const second = (await offers(r.id))[1];
  expect(second).toMatchObject({ partner_id: ps[1].id, status: 'pending' });

  // …and it goes on: a decline reaches the third, then the cascade ends with one alert.
  await declineOffer(second.id, { id: ps[1].userId, partnerId: ps[1].id }, '');
  await waitFor('the third offer', async () => (await offers(r.id)).length === 3, 30_000);
  const third = (await offers(r.id))[2];
  expect(third.partner_id).toBe(ps[2].id);
  await declineOffer(third.id, { id: ps[2].userId, partnerId: ps[2].id }, '');
  await waitFor(
    'the cascade to end',
    async () =>
      (
        await db
          .selectFrom('offer_cascade')
          .select('status')
          .where('request_id', '=', r.id)
          .executeTakeFirstOrThrow()
      ).status === 'exhausted',
    30_000,
  );
  const all = await offers(r.id);
  expect(all.map((o) => o.partner_id)).toEqual(ps.map((p) => p.id));
  const alerts = await db
    .selectFrom('outgoing_mail')
    .select('id')
    .where('template', '=', 'cascade_ended')
    .where('to_address', '=', counselor.email)
    .execute();
  expect(alerts).toHaveLength(1);
}, 180_000);
