import { sql } from 'kysely';
import type { Role } from '../../../db/schema';
import type { Queryable, Tx } from '~/lib/db.server';
import { keysetPage, type PageRequest, type SortKey } from '~/lib/keyset.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { PARTNER_STATUSES } from './codes';
import type { ContactInput, PartnerInput } from './partner-schema';
import { tokyoDate } from '~/lib/format';

export async function partnerExists(q: Queryable, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const row = await q.selectFrom('partner').select('id').where('id', '=', id).executeTakeFirst();
  return Boolean(row);
}

export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** Organisations a partner user can be attached to (for the invitation form). */
export async function listPartnerOptions(q: Queryable) {
  return q
    .selectFrom('partner')
    .select(['id', 'name'])
    .where('status', '!=', 'retired')
    .orderBy('name_kana')
    .orderBy('name')
    .limit(1000)
    .execute();
}

export async function getPartnerName(q: Queryable, id: string): Promise<string> {
  const row = await q.selectFrom('partner').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? '';
}

/** The stable key a CSV re-import matches on: NFKC name without spaces, lower-cased, @ municipality. */
export function matchKey(name: string, municipalityCode: string): string {
  return `${name.normalize('NFKC').replace(/\s+/g, '').toLowerCase()}@${municipalityCode}`;
}

export interface Viewer {
  id: string;
  role: Role;
  partnerId: string | null;
}

// Columns by audience. Bank details never leave the server for counselors or other partners.
const PUBLIC_COLUMNS = [
  'p.id',
  'p.kind',
  'p.name',
  'p.name_kana',
  'p.status',
  'p.network_member',
  'p.public_listing',
  'p.public_phone',
  'p.website',
  'p.municipality_code',
  'p.prefecture_code',
  'p.postal_code',
  'p.address',
  'p.lat',
  'p.lng',
  'p.service_radius_km',
  'p.languages',
  'p.specialties',
  'p.contact_name',
  'p.contact_email',
  'p.contact_phone',
  'p.availability',
  'p.version',
  'p.updated_at',
  'p.trained_until',
] as const;
const MONEY_COLUMNS = [
  'p.invoice_number',
  'p.bank_code',
  'p.branch_code',
  'p.account_type',
  'p.account_number',
  'p.account_holder_kana',
  'p.withholding_tax',
] as const;

/**
 * One partner as the viewer may see it: the secretariat everything; a partner user only its own
 * organisation (another partner's id is "not found"); counselors everything but money details.
 */
export async function getPartnerForViewer(q: Queryable, id: string, viewer: Viewer) {
  if (!isUuid(id)) return null;
  if (viewer.role === 'partner' && viewer.partnerId !== id) return null;
  const base = q
    .selectFrom('partner as p')
    .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
    .leftJoin('prefecture as pr', 'pr.code', 'p.prefecture_code')
    .select([...PUBLIC_COLUMNS, 'm.name as municipality_name', 'pr.name as prefecture_name'])
    .where('p.id', '=', id);
  const seesMoney = viewer.role === 'secretariat' || viewer.role === 'partner';
  const row = seesMoney
    ? await base.select([...MONEY_COLUMNS]).executeTakeFirst()
    : await base.executeTakeFirst();
  if (!row) return null;
  return { ...row, money: seesMoney ? pickMoney(row as Record<string, unknown>) : null };
}

function pickMoney(row: Record<string, unknown>) {
  return {
    invoiceNumber: row.invoice_number as string | null,
    bankCode: row.bank_code as string | null,
    branchCode: row.branch_code as string | null,
    accountType: row.account_type as string | null,
    accountNumber: row.account_number as string | null,
    accountHolderKana: row.account_holder_kana as string | null,
    withholdingTax: row.withholding_tax as boolean,
  };
}

function toRow(input: PartnerInput, prefectureCode: number) {
  const hasBank = Boolean(input.bankCode);
  return {
    kind: input.kind,
    name: input.name,
    name_kana: input.nameKana,
    status: input.status,
    network_member: input.networkMember,
    public_listing: input.publicListing,
    public_phone: input.publicPhone,
    website: input.website,
    municipality_code: input.municipalityCode,
    prefecture_code: prefectureCode,
    postal_code: input.postalCode,
    address: input.address,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    service_radius_km: input.serviceRadiusKm,
    languages: input.languages,
    specialties: input.specialties,
    contact_name: input.contactName,
    contact_email: input.contactEmail,
    contact_phone: input.contactPhone,
    availability: input.availability,
    invoice_number: input.invoiceNumber,
    bank_code: hasBank ? input.bankCode! : null,
    branch_code: hasBank ? input.branchCode! : null,
    account_type: hasBank ? input.accountType! : null,
    account_number: hasBank ? input.accountNumber! : null,
    account_holder_kana: hasBank ? input.accountHolderKana! : null,
    withholding_tax: input.withholdingTax,
    match_key: matchKey(input.name, input.municipalityCode),
  };
}

async function prefectureOf(q: Queryable, municipalityCode: string): Promise<number> {
  const m = await q
    .selectFrom('municipality')
    .select('prefecture_code')
    .where('code', '=', municipalityCode)
    .executeTakeFirst();
  if (!m) throw new DomainError('errors.municipalityUnknown', 'municipalityCode');
  return m.prefecture_code;
}

async function assertUniqueKey(q: Queryable, key: string, exceptId?: string) {
  let query = q.selectFrom('partner').select('id').where('match_key', '=', key);
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw new DomainError('errors.partnerDuplicate', 'name');
}

type Actor = { userId: string | null; ip?: string | null };

export async function createPartner(tx: Tx, input: PartnerInput, actor: Actor, action = 'create') {
  const row = toRow(input, await prefectureOf(tx, input.municipalityCode));
  await assertUniqueKey(tx, row.match_key);
  const { id } = await tx
    .insertInto('partner')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'match_key' || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    changes[k] = [null, redact(k, v)];
  }
  await recordChange(tx, id, actor, action, changes);
  return id;
}

/**
 * Saves the secretariat's edit. `version` guards against overwriting someone else's change made
 * since the form was opened.
 */
export async function updatePartner(
  tx: Tx,
  id: string,
  input: PartnerInput,
  actor: Actor,
  action = 'update',
) {
  if (!isUuid(id)) throw new DomainError('errors.notFound');
  const row = toRow(input, await prefectureOf(tx, input.municipalityCode));
  await assertUniqueKey(tx, row.match_key, id);
  return applyChanges(tx, id, row, actor, action, input.version);
}

/** A partner user's own edit: contact details, languages, specialties and availability only. */
export async function updateOwnContact(
  tx: Tx,
  partnerId: string,
  input: ContactInput,
  actor: Actor,
) {
  return applyChanges(
    tx,
    partnerId,
    {
      contact_name: input.contactName,
      contact_email: input.contactEmail,
      contact_phone: input.contactPhone,
      languages: input.languages,
      specialties: input.specialties,
      availability: input.availability,
    },
    actor,
    'update_by_partner',
  );
}

async function applyChanges(
  tx: Tx,
  id: string,
  next: Record<string, unknown>,
  actor: Actor,
  action: string,
  expectedVersion?: number,
) {
  const current = (await tx
    .selectFrom('partner')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()) as Record<string, unknown> | undefined;
  if (!current) throw new DomainError('errors.notFound');
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new DomainError('errors.staleEdit');
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(next)) {
    if (k === 'match_key') continue;
    if (!sameValue(current[k], v)) changes[k] = [redact(k, current[k]), redact(k, v)];
  }
  if (!Object.keys(changes).length) return { changed: false };
  await tx
    .updateTable('partner')
    .set({ ...next, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await recordChange(tx, id, actor, action, changes);
  return { changed: true };
}

function sameValue(a: unknown, b: unknown): boolean {
  // Lists are sets of codes: order does not make a change.
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      JSON.stringify([...((a as unknown[]) ?? [])].sort()) ===
      JSON.stringify([...((b as unknown[]) ?? [])].sort())
    );
  }
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === (b ?? null);
  if (typeof a === 'string' && typeof b === 'number') return Number(a) === b;
  return String(a) === String(b);
}

// History shows that the account changed, not the number.
function redact(field: string, v: unknown) {
  return field === 'account_number' && typeof v === 'string' ? `***${v.slice(-3)}` : v;
}

async function recordChange(
  tx: Tx,
  partnerId: string,
  actor: Actor,
  action: string,
  changes: Record<string, [unknown, unknown]>,
) {
  await tx
    .insertInto('partner_change')
    .values({
      partner_id: partnerId,
      actor_user_id: actor.userId,
      action,
      changes: JSON.stringify(changes),
    })
    .execute();
  const money = Object.keys(changes).filter((k) => MONEY_COLUMNS.includes(`p.${k}` as never));
  if (money.length) {
    await audit(tx, {
      actorId: actor.userId,
      action: 'partner.money_details_changed',
      subjectType: 'partner',
      subjectId: partnerId,
      detail: { fields: money },
      ip: actor.ip,
    });
  }
}

export async function partnerHistory(q: Queryable, partnerId: string, limit = 100) {
  return q
    .selectFrom('partner_change as c')
    .leftJoin('app_user as u', 'u.id', 'c.actor_user_id')
    .select(['c.id', 'c.at', 'c.action', 'c.changes', 'u.name as actor_name'])
    .where('c.partner_id', '=', partnerId)
    .orderBy('c.at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

// ---- list ---------------------------------------------------------------------------------

export interface PartnerFilters {
  q?: string;
  kind?: string;
  prefecture?: number;
  language?: string;
  specialty?: string;
  status?: string;
  mou?: 'active' | 'none' | 'expiring';
  trained?: 'yes' | 'no';
}

export const SORTS = ['name', 'updated', 'prefecture', 'status'] as const;
export type PartnerSort = (typeof SORTS)[number];

function filtered(q: Queryable, f: PartnerFilters, today: string) {
  let query = q
    .selectFrom('partner as p')
    .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
    .leftJoin('prefecture as pr', 'pr.code', 'p.prefecture_code');
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    query = query.where(sql<boolean>`(p.name || ' ' || p.name_kana) ilike ${like}`);
  }
  if (f.kind) query = query.where('p.kind', '=', f.kind as never);
  if (f.status) query = query.where('p.status', '=', f.status as never);
  if (f.prefecture) query = query.where('p.prefecture_code', '=', f.prefecture);
  if (f.language) query = query.where(sql<boolean>`p.languages @> array[${f.language}]::text[]`);
  if (f.specialty)
    query = query.where(sql<boolean>`p.specialties @> array[${f.specialty}]::text[]`);
  const trained = sql<boolean>`coalesce(p.trained_until >= ${today}::date, false)`;
  if (f.trained === 'yes') query = query.where(trained);
  if (f.trained === 'no') query = query.where(sql<boolean>`not ${trained}`);
  const activeMou = (extra = sql``) =>
    sql<boolean>`exists (select 1 from mou where mou.partner_id = p.id and mou.status = 'active'
      and mou.valid_from <= ${today}::date
      and (mou.valid_until is null or mou.valid_until >= ${today}::date) ${extra})`;
  if (f.mou === 'active') query = query.where(activeMou());
  if (f.mou === 'none') query = query.where(sql<boolean>`not ${activeMou()}`);
  if (f.mou === 'expiring') {
    query = query.where(activeMou(sql`and mou.valid_until <= ${today}::date + 60`));
  }
  return query;
}

/**
 * The registry's orders, each ending in the id so equal names never swap between pages; every
 * one has a B-tree index (migration 2500) so a page is an index range, not a sort of 100,000 rows.
 */
function partnerKeys(sort: PartnerSort, dir: 'asc' | 'desc'): SortKey[] {
  const kana: SortKey = { expr: sql`p.name_kana`, dir: 'asc', type: 'text' };
  const id: SortKey = { expr: sql`p.id`, dir: 'asc', type: 'uuid' };
  switch (sort) {
    case 'updated':
      return [
        { expr: sql`p.updated_at`, dir, type: 'timestamptz' },
        { ...id, dir },
      ];
    case 'prefecture':
      // Partners without a place sort after Okinawa (47), as NULLS LAST did.
      return [{ expr: sql`coalesce(p.prefecture_code, 99)`, dir, type: 'int' }, kana, id];
    case 'status':
      return [{ expr: sql`p.status`, dir, type: 'text' }, kana, id];
    default:
      return [
        { ...kana, dir },
        { expr: sql`p.name`, dir, type: 'text' },
        { ...id, dir },
      ];
  }
}

export async function listPartners(
  q: Queryable,
  opts: {
    filters: PartnerFilters;
    sort: PartnerSort;
    dir: 'asc' | 'desc';
    page: PageRequest;
  },
) {
  const today = tokyoToday();
  const base = filtered(q, opts.filters, today);
  const rows = base.select([
    'p.id',
    'p.name',
    'p.name_kana',
    'p.kind',
    'p.status',
    'p.languages',
    'p.specialties',
    'p.updated_at',
    'p.trained_until',
    'm.name as municipality_name',
    'pr.name as prefecture_name',
    sql<string | null>`(select max(valid_until)::text from mou where mou.partner_id = p.id
      and mou.status = 'active' and mou.valid_from <= ${today}::date
      and (mou.valid_until is null or mou.valid_until >= ${today}::date))`.as('mou_until'),
    // A scalar subquery, run for the page's rows only (`exists` here was planned as a hash of
    // every MOU in the registry).
    sql<boolean>`coalesce((select true from mou where mou.partner_id = p.id and mou.status = 'active'
      and mou.valid_from <= ${today}::date
      and (mou.valid_until is null or mou.valid_until >= ${today}::date) limit 1), false)`.as(
      'mou_active',
    ),
  ]);
  const [list, total] = await Promise.all([
    keysetPage(rows, partnerKeys(opts.sort, opts.dir), opts.page),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { ...list, total: Number(total.n) };
}

export function tokyoToday(now = new Date()): string {
  return tokyoDate(now);
}

export async function listPrefectures(q: Queryable) {
  return q.selectFrom('prefecture').select(['code', 'name', 'name_en']).orderBy('code').execute();
}

export async function listMunicipalities(q: Queryable) {
  return q
    .selectFrom('municipality')
    .select(['code', 'prefecture_code', 'name', 'name_kana', 'lat', 'lng'])
    .orderBy('code')
    .execute();
}

export async function municipalitiesOf(q: Queryable, prefectureCode: number) {
  return q
    .selectFrom('municipality')
    .select(['code', 'name', 'name_kana', 'lat', 'lng'])
    .where('prefecture_code', '=', prefectureCode)
    .orderBy('code')
    .execute();
}

export async function listMous(q: Queryable, partnerId: string) {
  return q
    .selectFrom('mou')
    .select([
      'id',
      'reference_no',
      'status',
      'valid_from',
      'valid_until',
      'visit_base_fee',
      'hourly_fee',
      'max_concurrent_requests',
      'signed_file_id',
    ])
    .where('partner_id', '=', partnerId)
    .orderBy('valid_from', 'desc')
    .execute();
}

/** ⚑ Exact shelter location only for the secretariat and the owning partner. */
export async function listShelters(q: Queryable, partnerId: string, viewer: Viewer) {
  const exact = viewer.role === 'secretariat' || viewer.partnerId === partnerId;
  const rows = await q
    .selectFrom('shelter as s')
    .innerJoin('municipality as m', 'm.code', 's.municipality_code')
    .select([
      's.id',
      's.name',
      's.capacity',
      's.beds_occupied',
      's.accepts',
      's.active',
      's.address',
      's.lat',
      's.lng',
      'm.name as municipality_name',
    ])
    .where('s.partner_id', '=', partnerId)
    .orderBy('s.name')
    .execute();
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    capacity: s.capacity,
    freeBeds: s.capacity - s.beds_occupied,
    accepts: s.accepts,
    active: s.active,
    municipalityName: s.municipality_name,
    address: exact ? s.address : null,
    lat: exact ? s.lat : null,
    lng: exact ? s.lng : null,
  }));
}

/** Every located partner matching the filters, as compact tuples for the registry map. */
/**
 * Every filtered partner as a map point, compactly: a flat [lat, lng, status, …] array with
 * coordinates rounded to 1e-5° (about a metre) and the status as its index in PARTNER_STATUSES.
 * Names come only when a point is opened (`partnersAt`): 100,000 partners fit in well under a
 * megabyte gzipped.
 */
export async function partnerMapPoints(q: Queryable, filters: PartnerFilters, limit = 200_000) {
  const rows = await filtered(q, filters, tokyoToday())
    .select([
      sql<number>`round(p.lat::numeric, 5)::float8`.as('lat'),
      sql<number>`round(p.lng::numeric, 5)::float8`.as('lng'),
      sql<number>`array_position(${sql.val(PARTNER_STATUSES as unknown as string[])}::text[], p.status) - 1`.as(
        'status',
      ),
    ])
    .where('p.lat', 'is not', null)
    .limit(limit)
    .execute();
  const flat: number[] = new Array(rows.length * 3);
  rows.forEach((r, i) => {
    flat[i * 3] = r.lat;
    flat[i * 3 + 1] = r.lng;
    flat[i * 3 + 2] = r.status;
  });
  return flat;
}

/** The filtered partners at one map point (several may share a municipality office's place). */
export async function partnersAt(
  q: Queryable,
  filters: PartnerFilters,
  at: { lat: number; lng: number },
) {
  return (
    filtered(q, filters, tokyoToday())
      .select([
        'p.id',
        'p.name',
        'p.kind',
        'p.status',
        'p.languages',
        'm.name as municipality_name',
      ])
      .where(sql<boolean>`round(p.lat::numeric, 5) = round(${at.lat}::numeric, 5)`)
      .where(sql<boolean>`round(p.lng::numeric, 5) = round(${at.lng}::numeric, 5)`)
      // The GiST index on ll_to_earth(lat, lng) finds the place; the rounding picks the point.
      .where(
        sql<boolean>`earth_box(ll_to_earth(${at.lat}::float8, ${at.lng}::float8), 10) @> ll_to_earth(p.lat, p.lng)`,
      )
      .orderBy('p.name_kana')
      .limit(20)
      .execute()
  );
}

/**
 * Active partners to pick from (invitations): by prefecture, by name, or not yet trained.
 * At most `limit` rows; `total` says how many matched.
 */
export async function partnerChoices(
  q: Queryable,
  f: { prefecture?: number; untrained?: boolean; name?: string },
  limit = 300,
) {
  let query = q
    .selectFrom('partner as p')
    .leftJoin('prefecture as pr', 'pr.code', 'p.prefecture_code')
    .where('p.status', '=', 'active');
  if (f.prefecture) query = query.where('p.prefecture_code', '=', f.prefecture);
  if (f.untrained)
    query = query.where((eb) =>
      eb.or([eb('p.trained_until', 'is', null), sql<boolean>`p.trained_until < current_date`]),
    );
  if (f.name) query = query.where('p.name', 'ilike', `%${f.name.replace(/[%_\\]/g, '\\$&')}%`);
  const [rows, count] = await Promise.all([
    query
      .select(['p.id', 'p.name', 'pr.name as prefecture', 'pr.name_en as prefecture_en'])
      .orderBy('p.prefecture_code')
      .orderBy('p.name')
      .limit(limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The chooser's filters from a URL (GET form). */
export function choiceFilters(url: URL) {
  const pref = Number(url.searchParams.get('pref'));
  return {
    prefecture: Number.isInteger(pref) && pref >= 1 && pref <= 47 ? pref : undefined,
    untrained: url.searchParams.get('untrained') === '1',
    name: (url.searchParams.get('name') ?? '').trim().slice(0, 100) || undefined,
  };
}
