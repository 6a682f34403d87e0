import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { coverage } from '~/modules/reports/coverage.server';
import { makeDispatchablePartner } from '../support/dispatch';

/** Great-circle distance on a sphere of the radius earthdistance uses (km). */
function haversine(a: [number, number], b: [number, number], r = 6378.168) {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]);
  const dLng = rad(b[1] - a[1]);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}

async function eligible(language?: string, trainedOnly = false) {
  const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
  const rows = await db
    .selectFrom('partner as p')
    .select(['p.id', 'p.lat', 'p.lng', 'p.languages', 'p.trained_until'])
    .where('p.status', '=', 'active')
    .where('p.lat', 'is not', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mou as m')
          .select('m.id')
          .whereRef('m.partner_id', '=', 'p.id')
          .where('m.status', '=', 'active')
          .where('m.valid_from', '<=', today)
          .where((eb) =>
            eb.or([eb('m.valid_until', 'is', null), eb('m.valid_until', '>=', today)]),
          ),
      ),
    )
    .execute();
  return rows.filter(
    (p) =>
      (!language || p.languages.includes(language)) &&
      (!trainedOnly || (p.trained_until !== null && p.trained_until >= today)),
  );
}

describe('coverage-gap map', () => {
  it('gives every municipality the distance to its nearest eligible partner, as an independent computation does', async () => {
    // A Nepali-speaking partner on Yonaguni, far from everyone else.
    const p = await makeDispatchablePartner('COVERAGE-NE');
    await db
      .updateTable('partner')
      .set({
        languages: ['ne'],
        lat: 24.4676,
        lng: 123.0044,
        municipality_code: '473821',
        prefecture_code: 47,
      })
      .where('id', '=', p.id)
      .execute();
    for (const language of [undefined, 'ne']) {
      const rows = await coverage(db, { language, trainedOnly: false });
      const municipalities = await db.selectFrom('municipality').select('code').execute();
      expect(rows).toHaveLength(municipalities.length);
      const partners = await eligible(language);
      expect(partners.length).toBeGreaterThan(0);
      for (const r of rows.filter((_, i) => i % 7 === 0)) {
        const nearest = Math.min(
          ...partners.map((p) => haversine([r.lat, r.lng], [p.lat!, p.lng!])),
        );
        expect(r.km, `${r.code} ${r.name}`).not.toBeNull();
        expect(Math.abs(r.km! - nearest), `${r.code} ${r.name}`).toBeLessThanOrEqual(0.06);
      }
      const yonaguni = rows.find((r) => r.code === '473821')!;
      expect(yonaguni.km).toBeLessThan(5);
    }
  });

  it('counts the requests of the last twelve months where they came from, and "trained only" can leave areas with none', async () => {
    const rows = await coverage(db, { trainedOnly: true });
    const trained = await eligible(undefined, true);
    if (trained.length === 0) expect(rows.every((r) => r.km === null)).toBe(true);
    else expect(rows.every((r) => r.km !== null)).toBe(true);
    const counts = await db
      .selectFrom('accompaniment_request')
      .select(['municipality_code', (eb) => eb.fn.countAll<string>().as('n')])
      .where('created_at', '>', new Date(Date.now() - 365 * 86_400_000))
      .groupBy('municipality_code')
      .execute();
    for (const c of counts)
      expect(rows.find((r) => r.code === c.municipality_code)?.requests).toBe(Number(c.n));
    expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(
      counts.reduce((s, c) => s + Number(c.n), 0),
    );
  });
});
