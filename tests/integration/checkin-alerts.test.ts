import { Logger, type Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, pool } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { formatTime } from '~/lib/format';
import { startWorker } from '~/lib/worker.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import { acceptOffer, listBoard, sendOffers } from '~/modules/dispatch/requests.server';
import { tapCheckin, watchCheckins } from '~/modules/visits/checkin.server';
import { loader as newVisitLoader } from '~/routes/_app.partner.requests.$id.visits.new';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { ctx, requestWithSession } from '../support/requests';
import { startSmtpPeer, waitFor } from '../support/smtp';

let counselor: { id: string; email: string };
let secretariat: { email: string };
let partner: Awaited<ReturnType<typeof makeDispatchablePartner>>;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let runner: Runner;

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor', email: 'checkin-counselor@example.org' }))!;
  secretariat = (await makeUser(db, { role: 'secretariat', email: 'checkin-sec@example.org' }))!;
  partner = await makeDispatchablePartner('CHECKIN');
  smtp = await startSmtpPeer();
  process.env.SMTP_URL = smtp.url;
  resetEnvCache();
  // The real worker delivers the alerts to a real SMTP peer.
  runner = await startWorker({
    pool: pool(),
    concurrency: 2,
    pollInterval: 100,
    logger: new Logger(() => () => {}),
  });
});

afterAll(async () => {
  await runner?.stop();
  await smtp?.close();
  delete process.env.SMTP_URL;
  resetEnvCache();
});

async function acceptedRequest(startsInHours: number) {
  const r = await makeRequest(counselor.id, {}, startsInHours);
  await db
    .transaction()
    .execute((tx) => sendOffers(tx, r.id, [partner.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', r.id)
    .executeTakeFirstOrThrow();
  expect(await acceptOffer(offer.id, { id: partner.userId, partnerId: partner.id })).toEqual({
    ok: true,
  });
  const row = await db
    .selectFrom('accompaniment_request')
    .select(['window_start', 'window_end'])
    .where('id', '=', r.id)
    .executeTakeFirstOrThrow();
  return { ...r, ...row };
}

const minutesAfter = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);
const delivered = (to: string, reference: string) =>
  smtp.messages.filter((m) => {
    const addresses = [m.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address));
    const subject = m.subject ?? '';
    // Only the check-in alerts (the counselor also hears of the acceptance).
    return (
      addresses.includes(to) &&
      subject.includes(reference) &&
      /連絡がありません|check-in/.test(subject)
    );
  });
/** The request ids alerted by one run of the watch job. */
const watch = async (now: Date) => (await watchCheckins(now)).map((a) => a.requestId);
const actor = () => ({ userId: partner.userId, partnerId: partner.id });

describe('accompanier check-in', () => {
  it('no arrival: the counselor is alerted once, then the secretariat once; a late arrival stops it', async () => {
    const r = await acceptedRequest(1);
    expect(await watch(minutesAfter(r.window_start, 10))).not.toContain(r.id);
    expect(await watch(minutesAfter(r.window_start, 31))).toContain(r.id);
    expect(await watch(minutesAfter(r.window_start, 45))).not.toContain(r.id);
    await waitFor(
      'the alert to reach the SMTP peer',
      () => delivered(counselor.email, r.reference)[0],
    );
    const board = (await listBoard(db)).rows;
    expect(board.find((b) => b.id === r.id)?.checkin_overdue).toBe(true);

    expect(await watch(minutesAfter(r.window_start, 61))).toContain(r.id);
    expect(await watch(minutesAfter(r.window_start, 90))).not.toContain(r.id);
    await waitFor('the escalation', () => delivered(secretariat.email, r.reference)[0]);
    // Give any duplicate a chance to arrive, then count.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(delivered(counselor.email, r.reference)).toHaveLength(1);
    expect(delivered(secretariat.email, r.reference)).toHaveLength(1);

    await db.transaction().execute((tx) => tapCheckin(tx, r.id, 'arrived', actor()));
    expect((await listBoard(db)).rows.find((b) => b.id === r.id)?.checkin_overdue).toBe(false);
  });

  it('taps are idempotent, "finished" needs "arrived", and a missing check-out alerts once', async () => {
    const r = await acceptedRequest(1);
    await expect(
      db.transaction().execute((tx) => tapCheckin(tx, r.id, 'finished', actor())),
    ).rejects.toMatchObject({ code: 'visits.errors.arriveFirst' });
    const at = minutesAfter(r.window_start, -5);
    const first = await db
      .transaction()
      .execute((tx) => tapCheckin(tx, r.id, 'arrived', actor(), at));
    const again = await db
      .transaction()
      .execute((tx) => tapCheckin(tx, r.id, 'arrived', actor(), minutesAfter(at, 3)));
    expect(again.arrived_at).toEqual(first.arrived_at);
    const status = await db
      .selectFrom('accompaniment_request')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('in_progress');

    // Arrived, so no arrival alert; the planned end passes without "finished".
    expect(await watch(minutesAfter(r.window_start, 40))).not.toContain(r.id);
    expect(await watch(minutesAfter(r.window_end, 31))).toContain(r.id);
    expect(await watch(minutesAfter(r.window_end, 35))).not.toContain(r.id);
    await waitFor('the check-out alert', () => delivered(counselor.email, r.reference)[0]);

    const end = minutesAfter(r.window_end, 40);
    await db.transaction().execute((tx) => tapCheckin(tx, r.id, 'finished', actor(), end));
    // The check-out ends the alerts: no escalation.
    expect(await watch(minutesAfter(r.window_end, 120))).not.toContain(r.id);

    // …and prefills the visit log.
    const session = await login(partner.email, partner.password, ctx.clientIp);
    if (!session.ok) throw new Error('login');
    const page = await newVisitLoader({
      request: requestWithSession(`/partner/requests/${r.id}/visits/new`, session.cookie),
      params: { id: r.id },
      context: ctx,
    });
    expect(page.defaults).toMatchObject({
      startTime: formatTime(at, 'ja'),
      endTime: formatTime(end, 'ja'),
    });
  });

  it('another partner cannot tap on a request it does not hold', async () => {
    const r = await acceptedRequest(3);
    const other = await makeDispatchablePartner('CHECKIN-OTHER');
    await expect(
      db
        .transaction()
        .execute((tx) =>
          tapCheckin(tx, r.id, 'arrived', { userId: other.userId, partnerId: other.id }),
        ),
    ).rejects.toMatchObject({ code: 'errors.notFound' });
  });
});
