import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';

// Coverage gaps (支援空白地帯): for each of Japan's municipalities, the straight-line distance from
// its office to the nearest eligible partner — active, with an MOU in force today, and matching
// the chosen language / specialty / trained filters — plus the requests that came from there in
// the last 12 months.
//
// The eligible partners are read once and put in a grid of half-degree cells; each municipality
// then searches outwards ring by ring. One query and ~2,000 small searches, whatever the number
// of partners — a per-municipality nearest-neighbour query made the planner scan partners 1,916
// times once filters were added.

export interface CoverageFilters {
  language?: string;
  specialty?: string;
  trainedOnly: boolean;
}

export interface CoverageRow {
  code: string;
  name: string;
  prefecture: string;
  lat: number;
  lng: number;
  /** null: no eligible partner anywhere */
  km: number | null;
  requests: number;
}

/** The sphere of PostgreSQL's earthdistance (earth() = 6,378,168 m), so figures agree with dispatch. */
const R = 6378.168;
const rad = (d: number) => (d * Math.PI) / 180;
function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number) {
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

const CELL = 0.5; // degrees
// The narrowest a cell gets in Japan (0.5° of longitude at 46°N): a safe lower bound per ring.
const CELL_KM_MIN = CELL * 111.19 * Math.cos(rad(46));
const MAX_RING = 90;

export async function coverage(q: Queryable, f: CoverageFilters): Promise<CoverageRow[]> {
  let eligible = q
    .selectFrom('partner as p')
    .select(['p.lat', 'p.lng'])
    .where('p.status', '=', 'active')
    .where('p.lat', 'is not', null)
    .where('p.lng', 'is not', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mou as x')
          .select('x.id')
          .whereRef('x.partner_id', '=', 'p.id')
          .where('x.status', '=', 'active')
          .where(sql<boolean>`x.valid_from <= current_date`)
          .where(sql<boolean>`(x.valid_until is null or x.valid_until >= current_date)`),
      ),
    );
  if (f.language) eligible = eligible.where(sql<boolean>`${f.language} = any(p.languages)`);
  if (f.specialty) eligible = eligible.where(sql<boolean>`${f.specialty} = any(p.specialties)`);
  if (f.trainedOnly) eligible = eligible.where(sql<boolean>`p.trained_until >= current_date`);

  const [partners, municipalities] = await Promise.all([
    eligible.execute(),
    sql<Omit<CoverageRow, 'km'>>`
      with req as (
        select municipality_code, count(*)::int as n from accompaniment_request
        where created_at > now() - interval '1 year' group by 1)
      select m.code, m.name, pr.name as prefecture, m.lat, m.lng, coalesce(req.n, 0) as requests
      from municipality m
      join prefecture pr on pr.code = m.prefecture_code
      left join req on req.municipality_code = m.code
      order by m.code`.execute(q),
  ]);

  const grid = new Map<string, { lat: number; lng: number }[]>();
  const key = (i: number, j: number) => `${i}:${j}`;
  for (const p of partners) {
    const k = key(Math.floor(p.lat! / CELL), Math.floor(p.lng! / CELL));
    let cell = grid.get(k);
    if (!cell) grid.set(k, (cell = []));
    cell.push({ lat: p.lat!, lng: p.lng! });
  }

  return municipalities.rows.map((m) => {
    const ci = Math.floor(m.lat / CELL);
    const cj = Math.floor(m.lng / CELL);
    let best = Infinity;
    for (let r = 0; r <= MAX_RING && partners.length; r++) {
      // Every point outside the rings searched so far is at least r cells away.
      if (best <= r * CELL_KM_MIN) break;
      for (let i = ci - r; i <= ci + r; i++)
        for (let j = cj - r; j <= cj + r; j++) {
          if (Math.max(Math.abs(i - ci), Math.abs(j - cj)) !== r) continue;
          for (const p of grid.get(key(i, j)) ?? []) {
            const d = distanceKm(m.lat, m.lng, p.lat, p.lng);
            if (d < best) best = d;
          }
        }
    }
    return { ...m, km: best === Infinity ? null : Math.round(best * 10) / 10 };
  });
}
