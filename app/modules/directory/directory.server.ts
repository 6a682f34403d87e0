import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import en from '~/i18n/en';
import ja from '~/i18n/ja';
import type { Queryable } from '~/lib/db.server';
import { isUuid } from '~/modules/partners/partners.server';

// The public directory for the workers' portal: only active, publicly listed partners, and only
// public fields — name, kind, municipality, languages, specialties, public phone and website.
// Never bank details, the contact person, shelter locations or anything not publicly listed.

/** Columns that may leave the platform. Everything below selects from this list only. */
const PUBLIC = [
  'p.id',
  'p.name',
  'p.kind',
  'p.languages',
  'p.specialties',
  'p.public_phone',
  'p.website',
  'p.service_radius_km',
  'p.updated_at',
  'm.name as municipality',
  'm.lat as municipality_lat',
  'm.lng as municipality_lng',
  'pr.name as prefecture',
] as const;

function listed(q: Queryable) {
  return q
    .selectFrom('partner as p')
    .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
    .leftJoin('prefecture as pr', 'pr.code', 'p.prefecture_code')
    .where('p.status', '=', 'active')
    .where('p.public_listing', '=', true);
}

export interface NearestQuery {
  lat: number;
  lng: number;
  language?: string;
  specialty?: string;
  limit: number;
}

/** Publicly listed partners nearest to a point (straight-line distance), nearest first. */
export async function nearestPartners(q: Queryable, f: NearestQuery) {
  const here = sql`ll_to_earth(${f.lat}::float8, ${f.lng}::float8)`;
  let query = listed(q)
    .select(PUBLIC)
    .select(
      sql<number>`earth_distance(ll_to_earth(p.lat, p.lng), ${here}) / 1000`.as('distance_km'),
    )
    .where('p.lat', 'is not', null)
    .where('p.lng', 'is not', null);
  if (f.language) query = query.where(sql<boolean>`${f.language} = any(p.languages)`);
  if (f.specialty) query = query.where(sql<boolean>`${f.specialty} = any(p.specialties)`);
  const rows = await query
    .orderBy(sql`ll_to_earth(p.lat, p.lng) <-> ${here}`)
    .limit(f.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    municipality: r.municipality,
    prefecture: r.prefecture,
    distance_km: Math.round(r.distance_km * 10) / 10,
    languages: r.languages,
    specialties: r.specialties,
    phone: r.public_phone || null,
    url: r.website ? asUri(r.website) : null,
  }));
}

// ---------------------------------------------------------------------------------------------
// Open Referral HSDS 3.0

// Services, locations and service-at-locations are one per partner: their ids are the partner's
// id with a fixed pattern XOR-ed into it (version and variant digits kept), so the API finds the
// partner of a service id without a lookup table.
const MASKS: Record<string, string> = {
  service: '5e41c3b2a79d4f60b18e2c7a93d05f14',
  location: 'a3c97e15d0624b8f9e2173c5b84a06d9',
  service_at_location: '71d2f84c3e9a4605a7b1d9e03c6f28b5',
};

function masked(uuid: string, what: keyof typeof MASKS): string {
  const hex = uuid.replaceAll('-', '').toLowerCase();
  const mask = MASKS[what]!;
  let out = '';
  for (let i = 0; i < 32; i++)
    out +=
      i === 12 || i === 16 ? hex[i] : (parseInt(hex[i]!, 16) ^ parseInt(mask[i]!, 16)).toString(16);
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/** A stable UUID for a derived HSDS object (language, phone, area …) of a partner. */
export function derivedId(partnerId: string, what: string): string {
  if (what in MASKS) return masked(partnerId, what as keyof typeof MASKS);
  const h = createHash('sha1').update(`banso:${what}:${partnerId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Row = Awaited<ReturnType<typeof pageRows>>['rows'][number];

/** As an ASCII URI (RFC 3986): Japanese domains in punycode, paths percent-encoded. */
function asUri(v: string): string {
  try {
    return new URL(v).href;
  } catch {
    return encodeURI(v);
  }
}

const kindName = (k: string) =>
  `${(ja.partnerKinds as Record<string, string>)[k] ?? k} / ${(en.partnerKinds as Record<string, string>)[k] ?? k}`;
const specialtyNames = (codes: string[]) =>
  codes.map((c) => (en.specialties as Record<string, string>)[c] ?? c).join(', ');

function organization(r: Row) {
  return {
    id: r.id,
    name: r.name,
    description: `${kindName(r.kind)} — ${[r.prefecture, r.municipality].filter(Boolean).join(' ')}`,
    ...(r.website ? { website: asUri(r.website) } : {}),
  };
}

function phones(r: Row, link: { service_id?: string; organization_id?: string }) {
  return r.public_phone
    ? [{ id: derivedId(r.id, `phone:${Object.keys(link)[0]}`), ...link, number: r.public_phone }]
    : [];
}

function service(r: Row) {
  const id = derivedId(r.id, 'service');
  return {
    id,
    organization_id: r.id,
    name: `同行支援 / Accompaniment — ${r.name}`,
    description: `対面での同行支援（病院・役所・警察・学校など）。 In-person accompaniment. Specialties: ${specialtyNames(r.specialties) || '—'}.`,
    ...(r.website ? { url: asUri(r.website) } : {}),
    status: 'active',
    interpretation_services: r.languages
      .map((l) => (en.languages as Record<string, string>)[l] ?? l)
      .join(', '),
    last_modified: new Date(r.updated_at).toISOString(),
  };
}

function serviceFull(r: Row, shelterBeds: number) {
  const s = service(r);
  return {
    ...s,
    phones: phones(r, { service_id: s.id }),
    languages: r.languages.map((code) => ({
      id: derivedId(r.id, `language:${code}`),
      service_id: s.id,
      name: (en.languages as Record<string, string>)[code] ?? code,
      // 'easy_ja' (やさしい日本語) has no ISO code of its own: Japanese, with a note.
      code: code === 'easy_ja' ? 'ja' : code,
      ...(code === 'easy_ja' ? { note: 'やさしい日本語 / Easy Japanese' } : {}),
    })),
    service_areas: [
      {
        id: derivedId(r.id, 'area'),
        service_id: s.id,
        name: [r.prefecture, r.municipality].filter(Boolean).join(' '),
        description: `Within ${Number(r.service_radius_km)} km of ${r.municipality ?? r.prefecture ?? 'its office'}.`,
        extent_type: 'text',
        extent: `radius_km=${Number(r.service_radius_km)}`,
      },
    ],
    // HSDS 3.0 has no capacity object: shelter beds are an attribute (never the location).
    attributes: shelterBeds
      ? [
          {
            id: derivedId(r.id, 'attribute:shelter_beds'),
            link_id: s.id,
            link_type: 'service',
            link_entity: 'service',
            value: String(shelterBeds),
            taxonomy_term: {
              id: '6d0f1f6e-7c1e-5b8a-9d1e-5f3c2b1a0e01',
              code: 'shelter_beds',
              name: 'Shelter beds',
              description:
                'Number of beds in the partner’s temporary shelters (locations are not published).',
            },
          },
        ]
      : [],
  };
}

function location(r: Row) {
  // The municipality's office point, never the partner's own address or a shelter.
  return {
    id: derivedId(r.id, 'location'),
    location_type: 'physical',
    organization_id: r.id,
    name: [r.prefecture, r.municipality].filter(Boolean).join(' ') || r.name,
    ...(r.municipality_lat !== null && r.municipality_lng !== null
      ? { latitude: r.municipality_lat, longitude: r.municipality_lng }
      : {}),
  };
}

function serviceAtLocation(r: Row) {
  return {
    id: derivedId(r.id, 'service_at_location'),
    service_id: derivedId(r.id, 'service'),
    location_id: derivedId(r.id, 'location'),
    location: location(r),
  };
}

export interface Paging {
  page: number;
  perPage: number;
  search?: string;
}

async function pageRows(q: Queryable, p: Paging, onlyId?: string) {
  let query = listed(q);
  if (onlyId) query = query.where('p.id', '=', onlyId);
  if (p.search) query = query.where('p.name', 'ilike', `%${p.search.replace(/[%_\\]/g, '\\$&')}%`);
  const [rows, count] = await Promise.all([
    query
      .select(PUBLIC)
      .orderBy('p.name')
      .orderBy('p.id')
      .limit(p.perPage)
      .offset((p.page - 1) * p.perPage)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

function page<T>(p: Paging, total: number, contents: T[]) {
  const totalPages = Math.max(1, Math.ceil(total / p.perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: p.page,
    size: contents.length,
    first_page: p.page === 1,
    last_page: p.page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

async function bedsOf(q: Queryable, partnerIds: string[]) {
  if (!partnerIds.length) return new Map<string, number>();
  const rows = await q
    .selectFrom('shelter')
    .select(['partner_id', sql<number>`sum(capacity)::int`.as('beds')])
    .where('partner_id', 'in', partnerIds)
    .where('active', '=', true)
    .groupBy('partner_id')
    .execute();
  return new Map(rows.map((r) => [r.partner_id, r.beds]));
}

export async function hsdsOrganizations(q: Queryable, p: Paging) {
  const { rows, total } = await pageRows(q, p);
  return page(p, total, rows.map(organization));
}

export async function hsdsOrganization(q: Queryable, id: string) {
  if (!isUuid(id)) return null;
  const [r] = (await pageRows(q, { page: 1, perPage: 1 }, id)).rows;
  if (!r) return null;
  const beds = (await bedsOf(q, [r.id])).get(r.id) ?? 0;
  return {
    ...organization(r),
    phones: phones(r, { organization_id: r.id }),
    services: [serviceFull(r, beds)],
  };
}

export async function hsdsServices(q: Queryable, p: Paging) {
  const { rows, total } = await pageRows(q, p);
  return page(
    p,
    total,
    rows.map((r) => ({ ...service(r), organization: organization(r) })),
  );
}

/** A service by its id (derived from the partner's). */
export async function hsdsService(q: Queryable, id: string) {
  const partnerId = partnerOfService(id);
  if (!partnerId) return null;
  const [r] = (await pageRows(q, { page: 1, perPage: 1 }, partnerId)).rows;
  if (!r || derivedId(r.id, 'service') !== id.toLowerCase()) return null;
  const beds = (await bedsOf(q, [r.id])).get(r.id) ?? 0;
  return {
    ...serviceFull(r, beds),
    organization: organization(r),
    service_at_locations: [serviceAtLocation(r)],
  };
}

export async function hsdsServiceAtLocations(q: Queryable, p: Paging) {
  const { rows, total } = await pageRows(q, p);
  return page(p, total, rows.map(serviceAtLocation));
}

/** The partner behind a service id (the mask is its own inverse). */
export function partnerOfService(serviceId: string): string | null {
  return isUuid(serviceId) ? masked(serviceId.toLowerCase(), 'service') : null;
}
