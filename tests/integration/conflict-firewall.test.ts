import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { explainExclusions, findCandidates } from '~/modules/dispatch/matching.server';
import { adversePartySchema, tieSchema } from '~/modules/dispatch/parties';
import { addAdverseParty, addTie } from '~/modules/dispatch/parties.server';
import { requestSchema } from '~/modules/dispatch/request-schema';
import {
  createRequest,
  declineOffer,
  getMatchCriteria,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { makeDispatchablePartner } from '../support/dispatch';

let counselor: { id: string };
const p: Record<
  'byNumber' | 'byName' | 'clean' | 'late',
  { id: string; userId: string; email: string }
> = {} as never;

async function partner(key: keyof typeof p, i: number) {
  p[key] = await makeDispatchablePartner(`COI-${key}`, i * 0.2);
}

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor' }))!;
  await partner('byNumber', 1);
  await partner('byName', 2);
  await partner('clean', 3);
  await partner('late', 4);
  const actor = { userId: counselor.id };
  // A lawyer advising the employer (same corporate number, different spelling)…
  await db.transaction().execute((tx) =>
    addTie(
      tx,
      p.byNumber.id,
      tieSchema.parse({
        relation: 'advises',
        name: 'ヤマダ製作所',
        corporateNumber: '1180301018771',
      }),
      actor,
    ),
  );
  // …an NPO funded by the supervising organisation (name only, written differently)…
  await db.transaction().execute((tx) =>
    addTie(
      tx,
      p.byName.id,
      tieSchema.parse({
        relation: 'funded_by',
        name: '（協）アジア 人材 センター',
        validUntil: '2025-03-31',
        validFrom: '2020-04-01',
      }),
      actor,
    ),
  );
  // …and one tied to an intermediary that is added only after the offers went out.
  await db
    .transaction()
    .execute((tx) =>
      addTie(
        tx,
        p.late.id,
        tieSchema.parse({ relation: 'contracted_with', name: 'ＸＹＺ人材サービス株式会社' }),
        actor,
      ),
    );
});

const local = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);

async function conflictedRequest() {
  const r = await db.transaction().execute((tx) =>
    createRequest(
      tx,
      requestSchema.parse({
        caseCode: 'CASE-COI-1',
        category: 'hospital',
        workerLanguage: 'vi',
        municipalityCode: '432156',
        windowStart: local(new Date(Date.now() + 48 * 3_600_000)),
        windowEnd: local(new Date(Date.now() + 50 * 3_600_000)),
        summary: '通院同行',
        consent: true,
      }),
      { userId: counselor.id },
    ),
  );
  for (const party of [
    { kind: 'employer', name: '株式会社 山田製作所', corporateNumber: '1180301018771' },
    { kind: 'supervising_org', name: 'アジア人材センター協同組合' },
  ])
    await db
      .transaction()
      .execute((tx) =>
        addAdverseParty(tx, r.id, adversePartySchema.parse(party), { userId: counselor.id }),
      );
  return r;
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('adverse-party firewall', () => {
  it('matching never proposes a partner tied to an adverse party, by number or by name variant', async () => {
    const r = await conflictedRequest();
    const criteria = await getMatchCriteria(db, r.id);
    const found = ids(await findCandidates(db, criteria, 50));
    expect(found).toContain(p.clean.id);
    expect(found).toContain(p.late.id);
    expect(found).not.toContain(p.byNumber.id);
    expect(found).not.toContain(p.byName.id);
    // The counselor sees why; the reason is a conflict of interest, nothing more.
    const excluded = await explainExclusions(db, criteria, { withinKm: 80, limit: 50 });
    for (const key of ['byNumber', 'byName'] as const)
      expect(excluded.find((e) => e.id === p[key].id)?.reasons).toEqual(['conflict_of_interest']);
  });

  it('a manual offer to a conflicted partner is refused and the partner hears nothing', async () => {
    const r = await conflictedRequest();
    await expect(
      db
        .transaction()
        .execute((tx) =>
          sendOffers(tx, r.id, [p.clean.id, p.byNumber.id], { userId: counselor.id }),
        ),
    ).rejects.toMatchObject({ code: 'dispatch.partnerNotEligible' });
    expect(
      await db.selectFrom('offer').select('id').where('request_id', '=', r.id).execute(),
    ).toEqual([]);
    const mails = await db
      .selectFrom('outgoing_mail')
      .select('id')
      .where('to_address', 'in', [p.byNumber.email, p.byName.email])
      .execute();
    expect(mails).toEqual([]);
  });

  it('an adverse party recorded after the offers withdraws the tied partner’s offer, neutrally', async () => {
    const r = await conflictedRequest();
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [p.clean.id, p.late.id], { userId: counselor.id }));
    const result = await db
      .transaction()
      .execute((tx) =>
        addAdverseParty(
          tx,
          r.id,
          adversePartySchema.parse({ kind: 'recruitment_agency', name: 'XYZ人材サービス(株)' }),
          { userId: counselor.id },
        ),
      );
    expect(result.acceptedPartnerConflicted).toBe(false);
    const offers = await db
      .selectFrom('offer')
      .select(['partner_id', 'status', 'reason'])
      .where('request_id', '=', r.id)
      .orderBy('partner_id')
      .execute();
    expect(offers.find((o) => o.partner_id === p.late.id)).toMatchObject({
      status: 'withdrawn',
      reason: 'withdrawn_by_counselor',
    });
    expect(offers.find((o) => o.partner_id === p.clean.id)?.status).toBe('pending');
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['subject', 'text_body'])
      .where('to_address', '=', p.late.email)
      .where('template', '=', 'offer_withdrawn')
      .executeTakeFirstOrThrow();
    // Neither the conflict nor any party's name reaches the partner.
    for (const secret of ['XYZ', '人材', '山田', '利益相反', 'conflict'])
      expect(mail.subject + mail.text_body).not.toContain(secret);
  });
});

describe('a partner is never offered the same request twice', () => {
  it('after a decline the partner is excluded, and the database refuses a second offer row', async () => {
    const r = await conflictedRequest();
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [p.clean.id], { userId: counselor.id }));
    const offer = await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(await declineOffer(offer.id, { id: p.clean.userId, partnerId: p.clean.id }, '')).toBe(
      true,
    );
    const criteria = await getMatchCriteria(db, r.id);
    expect(ids(await findCandidates(db, criteria, 50))).not.toContain(p.clean.id);
    await expect(
      db
        .transaction()
        .execute((tx) => sendOffers(tx, r.id, [p.clean.id], { userId: counselor.id })),
    ).rejects.toMatchObject({ code: 'dispatch.partnerNotEligible' });
    await expect(
      sql`insert into offer (request_id, partner_id, distance_km, respond_by)
          values (${r.id}, ${p.clean.id}, 1, now() + interval '1 hour')`.execute(db),
    ).rejects.toMatchObject({ constraint: 'offer_once' });
  });
});
