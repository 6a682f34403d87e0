import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';
import { CATEGORY_SPECIALTY, type Category, type ExclusionReason } from './codes';

export interface MatchCriteria {
  lat: number;
  lng: number;
  /** the accompaniment date (Tokyo), YYYY-MM-DD: the MOU must be active on it */
  date: string;
  category: Category;
  language: string;
  interpreterNeeded: boolean;
  shelterBeds: number;
  shelterGuest: string | null;
  /** partners already offered this request (a partner is never offered it twice) */
  excludePartnerIds?: string[];
  /** the request whose adverse parties rule out partners tied to them */
  requestId?: string;
  /** only partners trained on the date (on once anyone has been trained) */
  requireTrained?: boolean;
}

export interface Candidate {
  id: string;
  name: string;
  kind: string;
  lat: number;
  lng: number;
  distanceKm: number;
  serviceRadiusKm: number;
  languages: string[];
  estimatedFee: number | null;
  travelMode: string;
  mouId: string;
  activeRequests: number;
  maxConcurrent: number;
}

export interface Excluded {
  id: string;
  name: string;
  lat: number;
  lng: number;
  distanceKm: number;
  reasons: ExclusionReason[];
}

/**
 * Every condition of eligibility as one SQL boolean per reason, so the same expressions decide
 * the candidates and explain the exclusions. `p` is the partner row, `m` its MOU active on the date.
 */
function conditions(c: MatchCriteria) {
  const here = sql`ll_to_earth(${c.lat}::float8, ${c.lng}::float8)`;
  const specialty = CATEGORY_SPECIALTY[c.category];
  const distanceM = sql<number>`earth_distance(ll_to_earth(p.lat, p.lng), ${here})`;
  return {
    here,
    distanceM,
    inactive: sql<boolean>`p.status <> 'active'`,
    noMou: sql<boolean>`m.id is null`,
    outOfRadius: sql<boolean>`${distanceM} > p.service_radius_km * 1000`,
    language: c.interpreterNeeded
      ? sql<boolean>`not (p.languages @> array[${c.language}]::text[])`
      : sql<boolean>`false`,
    specialty: specialty
      ? sql<boolean>`not (p.specialties @> array[${specialty}]::text[])`
      : sql<boolean>`false`,
    atCapacity: sql<boolean>`coalesce(m.max_concurrent_requests <= (select count(*) from accompaniment_request r
        where r.accepted_partner_id = p.id and r.status in ('accepted','in_progress')), false)`,
    noShelterBeds:
      c.shelterBeds > 0
        ? sql<boolean>`not exists (select 1 from shelter s where s.partner_id = p.id and s.active
            and s.capacity - s.beds_occupied >= ${c.shelterBeds}
            and s.accepts @> array[${c.shelterGuest ?? 'women'}]::text[])`
        : sql<boolean>`false`,
    untrained: c.requireTrained
      ? sql<boolean>`(p.trained_until is null or p.trained_until < ${c.date}::date)`
      : sql<boolean>`false`,
    // ⚑ Conflict of interest: a tie to any adverse party of the request, by corporate number or
    // by normalised name. Ended ties count too: a past adviser of the employer is still tied.
    conflict: c.requestId
      ? sql<boolean>`exists (select 1 from partner_tie t
          join request_adverse_party a on a.request_id = ${c.requestId}::uuid
            and (t.name_key = a.name_key or t.corporate_number = a.corporate_number)
          where t.partner_id = p.id)`
      : sql<boolean>`false`,
    alreadyOffered: c.excludePartnerIds?.length
      ? sql<boolean>`p.id in (${sql.join(c.excludePartnerIds)})`
      : sql<boolean>`false`,
  };
}

// The MOU in force on the date (at most one, by the exclusion constraint).
const activeMouJoin = (date: string) =>
  sql`left join lateral (select * from mou where mou.partner_id = p.id and mou.status = 'active'
        and mou.valid_from <= ${date}::date and (mou.valid_until is null or mou.valid_until >= ${date}::date)
        limit 1) m on true`;

/** Base fee plus travel for the distance there and back (per km, capped), from the MOU. */
const feeExpr = (distanceM: ReturnType<typeof sql>) => sql<number | null>`case m.travel_mode
    when 'per_km' then m.visit_base_fee
      + least(round(2 * ${distanceM} / 1000.0 * m.travel_per_km)::int, coalesce(m.travel_cap, 2147483647))
    when 'actual' then null
    else m.visit_base_fee end`;

/**
 * Runs the candidate query with PostgreSQL walking the GiST index outward from the place (and
 * stopping at `limit` matches). PostgreSQL has no statistics for "inside this box", guesses 0.1 %
 * of partners, and then prefers a bitmap of the box ANDed with the specialty index: in a city
 * that reads and sorts every partner within the largest service radius (14,000 around Tokyo at
 * national scale, 40–60 ms) where the walk reads a few dozen (p95 52 → 14 ms, bench). Bitmap
 * scans are turned off for this one statement (SET LOCAL, inside the caller's transaction or a
 * new one), and the setting is put back after it.
 */
async function walkingOutward<T>(q: Queryable, run: (q: Queryable) => Promise<T>): Promise<T> {
  const inTx = async (tx: Queryable) => {
    const { was } = (
      await sql<{ was: string }>`select current_setting('enable_bitmapscan') as was,
        set_config('enable_bitmapscan', 'off', true)`.execute(tx)
    ).rows[0]!;
    const result = await run(tx);
    await sql`select set_config('enable_bitmapscan', ${was}, true)`.execute(tx);
    return result;
  };
  return q.isTransaction ? inTx(q) : q.transaction().execute(inTx);
}

/**
 * The nearest eligible partners, nearest first, using the GiST index on ll_to_earth(lat, lng)
 * (KNN `<->`): PostgreSQL walks partners outward from the place and stops after `limit` matches.
 */
export async function findCandidates(
  q: Queryable,
  c: MatchCriteria,
  limit = 20,
): Promise<Candidate[]> {
  const k = conditions(c);
  // No partner serves farther than the largest service radius: bound the index walk with a box,
  // or a search with fewer than `limit` matches would visit every partner in Japan.
  const { max_m } = (
    await sql<{ max_m: number | null }>`select max(service_radius_km)::float8 * 1000 as max_m
      from partner where status = 'active'`.execute(q)
  ).rows[0];
  const rows = await walkingOutward(q, (w) =>
    sql<{
      id: string;
      name: string;
      kind: string;
      lat: number;
      lng: number;
      distance_m: number;
      service_radius_km: string;
      languages: string[];
      estimated_fee: number | null;
      travel_mode: string;
      mou_id: string;
      active_requests: number;
      max_concurrent: number;
    }>`
    select p.id, p.name, p.kind, p.lat, p.lng, ${k.distanceM} as distance_m, p.service_radius_km,
      p.languages, ${feeExpr(k.distanceM)} as estimated_fee, m.travel_mode, m.id as mou_id,
      (select count(*)::int from accompaniment_request r where r.accepted_partner_id = p.id
        and r.status in ('accepted','in_progress')) as active_requests,
      m.max_concurrent_requests as max_concurrent
    from partner p
    ${activeMouJoin(c.date)}
    where p.lat is not null
      and earth_box(${k.here}, ${max_m ?? 0}::float8) @> ll_to_earth(p.lat, p.lng)
      and not ${k.inactive} and not ${k.noMou} and not ${k.outOfRadius} and not ${k.language}
      and not ${k.specialty} and not ${k.atCapacity} and not ${k.noShelterBeds} and not ${k.alreadyOffered}
      and not ${k.conflict} and not ${k.untrained}
    order by ll_to_earth(p.lat, p.lng) <-> ${k.here}
    limit ${limit}`.execute(w),
  );
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    lat: r.lat,
    lng: r.lng,
    distanceKm: Math.round(r.distance_m / 10) / 100,
    serviceRadiusKm: Number(r.service_radius_km),
    languages: r.languages,
    estimatedFee: r.estimated_fee,
    travelMode: r.travel_mode,
    mouId: r.mou_id,
    activeRequests: r.active_requests,
    maxConcurrent: r.max_concurrent,
  }));
}

/** Nearby partners that are not eligible, each with every reason why (for the counselor). */
export async function explainExclusions(
  q: Queryable,
  c: MatchCriteria,
  opts: { withinKm?: number; limit?: number } = {},
): Promise<Excluded[]> {
  const k = conditions(c);
  const withinM = (opts.withinKm ?? 80) * 1000;
  const rows = await sql<{
    id: string;
    name: string;
    lat: number;
    lng: number;
    distance_m: number;
    inactive: boolean;
    no_mou: boolean;
    out_of_radius: boolean;
    language: boolean;
    specialty: boolean;
    at_capacity: boolean;
    no_shelter_beds: boolean;
    already_offered: boolean;
    conflict: boolean;
    untrained: boolean;
  }>`
    select * from (
      select p.id, p.name, p.lat, p.lng, ${k.distanceM} as distance_m,
        ${k.inactive} as inactive, ${k.noMou} as no_mou, ${k.outOfRadius} as out_of_radius,
        ${k.language} as language, ${k.specialty} as specialty, ${k.atCapacity} as at_capacity,
        ${k.noShelterBeds} as no_shelter_beds, ${k.alreadyOffered} as already_offered,
        ${k.conflict} as conflict, ${k.untrained} as untrained
      from partner p
      ${activeMouJoin(c.date)}
      where p.lat is not null and p.status <> 'retired'
        and earth_box(${k.here}, ${withinM}::float8) @> ll_to_earth(p.lat, p.lng)
      order by ll_to_earth(p.lat, p.lng) <-> ${k.here}
      limit ${(opts.limit ?? 30) * 4}
    ) x
    where inactive or no_mou or out_of_radius or language or specialty or at_capacity
      or no_shelter_beds or already_offered or conflict or untrained
    order by distance_m
    limit ${opts.limit ?? 30}`.execute(q);
  const names: [keyof (typeof rows.rows)[number], ExclusionReason][] = [
    ['inactive', 'inactive'],
    ['no_mou', 'no_mou'],
    ['out_of_radius', 'out_of_radius'],
    ['language', 'language'],
    ['specialty', 'specialty'],
    ['at_capacity', 'at_capacity'],
    ['no_shelter_beds', 'no_shelter_beds'],
    ['already_offered', 'already_offered'],
    ['untrained', 'untrained'],
    ['conflict', 'conflict_of_interest'],
  ];
  return rows.rows.map((r) => ({
    id: r.id,
    name: r.name,
    lat: r.lat,
    lng: r.lng,
    distanceKm: Math.round(r.distance_m / 10) / 100,
    reasons: names.filter(([col]) => r[col]).map(([, reason]) => reason),
  }));
}
