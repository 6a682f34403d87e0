import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import {
  advanceCascade,
  getCascade,
  setCascadeStatus,
  startCascade,
} from '~/modules/dispatch/cascade.server';
import {
  acceptOffer,
  declineOffer,
  expireOffers,
  requestTimeline,
} from '~/modules/dispatch/requests.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';

let counselor: { id: string; email: string };
let secretariat: { email: string };
// Nearest first: the ranking the cascade must follow.
const ps: Awaited<ReturnType<typeof makeDispatchablePartner>>[] = [];

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor', email: 'cascade-counselor@example.org' }))!;
  secretariat = (await makeUser(db, { role: 'secretariat', email: 'cascade-sec@example.org' }))!;
  for (let i = 0; i < 5; i++) ps.push(await makeDispatchablePartner(`CASCADE${i}`, i * 2));
});

const offersOf = (requestId: string) =>
  db
    .selectFrom('offer')
    .select(['id', 'partner_id', 'status', 'by_cascade'])
    .where('request_id', '=', requestId)
    .orderBy('sent_at')
    .orderBy('distance_km')
    .execute();
const pendingOf = async (requestId: string) =>
  (await offersOf(requestId)).filter((o) => o.status === 'pending');
const mailsTo = (email: string, template = 'cascade_ended') =>
  db
    .selectFrom('outgoing_mail')
    .select(['subject'])
    .where('to_address', '=', email)
    .where('template', '=', template)
    .execute();
const who = (i: number) => ({ id: ps[i].userId, partnerId: ps[i].id });

describe('offer cascade', () => {
  it('walks the ranking through declines and expiries, never offers twice, and alerts once', async () => {
    const r = await makeRequest(counselor.id);
    expect(
      await db.transaction().execute((tx) => startCascade(tx, r.id, 2, { userId: counselor.id })),
    ).toBe('offered');
    expect((await pendingOf(r.id)).map((o) => o.partner_id)).toEqual([ps[0].id, ps[1].id]);

    // A decline queues the next step in the same transaction…
    const first = (await pendingOf(r.id))[0];
    await declineOffer(first.id, who(0), '');
    const job = await sql<{
      n: number;
    }>`select count(*)::int as n from graphile_worker.jobs where key = ${'cascade:' + r.id}`.execute(
      db,
    );
    expect(job.rows[0].n).toBe(1);
    // …which offers the third-nearest.
    expect(await advanceCascade(r.id)).toBe('offered');
    expect((await pendingOf(r.id)).map((o) => o.partner_id)).toEqual([ps[1].id, ps[2].id]);

    // Both expire: the next two by the same ranking.
    await expireOffers(new Date(Date.now() + 49 * 3_600_000));
    expect(await advanceCascade(r.id)).toBe('offered');
    expect((await pendingOf(r.id)).map((o) => o.partner_id)).toEqual([ps[3].id, ps[4].id]);
    expect(await advanceCascade(r.id)).toBe('waiting');

    for (const o of await pendingOf(r.id)) {
      const i = ps.findIndex((p) => p.id === o.partner_id);
      await declineOffer(o.id, who(i), '');
    }
    expect(await advanceCascade(r.id)).toBe('exhausted');
    expect(await advanceCascade(r.id)).toBe('idle');

    const offers = await offersOf(r.id);
    expect(offers.map((o) => o.partner_id)).toEqual(ps.map((p) => p.id));
    expect(new Set(offers.map((o) => o.partner_id)).size).toBe(offers.length);
    expect(offers.every((o) => o.by_cascade)).toBe(true);
    expect(await mailsTo(counselor.email)).toHaveLength(1);
    // Declines inside a cascade do not email the counselor one by one.
    expect(await mailsTo(counselor.email, 'offer_unanswered')).toHaveLength(0);
    const cascade = await getCascade(db, r.id);
    expect(cascade?.status).toBe('exhausted');
    const types = (await requestTimeline(db, r.id)).map((e) => e.type);
    expect(types.filter((x) => x === 'cascade_ended')).toHaveLength(1);
  });

  it('ends when a partner accepts; first accept still wins', async () => {
    const r = await makeRequest(counselor.id);
    await db.transaction().execute((tx) => startCascade(tx, r.id, 3, { userId: counselor.id }));
    const pending = await pendingOf(r.id);
    expect(pending).toHaveLength(3);
    const results = await Promise.all(
      pending.map((o) => acceptOffer(o.id, who(ps.findIndex((p) => p.id === o.partner_id)))),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect((await getCascade(db, r.id))?.status).toBe('accepted');
    expect(await advanceCascade(r.id)).toBe('idle');
    expect(await mailsTo(counselor.email)).toHaveLength(1); // only the first test's alert
  });

  it('pausing stops new offers; the counselor can take over; resuming goes on from the ranking', async () => {
    const r = await makeRequest(counselor.id);
    await db.transaction().execute((tx) => startCascade(tx, r.id, 1, { userId: counselor.id }));
    await db
      .transaction()
      .execute((tx) => setCascadeStatus(tx, r.id, 'paused', { userId: counselor.id }));
    await declineOffer((await pendingOf(r.id))[0].id, who(0), '');
    expect(await advanceCascade(r.id)).toBe('idle');
    expect(await pendingOf(r.id)).toEqual([]);
    // Resume with k = 2: the next two, never the one that declined.
    await db.transaction().execute((tx) => startCascade(tx, r.id, 2, { userId: counselor.id }));
    expect((await pendingOf(r.id)).map((o) => o.partner_id)).toEqual([ps[1].id, ps[2].id]);
    await db
      .transaction()
      .execute((tx) => setCascadeStatus(tx, r.id, 'stopped', { userId: counselor.id }));
    await declineOffer((await pendingOf(r.id))[0].id, who(1), '');
    expect(await advanceCascade(r.id)).toBe('idle');
    expect((await pendingOf(r.id)).map((o) => o.partner_id)).toEqual([ps[2].id]);
  });

  it('stops at the need-by time and alerts; the secretariat hears once if nobody acts', async () => {
    const r = await makeRequest(counselor.id, {}, 2);
    await db.transaction().execute((tx) => startCascade(tx, r.id, 1, { userId: counselor.id }));
    // The accompaniment should have started by now.
    expect(await advanceCascade(r.id, new Date(Date.now() + 3 * 3_600_000))).toBe('deadline');
    expect((await getCascade(db, r.id))?.status).toBe('deadline');
    const before = (await mailsTo(secretariat.email)).length;
    const { sweepCascades } = await import('~/modules/dispatch/cascade.server');
    expect((await sweepCascades()).escalated).toBe(0); // not yet: 30 minutes to act
    // Time passes: the alert was 31 minutes ago, and no offer was sent since.
    await sql`update offer set sent_at = now() - interval '40 minutes' where request_id = ${r.id}`.execute(
      db,
    );
    await sql`update offer_cascade set alerted_at = now() - interval '31 minutes' where request_id = ${r.id}`.execute(
      db,
    );
    expect((await sweepCascades()).escalated).toBe(1);
    expect((await sweepCascades()).escalated).toBe(0);
    expect(await mailsTo(secretariat.email)).toHaveLength(before + 1);
  });

  it('refuses a cascade without consent', async () => {
    const r = await makeRequest(counselor.id, { consent: false });
    await expect(
      db.transaction().execute((tx) => startCascade(tx, r.id, 3, { userId: counselor.id })),
    ).rejects.toMatchObject({ code: 'dispatch.consentRequired' });
    expect(await offersOf(r.id)).toEqual([]);
  });
});
