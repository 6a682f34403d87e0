import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';

// Coverage gaps (支援空白地帯): for each of Japan's municipalities, the straight-line distance from
// its office to the nearest eligible partner — active, with an MOU in force today, and matching
// the chosen language / specialty / trained filters — plus the requests that came from there in
// the last 12 months. One nearest-neighbour lookup per municipality on the GiST index.

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

export async function coverage(q: Queryable, f: CoverageFilters): Promise<CoverageRow[]> {
  const rows = await sql<CoverageRow>`
    with req as (
      select municipality_code, count(*)::int as n from accompaniment_request
      where created_at > now() - interval '1 year' group by 1)
    select m.code, m.name, pr.name as prefecture, m.lat, m.lng,
      (select round((earth_distance(ll_to_earth(p.lat, p.lng), ll_to_earth(m.lat, m.lng)) / 1000)::numeric, 1)::float8
         from partner p
        where p.status = 'active' and p.lat is not null and p.lng is not null
          ${f.language ? sql`and ${f.language} = any(p.languages)` : sql``}
          ${f.specialty ? sql`and ${f.specialty} = any(p.specialties)` : sql``}
          ${f.trainedOnly ? sql`and p.trained_until >= current_date` : sql``}
          and exists (select 1 from mou x where x.partner_id = p.id and x.status = 'active'
            and x.valid_from <= current_date and (x.valid_until is null or x.valid_until >= current_date))
        order by ll_to_earth(p.lat, p.lng) <-> ll_to_earth(m.lat, m.lng)
        limit 1) as km,
      coalesce(req.n, 0) as requests
    from municipality m
    join prefecture pr on pr.code = m.prefecture_code
    left join req on req.municipality_code = m.code
    order by m.code`.execute(q);
  return rows.rows;
}
