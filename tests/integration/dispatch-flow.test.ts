import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { requestSchema } from '~/modules/dispatch/request-schema';
import {
  acceptOffer,
  cancelRequest,
  createRequest,
  declineOffer,
  expireOffers,
  getRequestForViewer,
  listBoard,
  partnerInbox,
  recordConsent,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner } from '~/modules/partners/partners.server';

let counselor: { id: string; email: string };
const partners: { id: string; userId: string }[] = [];

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor', email: 'dispatch-counselor@example.org' }))!;
  await makeUser(db, { role: 'secretariat', email: 'dispatch-secretariat@example.org' });
  for (let i = 0; i < 20; i++) {
    const id = await db.transaction().execute((tx) =>
      createPartner(
        tx,
        partnerSchema.parse({
          name: `配車テスト団体 ${i}`,
          nameKana: 'はいしゃてすと',
          kind: 'npo',
          status: 'active',
          municipalityCode: '432156',
          lat: 32.45 + i * 0.001,
          lng: 130.19,
          serviceRadiusKm: 50,
          languages: ['ja', 'vi'],
          specialties: ['hospital'],
        }),
        { userId: null },
      ),
    );
    await db
      .insertInto('mou')
      .values({
        partner_id: id,
        reference_no: `MOU-DISPATCH-${i}`,
        status: 'active',
        valid_from: '2026-01-01',
        max_concurrent_requests: 5,
      })
      .execute();
    const user = (await makeUser(db, {
      role: 'partner',
      partnerId: id,
      email: `partner${i}@dispatch.example.org`,
    }))!;
    partners.push({ id, userId: user.id });
  }
});

const later = (hours: number) => new Date(Date.now() + hours * 3_600_000);
const local = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);

async function newRequest(over: Record<string, unknown> = {}) {
  const input = requestSchema.parse({
    caseCode: 'CASE-2026-0042',
    category: 'hospital',
    workerLanguage: 'vi',
    interpreterNeeded: true,
    urgency: 'normal',
    municipalityCode: '432156',
    windowStart: local(later(48)),
    windowEnd: local(later(50)),
    summary: '天草市内の病院での受診に同行（ベトナム語）',
    details: '勤務先：○○株式会社。上司には知られたくない。',
    consent: true,
    ...over,
  });
  return db.transaction().execute((tx) => createRequest(tx, input, { userId: counselor.id }));
}

const count = async (table: 'offer' | 'outgoing_mail' | 'request_event', where: [string, string]) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(where[0] as never, '=', where[1] as never)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('requests and offers', () => {
  it('gives each request a REQ-<fiscal year>-<6 digits> reference', async () => {
    const a = await newRequest();
    const b = await newRequest();
    expect(a.reference).toMatch(/^REQ-20\d\d-\d{6}$/);
    expect(Number(b.reference.slice(-6))).toBe(Number(a.reference.slice(-6)) + 1);
  });

  it('refuses to dispatch without the worker consent, then dispatches once it is recorded', async () => {
    const r = await newRequest({ consent: false });
    await expect(
      db
        .transaction()
        .execute((tx) => sendOffers(tx, r.id, [partners[0].id], { userId: counselor.id })),
    ).rejects.toMatchObject({
      code: 'dispatch.consentRequired',
    });
    expect(await count('offer', ['request_id', r.id])).toBe(0);
    await db.transaction().execute((tx) => recordConsent(tx, r.id, { userId: counselor.id }));
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [partners[0].id], { userId: counselor.id }));
    expect(await count('offer', ['request_id', r.id])).toBe(1);
  });

  it('an offer writes its event and its email in the same transaction (rollback leaves neither)', async () => {
    const r = await newRequest();
    const mailsBefore = await count('outgoing_mail', [
      'to_address',
      'partner1@dispatch.example.org',
    ]);
    await expect(
      db.transaction().execute(async (tx) => {
        await sendOffers(tx, r.id, [partners[1].id], { userId: counselor.id });
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect(await count('offer', ['request_id', r.id])).toBe(0);
    expect(await count('outgoing_mail', ['to_address', 'partner1@dispatch.example.org'])).toBe(
      mailsBefore,
    );
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [partners[1].id], { userId: counselor.id }));
    expect(await count('outgoing_mail', ['to_address', 'partner1@dispatch.example.org'])).toBe(
      mailsBefore + 1,
    );
    const events = await db
      .selectFrom('request_event')
      .select('type')
      .where('request_id', '=', r.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['created', 'consent_recorded', 'offered']);
  });

  it('first accept wins: 20 partners accepting at once → exactly one succeeds', async () => {
    const r = await newRequest();
    await db.transaction().execute((tx) =>
      sendOffers(
        tx,
        r.id,
        partners.map((p) => p.id),
        { userId: counselor.id },
      ),
    );
    const offers = await db
      .selectFrom('offer')
      .select(['id', 'partner_id'])
      .where('request_id', '=', r.id)
      .execute();
    expect(offers).toHaveLength(20);
    const results = await Promise.all(
      offers.map((o) => {
        const p = partners.find((x) => x.id === o.partner_id)!;
        return acceptOffer(o.id, { id: p.userId, partnerId: p.id });
      }),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    // Every loser is told plainly that someone else already took it.
    expect(new Set(results.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.reason)))).toEqual(
      new Set(['taken']),
    );
    const statuses = await db
      .selectFrom('offer')
      .select('status')
      .where('request_id', '=', r.id)
      .execute();
    expect(statuses.filter((s) => s.status === 'accepted')).toHaveLength(1);
    expect(statuses.filter((s) => s.status === 'withdrawn')).toHaveLength(19);
    const req = await db
      .selectFrom('accompaniment_request')
      .select(['status', 'accepted_partner_id'])
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(req.status).toBe('accepted');
    // The counselor is told; the 19 others are told it is taken.
    const mails = await db
      .selectFrom('outgoing_mail')
      .select(['template'])
      .where('text_body', 'like', `%${r.reference}%`)
      .execute();
    expect(mails.filter((m) => m.template === 'offer_accepted')).toHaveLength(1);
    expect(mails.filter((m) => m.template === 'offer_withdrawn')).toHaveLength(19);
  });

  it('the database alone refuses a second accepted offer', async () => {
    const r = await newRequest();
    await db
      .transaction()
      .execute((tx) =>
        sendOffers(tx, r.id, [partners[2].id, partners[3].id], { userId: counselor.id }),
      );
    await db
      .updateTable('offer')
      .set({ status: 'accepted' })
      .where('request_id', '=', r.id)
      .where('partner_id', '=', partners[2].id)
      .execute();
    await expect(
      db
        .updateTable('offer')
        .set({ status: 'accepted' })
        .where('request_id', '=', r.id)
        .where('partner_id', '=', partners[3].id)
        .execute(),
    ).rejects.toThrow(/offer_one_accepted/);
  });

  it('partners see only requests offered to them, and the details only after accepting', async () => {
    const r = await newRequest();
    await db
      .transaction()
      .execute((tx) =>
        sendOffers(tx, r.id, [partners[4].id, partners[5].id], { userId: counselor.id }),
      );
    const viewer = (i: number) => ({
      id: partners[i].userId,
      role: 'partner' as const,
      partnerId: partners[i].id,
    });
    expect(await getRequestForViewer(db, r.id, viewer(6))).toBeNull();
    const before = await getRequestForViewer(db, r.id, viewer(4));
    expect(before?.details).toBeNull();
    expect(before?.case_code).toBe('');
    const [offer] = (await partnerInbox(db, partners[4].id)).rows.filter(
      (o) => o.request_id === r.id,
    );
    expect(
      (await acceptOffer(offer.id, { id: partners[4].userId, partnerId: partners[4].id })).ok,
    ).toBe(true);
    expect((await getRequestForViewer(db, r.id, viewer(4)))?.details).toContain(
      '上司には知られたくない',
    );
    expect((await getRequestForViewer(db, r.id, viewer(5)))?.details).toBeNull();
    const [late] = (await partnerInbox(db, partners[5].id)).rows.filter(
      (o) => o.request_id === r.id,
    );
    expect(
      await acceptOffer(late.id, { id: partners[5].userId, partnerId: partners[5].id }),
    ).toEqual({ ok: false, reason: 'taken' });
    // Another partner's offer id is not found, not "taken".
    await expect(
      acceptOffer(offer.id, { id: partners[6].userId, partnerId: partners[6].id }),
    ).rejects.toMatchObject({
      code: 'errors.notFound',
    });
  });

  it('declines and expiries bring the request back to "needs dispatch" and tell the counselor', async () => {
    const r = await newRequest({ urgency: 'emergency' });
    await db
      .transaction()
      .execute((tx) =>
        sendOffers(tx, r.id, [partners[7].id, partners[8].id], { userId: counselor.id }),
      );
    const inbox = (i: number) =>
      partnerInbox(db, partners[i].id).then((x) => x.rows.find((o) => o.request_id === r.id)!);
    expect(
      await declineOffer(
        (await inbox(7)).id,
        { id: partners[7].userId, partnerId: partners[7].id },
        '日程が合わない',
      ),
    ).toBe(true);
    let req = await db
      .selectFrom('accompaniment_request')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(req.status).toBe('offered');
    // The emergency offer's hour passes without an answer.
    await db
      .updateTable('offer')
      .set({ respond_by: sql`now() - interval '1 minute'` })
      .where('request_id', '=', r.id)
      .where('status', '=', 'pending')
      .execute();
    expect(await expireOffers()).toBe(1);
    req = await db
      .selectFrom('accompaniment_request')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(req.status).toBe('needs_dispatch');
    const board = (await listBoard(db)).rows;
    expect(board[0].status).toBe('needs_dispatch');
    const mails = await db
      .selectFrom('outgoing_mail')
      .select(['template', 'to_address'])
      .where('text_body', 'like', `%${r.reference}%`)
      .execute();
    expect(
      mails.filter((m) => m.template === 'offer_unanswered' && m.to_address === counselor.email),
    ).toHaveLength(2);
    expect(
      mails.filter((m) => m.template === 'emergency_unanswered').map((m) => m.to_address),
    ).toContain('dispatch-secretariat@example.org');
    const events = await db
      .selectFrom('request_event')
      .select('type')
      .where('request_id', '=', r.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'consent_recorded',
      'offered',
      'offered',
      'declined',
      'expired',
      'needs_dispatch',
    ]);
    // An expired offer cannot be accepted afterwards.
    const expired = await inbox(8);
    expect(
      await acceptOffer(expired.id, { id: partners[8].userId, partnerId: partners[8].id }),
    ).toEqual({ ok: false, reason: 'taken' });
  });

  it('cancelling tells the accepted partner and withdraws pending offers', async () => {
    const r = await newRequest();
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [partners[9].id], { userId: counselor.id }));
    const [o] = (await partnerInbox(db, partners[9].id)).rows.filter((x) => x.request_id === r.id);
    await acceptOffer(o.id, { id: partners[9].userId, partnerId: partners[9].id });
    await db
      .transaction()
      .execute((tx) =>
        cancelRequest(tx, r.id, '本人の都合で不要になった', { userId: counselor.id }),
      );
    const mails = await db
      .selectFrom('outgoing_mail')
      .select(['template', 'to_address'])
      .where('template', '=', 'request_cancelled')
      .where('text_body', 'like', `%${r.reference}%`)
      .execute();
    expect(mails.map((m) => m.to_address)).toEqual(['partner9@dispatch.example.org']);
    await expect(
      db.transaction().execute((tx) => cancelRequest(tx, r.id, 'again', { userId: counselor.id })),
    ).rejects.toMatchObject({
      code: 'dispatch.notCancellable',
    });
  });
});
