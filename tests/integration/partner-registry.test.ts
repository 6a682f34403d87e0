import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import {
  createPartner,
  getPartnerForViewer,
  listPartners,
  partnerHistory,
  updateOwnContact,
  updatePartner,
} from '~/modules/partners/partners.server';

const input = (over: Record<string, unknown> = {}) =>
  partnerSchema.parse({
    name: '天草市 市民生活課',
    nameKana: 'あまくさし しみんせいかつか',
    kind: 'municipality',
    status: 'active',
    municipalityCode: '432156',
    lat: 32.4586,
    lng: 130.1931,
    serviceRadiusKm: 40,
    languages: ['ja', 'vi'],
    specialties: ['city_hall', 'hospital'],
    invoiceNumber: 'T7000012050002',
    bankCode: '0182',
    branchCode: '345',
    accountType: 'ordinary',
    accountNumber: '0012345',
    accountHolderKana: 'アマクサシ',
    ...over,
  });

// Each test file shares one database: every test makes its own, uniquely named partner.
let n = 0;
async function setup() {
  const sec = (await makeUser(db, { role: 'secretariat' }))!;
  const name = `天草市 市民生活課${n ? ` ${n}` : ''}`;
  n++;
  const id = await db
    .transaction()
    .execute((tx) => createPartner(tx, input({ name }), { userId: sec.id }));
  return { sec, id, name };
}

describe('partner registry', () => {
  it('derives the prefecture from the municipality code', async () => {
    const { id } = await setup();
    const p = await getPartnerForViewer(db, id, { id: 'x', role: 'secretariat', partnerId: null });
    expect(p).toMatchObject({
      prefecture_code: 43,
      prefecture_name: '熊本県',
      municipality_name: '天草市',
    });
    expect(p?.money).toMatchObject({ accountHolderKana: 'ｱﾏｸｻｼ', invoiceNumber: 'T7000012050002' });
  });

  it('refuses an unknown municipality code and a duplicate name in the same municipality', async () => {
    await setup();
    await expect(
      db
        .transaction()
        .execute((tx) =>
          createPartner(tx, input({ municipalityCode: '999999' }), { userId: null }),
        ),
    ).rejects.toMatchObject({ code: 'errors.municipalityUnknown' });
    await expect(
      db
        .transaction()
        .execute((tx) =>
          createPartner(tx, input({ name: '天草市　市民生活課' }), { userId: null }),
        ),
    ).rejects.toMatchObject({ code: 'errors.partnerDuplicate' });
  });

  it('counselors never receive bank details; partners see only their own organisation (404 otherwise)', async () => {
    const { id } = await setup();
    const other = await db.transaction().execute((tx) =>
      createPartner(tx, input({ name: '別の団体', nameKana: 'べつのだんたい' }), {
        userId: null,
      }),
    );
    const counselorView = await getPartnerForViewer(db, id, {
      id: 'c',
      role: 'counselor',
      partnerId: null,
    });
    expect(counselorView?.money).toBeNull();
    expect(JSON.stringify(counselorView)).not.toMatch(/0012345|ｱﾏｸｻｼ|bank_code|T7000012050002/);
    const own = await getPartnerForViewer(db, id, { id: 'p', role: 'partner', partnerId: id });
    expect(own?.money?.accountNumber).toBe('0012345');
    expect(
      await getPartnerForViewer(db, other, { id: 'p', role: 'partner', partnerId: id }),
    ).toBeNull();
    expect(
      await getPartnerForViewer(db, 'not-a-uuid', {
        id: 's',
        role: 'secretariat',
        partnerId: null,
      }),
    ).toBeNull();
  });

  it('records who changed what, and refuses a stale edit', async () => {
    const { sec, id, name } = await setup();
    const before = await db
      .selectFrom('partner')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await db.transaction().execute((tx) =>
      updatePartner(
        tx,
        id,
        input({
          name,
          serviceRadiusKm: 60,
          languages: ['ja', 'vi', 'tl'],
          accountNumber: '7654321',
          version: before.version,
        }),
        { userId: sec.id },
      ),
    );
    await expect(
      db.transaction().execute((tx) =>
        updatePartner(tx, id, input({ name, serviceRadiusKm: 10, version: before.version }), {
          userId: sec.id,
        }),
      ),
    ).rejects.toMatchObject({ code: 'errors.staleEdit' });
    const history = await partnerHistory(db, id);
    expect(history.map((h) => h.action)).toEqual(['update', 'create']);
    expect(history[0].actor_name).toBe('secretariat user');
    expect(history[0].changes).toEqual({
      service_radius_km: ['40.0', 60],
      languages: [
        ['ja', 'vi'],
        ['ja', 'tl', 'vi'], // stored in the code list's order
      ],
      account_number: ['***345', '***321'],
    });
    // A change of bank details is also in the audit log.
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('subject_id', '=', id)
      .execute();
    expect(audit).toEqual([
      {
        action: 'partner.money_details_changed',
        detail: expect.objectContaining({ fields: expect.any(Array) }),
      },
      { action: 'partner.money_details_changed', detail: { fields: ['account_number'] } },
    ]);
  });

  it('a partner user can change only contact details, languages, specialties and availability', async () => {
    const { id } = await setup();
    const r = await db.transaction().execute((tx) =>
      updateOwnContact(
        tx,
        id,
        {
          contactName: '松本',
          contactEmail: 'm@example.org',
          contactPhone: '0969-23-1111',
          languages: ['ja', 'en'],
          specialties: ['school'],
          availability: '平日 9–17 時',
        },
        { userId: null },
      ),
    );
    expect(r.changed).toBe(true);
    const row = await db
      .selectFrom('partner')
      .select(['languages', 'specialties', 'status', 'account_number'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      languages: ['ja', 'en'],
      specialties: ['school'],
      status: 'active',
      account_number: '0012345',
    });
  });

  it('the database itself refuses out-of-range values', async () => {
    const { id } = await setup();
    for (const [col, value] of [
      ['lat', 60],
      ['invoice_number', 'T123'],
      ['languages', sql`array['xx']`],
      ['account_holder_kana', 'ﾔﾏﾀﾞ ｯ'],
      ['postal_code', '8630021'],
    ] as const) {
      await expect(
        db
          .updateTable('partner')
          .set({ [col]: value } as never)
          .where('id', '=', id)
          .execute(),
        col,
      ).rejects.toThrow(/violates check constraint/);
    }
  });

  it('overlapping active MOUs for one partner are refused by the database', async () => {
    const { id } = await setup();
    const mou = (ref: string, from: string, until: string | null, status = 'active') =>
      db
        .insertInto('mou')
        .values({
          partner_id: id,
          reference_no: ref,
          valid_from: from,
          valid_until: until,
          status: status as never,
        })
        .execute();
    await mou('MOU-1', '2026-04-01', '2027-03-31');
    await expect(mou('MOU-2', '2027-03-31', '2028-03-31')).rejects.toThrow(
      /mou_one_active_per_date/,
    );
    await expect(mou('MOU-3', '2025-04-01', null)).rejects.toThrow(/mou_one_active_per_date/);
    await mou('MOU-4', '2027-04-01', '2028-03-31'); // adjacent, not overlapping
    await mou('MOU-5', '2026-10-01', '2027-09-30', 'draft'); // drafts may overlap
  });

  it('shelter occupancy can never exceed capacity, even under concurrent check-ins', async () => {
    const { id } = await setup();
    const { id: shelterId } = await db
      .insertInto('shelter')
      .values({
        partner_id: id,
        name: '一時避難所',
        capacity: 3,
        municipality_code: '432156',
        accepts: ['women'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const checkIn = () =>
      db.transaction().execute(async (tx) => {
        await sql`select pg_sleep(0.05)`.execute(tx);
        await tx
          .updateTable('shelter')
          .set({ beds_occupied: sql`beds_occupied + 1` })
          .where('id', '=', shelterId)
          .execute();
      });
    const results = await Promise.allSettled(Array.from({ length: 6 }, checkIn));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const { beds_occupied } = await db
      .selectFrom('shelter')
      .select('beds_occupied')
      .where('id', '=', shelterId)
      .executeTakeFirstOrThrow();
    expect(beds_occupied).toBe(3);
  });

  it('lists with search, filters and paging', async () => {
    await db.deleteFrom('shelter').execute();
    await db.deleteFrom('mou').execute();
    await db.deleteFrom('partner').execute();
    await setup();
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 30; i++) {
        await createPartner(
          tx,
          input({
            name: `テスト団体${i}`,
            nameKana: `てすとだんたい${'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ'[i]}`,
            kind: i % 2 ? 'npo' : 'lawyer',
            municipalityCode: i % 3 ? '432156' : '131016',
            languages: i % 5 ? ['ja'] : ['ja', 'ne'],
          }),
          { userId: null },
        );
      }
    });
    const page = (filters: object, after?: string | null) =>
      listPartners(db, { filters, sort: 'name', dir: 'asc', page: { after, limit: 10 } });
    expect((await page({})).total).toBe(31);
    const p2 = await page({}, (await page({})).next);
    expect(p2.rows).toHaveLength(10);
    expect((await page({ q: 'あまくさ' })).rows).toHaveLength(1);
    expect((await page({ kind: 'lawyer' })).total).toBe(15);
    expect((await page({ prefecture: 13 })).total).toBe(10);
    expect((await page({ language: 'ne' })).total).toBe(6);
    expect((await page({ q: '100%' })).total).toBe(0);
    expect((await page({ mou: 'active' })).total).toBe(0);
    expect((await page({ mou: 'none' })).total).toBe(31);
  });
});
