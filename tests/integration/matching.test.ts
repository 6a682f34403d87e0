import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import {
  explainExclusions,
  findCandidates,
  type MatchCriteria,
} from '~/modules/dispatch/matching.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner } from '~/modules/partners/partners.server';

// Independent check: haversine on the sphere earthdistance uses (radius 6,378,168 m).
function haversineKm(a: [number, number], b: [number, number]) {
  const R = 6378.168;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]);
  const dLng = rad(b[1] - a[1]);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

// The place: 天草市役所.
const AMAKUSA: [number, number] = [32.45862, 130.19317];
const base: MatchCriteria = {
  lat: AMAKUSA[0],
  lng: AMAKUSA[1],
  date: '2026-12-03',
  category: 'hospital',
  language: 'vi',
  interpreterNeeded: true,
  shelterBeds: 0,
  shelterGuest: null,
};

const ids: Record<string, string> = {};

async function partner(
  key: string,
  municipalityCode: string,
  over: Record<string, unknown> = {},
  mou: Record<string, unknown> | null = {},
) {
  const m = await db
    .selectFrom('municipality')
    .select(['lat', 'lng'])
    .where('code', '=', municipalityCode)
    .executeTakeFirstOrThrow();
  const id = await db.transaction().execute((tx) =>
    createPartner(
      tx,
      partnerSchema.parse({
        name: `照合テスト ${key}`,
        nameKana: 'しょうごうてすと',
        kind: 'npo',
        status: 'active',
        municipalityCode,
        lat: m.lat,
        lng: m.lng,
        serviceRadiusKm: 150,
        languages: ['ja', 'vi'],
        specialties: ['hospital'],
        ...over,
      }),
      { userId: null },
    ),
  );
  if (mou) {
    await db
      .insertInto('mou')
      .values({
        partner_id: id,
        reference_no: `MOU-MATCH-${key}`,
        status: 'active',
        valid_from: '2026-04-01',
        valid_until: '2027-03-31',
        visit_base_fee: 5000,
        travel_mode: 'per_km',
        travel_per_km: 30,
        travel_cap: 5000,
        max_concurrent_requests: 1,
        ...mou,
      } as never)
      .execute();
  }
  ids[key] = id;
  return id;
}

beforeAll(async () => {
  // Real municipalities around Amakusa and further away.
  await partner('kamiamakusa', '432121'); // 上天草市
  await partner('uto', '432113'); // 宇土市
  await partner('kumamoto', '431001'); // 熊本市
  await partner('yatsushiro', '432024'); // 八代市
  await partner('minamata', '432059'); // 水俣市
  await partner('nagasaki', '422011'); // 長崎市
  await partner('kagoshima', '462012'); // 鹿児島市
  await partner('fukuoka', '401307', { serviceRadiusKm: 60 }); // 福岡市: serves only nearby
  // Each excluded for one reason:
  await partner('noMouDate', '432121', {}, { valid_from: '2027-01-01', valid_until: '2027-03-31' });
  await partner('noMou', '432121', {}, null);
  await partner('draftMou', '432121', {}, { status: 'draft' });
  await partner('smallRadius', '431001', { serviceRadiusKm: 20 });
  await partner('noVietnamese', '432121', { languages: ['ja', 'en'] });
  await partner('noHospital', '432121', { specialties: ['school'] });
  await partner('suspended', '432121', { status: 'suspended' });
  await partner('full', '432121');
  const counselor = (await makeUser(db, { role: 'counselor' }))!;
  // 'full' already has one accepted request = its MOU maximum.
  await db
    .insertInto('accompaniment_request')
    .values({
      reference: 'REQ-2026-999999',
      case_code: 'CASE-1',
      created_by: counselor.id,
      category: 'hospital',
      worker_language: 'vi',
      municipality_code: '432156',
      lat: AMAKUSA[0],
      lng: AMAKUSA[1],
      window_start: '2026-12-03T01:00:00Z',
      window_end: '2026-12-03T03:00:00Z',
      summary: 'x',
      status: 'accepted',
      accepted_partner_id: ids.full,
    })
    .execute();
});

describe('candidate search', () => {
  it('orders eligible partners by distance exactly as an independent haversine does', async () => {
    const found = await findCandidates(db, base);
    const eligible = [
      'kamiamakusa',
      'uto',
      'kumamoto',
      'yatsushiro',
      'minamata',
      'nagasaki',
      'kagoshima',
      'fukuoka',
    ];
    const located = await db
      .selectFrom('partner')
      .select(['id', 'lat', 'lng'])
      .where(
        'id',
        'in',
        eligible.map((k) => ids[k]),
      )
      .execute();
    const expected = located
      .map((p) => ({ id: p.id, km: haversineKm(AMAKUSA, [p.lat!, p.lng!]) }))
      .filter((p) => p.km <= (p.id === ids.fukuoka ? 60 : 150))
      .sort((a, b) => a.km - b.km)
      .map((p) => p.id);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(expected).not.toContain(ids.fukuoka); // Amakusa is beyond its 60 km radius
    expect(found.map((c) => c.id)).toEqual(expected);
    for (const c of found) {
      expect(Math.abs(c.distanceKm - haversineKm(AMAKUSA, [c.lat, c.lng]))).toBeLessThan(0.05);
    }
    const km = found.map((c) => c.distanceKm);
    expect([...km].sort((a, b) => a - b)).toEqual(km);
  });

  it('estimates the fee from the MOU: base + travel there and back, capped', async () => {
    const [near] = await findCandidates(db, base, 1);
    expect(near.estimatedFee).toBe(5000 + Math.min(Math.round(2 * near.distanceKm * 30), 5000));
    const far = (await findCandidates(db, base)).find((c) => c.id === ids.kagoshima)!;
    expect(far.estimatedFee).toBe(10000); // travel capped at 5,000
  });

  it('explains each exclusion', async () => {
    const excluded = await explainExclusions(db, base, { withinKm: 200, limit: 50 });
    const reasonsOf = (k: string) => excluded.find((e) => e.id === ids[k])?.reasons;
    expect(reasonsOf('noMouDate')).toEqual(['no_mou']);
    expect(reasonsOf('noMou')).toEqual(['no_mou']);
    expect(reasonsOf('draftMou')).toEqual(['no_mou']);
    expect(reasonsOf('smallRadius')).toEqual(['out_of_radius']);
    expect(reasonsOf('noVietnamese')).toEqual(['language']);
    expect(reasonsOf('noHospital')).toEqual(['specialty']);
    expect(reasonsOf('suspended')).toEqual(['inactive']);
    expect(reasonsOf('full')).toEqual(['at_capacity']);
    expect(reasonsOf('kamiamakusa')).toBeUndefined();
  });

  it('no language rule when no interpreter is needed; no specialty rule for a home visit', async () => {
    const ids2 = (
      await findCandidates(db, { ...base, interpreterNeeded: false, category: 'home_visit' }, 50)
    ).map((c) => c.id);
    expect(ids2).toContain(ids.noVietnamese);
    expect(ids2).toContain(ids.noHospital);
    expect(ids2).not.toContain(ids.noMou);
  });

  it('needs a shelter with enough free beds that accepts this worker', async () => {
    const crit = { ...base, shelterBeds: 2, shelterGuest: 'women' };
    expect(await findCandidates(db, crit)).toEqual([]);
    const shelter = await db
      .insertInto('shelter')
      .values({
        partner_id: ids.uto,
        name: 'S',
        capacity: 3,
        accepts: ['women', 'children'],
        municipality_code: '432113',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await findCandidates(db, crit)).map((c) => c.id)).toEqual([ids.uto]);
    expect(await findCandidates(db, { ...crit, shelterGuest: 'men' })).toEqual([]);
    await db
      .updateTable('shelter')
      .set({ beds_occupied: 2 })
      .where('id', '=', shelter.id)
      .execute();
    expect(await findCandidates(db, crit)).toEqual([]);
    const reasons = (await explainExclusions(db, crit, { withinKm: 60 })).find(
      (e) => e.id === ids.uto,
    )?.reasons;
    expect(reasons).toEqual(['no_shelter_beds']);
  });

  it('uses the GiST index for the nearest-first walk', async () => {
    const plan = await sql<{ 'QUERY PLAN': string }>`explain
      select p.id from partner p where p.lat is not null
      order by ll_to_earth(p.lat, p.lng) <-> ll_to_earth(32.45, 130.19) limit 20`.execute(db);
    await sql`set enable_seqscan = off`.execute(db);
    const forced = await sql<{ 'QUERY PLAN': string }>`explain
      select p.id from partner p where p.lat is not null
      order by ll_to_earth(p.lat, p.lng) <-> ll_to_earth(32.45, 130.19) limit 20`.execute(db);
    await sql`set enable_seqscan = on`.execute(db);
    // With few rows the planner may prefer a scan; the index must at least be usable for it.
    expect([...plan.rows, ...forced.rows].map((r) => r['QUERY PLAN']).join('\n')).toMatch(
      /partner_earth_idx/,
    );
  });

  it('walks the index outward for this query only: same answer in a caller’s transaction, setting put back', async () => {
    const alone = await findCandidates(db, base);
    const inside = await db.transaction().execute(async (tx) => {
      const found = await findCandidates(tx, base);
      const after = await sql<{
        v: string;
      }>`select current_setting('enable_bitmapscan') as v`.execute(tx);
      return { found, setting: after.rows[0]!.v };
    });
    expect(inside.found.map((c) => c.id)).toEqual(alone.map((c) => c.id));
    expect(alone.length).toBeGreaterThan(0);
    expect(inside.setting).toBe('on');
    const outside = await sql<{
      v: string;
    }>`select current_setting('enable_bitmapscan') as v`.execute(db);
    expect(outside.rows[0]!.v).toBe('on');
  });
});
