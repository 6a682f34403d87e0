import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import { grantConsent, revokeConsent } from '~/modules/dispatch/consent.server';
import { adversePartySchema } from '~/modules/dispatch/parties';
import { addAdverseParty } from '~/modules/dispatch/parties.server';
import { acceptOffer, partnerInbox, sendOffers } from '~/modules/dispatch/requests.server';
import { loader as offerLoader } from '~/routes/_app.partner.offers.$offerId';
import { loader as caseLoader } from '~/routes/_app.partner.requests.$id._index';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { ctx, requestWithSession } from '../support/requests';

let counselor: { id: string };
let partner: Awaited<ReturnType<typeof makeDispatchablePartner>>;
let cookie: string;

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor' }))!;
  partner = await makeDispatchablePartner('CONSENT');
  const s = await login(partner.email, partner.password, ctx.clientIp);
  if (!s.ok) throw new Error('login');
  cookie = s.cookie;
});

const SECRETS = {
  summary: '通院同行（ベトナム語）',
  details: 'CONTACT-090-1111-2222 病院正面で待ち合わせ',
  healthDetails: 'HEALTH-妊娠 20 週',
  residenceDetails: 'RESIDENCE-技能実習 2 号、在留期限 2027 年 3 月',
};

async function offered() {
  const r = await makeRequest(counselor.id, SECRETS);
  await db
    .transaction()
    .execute((tx) =>
      addAdverseParty(
        tx,
        r.id,
        adversePartySchema.parse({ kind: 'employer', name: 'EMPLOYER-天草水産株式会社' }),
        { userId: counselor.id },
      ),
    );
  await db
    .transaction()
    .execute((tx) => sendOffers(tx, r.id, [partner.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', r.id)
    .where('partner_id', '=', partner.id)
    .executeTakeFirstOrThrow();
  return { ...r, offerId: offer.id };
}

async function accepted() {
  const r = await offered();
  expect(await acceptOffer(r.offerId, { id: partner.userId, partnerId: partner.id })).toEqual({
    ok: true,
  });
  return r;
}

/** Everything the partner's case page sends to the browser, as text. */
async function casePage(requestId: string) {
  const data = await caseLoader({
    request: requestWithSession(`/partner/requests/${requestId}`, cookie),
    params: { id: requestId },
    context: ctx,
  });
  return JSON.stringify(data);
}
async function offerPage(offerId: string) {
  const data = await offerLoader({
    request: requestWithSession(`/partner/offers/${offerId}`, cookie),
    params: { offerId },
    context: ctx,
  });
  return JSON.stringify(data);
}

const staff = () => ({ userId: counselor.id });

describe('scoped consent', () => {
  it('the default consent shares the summary and contact details only', async () => {
    const r = await accepted();
    const page = await casePage(r.id);
    expect(page).toContain('CONTACT-');
    expect(page).toContain(SECRETS.summary);
    expect(page).not.toContain('HEALTH-');
    expect(page).not.toContain('RESIDENCE-');
    expect(page).not.toContain('EMPLOYER-');
    const offer = await offerPage(r.offerId);
    expect(offer).toContain('CONTACT-');
    expect(offer).not.toContain('HEALTH-');
  });

  it('granting more shows it; revoking hides it on the next load, is audited and the partner is told', async () => {
    const r = await accepted();
    await db.transaction().execute((tx) =>
      grantConsent(
        tx,
        r.id,
        {
          categories: ['health', 'adverse_parties'],
          recipients: ['accepting_partner'],
          method: 'written',
          language: 'vi',
        },
        staff(),
      ),
    );
    let page = await casePage(r.id);
    expect(page).toContain('HEALTH-');
    expect(page).toContain('EMPLOYER-');
    expect(page).not.toContain('RESIDENCE-');

    await db
      .transaction()
      .execute((tx) => revokeConsent(tx, r.id, ['health', 'adverse_parties', 'contact'], staff()));
    page = await casePage(r.id);
    for (const secret of ['HEALTH-', 'EMPLOYER-', 'CONTACT-']) expect(page).not.toContain(secret);
    expect(await offerPage(r.offerId)).not.toContain('CONTACT-');

    const events = await db
      .selectFrom('request_event')
      .select(['type', 'detail'])
      .where('request_id', '=', r.id)
      .where('type', '=', 'consent_revoked')
      .execute();
    expect(events).toHaveLength(1);
    expect((events[0].detail as { categories: string[] }).categories.sort()).toEqual([
      'adverse_parties',
      'contact',
      'health',
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', r.id)
      .where('action', '=', 'request.consent_revoke')
      .execute();
    expect(audit).toHaveLength(1);
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['subject', 'text_body'])
      .where('template', '=', 'consent_revoked')
      .where('to_address', '=', partner.email)
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].text_body).toContain('健康');
    // The email names categories, never their content.
    for (const secret of ['HEALTH-', 'EMPLOYER-', 'CONTACT-'])
      expect(mail[0].text_body).not.toContain(secret);
  });

  it('without consent for the summary the request cannot be offered, and pending offers are withdrawn', async () => {
    const r = await offered();
    await db.transaction().execute((tx) => revokeConsent(tx, r.id, ['summary'], staff()));
    const offer = await db
      .selectFrom('offer')
      .select(['status', 'reason'])
      .where('id', '=', r.offerId)
      .executeTakeFirstOrThrow();
    expect(offer).toEqual({ status: 'withdrawn', reason: 'withdrawn_by_counselor' });
    const inbox = (await partnerInbox(db, partner.id)).rows;
    expect(inbox.find((o) => o.id === r.offerId)?.summary).toBe(null);
    expect(await offerPage(r.offerId)).not.toContain(SECRETS.summary);
    const other = await makeDispatchablePartner('CONSENT-2');
    await expect(
      db.transaction().execute((tx) => sendOffers(tx, r.id, [other.id], { userId: counselor.id })),
    ).rejects.toMatchObject({ code: 'dispatch.consentRequired' });
    const board = await db
      .selectFrom('accompaniment_request')
      .select('consent_at')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(board.consent_at).toBe(null);
  });
});
