// kill -9 during dispatch, acceptance, statement building and email sending. A driver process
// (tests/support/kill9-driver.ts) performs real business actions without pause; the job worker
// (`npm run worker`) delivers their mail to a real SMTP peer that takes its time to accept. Both
// are SIGKILLed at seeded random moments (KILL9_SEED=… repeats a run) and started again. At the
// end: every committed message reached the peer under one Message-ID (copies only where a kill
// fell between the hand-off and recording "sent"), nothing from a rolled-back change was sent, no
// business action is half-written, nothing is paid twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { messageIdFor } from '~/modules/mail/mail.server';
import { makeDispatchablePartner } from '../support/dispatch';
import { waitFor } from '../support/smtp';

const seed = Number(process.env.KILL9_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 6;

/** mulberry32, as in the driver. */
function prng(s: number) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  mailId: string;
  messageId: string;
  to: string[];
}

/**
 * A real SMTP peer that answers 250 only after a pause, and keeps a message only if the client
 * was still there to be told: room for a kill before, during and after the hand-off.
 */
async function startSlowSmtpPeer() {
  const received: Received[] = [];
  const closed = new Set<string>();
  const server = new SMTPServer({
    // The app keeps pooled connections open: close them at once when the peer stops.
    closeTimeout: 200,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onClose(session) {
      closed.add(session.id);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (m) => {
          await sleep(100 + Math.floor(Math.random() * 300));
          if (closed.has(session.id)) return callback(new Error('client went away'));
          received.push({
            mailId: String(m.headers.get('x-banso-mail-id')),
            messageId: m.messageId ?? '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A killed client resets its connection: expected here, not an error of the test.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) killGroup(c);
});

function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A process group of its own (tsx runs node as a child), started and ready. */
async function start(args: string[], env: Record<string, string>, ready: string) {
  const child = spawn('node_modules/.bin/tsx', args, {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    `${args[0]} to start`,
    () => out.includes(ready) || child.exitCode !== null,
    90_000,
  );
  if (!out.includes(ready)) throw new Error(`${args[0]} exited:\n${out}`);
  return {
    child,
    output: () => out,
    /** SIGKILL to the whole group; resolves once it is gone. */
    kill: async () => {
      killGroup(child);
      await exited;
      children.delete(child);
    },
  };
}

/** Queries or transactions of the app's connections in flight right now. */
async function inFlight() {
  const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'banso'
        and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')`.execute(db);
  return r.rows[0]!.n;
}

const count = async (q: Promise<{ n: string | number }>) => Number((await q).n);

it('kill -9 of the worker and the app at random points: every committed mail once, nothing half-written, nothing paid twice', async () => {
  console.log(`[kill9] seed ${seed} (KILL9_SEED=${seed} repeats this run)`);
  const smtp = await startSlowSmtpPeer();
  try {
    const counselor = (await makeUser(db, { role: 'counselor', email: 'k9-c@example.org' }))!;
    const staff = (await makeUser(db, { role: 'secretariat', email: 'k9-s@example.org' }))!;
    const partners: { id: string; userId: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await makeDispatchablePartner(`K9P${i}`, i * 2, 100);
      partners.push({ id: p.id, userId: p.userId });
    }
    await db.updateTable('mou').set({ visit_base_fee: 5000 }).execute();

    const startWorker = () =>
      start(['app/bin/worker.ts'], { SMTP_URL: smtp.url }, 'job worker running');
    let driverRun = 0;
    const startDriver = () =>
      start(
        ['tests/support/kill9-driver.ts'],
        {
          KILL9_DRIVER: JSON.stringify({
            seed: seed + ++driverRun,
            counselorId: counselor.id,
            staffId: staff.id,
            partners,
          }),
        },
        'driver ready',
      );

    let [worker, driver] = await Promise.all([startWorker(), startDriver()]);
    const faults = { worker: 0, driver: 0, withWorkInFlight: 0, whileSending: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      await sleep(between(800, 3_000));
      const target = pick(['worker', 'driver', 'both'] as const);
      const busy = await inFlight();
      const sending = await count(
        db
          .selectFrom('outgoing_mail')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('status', '=', 'sending')
          .executeTakeFirstOrThrow(),
      );
      if (target !== 'driver') {
        if (worker.child.exitCode !== null) throw new Error(`worker died:\n${worker.output()}`);
        await worker.kill();
        faults.worker++;
        if (sending) faults.whileSending++;
      }
      if (target !== 'worker') {
        if (driver.child.exitCode !== null) throw new Error(`driver died:\n${driver.output()}`);
        await driver.kill();
        faults.driver++;
      }
      if (busy) faults.withWorkInFlight++;
      console.log(
        `[kill9] round ${round}: SIGKILL ${target} (${busy} queries/transactions in flight, ${sending} mails being sent)`,
      );
      [worker, driver] = await Promise.all([
        target === 'driver' ? worker : startWorker(),
        target === 'worker' ? driver : startDriver(),
      ]);
    }
    await sleep(between(1_000, 3_000));
    await driver.kill();
    faults.driver++;

    // The worker that is left delivers the rest, including mail of the killed workers' jobs. The
    // driver may have queued hundreds of messages for a peer that takes its time: what must not
    // happen is a stall, so the wait fails after 60 s without one more message sent.
    let unsent = Infinity;
    let progressAt = Date.now();
    const drainFrom = Date.now();
    await waitFor(
      'every committed message to be sent (no progress for 60 s)',
      async () => {
        const n = await count(
          db
            .selectFrom('outgoing_mail')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('status', '!=', 'sent')
            .executeTakeFirstOrThrow(),
        );
        if (n < unsent) [unsent, progressAt] = [n, Date.now()];
        if (Date.now() - progressAt > 60_000) throw new Error(`stalled with ${n} unsent`);
        return n === 0;
      },
      600_000,
    )
      .then(() =>
        console.log(
          `[kill9] backlog delivered in ${Math.round((Date.now() - drainFrom) / 1000)} s`,
        ),
      )
      .catch(async (err: Error) => {
        // What was left, and why: the mail rows, their jobs, and what the worker said.
        const left = await sql<{
          id: string;
        }>`select m.id, m.status, m.attempts, m.last_error, j.locked_by,
          j.locked_at, j.attempts job_attempts, j.run_at, j.last_error job_error
        from outgoing_mail m left join graphile_worker.jobs j on j.key = 'mail:' || m.id
        where m.status <> 'sent'`.execute(db);
        const activity = await sql`select application_name, state, wait_event_type, wait_event,
          now() - query_start age, left(query, 120) query from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
        const peer = new Set(smtp.received.map((r) => r.mailId));
        const rows = left.rows.map((r) => ({ ...r, atPeer: peer.has(r.id) }));
        throw new Error(
          `${err.message}\n${JSON.stringify(rows)}\n${JSON.stringify(activity.rows)}\nworker:\n${worker.output().slice(-4000)}`,
        );
      });
    const jobsLeft = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
        where task_identifier = 'send_email'`.execute(db);
    expect(jobsLeft.rows[0]!.n).toBe(0);
    await worker.kill();

    // ---- mail: every committed message exactly once per recipient, by Message-ID ----------
    const mails = await db
      .selectFrom('outgoing_mail')
      .select(['id', 'to_address', 'template', 'message_id', 'attempts', 'text_body'])
      .execute();
    const copies = new Map<string, Received[]>();
    for (const r of smtp.received) copies.set(r.mailId, [...(copies.get(r.mailId) ?? []), r]);
    let resent = 0;
    for (const m of mails) {
      const got = copies.get(m.id) ?? [];
      expect(got.length, `mail ${m.id} (${m.template}) reached the peer`).toBeGreaterThan(0);
      expect(new Set(got.map((g) => g.messageId)), m.id).toEqual(new Set([messageIdFor(m.id)]));
      expect(m.message_id).toBe(messageIdFor(m.id));
      for (const g of got) expect(g.to).toEqual([m.to_address.toLowerCase()]);
      // A second copy only when an attempt was cut off after the hand-off.
      if (got.length > 1) {
        expect(m.attempts, `mail ${m.id} sent ${got.length}×`).toBeGreaterThan(1);
        resent += got.length - 1;
      }
    }
    // Nothing reached the peer that no committed change asked for.
    const known = new Set(mails.map((m) => m.id));
    expect(smtp.received.filter((r) => !known.has(r.mailId))).toEqual([]);

    // ---- business actions: whole, with their events and notifications ----------------------
    const requests = await db
      .selectFrom('accompaniment_request')
      .select(['id', 'reference', 'status', 'accepted_partner_id'])
      .execute();
    const events = await db
      .selectFrom('request_event')
      .select(['request_id', 'type', 'detail'])
      .execute();
    const offers = await db
      .selectFrom('offer')
      .select(['id', 'request_id', 'partner_id', 'status'])
      .execute();
    const mailsWith = (template: string, needle: string) =>
      mails.filter((m) => m.template === template && m.text_body.includes(needle)).length;
    for (const r of requests) {
      const ev = events.filter((e) => e.request_id === r.id);
      const of = offers.filter((o) => o.request_id === r.id);
      expect(
        ev.filter((e) => e.type === 'created'),
        r.reference,
      ).toHaveLength(1);
      // Each offer: its event and its email to the partner, in the same transaction.
      expect(ev.filter((e) => e.type === 'offered').length, r.reference).toBe(of.length);
      for (const o of of) expect(mailsWith('offer_received', `/partner/offers/${o.id}`)).toBe(1);
      const accepted = of.filter((o) => o.status === 'accepted');
      if (['accepted', 'in_progress'].includes(r.status)) {
        expect(
          accepted.map((o) => o.partner_id),
          r.reference,
        ).toEqual([r.accepted_partner_id]);
        expect(
          ev.filter((e) => e.type === 'accepted'),
          r.reference,
        ).toHaveLength(1);
        expect(mailsWith('offer_accepted', `/requests/${r.id}`), r.reference).toBe(1);
        const withdrawn = of.filter((o) => o.status === 'withdrawn');
        expect(ev.filter((e) => e.type === 'withdrawn').length, r.reference).toBe(withdrawn.length);
        expect(mailsWith('offer_withdrawn', r.reference), r.reference).toBe(withdrawn.length);
      } else if (r.status === 'draft') {
        // Created, and the driver killed before it sent offers (two steps, as in the UI).
        expect(of, r.reference).toEqual([]);
      } else {
        expect(r.status, r.reference).toBe('offered');
        expect(accepted, r.reference).toEqual([]);
        expect(
          of.every((o) => o.status === 'pending'),
          r.reference,
        ).toBe(true);
      }
    }
    const visits = await db.selectFrom('visit').select(['id', 'request_id', 'status']).execute();
    for (const v of visits) {
      const ev = events.filter((e) => (e.detail as { visitId?: string }).visitId === v.id);
      expect(
        ev.filter((e) => e.type === 'visit_submitted'),
        v.id,
      ).toHaveLength(1);
      if (v.status === 'approved')
        expect(ev.filter((e) => e.type === 'visit_approved')).toHaveLength(1);
    }

    // ---- payments: nothing twice, no statement out of step with its lines ------------------
    const twice = await sql`select source_key, kind, count(*) from payment_line where live
        group by source_key, kind having count(*) > 1`.execute(db);
    expect(twice.rows).toEqual([]);
    const paidVisits = await sql<{
      visit_id: string;
      n: number;
    }>`select visit_id, count(distinct statement_id)::int as n
        from payment_line where live and visit_id is not null group by visit_id having count(distinct statement_id) > 1`.execute(
      db,
    );
    expect(paidVisits.rows).toEqual([]);
    const statements = await db
      .selectFrom('payment_statement as s')
      .select(['s.id', 's.status', 's.subtotal'])
      .select((eb) =>
        eb
          .selectFrom('payment_line as l')
          .select(sql<string>`coalesce(sum(l.amount), 0)`.as('sum'))
          .whereRef('l.statement_id', '=', 's.id')
          .where('l.live', '=', true)
          .as('lines'),
      )
      .execute();
    for (const s of statements) {
      expect(Number(s.lines), s.id).toBe(s.subtotal);
      expect(s.subtotal, s.id).toBeGreaterThan(0);
      if (s.status === 'approved')
        expect(mailsWith('statement_approved', `/partner/statements/${s.id}`), s.id).toBe(1);
    }

    const figures = {
      seed,
      faults: faults.worker + faults.driver,
      workerKills: faults.worker,
      driverKills: faults.driver,
      killsWithQueriesInFlight: faults.withWorkInFlight,
      workerKillsWhileSending: faults.whileSending,
      messagesChecked: mails.length,
      copiesAtPeer: smtp.received.length,
      resentSameMessageId: resent,
      requests: requests.length,
      offers: offers.length,
      visits: visits.length,
      statements: statements.length,
    };
    console.log(`[kill9] ${JSON.stringify(figures)}`);
    // The run did real work on every front.
    expect(requests.length).toBeGreaterThan(0);
    expect(offers.filter((o) => o.status === 'accepted').length).toBeGreaterThan(0);
    expect(mails.length).toBeGreaterThan(0);
  } finally {
    await smtp.close();
  }
}, 900_000);

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)]!;
}
