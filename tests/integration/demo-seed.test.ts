import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { DEMO_PASSWORD, demoUsers, seedDemo } from '~/modules/demo/seed.server';

describe('demo data', () => {
  it('loads realistic partners at real municipalities, with working demo logins, and can be re-run', async () => {
    await seedDemo(() => {}, 120);
    const count = async (table: 'partner' | 'mou' | 'shelter' | 'app_user') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const first = {
      partners: await count('partner'),
      mous: await count('mou'),
      shelters: await count('shelter'),
      users: await count('app_user'),
    };
    expect(first.partners).toBe(124);
    expect(first.mous).toBeGreaterThan(60);
    expect(first.shelters).toBeGreaterThan(0);
    expect(first.users).toBe(demoUsers.length);

    // Every generated partner sits within ~3 km of its municipality's office.
    const far = await db
      .selectFrom('partner as p')
      .innerJoin('municipality as m', 'm.code', 'p.municipality_code')
      .select('p.name')
      .where((eb) =>
        eb.or([
          eb(eb('p.lat', '-', eb.ref('m.lat')), '>', 0.03),
          eb(eb('p.lng', '-', eb.ref('m.lng')), '>', 0.03),
        ]),
      )
      .execute();
    expect(far).toEqual([]);
    // Partner users belong to their organisations.
    const amakusa = await db
      .selectFrom('app_user as u')
      .innerJoin('partner as p', 'p.id', 'u.partner_id')
      .select(['p.name', 'p.prefecture_code'])
      .where('u.email', '=', 'amakusa@demo.example')
      .executeTakeFirstOrThrow();
    expect(amakusa).toEqual({ name: '天草市 市民生活課', prefecture_code: 43 });
    for (const u of demoUsers)
      expect((await login(u.email, DEMO_PASSWORD, '127.0.0.1')).ok, u.email).toBe(true);

    // Something to work on for each role: a request to dispatch, and a visit to review.
    const cases = await db
      .selectFrom('accompaniment_request')
      .select(['case_code', 'status'])
      .orderBy('case_code')
      .execute();
    expect(cases).toEqual([
      { case_code: 'DEMO-0001', status: 'draft' },
      { case_code: 'DEMO-0002', status: 'in_progress' },
    ]);
    const visits = await db.selectFrom('visit').select('status').execute();
    expect(visits).toEqual([{ status: 'submitted' }]);
    // The demo organisations are trained (a basic training two months ago); generated ones not.
    const trained = await db
      .selectFrom('partner')
      .select('name')
      .where('trained_until', '>', new Date().toISOString().slice(0, 10))
      .execute();
    expect(trained).toHaveLength(4);
    // Liaison meetings for the next four fiscal quarters and public agencies to invite.
    const meetings = await db
      .selectFrom('liaison_meeting')
      .select(['fiscal_year', 'quarter'])
      .orderBy('fiscal_year')
      .orderBy('quarter')
      .execute();
    expect(meetings).toHaveLength(4);
    expect(
      new Set(meetings.map((m) => m.fiscal_year * 4 + m.quarter)).size,
      'four different quarters',
    ).toBe(4);
    const contacts = await db.selectFrom('external_contact').select('id').execute();
    expect(contacts).toHaveLength(3);

    await seedDemo(() => {}, 120);
    expect(await db.selectFrom('liaison_meeting').select('id').execute()).toHaveLength(4);
    expect(await db.selectFrom('external_contact').select('id').execute()).toHaveLength(3);
    expect(await count('partner')).toBe(first.partners);
    expect(await db.selectFrom('accompaniment_request').select('id').execute()).toHaveLength(2);
    expect(await count('app_user')).toBe(first.users);
  });
});
