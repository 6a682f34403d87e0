import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { login } from '~/modules/auth/users.server';
import { action as editAction } from '~/routes/_app.partners.$id.edit';
import { loader as detailLoader } from '~/routes/_app.partners.$id._index';
import { action as newAction } from '~/routes/_app.partners.new';
import { ctx, requestWithSession, settle } from '../support/requests';

async function session(role: 'secretariat' | 'counselor') {
  const u = (await makeUser(db, { role }))!;
  const r = await login(u.email, u.password, ctx.clientIp);
  if (!r.ok) throw new Error('login');
  return r.cookie;
}

const form = (over: Record<string, string> = {}) =>
  new URLSearchParams({
    name: 'NPO法人 ルート試験の会',
    nameKana: 'るーとしけんのかい',
    kind: 'npo',
    status: 'active',
    municipalityCode: '011002',
    serviceRadiusKm: '15',
    lat: '43.06',
    lng: '141.35',
    ...over,
  });

type Result = { data: { result: { error: Record<string, string[]> } }; init: { status: number } };
const post = (
  fn: typeof newAction,
  path: string,
  cookie: string,
  body: URLSearchParams,
  params = {},
) =>
  settle(() =>
    fn({
      request: requestWithSession(path, cookie, { method: 'POST', body }),
      params,
      context: ctx,
    }),
  );

describe('partner pages, through their actions', () => {
  it('creates, refuses duplicates and invalid fields with 400, and stale edits with 409', async () => {
    const sec = await session('secretariat');
    const bad = (await post(
      newAction,
      '/partners/new',
      sec,
      form({ invoiceNumber: 'T1234567890123' }),
    )) as Result;
    expect(bad.init.status).toBe(400);
    expect(bad.data.result.error).toEqual({ invoiceNumber: ['errors.invoiceNumber'] });
    expect(await db.selectFrom('partner').select('id').execute()).toEqual([]);

    const created = (await post(newAction, '/partners/new', sec, form())) as Response;
    expect(created.status).toBe(302);
    const id = created.headers.get('Location')!.match(/\/partners\/([0-9a-f-]{36})/)![1];

    const dup = (await post(newAction, '/partners/new', sec, form())) as Result;
    expect(dup.init.status).toBe(400);
    expect(dup.data.result.error).toEqual({ name: ['errors.partnerDuplicate'] });

    const edit = (version: string, radius: string) =>
      post(
        editAction as typeof newAction,
        `/partners/${id}/edit`,
        sec,
        form({ version, serviceRadiusKm: radius }),
        { id },
      );
    expect(((await edit('1', '20')) as Response).status).toBe(302);
    const stale = (await edit('1', '25')) as Result;
    expect(stale.init.status).toBe(409);
    const row = await db
      .selectFrom('partner')
      .select(['service_radius_km', 'version'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ service_radius_km: '20.0', version: 2 });
  });

  it('counselors cannot create or edit, and never receive bank details', async () => {
    const cou = await session('counselor');
    expect(((await post(newAction, '/partners/new', cou, form())) as Response).status).toBe(403);
    const sec = await session('secretariat');
    const created = (await post(
      newAction,
      '/partners/new',
      sec,
      form({
        name: '銀行口座のある団体',
        bankCode: '0005',
        branchCode: '041',
        accountType: 'ordinary',
        accountNumber: '1234567',
        accountHolderKana: 'ギンコウ',
      }),
    )) as Response;
    const id = created.headers.get('Location')!.match(/\/partners\/([0-9a-f-]{36})/)![1];
    const seen = await detailLoader({
      request: requestWithSession(`/partners/${id}`, cou),
      params: { id },
      context: ctx,
    });
    expect(JSON.stringify(seen)).not.toMatch(/1234567|ｷﾞﾝｺｳ|0005/);
    const secView = await detailLoader({
      request: requestWithSession(`/partners/${id}`, sec),
      params: { id },
      context: ctx,
    });
    expect(JSON.stringify(secView)).toMatch(/ｷﾞﾝｺｳ/);
    const missing = await settle(() =>
      detailLoader({
        request: requestWithSession('/partners/00000000-0000-4000-8000-000000000000', sec),
        params: { id: '00000000-0000-4000-8000-000000000000' },
        context: ctx,
      }),
    );
    expect((missing as Response).status).toBe(404);
  });
});
