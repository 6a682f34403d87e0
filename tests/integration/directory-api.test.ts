import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { resetEnvCache } from '~/lib/env.server';
import { makeUser } from '~/modules/demo/factories.server';
import { derivedId } from '~/modules/directory/directory.server';
import {
  createApiToken,
  listApiTokens,
  resetRateLimits,
  revokeApiToken,
  takeRequest,
} from '~/modules/directory/tokens.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner } from '~/modules/partners/partners.server';
import * as orgRoute from '~/routes/api.hsds.organizations.$id';
import * as orgsRoute from '~/routes/api.hsds.organizations._index';
import * as salRoute from '~/routes/api.hsds.service_at_locations._index';
import * as serviceRoute from '~/routes/api.hsds.services.$id';
import * as servicesRoute from '~/routes/api.hsds.services._index';
import * as openapiRoute from '~/routes/api.openapi[.]json';
import * as nearestRoute from '~/routes/api.v1.partners.nearest';

// The public directory API for the workers' portal: HSDS 3.0 conformance, the field whitelist,
// nearest search, tokens, rate limit, CORS, the OpenAPI description and the admin CLI.
// Every partner here sits in the sea around Minamitorishima (24.5N 153.0E), far from any other
// test data, and carries a unique "DIRTEST" name.

// ---------------------------------------------------------------------------------------------
// Geometry, independent of the app: haversine on the mean Earth radius.

const R = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

function haversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }) {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** The point `km` from `from` on `bearing` degrees (great circle). */
function destination(from: { lat: number; lng: number }, km: number, bearing: number) {
  const d = km / R;
  const t = rad(bearing);
  const p1 = rad(from.lat);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(t));
  const l2 =
    rad(from.lng) +
    Math.atan2(Math.sin(t) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { lat: deg(p2), lng: deg(l2) };
}

const CENTER = { lat: 24.5, lng: 153.0 };
const OGASAWARA = '134210'; // 東京都小笠原村 (Minamitorishima belongs to it)

// ---------------------------------------------------------------------------------------------
// Calling the routes

type Route = {
  loader: (args: never) => Response | Promise<Response>;
  action?: (args: never) => Response | Promise<Response>;
};

interface Call {
  res: Response;
  body: any;
}

async function call(
  route: Route,
  path: string,
  opts: {
    token?: string | null;
    params?: Record<string, string>;
    method?: string;
    headers?: Record<string, string>;
    authorization?: string;
  } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.authorization !== undefined) headers.Authorization = opts.authorization;
  else if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const method = opts.method ?? 'GET';
  const request = new Request(`http://localhost${path}`, { method, headers });
  const args = { request, params: opts.params ?? {}, context: {} } as never;
  const res =
    method === 'GET' ? await route.loader(args) : await (route.action as Route['loader'])(args);
  const text = await res.text();
  let body: unknown = null;
  if (text) body = JSON.parse(text);
  return { res, body };
}

const isJson = (res: Response) =>
  (res.headers.get('Content-Type') ?? '').startsWith('application/json');

/** Every page of an HSDS list (per_page 200). */
async function allPages(route: Route, path: string, token: string) {
  const items: any[] = [];
  for (let page = 1; page < 100; page++) {
    const { res, body } = await call(route, `${path}?per_page=200&page=${page}`, { token });
    expect(res.status).toBe(200);
    items.push(...body.contents);
    if (body.last_page) return { items, envelopes: page };
  }
  throw new Error('no last page');
}

// ---------------------------------------------------------------------------------------------
// HSDS schemas, strictified as Open Referral's own check does

const HSDS_DIR = '/work/shared/hsds/schema/compiled';

function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = strictify(v);
  if (out.properties && typeof out.properties === 'object' && !Array.isArray(out.properties))
    out.additionalProperties = false;
  return out;
}

// The compiled schemas follow the HSDS OpenAPI's dialect (JSON Schema 2020-12).
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('csv', true); // HSDS's tabular hint, not a JSON format

function validator(file: string) {
  const schema = strictify(JSON.parse(readFileSync(`${HSDS_DIR}/${file}`, 'utf8'))) as object;
  return ajv.compile(schema);
}

const validate = {
  organization: validator('organization.json'),
  organizationList: validator('organization_list.json'),
  service: validator('service.json'),
  serviceList: validator('service_list.json'),
  salList: validator('service_at_location_list.json'),
};

function expectValid(v: (typeof validate)[keyof typeof validate], doc: unknown, what: string) {
  const ok = v(doc);
  expect(ok ? [] : v.errors, `${what} should validate against the HSDS schema`).toEqual([]);
}

const ENVELOPE = [
  'contents',
  'empty',
  'first_page',
  'last_page',
  'page_number',
  'size',
  'total_items',
  'total_pages',
];

// ---------------------------------------------------------------------------------------------
// Fixtures

interface Made {
  id: string;
  name: string;
  lat: number | null;
  lng: number | null;
  languages: string[];
  specialties: string[];
  phone: string | null;
  url: string | null;
}

const uniq = randomBytes(3).toString('hex');
let token: string;
let tokenId: string;
let secretariatId: string;
let ogasawara: { lat: number; lng: number };

/** Listed, active partners with coordinates (nearest candidates), and the others. */
const listed: Made[] = [];
let noCoords: Made;
const hidden: Made[] = [];
let shelterPartner: Made;
let inactiveShelterPartner: Made;
let noWebsite: Made;

let partnerSeq = 0;
async function makePartner(
  label: string,
  o: {
    km?: number;
    bearing?: number;
    languages: string[];
    specialties: string[];
    status?: string;
    publicListing?: boolean;
    website?: string | null;
    publicPhone?: string | null;
  },
): Promise<Made> {
  const i = ++partnerSeq;
  const d = (n: number) => String(n % 10);
  const point = o.km === undefined ? null : destination(CENTER, o.km, o.bearing ?? 0);
  const name = `DIRTEST ${label} ${uniq}`;
  const website = o.website === undefined ? `https://dirtest-${uniq}-${i}.example.org/` : o.website;
  const publicPhone =
    o.publicPhone === undefined ? `04998-2-3${d(i)}${d(i + 3)}${d(i + 7)}` : o.publicPhone;
  const id = await db.transaction().execute((tx) =>
    createPartner(
      tx,
      partnerSchema.parse({
        name,
        nameKana: 'みなみとりしま てすと',
        kind: 'npo',
        status: o.status ?? 'active',
        publicListing: o.publicListing ?? true,
        publicPhone: publicPhone ?? '',
        website: website ?? '',
        municipalityCode: OGASAWARA,
        postalCode: '100-2101',
        address: `東京都小笠原村南鳥島 秘匿番地 ${uniq}-${i}`,
        ...(point ? { lat: point.lat, lng: point.lng } : {}),
        serviceRadiusKm: 30,
        languages: o.languages,
        specialties: o.specialties,
        contactName: `秘密連絡者 ${uniq} ${i}`,
        contactEmail: `dirtest.contact.${uniq}.${i}@private.example.org`,
        contactPhone: `03-5550-7${d(i)}${d(i + 1)}${d(i + 2)}`,
        availability: `非公開の対応時間 ${uniq}`,
        invoiceNumber: 'T7000012050002',
        bankCode: '0397',
        branchCode: '738',
        accountType: 'ordinary',
        accountNumber: `86${String(i).padStart(5, '0')}`,
        accountHolderKana: `ミナミトリシマ シエン${String.fromCharCode(64 + i)}`,
        withholdingTax: true,
      }),
      { userId: secretariatId },
    ),
  );
  return {
    id,
    name,
    lat: point?.lat ?? null,
    lng: point?.lng ?? null,
    languages: o.languages,
    specialties: o.specialties,
    phone: publicPhone || null,
    url: website || null,
  };
}

beforeAll(async () => {
  secretariatId = (await makeUser(db, { role: 'secretariat' }))!.id;
  const made = await db
    .transaction()
    .execute((tx) => createApiToken(tx, `DIRTEST portal ${uniq}`, { userId: secretariatId }));
  token = made.token;
  tokenId = made.id;
  ogasawara = await db
    .selectFrom('municipality')
    .select(['lat', 'lng'])
    .where('code', '=', OGASAWARA)
    .executeTakeFirstOrThrow();

  // Listed partners, at distinct distances (never 20–30 km, so a distance is never taken for a
  // latitude by the whitelist check).
  shelterPartner = await makePartner('南鳥島 A', {
    km: 2.7,
    bearing: 30,
    languages: ['ja', 'easy_ja', 'vi'],
    specialties: ['hospital', 'labor'],
  });
  const b = await makePartner('南鳥島 B', {
    km: 6.3,
    bearing: 200,
    languages: ['en', 'tl'],
    specialties: ['city_hall'],
  });
  inactiveShelterPartner = await makePartner('南鳥島 C', {
    km: 11.8,
    bearing: 110,
    languages: ['vi', 'ne'],
    specialties: ['hospital'],
  });
  const dd = await makePartner('南鳥島 D', {
    km: 17.4,
    bearing: 300,
    languages: ['ja', 'zh'],
    specialties: ['hospital', 'school'],
  });
  const e = await makePartner('南鳥島 E', {
    km: 33.1,
    bearing: 80,
    languages: ['vi'],
    specialties: ['labor'],
  });
  noWebsite = await makePartner('南鳥島 F', {
    km: 45.6,
    bearing: 250,
    languages: ['pt', 'es'],
    specialties: ['legal'],
    website: null,
    publicPhone: null,
  });
  listed.push(shelterPartner, b, inactiveShelterPartner, dd, e, noWebsite);
  noCoords = await makePartner('南鳥島 G', { languages: ['en'], specialties: ['welfare'] });

  // Nearer than all of them, but not to be published.
  hidden.push(
    await makePartner('非公開 unlisted', {
      km: 1.0,
      bearing: 10,
      languages: ['ja', 'easy_ja', 'vi'],
      specialties: ['hospital', 'labor'],
      publicListing: false,
    }),
    await makePartner('非公開 suspended', {
      km: 1.5,
      bearing: 130,
      languages: ['ja', 'easy_ja', 'vi'],
      specialties: ['hospital', 'labor'],
      status: 'suspended',
    }),
    await makePartner('非公開 prospective', {
      km: 2.0,
      bearing: 260,
      languages: ['ja', 'easy_ja', 'vi'],
      specialties: ['hospital', 'labor'],
      status: 'prospective',
    }),
    await makePartner('非公開 retired', {
      km: 2.3,
      bearing: 330,
      languages: ['ja', 'easy_ja', 'vi'],
      specialties: ['hospital', 'labor'],
      status: 'retired',
    }),
  );

  // 50 more listed partners on a 60–99 km ring, for the limits.
  const fillers = Array.from({ length: 50 }, (_, k) => {
    const p = destination(CENTER, 60 + k * 0.8, (k * 137.5) % 360);
    return {
      kind: 'npo' as const,
      name: `DIRTEST 充填 ${uniq} ${String(k).padStart(2, '0')}`,
      name_kana: 'てすと',
      status: 'active' as const,
      public_listing: true,
      municipality_code: OGASAWARA,
      prefecture_code: 13,
      lat: p.lat,
      lng: p.lng,
      languages: ['ja'],
      specialties: ['welfare'],
      match_key: `dirtest-filler-${uniq}-${k}@${OGASAWARA}`,
    };
  });
  const rows = await db.insertInto('partner').values(fillers).returning('id').execute();
  rows.forEach((r, k) =>
    listed.push({
      id: r.id,
      name: fillers[k].name,
      lat: fillers[k].lat,
      lng: fillers[k].lng,
      languages: ['ja'],
      specialties: ['welfare'],
      phone: null,
      url: null,
    }),
  );

  // Shelters: two active ones (4 + 6 beds) and an inactive one (7) for A, only an inactive one
  // for C. Their names, addresses and coordinates are never published.
  const shelter = (partnerId: string, n: number, capacity: number, active: boolean) => ({
    partner_id: partnerId,
    name: `秘匿シェルター ${uniq} ${n}`,
    capacity,
    active,
    municipality_code: OGASAWARA,
    address: `東京都小笠原村南鳥島 シェルター秘匿地 ${uniq}-${n}`,
    lat: 24.5123457 + n / 1000,
    lng: 153.0234567 + n / 1000,
    notes: `鍵の場所 ${uniq} ${n}`,
  });
  await db
    .insertInto('shelter')
    .values([
      shelter(shelterPartner.id, 1, 4, true),
      shelter(shelterPartner.id, 2, 6, true),
      shelter(shelterPartner.id, 3, 7, false),
      shelter(inactiveShelterPartner.id, 4, 3, false),
    ])
    .execute();
});

beforeEach(() => resetRateLimits());
afterEach(() => resetRateLimits());

const core = () => [...listed.slice(0, 6), noCoords];
const sid = (partnerId: string) => derivedId(partnerId, 'service');

// ---------------------------------------------------------------------------------------------

describe('HSDS 3.0 export', () => {
  it('the strictified schemas reject a field HSDS does not know (the check is meaningful)', async () => {
    const { body } = await call(orgRoute, `/api/hsds/organizations/${shelterPartner.id}`, {
      token,
      params: { id: shelterPartner.id },
    });
    expectValid(validate.organization, body, 'organization');
    expect(validate.organization({ ...body, bank_code: '0397' })).toBe(false);
    expect(
      validate.organization({
        ...body,
        services: [{ ...body.services[0], languages: [{ id: body.id, lang: 'vi' }] }],
      }),
    ).toBe(false);
  });

  it('every item of the three lists validates against its compiled list schema', async () => {
    const cases = [
      [orgsRoute, '/api/hsds/organizations', validate.organizationList],
      [servicesRoute, '/api/hsds/services', validate.serviceList],
      [salRoute, '/api/hsds/service_at_locations', validate.salList],
    ] as const;
    for (const [route, path, v] of cases) {
      const { items } = await allPages(route, path, token);
      expect(items.length).toBeGreaterThanOrEqual(listed.length + 1);
      for (const item of items) expectValid(v, item, `${path} item ${item.id}`);
    }
  });

  it('organizations/{id} and services/{id} validate against organization.json and service.json', async () => {
    for (const p of core()) {
      const org = await call(orgRoute, `/api/hsds/organizations/${p.id}`, {
        token,
        params: { id: p.id },
      });
      expect(org.res.status).toBe(200);
      expect(isJson(org.res)).toBe(true);
      expectValid(validate.organization, org.body, `organization ${p.name}`);
      const svc = await call(serviceRoute, `/api/hsds/services/${sid(p.id)}`, {
        token,
        params: { id: sid(p.id) },
      });
      expect(svc.res.status).toBe(200);
      expectValid(validate.service, svc.body, `service of ${p.name}`);
      expect(svc.body.organization.id).toBe(p.id);
      expect(org.body.services.map((s: { id: string }) => s.id)).toEqual([sid(p.id)]);
    }
  });

  it('services carry HSDS language objects, a service area, the public phone and shelter beds', async () => {
    const a = shelterPartner;
    const { body: org } = await call(orgRoute, `/api/hsds/organizations/${a.id}`, {
      token,
      params: { id: a.id },
    });
    expect(org).toMatchObject({ id: a.id, name: a.name, website: a.url });
    expect(org.description).toContain('小笠原村');
    expect(org.phones).toEqual([
      { id: expect.any(String), organization_id: a.id, number: a.phone },
    ]);
    const { body: s } = await call(serviceRoute, `/api/hsds/services/${sid(a.id)}`, {
      token,
      params: { id: sid(a.id) },
    });
    expect(s).toMatchObject({
      id: sid(a.id),
      organization_id: a.id,
      status: 'active',
      url: a.url,
    });
    expect(s.phones).toEqual([{ id: expect.any(String), service_id: s.id, number: a.phone }]);
    // Language objects: code (ISO 639-1; easy_ja is Japanese with a note) and name.
    expect(s.languages.map((l: any) => [l.code, l.name, l.service_id])).toEqual([
      ['ja', 'Japanese', s.id],
      ['ja', 'Easy Japanese', s.id],
      ['vi', 'Vietnamese', s.id],
    ]);
    expect(s.languages[1].note).toMatch(/やさしい日本語/);
    expect(new Set(s.languages.map((l: any) => l.id)).size).toBe(3);
    expect(s.service_areas).toHaveLength(1);
    expect(s.service_areas[0]).toMatchObject({ service_id: s.id, extent_type: 'text' });
    expect(s.service_areas[0].name).toContain('小笠原村');
    // Beds of the active shelters only (4 + 6), as an attribute of the service.
    expect(s.attributes).toEqual([
      expect.objectContaining({
        link_id: s.id,
        link_entity: 'service',
        value: '10',
        taxonomy_term: expect.objectContaining({ code: 'shelter_beds' }),
      }),
    ]);
    expect(org.services[0].attributes).toEqual(s.attributes);
    // The location is the municipality office, never the partner's address.
    expect(s.service_at_locations).toEqual([
      {
        id: derivedId(a.id, 'service_at_location'),
        service_id: s.id,
        location_id: derivedId(a.id, 'location'),
        location: expect.objectContaining({
          organization_id: a.id,
          location_type: 'physical',
          latitude: ogasawara.lat,
          longitude: ogasawara.lng,
        }),
      },
    ]);
    // Only inactive shelters: no beds attribute. No website or phone: the fields are left out.
    const { body: c } = await call(
      serviceRoute,
      `/api/hsds/services/${sid(inactiveShelterPartner.id)}`,
      {
        token,
        params: { id: sid(inactiveShelterPartner.id) },
      },
    );
    expect(c.attributes).toEqual([]);
    const { body: f } = await call(orgRoute, `/api/hsds/organizations/${noWebsite.id}`, {
      token,
      params: { id: noWebsite.id },
    });
    expect(f).not.toHaveProperty('website');
    expect(f.phones).toEqual([]);
    expect(f.services[0]).not.toHaveProperty('url');
    expect(f.services[0].phones).toEqual([]);
  });

  it('pages: the envelope is right across pages, and the total counts every listed partner', async () => {
    const search = encodeURIComponent(`南鳥島`);
    const mine = core().filter((p) => p.name.includes('南鳥島'));
    for (const [route, path] of [
      [orgsRoute, '/api/hsds/organizations'],
      [servicesRoute, '/api/hsds/services'],
      [salRoute, '/api/hsds/service_at_locations'],
    ] as const) {
      const one = await call(route, `${path}?per_page=1&page=1&search=${search}`, { token });
      const two = await call(route, `${path}?per_page=1&page=2&search=${search}`, { token });
      for (const [r, n] of [
        [one, 1],
        [two, 2],
      ] as const) {
        expect(r.res.status).toBe(200);
        expect(Object.keys(r.body).sort()).toEqual(ENVELOPE);
        expect(r.body).toMatchObject({
          total_items: mine.length,
          total_pages: mine.length,
          page_number: n,
          size: 1,
          first_page: n === 1,
          last_page: false,
          empty: false,
        });
        expect(r.body.contents).toHaveLength(1);
      }
      expect(one.body.contents[0].id).not.toBe(two.body.contents[0].id);
    }

    // All pages of one: each partner exactly once; past the end an empty last page.
    const seen: string[] = [];
    for (let page = 1; page <= mine.length; page++) {
      const { body } = await call(
        orgsRoute,
        `/api/hsds/organizations?per_page=1&page=${page}&search=${search}`,
        {
          token,
        },
      );
      expect(body.last_page).toBe(page === mine.length);
      seen.push(body.contents[0].id);
    }
    expect(seen.sort()).toEqual(mine.map((p) => p.id).sort());
    const past = await call(
      orgsRoute,
      `/api/hsds/organizations?per_page=1&page=${mine.length + 1}&search=${search}`,
      {
        token,
      },
    );
    expect(past.body).toMatchObject({
      total_items: mine.length,
      page_number: mine.length + 1,
      size: 0,
      first_page: false,
      last_page: true,
      empty: true,
      contents: [],
    });

    // Without a search: every active, publicly listed partner in the database.
    const { n } = await db
      .selectFrom('partner')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'active')
      .where('public_listing', '=', true)
      .executeTakeFirstOrThrow();
    const all = await call(orgsRoute, '/api/hsds/organizations?per_page=7', { token });
    expect(all.body).toMatchObject({
      total_items: Number(n),
      total_pages: Math.ceil(Number(n) / 7),
      page_number: 1,
      size: 7,
      first_page: true,
      last_page: false,
    });
  });

  it('bad paging is a 400 JSON error', async () => {
    for (const [route, path] of [
      [orgsRoute, '/api/hsds/organizations'],
      [servicesRoute, '/api/hsds/services'],
      [salRoute, '/api/hsds/service_at_locations'],
    ] as const) {
      for (const q of [
        'page=0',
        'page=-1',
        'page=abc',
        'page=1.5',
        'per_page=500',
        'per_page=0',
        'per_page=abc',
      ]) {
        const { res, body } = await call(route, `${path}?${q}`, { token });
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(isJson(res)).toBe(true);
        expect(body).toEqual({ error: { code: 'invalid_paging', message: expect.any(String) } });
      }
    }
  });

  it('unknown ids are 404 JSON', async () => {
    const random = '6f1c2a4e-0b3d-4c5e-9f60-7a8b9c0d1e2f';
    for (const id of ['not-a-uuid', random, sid(shelterPartner.id)]) {
      const { res, body } = await call(orgRoute, `/api/hsds/organizations/${id}`, {
        token,
        params: { id },
      });
      expect(res.status).toBe(404);
      expect(body.error.code).toBe('not_found');
    }
    // A partner's own id is not a service id.
    for (const id of ['not-a-uuid', random, shelterPartner.id]) {
      const { res, body } = await call(serviceRoute, `/api/hsds/services/${id}`, {
        token,
        params: { id },
      });
      expect(res.status).toBe(404);
      expect(body.error.code).toBe('not_found');
    }
  });

  it('ids are case-insensitive: an upper-case service id finds the same service as its organization does', async () => {
    // UUIDs are case-insensitive on input (RFC 9562); e.g. Swift's UUID().uuidString is upper-case.
    const up = sid(shelterPartner.id).toUpperCase();
    const org = await call(orgRoute, `/api/hsds/organizations/${shelterPartner.id.toUpperCase()}`, {
      token,
      params: { id: shelterPartner.id.toUpperCase() },
    });
    expect(org.res.status).toBe(200);
    const svc = await call(serviceRoute, `/api/hsds/services/${up}`, { token, params: { id: up } });
    expect(svc.res.status).toBe(200);
    expect(svc.body.id).toBe(sid(shelterPartner.id));
  });

  it('a website with a Japanese domain or path is still a valid HSDS uri', async () => {
    // The registry accepts any http(s) address; HSDS requires format "uri" (ASCII). Japanese
    // municipalities and NPOs do use such addresses.
    const idn = await makePartner('南鳥島 IDN', {
      languages: ['ja'],
      specialties: ['welfare'],
      website: 'https://小笠原村.jp/相談窓口',
    });
    try {
      const org = await call(orgRoute, `/api/hsds/organizations/${idn.id}`, {
        token,
        params: { id: idn.id },
      });
      expect(org.res.status).toBe(200);
      expectValid(validate.organization, org.body, 'organization with a Japanese website');
      const svc = await call(serviceRoute, `/api/hsds/services/${sid(idn.id)}`, {
        token,
        params: { id: sid(idn.id) },
      });
      expectValid(validate.service, svc.body, 'service with a Japanese website');
    } finally {
      await db
        .updateTable('partner')
        .set({ public_listing: false })
        .where('id', '=', idn.id)
        .execute();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('⚑ field whitelist', () => {
  const FORBIDDEN_KEY =
    /^(bank_|branch_|account_|contact|invoice|withholding|postal|address|name_kana$|availability$|notes$|beds_occupied$|capacity$|lat$|lng$)/;

  async function collectOutputs() {
    const outputs: { what: string; body: unknown }[] = [];
    const add = (what: string, r: Call) => {
      expect(r.res.status, what).toBe(200);
      outputs.push({ what, body: r.body });
    };
    const near = (q: string) => call(nearestRoute, `/api/v1/partners/nearest?${q}`, { token });
    add('nearest', await near(`lat=${CENTER.lat}&lng=${CENTER.lng}&limit=50`));
    add('nearest vi', await near(`lat=${CENTER.lat}&lng=${CENTER.lng}&language=vi&limit=50`));
    add('nearest hospital', await near(`lat=${CENTER.lat}&lng=${CENTER.lng}&specialty=hospital`));
    add('nearest at a shelter', await near(`lat=24.5133457&lng=153.0244567&limit=50`));
    for (const [route, path] of [
      [orgsRoute, '/api/hsds/organizations'],
      [servicesRoute, '/api/hsds/services'],
      [salRoute, '/api/hsds/service_at_locations'],
    ] as const) {
      add(path, await call(route, `${path}?per_page=200`, { token }));
      add(`${path} search`, await call(route, `${path}?search=DIRTEST`, { token }));
    }
    for (const p of core()) {
      add(`org ${p.name}`, await call(orgRoute, '/x', { token, params: { id: p.id } }));
      add(
        `service ${p.name}`,
        await call(serviceRoute, '/x', { token, params: { id: sid(p.id) } }),
      );
    }
    return outputs;
  }

  it('no private value and no private key appears anywhere in any response', async () => {
    const mine = [...core(), ...hidden].map((p) => p.id);
    const rows = await db
      .selectFrom('partner')
      .select([
        'id',
        'bank_code',
        'branch_code',
        'account_number',
        'account_holder_kana',
        'invoice_number',
        'contact_name',
        'contact_email',
        'contact_phone',
        'address',
        'postal_code',
        'availability',
        'lat',
        'lng',
      ])
      .where('id', 'in', mine)
      .execute();
    // The test is only meaningful if the private fields are really filled in (partner G has no
    // coordinates on purpose).
    expect(rows).toHaveLength(mine.length);
    for (const { lat, lng, ...r } of rows) {
      for (const v of Object.values(r)) expect(v, JSON.stringify(r)).not.toBeNull();
      expect(lat === null, r.id).toBe(r.id === noCoords.id);
      expect(lng === null, r.id).toBe(r.id === noCoords.id);
    }
    const long = new Set<string>();
    const short = new Set<string>();
    const coords: number[] = [];
    for (const r of rows) {
      for (const v of [
        r.account_number,
        r.account_holder_kana,
        r.invoice_number,
        r.contact_name,
        r.contact_email,
        r.contact_phone,
        r.address,
        r.postal_code,
        r.availability,
      ])
        long.add(String(v));
      short.add(String(r.bank_code));
      short.add(String(r.branch_code));
      if (r.lat !== null && r.lng !== null) coords.push(r.lat, r.lng);
    }
    for (const p of listed) coords.push(p.lat!, p.lng!);
    const shelters = await db
      .selectFrom('shelter')
      .select(['name', 'address', 'lat', 'lng', 'notes'])
      .execute();
    for (const s of shelters) {
      for (const v of [s.name, s.address, s.notes]) if (v.length >= 4) long.add(v);
      if (s.lat !== null && s.lng !== null) coords.push(s.lat, s.lng);
    }

    const problems: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (FORBIDDEN_KEY.test(k)) problems.push(`${path}.${k}: private key`);
          walk(x, `${path}.${k}`);
        }
        return;
      }
      if (typeof v === 'number') {
        for (const c of coords)
          if (Math.abs(v - c) < 1e-4) problems.push(`${path}: ${v} is a private coordinate`);
      }
      if (typeof v === 'string') {
        for (const s of long) if (v.includes(s)) problems.push(`${path}: contains "${s}"`);
        const tokens = v.split(/[\s,;:/()（）、。=]+/);
        for (const s of short)
          if (v === s || tokens.includes(s)) problems.push(`${path}: contains "${s}"`);
        for (const c of coords)
          if (v.includes(c.toFixed(4))) problems.push(`${path}: contains coordinate ${c}`);
      }
    };
    const outputs = await collectOutputs();
    for (const o of outputs) walk(o.body, o.what);
    expect(problems).toEqual([]);
    // The walk did see the partners (and the one allowed location: the municipality office).
    const text = JSON.stringify(outputs);
    for (const p of core()) expect(text).toContain(p.id);
    expect(text).toContain(`"latitude":${ogasawara.lat}`);
  });

  it('a partner that is not publicly listed or not active never appears', async () => {
    const ids = new Set(hidden.map((p) => p.id));
    const services = new Set(hidden.map((p) => sid(p.id)));
    const near = await call(
      nearestRoute,
      `/api/v1/partners/nearest?lat=${CENTER.lat}&lng=${CENTER.lng}&limit=50`,
      { token },
    );
    expect(near.body.partners.filter((p: any) => ids.has(p.id))).toEqual([]);
    // They are the nearest of all, and match the filters.
    const vi = await call(
      nearestRoute,
      `/api/v1/partners/nearest?lat=${hidden[0].lat}&lng=${hidden[0].lng}&language=easy_ja&specialty=labor`,
      { token },
    );
    expect(vi.body.partners.map((p: any) => p.id)).toEqual([shelterPartner.id]);

    const orgs = await allPages(orgsRoute, '/api/hsds/organizations', token);
    expect(orgs.items.filter((o) => ids.has(o.id))).toEqual([]);
    const svcs = await allPages(servicesRoute, '/api/hsds/services', token);
    expect(svcs.items.filter((s) => ids.has(s.organization_id) || services.has(s.id))).toEqual([]);
    const sals = await allPages(salRoute, '/api/hsds/service_at_locations', token);
    expect(
      sals.items.filter((s) => ids.has(s.location.organization_id) || services.has(s.service_id)),
    ).toEqual([]);
    for (const p of hidden) {
      const o = await call(orgRoute, '/x', { token, params: { id: p.id } });
      expect(o.res.status, p.name).toBe(404);
      const s = await call(serviceRoute, '/x', { token, params: { id: sid(p.id) } });
      expect(s.res.status, p.name).toBe(404);
    }
  });

  it('a partner disappears as soon as it is unlisted', async () => {
    const p = await makePartner('一時 toggled', {
      km: 3.9,
      bearing: 170,
      languages: ['ko'],
      specialties: ['tax'],
    });
    const nearest = () =>
      call(nearestRoute, `/api/v1/partners/nearest?lat=${p.lat}&lng=${p.lng}&language=ko`, {
        token,
      });
    try {
      expect((await nearest()).body.partners.map((x: any) => x.id)).toContain(p.id);
      expect((await call(orgRoute, '/x', { token, params: { id: p.id } })).res.status).toBe(200);
      await db
        .updateTable('partner')
        .set({ public_listing: false })
        .where('id', '=', p.id)
        .execute();
      expect((await nearest()).body.partners.map((x: any) => x.id)).not.toContain(p.id);
      expect((await call(orgRoute, '/x', { token, params: { id: p.id } })).res.status).toBe(404);
      expect(
        (await call(serviceRoute, '/x', { token, params: { id: sid(p.id) } })).res.status,
      ).toBe(404);
    } finally {
      await db
        .updateTable('partner')
        .set({ public_listing: false })
        .where('id', '=', p.id)
        .execute();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('nearest partners', () => {
  const KEYS = [
    'distance_km',
    'id',
    'kind',
    'languages',
    'municipality',
    'name',
    'phone',
    'prefecture',
    'specialties',
    'url',
  ];
  const nearest = (q: string) => call(nearestRoute, `/api/v1/partners/nearest?${q}`, { token });
  const at = `lat=${CENTER.lat}&lng=${CENTER.lng}`;

  /** My listed partners matching the filter, nearest first by my own haversine. */
  const expected = (f: (p: Made) => boolean = () => true) =>
    listed
      .filter(f)
      .map((p) => ({ p, km: haversine(CENTER, { lat: p.lat!, lng: p.lng! }) }))
      .sort((a, b) => a.km - b.km);

  function checkOrder(partners: any[], exp: ReturnType<typeof expected>) {
    // Globally nearest first …
    const d = partners.map((p) => p.distance_km);
    expect(d).toEqual([...d].sort((a, b) => a - b));
    // … and mine in the order of the independent computation, with the right distances.
    const byId = new Map(exp.map((e) => [e.p.id, e]));
    const mine = partners.filter((p) => byId.has(p.id));
    expect(mine.map((p) => p.id)).toEqual(exp.slice(0, mine.length).map((e) => e.p.id));
    for (const p of mine) {
      const e = byId.get(p.id)!;
      expect(
        Math.abs(p.distance_km - e.km),
        `${e.p.name}: ${p.distance_km} vs ${e.km}`,
      ).toBeLessThanOrEqual(0.2);
      expect(Math.round(p.distance_km * 10) / 10).toBe(p.distance_km);
    }
    return mine;
  }

  it('orders by straight-line distance, as an independent haversine does', async () => {
    const { res, body } = await nearest(`${at}&limit=50`);
    expect(res.status).toBe(200);
    expect(isJson(res)).toBe(true);
    expect(Object.keys(body)).toEqual(['partners']);
    expect(body.partners).toHaveLength(50);
    const mine = checkOrder(body.partners, expected());
    expect(mine).toHaveLength(50);
  });

  it('returns exactly the public keys, with the public phone and website', async () => {
    const { body } = await nearest(`${at}&limit=50`);
    for (const p of body.partners) expect(Object.keys(p).sort()).toEqual(KEYS);
    const a = body.partners.find((p: any) => p.id === shelterPartner.id);
    expect(a).toEqual({
      id: shelterPartner.id,
      name: shelterPartner.name,
      kind: 'npo',
      municipality: '小笠原村',
      prefecture: '東京都',
      distance_km: expect.any(Number),
      languages: ['ja', 'easy_ja', 'vi'],
      specialties: ['hospital', 'labor'],
      phone: shelterPartner.phone,
      url: shelterPartner.url,
    });
    const f = body.partners.find((p: any) => p.id === noWebsite.id);
    expect(f).toMatchObject({ phone: null, url: null });
    // Listed, but without coordinates: not in a distance search.
    expect(body.partners.map((p: any) => p.id)).not.toContain(noCoords.id);
  });

  it('filters by language and specialty', async () => {
    const vi = await nearest(`${at}&language=vi&limit=50`);
    expect(vi.body.partners.every((p: any) => p.languages.includes('vi'))).toBe(true);
    const viMine = checkOrder(
      vi.body.partners,
      expected((p) => p.languages.includes('vi')),
    );
    expect(viMine.map((p: any) => p.id)).toEqual(
      expected((p) => p.languages.includes('vi')).map((e) => e.p.id),
    );
    expect(viMine).toHaveLength(3);

    const hosp = await nearest(`${at}&specialty=hospital&limit=50`);
    expect(hosp.body.partners.every((p: any) => p.specialties.includes('hospital'))).toBe(true);
    const hospMine = checkOrder(
      hosp.body.partners,
      expected((p) => p.specialties.includes('hospital')),
    );
    expect(hospMine).toHaveLength(3);

    const both = await nearest(`${at}&language=vi&specialty=hospital`);
    const f = (p: Made) => p.languages.includes('vi') && p.specialties.includes('hospital');
    const bothMine = checkOrder(both.body.partners, expected(f));
    expect(bothMine.map((p: any) => p.id)).toEqual([shelterPartner.id, inactiveShelterPartner.id]);

    const easy = await nearest(`${at}&language=easy_ja`);
    expect(
      checkOrder(
        easy.body.partners,
        expected((p) => p.languages.includes('easy_ja')),
      ),
    ).toHaveLength(1);
  });

  it('limit: 10 by default, at most 50', async () => {
    for (const q of [at, `${at}&limit=`]) {
      const { res, body } = await nearest(q);
      expect(res.status).toBe(200);
      expect(body.partners).toHaveLength(10);
      expect(checkOrder(body.partners, expected())).toHaveLength(10);
    }
    expect((await nearest(`${at}&limit=1`)).body.partners.map((p: any) => p.id)).toEqual([
      expected()[0].p.id,
    ]);
    expect((await nearest(`${at}&limit=50`)).body.partners).toHaveLength(50);
    for (const l of ['51', '0', '-1', '2.5', 'abc', '1000']) {
      const { res, body } = await nearest(`${at}&limit=${l}`);
      expect(res.status, `limit=${l}`).toBe(400);
      expect(isJson(res)).toBe(true);
      expect(body.error.code).toBe('invalid_limit');
    }
  });

  it('bad coordinates, language or specialty are 400 JSON errors', async () => {
    for (const q of [
      '',
      'lat=24.5',
      'lng=153',
      'lat=&lng=153',
      'lat=abc&lng=153',
      'lat=91&lng=153',
      'lat=-91&lng=153',
      'lat=24.5&lng=181',
      'lat=24.5&lng=-180.5',
      'lat=Infinity&lng=153',
      'lat=NaN&lng=153',
    ]) {
      const { res, body } = await nearest(q);
      expect(res.status, q).toBe(400);
      expect(isJson(res)).toBe(true);
      expect(body.error.code, q).toBe('invalid_location');
    }
    for (const [q, code] of [
      [`${at}&language=xx`, 'invalid_language'],
      [`${at}&language=JA`, 'invalid_language'],
      [`${at}&specialty=cooking`, 'invalid_specialty'],
    ]) {
      const { res, body } = await nearest(q);
      expect(res.status, q).toBe(400);
      expect(body.error.code).toBe(code);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('tokens and rate limit', () => {
  const dataRoutes = [
    [nearestRoute, `/api/v1/partners/nearest?lat=${CENTER.lat}&lng=${CENTER.lng}`, {}],
    [orgsRoute, '/api/hsds/organizations', {}],
    [servicesRoute, '/api/hsds/services', {}],
    [salRoute, '/api/hsds/service_at_locations', {}],
  ] as const;

  async function every401(authorization: string | undefined) {
    const routes: [Route, string, Record<string, string>][] = [
      ...dataRoutes.map(
        ([r, p, params]) => [r, p, params] as [Route, string, Record<string, string>],
      ),
      [orgRoute, '/x', { id: shelterPartner.id }],
      [serviceRoute, '/x', { id: sid(shelterPartner.id) }],
    ];
    for (const [route, path, params] of routes) {
      const { res, body } = await call(route, path, { params, authorization });
      expect(res.status, `${path} with ${authorization}`).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
      expect(isJson(res)).toBe(true);
      expect(body.error.code).toBe('unauthorized');
    }
  }

  it('no, malformed or unknown token: 401 with WWW-Authenticate', async () => {
    await every401(undefined);
    await every401('');
    await every401(token); // without the scheme
    await every401(`Basic ${Buffer.from('a:b').toString('base64')}`);
    await every401('Bearer abc');
    await every401(`Bearer ${token.slice(0, -1)}`);
    await every401(`Bearer ${token}x`);
    await every401(`Bearer bn_${randomBytes(32).toString('base64url')}`); // well-formed, unknown
  });

  it('the auth scheme is case-insensitive (RFC 9110 §11.1): "bearer" works like "Bearer"', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const { res } = await call(orgsRoute, '/api/hsds/organizations?per_page=1', {
        authorization: `${scheme} ${token}`,
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('a token is shown once: only its hash is stored', async () => {
    const { id, token: t } = await db
      .transaction()
      .execute((tx) => createApiToken(tx, `  DIRTEST hash ${uniq}  `, { userId: secretariatId }));
    expect(t).toMatch(/^bn_[A-Za-z0-9_-]{43}$/);
    const row = await db
      .selectFrom('api_token')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.name).toBe(`DIRTEST hash ${uniq}`);
    expect(row.token_hash).toBe(createHash('sha256').update(t).digest('hex'));
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(t);
    expect(stored).not.toContain(t.slice(7)); // the secret part beyond the displayed prefix
    expect(row.prefix.length).toBeLessThanOrEqual(8);
    const listedTokens = await listApiTokens(db);
    expect(JSON.stringify(listedTokens)).not.toContain(row.token_hash);
    expect(listedTokens.find((x) => x.id === id)).not.toHaveProperty('token_hash');
    // It works, and its use is recorded.
    const { res } = await call(orgsRoute, '/api/hsds/organizations?per_page=1', { token: t });
    expect(res.status).toBe(200);
    const used = await db
      .selectFrom('api_token')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
  });

  it('a revoked token is refused at the next request', async () => {
    const { id, token: t } = await db
      .transaction()
      .execute((tx) => createApiToken(tx, `DIRTEST revoke ${uniq}`, { userId: secretariatId }));
    expect((await call(orgsRoute, '/api/hsds/organizations', { token: t })).res.status).toBe(200);
    await db.transaction().execute((tx) => revokeApiToken(tx, id, { userId: secretariatId }));
    const { res } = await call(orgsRoute, '/api/hsds/organizations', { token: t });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    await expect(
      db.transaction().execute((tx) => revokeApiToken(tx, id, { userId: secretariatId })),
    ).rejects.toMatchObject({ code: 'errors.notFound' });
    // Other tokens are untouched.
    expect((await call(orgsRoute, '/api/hsds/organizations', { token })).res.status).toBe(200);
  });

  it('120 requests a minute per token: the 121st is 429 with Retry-After; other tokens go on', async () => {
    const { token: t } = await db
      .transaction()
      .execute((tx) => createApiToken(tx, `DIRTEST rate ${uniq}`, { userId: secretariatId }));
    const path = `/api/hsds/organizations/${shelterPartner.id}`;
    for (let i = 1; i <= 120; i++) {
      const { res } = await call(orgRoute, path, { token: t, params: { id: shelterPartner.id } });
      expect(res.status, `request ${i}`).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBe('120');
      expect(res.headers.get('RateLimit-Remaining')).toBe(String(120 - i));
    }
    const { res, body } = await call(orgRoute, path, {
      token: t,
      params: { id: shelterPartner.id },
    });
    expect(res.status).toBe(429);
    expect(isJson(res)).toBe(true);
    expect(body.error.code).toBe('rate_limited');
    const retry = Number(res.headers.get('Retry-After'));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
    // Every route counts against the same token.
    expect((await call(orgsRoute, '/api/hsds/organizations', { token: t })).res.status).toBe(429);
    // Another token has its own window.
    const other = await call(orgRoute, path, { token, params: { id: shelterPartner.id } });
    expect(other.res.status).toBe(200);
  });

  it('the window is one minute, and API_RATE_LIMIT_PER_MINUTE sets the limit', async () => {
    const t0 = Date.now();
    for (let i = 0; i < 120; i++) expect(takeRequest(tokenId, t0 + i).ok).toBe(true);
    const refused = takeRequest(tokenId, t0 + 30_000);
    expect(refused).toMatchObject({ ok: false, retryAfter: 30 });
    expect(takeRequest(tokenId, t0 + 60_000).ok).toBe(true);
    resetRateLimits();

    process.env.API_RATE_LIMIT_PER_MINUTE = '3';
    resetEnvCache();
    try {
      for (let i = 0; i < 3; i++)
        expect((await call(orgsRoute, '/api/hsds/organizations', { token })).res.status).toBe(200);
      const { res } = await call(orgsRoute, '/api/hsds/organizations', { token });
      expect(res.status).toBe(429);
      expect(res.headers.get('RateLimit-Limit')).toBe('3');
    } finally {
      delete process.env.API_RATE_LIMIT_PER_MINUTE;
      resetEnvCache();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('CORS and methods', () => {
  const ORIGIN = 'https://portal.example.org';
  const routes: [Route, string][] = [
    [nearestRoute, '/api/v1/partners/nearest'],
    [orgsRoute, '/api/hsds/organizations'],
    [orgRoute, '/api/hsds/organizations/x'],
    [servicesRoute, '/api/hsds/services'],
    [serviceRoute, '/api/hsds/services/x'],
    [salRoute, '/api/hsds/service_at_locations'],
  ];

  afterEach(() => {
    delete process.env.API_CORS_ORIGINS;
    resetEnvCache();
  });

  it('without API_CORS_ORIGINS: no Access-Control-Allow-Origin; OPTIONS 204; other methods 405 JSON', async () => {
    delete process.env.API_CORS_ORIGINS;
    resetEnvCache();
    const get = await call(orgsRoute, '/api/hsds/organizations', {
      token,
      headers: { Origin: ORIGIN },
    });
    expect(get.res.status).toBe(200);
    expect(get.res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    for (const [route, path] of routes) {
      const pre = await call(route, path, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
      });
      expect(pre.res.status, path).toBe(204);
      expect(pre.res.headers.get('Access-Control-Allow-Origin')).toBeNull();
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const { res, body } = await call(route, path, { method, token });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(isJson(res)).toBe(true);
        expect(body.error.code).toBe('method_not_allowed');
      }
    }
  });

  it('with API_CORS_ORIGINS: only the listed origins, on answers, errors and preflights', async () => {
    process.env.API_CORS_ORIGINS = `${ORIGIN}, https://other.example.org`;
    resetEnvCache();
    const ok = await call(orgsRoute, '/api/hsds/organizations', {
      token,
      headers: { Origin: ORIGIN },
    });
    expect(ok.res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(ok.res.headers.get('Vary')).toMatch(/Origin/);
    const denied = await call(orgsRoute, '/api/hsds/organizations', {
      token,
      headers: { Origin: 'https://evil.example.com' },
    });
    expect(denied.res.status).toBe(200);
    expect(denied.res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const unauth = await call(orgsRoute, '/api/hsds/organizations', {
      headers: { Origin: ORIGIN },
    });
    expect(unauth.res.status).toBe(401);
    expect(unauth.res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const pre = await call(nearestRoute, '/api/v1/partners/nearest', {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.res.status).toBe(204);
    expect(pre.res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(pre.res.headers.get('Access-Control-Allow-Methods')).toContain('GET');
    expect(pre.res.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/i);

    process.env.API_CORS_ORIGINS = '*';
    resetEnvCache();
    const any = await call(orgsRoute, '/api/hsds/organizations', {
      token,
      headers: { Origin: 'https://anywhere.example.net' },
    });
    expect(any.res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

// ---------------------------------------------------------------------------------------------

describe('OpenAPI description', () => {
  it('/api/openapi.json is OpenAPI 3.1.0 with every path, and matches the nearest answer', async () => {
    const { res, body } = await call(openapiRoute, '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(isJson(res)).toBe(true);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual(
      [
        '/api/hsds/organizations',
        '/api/hsds/organizations/{id}',
        '/api/hsds/service_at_locations',
        '/api/hsds/services',
        '/api/hsds/services/{id}',
        '/api/v1/partners/nearest',
      ].sort(),
    );
    expect(body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    // The documented shape of a nearest partner is the real one.
    const schema = body.components.schemas.NearestPartner;
    const v = new Ajv2020({ strict: false, allErrors: true });
    addFormats(v);
    const check = v.compile(schema);
    const near = await call(
      nearestRoute,
      `/api/v1/partners/nearest?lat=${CENTER.lat}&lng=${CENTER.lng}&limit=50`,
      { token },
    );
    for (const p of near.body.partners) expect(check(p) ? [] : check.errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('admin CLI', () => {
  it('npm run admin -- create-api-token prints a token that works against the API', async () => {
    const run = promisify(execFile);
    const name = `Portal ${uniq}`;
    const { stdout } = await run('npm', ['run', 'admin', '--', 'create-api-token', name], {
      env: { ...process.env, NODE_ENV: 'test' },
    });
    const printed = stdout.match(/bn_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(printed).toHaveLength(1);
    const row = await db
      .selectFrom('api_token')
      .select(['name', 'token_hash'])
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(printed[0]!).digest('hex'));
    const { res, body } = await call(
      nearestRoute,
      `/api/v1/partners/nearest?lat=${CENTER.lat}&lng=${CENTER.lng}&limit=1`,
      { token: printed[0] },
    );
    expect(res.status).toBe(200);
    expect(body.partners).toHaveLength(1);
  }, 120_000);
});
