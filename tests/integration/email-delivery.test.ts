import { Logger, type Runner } from 'graphile-worker';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { db, pool } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { startWorker } from '~/lib/worker.server';
import { deliverMail, enqueueEmail, retryMail } from '~/modules/mail/mail.server';
import { freePort, startSmtpPeer, waitFor } from '../support/smtp';

// Worker errors (an unreachable SMTP peer) are expected here; keep them out of console.error.
const workerLog: string[] = [];
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') workerLog.push(message);
});

const runners: Runner[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  for (const c of cleanups.splice(0)) await c();
  delete process.env.SMTP_URL;
  resetEnvCache();
});

async function worker() {
  const r = await startWorker({ pool: pool(), concurrency: 2, logger, pollInterval: 100 });
  runners.push(r);
  return r;
}

function useSmtp(url: string) {
  process.env.SMTP_URL = url;
  resetEnvCache();
}

async function queueInvitation(to: string) {
  return db.transaction().execute((tx) =>
    enqueueEmail(tx, {
      template: 'invitation',
      to,
      locale: 'ja',
      data: {
        name: '受信 花子',
        inviterName: '事務局',
        roleLabel: { ja: '相談員', en: 'Counselor' },
        url: 'http://localhost:3000/invite/abc',
        expiresAt: { ja: '2026年11月26日 10:00', en: '26 Nov 2026, 10:00' },
      },
    }),
  );
}

const mailRow = (id: string) =>
  db
    .selectFrom('outgoing_mail')
    .select(['status', 'attempts', 'last_error', 'text_body'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('email through the job queue', () => {
  it('a rolled-back transaction sends nothing', async () => {
    const smtp = await startSmtpPeer();
    cleanups.push(smtp.close);
    useSmtp(smtp.url);
    await worker();
    await expect(
      db.transaction().execute(async (tx) => {
        await enqueueEmail(tx, {
          template: 'password_changed',
          to: 'rollback@example.org',
          locale: 'en',
          data: { name: 'R', at: { ja: 'x', en: 'x' } },
        });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    // A committed message sent afterwards proves the worker was running all along.
    await queueInvitation('after@example.org');
    await waitFor('the committed message', () => smtp.messages.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.map((m) => (m.to as { text: string }).text)).toEqual([
      'after@example.org',
    ]);
  });

  it('a committed message is delivered exactly once even with two workers', async () => {
    const smtp = await startSmtpPeer();
    cleanups.push(smtp.close);
    useSmtp(smtp.url);
    await worker();
    await worker();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await queueInvitation(`once${i}@example.org`));
    await waitFor('8 deliveries', () => smtp.messages.length >= 8);
    await new Promise((r) => setTimeout(r, 1000)); // room for any duplicate to show up
    const recipients = smtp.messages.map((m) => (m.to as { text: string }).text).sort();
    expect(recipients).toEqual(ids.map((_, i) => `once${i}@example.org`).sort());
    const first = smtp.messages[0];
    expect(first.subject).toBe('【伴走連携ネットワーク】アカウントのご招待');
    expect(first.text).toContain('http://localhost:3000/invite/abc');
    expect(first.html).toContain('href="http://localhost:3000/invite/abc"');
    await waitFor('all marked sent', async () => {
      const rows = await Promise.all(ids.map(mailRow));
      return rows.every((r) => r.status === 'sent');
    });
    for (const id of ids) {
      const row = await mailRow(id);
      // The sign-in link does not stay in the outbox after delivery.
      expect(row.text_body).not.toContain('/invite/');
    }
  });

  it('retries while the SMTP peer is down and delivers once it is back', async () => {
    const port = await freePort();
    useSmtp(`smtp://127.0.0.1:${port}`);
    await worker();
    const id = await queueInvitation('patient@example.org');
    const failed = await waitFor('a failed first attempt', async () => {
      const r = await mailRow(id);
      return r.attempts >= 1 && r.status === 'queued' && r.last_error ? r : null;
    });
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);

    const smtp = await startSmtpPeer(port);
    cleanups.push(smtp.close);
    // graphile-worker backs off exp(attempt) seconds: the second try comes about 3 s later.
    await waitFor('delivery after the peer came back', () => smtp.messages.length === 1, 25_000);
    // The worker records success right after the peer accepted the message.
    const row = await waitFor('the sent status', async () => {
      const r = await mailRow(id);
      return r.status === 'sent' ? r : null;
    });
    expect(row.status).toBe('sent');
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(workerLog.some((l) => /ECONNREFUSED|connect/i.test(l))).toBe(true);
  });

  it('a message that finally failed shows its error and can be sent again', async () => {
    const smtp = await startSmtpPeer();
    cleanups.push(smtp.close);
    useSmtp(smtp.url);
    const id = await queueInvitation('bounced@example.org');
    // As the worker leaves it after its last attempt:
    await db
      .updateTable('outgoing_mail')
      .set({ status: 'failed', attempts: 10, last_error: 'connect ECONNREFUSED 127.0.0.1:25' })
      .where('id', '=', id)
      .execute();
    // graphile-worker keeps a job that used all its attempts; the retry must revive it.
    await sql`update graphile_worker._private_jobs set attempts = max_attempts,
              last_error = 'connect ECONNREFUSED'`.execute(db);
    expect(await db.transaction().execute((tx) => retryMail(tx, id))).toBe(true);
    // Retrying twice does not queue it twice.
    expect(await db.transaction().execute((tx) => retryMail(tx, id))).toBe(false);
    await worker();
    await waitFor('redelivery', () => smtp.messages.length === 1);
    await waitFor('the sent status', async () => (await mailRow(id)).status === 'sent');
  });

  it('the last failed attempt marks the message failed for the outgoing-mail page', async () => {
    useSmtp(`smtp://127.0.0.1:${await freePort()}`);
    const id = await queueInvitation('never@example.org');
    await expect(deliverMail(id, { attempt: 9, maxAttempts: 10 })).rejects.toThrow();
    expect((await mailRow(id)).status).toBe('queued');
    await expect(deliverMail(id, { attempt: 10, maxAttempts: 10 })).rejects.toThrow();
    const row = await mailRow(id);
    expect(row.status).toBe('failed');
    expect(row.last_error).toMatch(/ECONNREFUSED/);
  });
});
