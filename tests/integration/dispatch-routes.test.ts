import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner } from '~/modules/partners/partners.server';
import {
  action as offerAction,
  loader as offerLoader,
} from '~/routes/_app.partner.offers.$offerId';
import { action as requestAction, loader as requestLoader } from '~/routes/_app.requests.$id';
import { loader as boardLoader } from '~/routes/_app.requests._index';
import { action as newRequestAction } from '~/routes/_app.requests.new';
import { ctx, requestWithSession, settle } from '../support/requests';

async function signIn(role: 'counselor' | 'partner' | 'secretariat', partnerId?: string) {
  const u = (await makeUser(db, { role, partnerId }))!;
  const r = await login(u.email, u.password, ctx.clientIp);
  if (!r.ok) throw new Error('login');
  return r.cookie;
}

async function partnerWithMou(name: string) {
  const id = await db.transaction().execute((tx) =>
    createPartner(
      tx,
      partnerSchema.parse({
        name,
        nameKana: 'るーとてすと',
        kind: 'npo',
        status: 'active',
        municipalityCode: '131016',
        lat: 35.694,
        lng: 139.753,
        serviceRadiusKm: 30,
        languages: ['ja', 'ne'],
        specialties: ['city_hall'],
      }),
      { userId: null },
    ),
  );
  await db
    .insertInto('mou')
    .values({
      partner_id: id,
      reference_no: `MOU-${name}`,
      status: 'active',
      valid_from: '2026-01-01',
    })
    .execute();
  return id;
}

const post = (path: string, cookie: string, body: Record<string, string | string[]>) => {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) form.append(k, x);
  return requestWithSession(path, cookie, { method: 'POST', body: form });
};

describe('dispatch pages, through loaders and actions', () => {
  it('counselor creates and offers; the first partner accepts; the second is told it is taken', async () => {
    const counselor = await signIn('counselor');
    const p1 = await partnerWithMou('千代田ネパール支援の会');
    const p2 = await partnerWithMou('神田くらしサポート');
    const u1 = await signIn('partner', p1);
    const u2 = await signIn('partner', p2);
    const stranger = await signIn('partner', await partnerWithMou('無関係の団体'));

    const bad = (await newRequestAction({
      request: post('/requests/new', counselor, {
        caseCode: '山田花子',
        category: 'city_hall',
        workerLanguage: 'ne',
      }),
      params: {},
      context: ctx,
    })) as { data: { result: { error: Record<string, string[]> } }; init: { status: number } };
    expect(bad.init.status).toBe(400);
    expect(bad.data.result.error.caseCode).toEqual(['errors.caseCode']);

    const created = (await newRequestAction({
      request: post('/requests/new', counselor, {
        caseCode: 'C-2026-77',
        category: 'city_hall',
        workerLanguage: 'ne',
        interpreterNeeded: 'on',
        urgency: 'urgent',
        municipalityCode: '131016',
        windowStart: '2026-12-10T10:00',
        windowEnd: '2026-12-10T12:00',
        summary: '区役所での手続きに同行（ネパール語）',
        details: '住所：千代田区…（引受後のみ表示）',
        consent: 'on',
      }),
      params: {},
      context: ctx,
    })) as Response;
    expect(created.status).toBe(302);
    const id = created.headers.get('Location')!.match(/requests\/([0-9a-f-]{36})/)![1];

    const page = (await requestLoader({
      request: requestWithSession(`/requests/${id}`, counselor),
      params: { id },
      context: ctx,
    })) as {
      candidates: { id: string }[];
    };
    expect(page.candidates.map((c) => c.id)).toEqual(expect.arrayContaining([p1, p2]));
    const offered = (await requestAction({
      request: post(`/requests/${id}`, counselor, { intent: 'offer', partnerIds: [p1, p2] }),
      params: { id },
      context: ctx,
    })) as { message: { n: number } };
    expect(offered.message.n).toBe(2);

    const offers = await db
      .selectFrom('offer')
      .select(['id', 'partner_id'])
      .where('request_id', '=', id)
      .execute();
    const o1 = offers.find((o) => o.partner_id === p1)!.id;
    const o2 = offers.find((o) => o.partner_id === p2)!.id;
    // A partner never sees another partner's offer (404).
    const peek = await settle(() =>
      offerLoader({
        request: requestWithSession(`/partner/offers/${o1}`, stranger),
        params: { offerId: o1 },
        context: ctx,
      }),
    );
    expect((peek as Response).status).toBe(404);
    const before = (await offerLoader({
      request: requestWithSession(`/partner/offers/${o1}`, u1),
      params: { offerId: o1 },
      context: ctx,
    })) as {
      offer: { details: string | null };
    };
    expect(before.offer.details).toBeNull();

    const accepted = await offerAction({
      request: post(`/partner/offers/${o1}`, u1, { intent: 'accept' }),
      params: { offerId: o1 },
      context: ctx,
    });
    expect(accepted).toEqual({ outcome: 'accepted' });
    const after = (await offerLoader({
      request: requestWithSession(`/partner/offers/${o1}`, u1),
      params: { offerId: o1 },
      context: ctx,
    })) as {
      offer: { details: string | null };
    };
    expect(after.offer.details).toContain('引受後のみ表示');
    const late = (await offerAction({
      request: post(`/partner/offers/${o2}`, u2, { intent: 'accept' }),
      params: { offerId: o2 },
      context: ctx,
    })) as {
      data: { outcome: string };
      init: { status: number };
    };
    expect(late.init.status).toBe(409);
    expect(late.data.outcome).toBe('taken');
    // Partners cannot open the counselors' board or a request page.
    expect(
      (
        (await settle(() =>
          boardLoader({ request: requestWithSession('/requests', u1), params: {}, context: ctx }),
        )) as Response
      ).status,
    ).toBe(403);
    expect(
      (
        (await settle(() =>
          requestLoader({
            request: requestWithSession(`/requests/${id}`, u1),
            params: { id },
            context: ctx,
          }),
        )) as Response
      ).status,
    ).toBe(403);
    // Reading the case details is in the audit log.
    const reads = await db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', id)
      .where('action', '=', 'request.read_details')
      .execute();
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });
});
