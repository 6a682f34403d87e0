import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { sql, type Kysely } from 'kysely';
import type { ZodIssue } from 'zod';
import type { Database } from '../../../db/schema';
import en from '~/i18n/en';
import { createI18n, tKey, type Locale } from '~/i18n/i18n';
import ja from '~/i18n/ja';
import type { Queryable, Tx } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { LANGUAGES, PARTNER_KINDS, PARTNER_STATUSES, SPECIALTIES } from './codes';
import { partnerSchema, type PartnerInput } from './partner-schema';
import {
  createPartner,
  listPartners,
  matchKey,
  type PartnerFilters,
  type PartnerSort,
  updatePartner,
} from './partners.server';

// Partner registry as CSV, for the secretariat's spreadsheets. Import and export use the same
// columns, so an export can be edited in Excel and imported again.
//
// Stable key: `match_key` = the name (NFKC, without spaces, lower-cased) @ the municipality code.
// A row whose key exists updates that partner; any other row creates one. Bank details, the
// invoice number and availability are not in the file and are never changed by an import.

export { CSV_COLUMNS, IMPORT_MAX_BYTES, type CsvColumn } from './csv-columns';
import { CSV_COLUMNS, IMPORT_MAX_BYTES, type CsvColumn } from './csv-columns';

export const IMPORT_MAX_ROWS = 20_000;
export const EXPORT_MAX_ROWS = 100_000;

export interface ImportRowError {
  /** Row as Excel numbers it: the header is 1, the first data row 2. */
  row: number;
  /** CSV column, or null for the row as a whole. */
  field: CsvColumn | null;
  message: string;
}

export interface ImportSummary {
  /** true only when a real run wrote its changes. */
  committed: boolean;
  encoding: 'utf-8' | 'shift_jis' | null;
  /** data rows read (blank rows not counted) */
  rows: number;
  /** what was done, or on a dry run (or a run with errors) what would have been done */
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportRowError[];
  /** the file as a whole could not be read; rows were not checked */
  fileError: string | null;
}

type Actor = { userId: string | null; ip?: string | null };
type Translate = ReturnType<typeof createI18n>['t'];

class FileError extends Error {
  constructor(
    readonly key: string,
    readonly vars?: Record<string, unknown>,
  ) {
    super(key);
  }
}

// ---- decoding -----------------------------------------------------------------------------

/** UTF-8 (with or without BOM) or Shift_JIS (Windows code page 932, as Excel writes it). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new FileError('partnerImport.errors.utf16');
  }
  // A NUL byte never appears in a text CSV: this is a spreadsheet, an image or a zip.
  if (bytes.includes(0)) throw new FileError('partnerImport.errors.notCsv');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'cp932'), encoding: 'shift_jis' };
  }
}

// ---- reference data -----------------------------------------------------------------------

const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

interface Places {
  prefectures: Map<string, number>; // name, short name, English name, number → code
  prefectureName: Map<number, string>;
  byCode: Map<string, { code: string; prefecture: number; name: string }>;
  byName: Map<string, { code: string; prefecture: number; name: string }[]>; // per `${pref}:${name}`
}

async function loadPlaces(q: Queryable): Promise<Places> {
  const prefs = await q.selectFrom('prefecture').select(['code', 'name', 'name_en']).execute();
  const munis = await q
    .selectFrom('municipality')
    .select(['code', 'prefecture_code', 'name'])
    .execute();
  const prefectures = new Map<string, number>();
  const prefectureName = new Map<number, string>();
  for (const p of prefs) {
    prefectureName.set(p.code, p.name);
    for (const alias of [p.name, p.name.replace(/[都府県]$/, ''), p.name_en, String(p.code)]) {
      prefectures.set(norm(alias), p.code);
    }
    prefectures.set(String(p.code).padStart(2, '0'), p.code);
  }
  const byCode = new Map<string, { code: string; prefecture: number; name: string }>();
  const byName = new Map<string, { code: string; prefecture: number; name: string }[]>();
  for (const m of munis) {
    const entry = { code: m.code, prefecture: m.prefecture_code, name: m.name };
    byCode.set(m.code, entry);
    const key = `${m.prefecture_code}:${norm(m.name)}`;
    byName.set(key, [...(byName.get(key) ?? []), entry]);
    // A ward can be written without its city: 札幌市中央区 as 中央区 (ambiguous in 大阪府: 北区).
    const ward = m.name.match(/^.+?市(.+区)$/)?.[1];
    if (ward) {
      const wardKey = `${m.prefecture_code}:~${norm(ward)}`;
      byName.set(wardKey, [...(byName.get(wardKey) ?? []), entry]);
    }
  }
  return { prefectures, prefectureName, byCode, byName };
}

type Resolved = { code: string } | { error: ImportRowErrorDraft };
type ImportRowErrorDraft = { field: CsvColumn | null; key: string; vars?: Record<string, unknown> };

function resolveMunicipality(places: Places, prefCell: string, muniCell: string): Resolved {
  let pref: number | undefined;
  if (prefCell) {
    pref = places.prefectures.get(norm(prefCell));
    if (!pref) {
      return {
        error: {
          field: 'prefecture',
          key: 'partnerImport.errors.prefectureUnknown',
          vars: { value: prefCell },
        },
      };
    }
  }
  if (!muniCell) return { error: { field: 'municipality', key: 'errors.required' } };
  const digits = muniCell.normalize('NFKC').trim();
  if (/^[0-9]{5,6}$/.test(digits)) {
    // 6 digits: 全国地方公共団体コード. 5 digits: the code without its check digit, or a 6-digit
    // code whose leading zero Excel dropped (011002 → 11002).
    const candidates =
      digits.length === 6
        ? [places.byCode.get(digits)]
        : [
            places.byCode.get(`0${digits}`),
            [...places.byCode.values()].find((m) => m.code.startsWith(digits)),
          ];
    const found = [
      ...new Set(candidates.filter((m) => m !== undefined && (!pref || m.prefecture === pref))),
    ] as { code: string; name: string }[];
    if (found.length === 1) return { code: found[0].code };
    if (found.length > 1) return ambiguous(muniCell, found);
    const elsewhere = candidates.find(Boolean);
    if (elsewhere && pref) {
      return {
        error: {
          field: 'municipality',
          key: 'partnerImport.errors.municipalityNotInPrefecture',
          vars: { value: muniCell, prefecture: places.prefectureName.get(pref) },
        },
      };
    }
    return unknownMunicipality(muniCell);
  }
  if (!pref) {
    return { error: { field: 'prefecture', key: 'partnerImport.errors.prefectureRequired' } };
  }
  const exact = places.byName.get(`${pref}:${norm(muniCell)}`);
  const found = exact?.length ? exact : (places.byName.get(`${pref}:~${norm(muniCell)}`) ?? []);
  if (found.length === 1) return { code: found[0].code };
  if (found.length > 1) return ambiguous(muniCell, found);
  return unknownMunicipality(muniCell);
}

const unknownMunicipality = (value: string): Resolved => ({
  error: {
    field: 'municipality',
    key: 'partnerImport.errors.municipalityUnknown',
    vars: { value },
  },
});
const ambiguous = (value: string, found: { code: string; name: string }[]): Resolved => ({
  error: {
    field: 'municipality',
    key: 'partnerImport.errors.municipalityAmbiguous',
    vars: { value, candidates: found.map((m) => `${m.name} ${m.code}`).join('、') },
  },
});

// ---- cells → partnerSchema input ----------------------------------------------------------

/** Codes, or their Japanese/English labels as the app shows them ("弁護士", "Lawyer"). */
function codeBook(
  codes: readonly string[],
  group: 'partnerKinds' | 'partnerStatuses' | 'languages' | 'specialties',
) {
  const map = new Map<string, string>();
  for (const code of codes) {
    map.set(norm(code), code);
    for (const catalog of [ja, en]) {
      const label = (catalog[group] as Record<string, string>)[code];
      if (label) map.set(norm(label), code);
    }
  }
  return map;
}
const KINDS = codeBook(PARTNER_KINDS, 'partnerKinds');
const STATUSES = codeBook(PARTNER_STATUSES, 'partnerStatuses');
const LANGUAGE_CODES = codeBook(LANGUAGES, 'languages');
const SPECIALTY_CODES = codeBook(SPECIALTIES, 'specialties');

// Schema paths back to the CSV column a user can fix.
const FIELD_OF: Record<string, CsvColumn> = {
  name: 'name',
  nameKana: 'name_kana',
  kind: 'kind',
  municipalityCode: 'municipality',
  postalCode: 'postal_code',
  address: 'address',
  lat: 'lat',
  lng: 'lng',
  languages: 'languages',
  specialties: 'specialties',
  serviceRadiusKm: 'service_radius_km',
  contactName: 'contact_name',
  contactEmail: 'email',
  contactPhone: 'phone',
  networkMember: 'network_member',
  publicListing: 'public_listing',
  status: 'status',
};

function toSchemaInput(
  cell: (c: CsvColumn) => string,
  municipalityCode: string | undefined,
  errors: ImportRowErrorDraft[],
) {
  const optional = (c: CsvColumn) => cell(c) || undefined;
  const number = (c: CsvColumn) => {
    const v = cell(c).normalize('NFKC');
    return v === '' ? undefined : Number(v);
  };
  const bool = (c: CsvColumn) => {
    const v = norm(cell(c));
    if (v === '') return undefined;
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    errors.push({ field: c, key: 'partnerImport.errors.notBoolean', vars: { value: cell(c) } });
    return undefined;
  };
  const one = (c: CsvColumn, book: Map<string, string>) => {
    const v = cell(c);
    if (v === '') return undefined;
    const code = book.get(norm(v));
    if (!code)
      errors.push({ field: c, key: 'partnerImport.errors.unknownCode', vars: { value: v } });
    return code;
  };
  const list = (c: CsvColumn, book: Map<string, string>) => {
    const out: string[] = [];
    for (const item of cell(c).normalize('NFKC').split(';')) {
      if (!item.trim()) continue;
      const code = book.get(norm(item));
      if (!code) {
        errors.push({
          field: c,
          key: 'partnerImport.errors.unknownCode',
          vars: { value: item.trim() },
        });
      } else if (!out.includes(code)) out.push(code);
    }
    return out;
  };
  return {
    name: cell('name'),
    nameKana: cell('name_kana'),
    kind: one('kind', KINDS),
    municipalityCode,
    postalCode: optional('postal_code'),
    address: optional('address'),
    lat: number('lat'),
    lng: number('lng'),
    languages: list('languages', LANGUAGE_CODES),
    specialties: list('specialties', SPECIALTY_CODES),
    serviceRadiusKm: number('service_radius_km'),
    contactName: optional('contact_name'),
    contactEmail: optional('email'),
    contactPhone: optional('phone'),
    networkMember: bool('network_member'),
    publicListing: bool('public_listing'),
    status: one('status', STATUSES),
  };
}

function issueKey(issue: ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'errors.required';
  return issue.message.includes('.') ? issue.message : 'errors.badRequest';
}

// Excel runs a cell that starts with = + - @ as a formula. Export prefixes such cells with ' and
// import takes it off again, so a partner's contact name can never become a formula.
const FORMULA_START = /^[=+\-@\t\r]/;
const unescapeCell = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
const escapeCell = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

// ---- import -------------------------------------------------------------------------------

class Rollback extends Error {}

interface Existing {
  id: string;
  match_key: string | null;
  invoice_number: string | null;
  bank_code: string | null;
  branch_code: string | null;
  account_type: 'ordinary' | 'current' | 'savings' | null;
  account_number: string | null;
  account_holder_kana: string | null;
  withholding_tax: boolean;
  availability: string;
}

/**
 * Imports partners from CSV bytes. All or nothing: every row is checked (and, inside one
 * transaction, written); if any row has an error, or on a dry run, the transaction is rolled
 * back, so a dry run reports exactly what a real run would do and keeps nothing.
 */
export async function importPartnersCsv(
  db: Kysely<Database>,
  bytes: Uint8Array,
  opts: { commit: boolean; actor: Actor; locale: Locale; filename?: string },
): Promise<ImportSummary> {
  const { t } = createI18n(opts.locale);
  const summary: ImportSummary = {
    committed: false,
    encoding: null,
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: [],
    fileError: null,
  };
  let file: ReturnType<typeof readRecords>;
  try {
    if (bytes.length > IMPORT_MAX_BYTES) {
      throw new FileError('partnerImport.errors.tooLarge', { mb: IMPORT_MAX_BYTES / 1_000_000 });
    }
    const decoded = decodeCsv(bytes);
    summary.encoding = decoded.encoding;
    file = readRecords(decoded.text);
  } catch (e) {
    if (e instanceof FileError) return { ...summary, fileError: tKey(t, e.key, e.vars) };
    throw e;
  }
  summary.rows = file.records.length;

  try {
    await db.transaction().execute(async (tx) => {
      // One import at a time: two at once would race for the same keys.
      await sql`select pg_advisory_xact_lock(hashtext('partner-csv-import'))`.execute(tx);
      await importRecords(tx, file, summary, opts.actor, t);
      if (summary.errors.length || !opts.commit) throw new Rollback();
      await audit(tx, {
        actorId: opts.actor.userId,
        action: 'partner.import',
        subjectType: 'partner',
        detail: {
          filename: opts.filename ?? null,
          encoding: summary.encoding,
          rows: summary.rows,
          created: summary.created,
          updated: summary.updated,
          unchanged: summary.unchanged,
        },
        ip: opts.actor.ip,
      });
    });
    summary.committed = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  const order = (e: ImportRowError) => (e.field ? CSV_COLUMNS.indexOf(e.field) : -1);
  summary.errors.sort((a, b) => a.row - b.row || order(a) - order(b));
  return summary;
}

function readRecords(text: string) {
  let raw: string[][];
  try {
    // Blank lines are kept so that row numbers stay the ones Excel shows; checked below.
    raw = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new FileError('partnerImport.errors.malformed', { line: line ?? '?' });
  }
  const header = raw[0]?.map((h) => norm(h.replace(/^\uFEFF/, '')));
  if (!header || header.every((h) => h === '')) {
    throw new FileError('partnerImport.errors.noHeader');
  }
  const columns = new Map<CsvColumn, number>();
  const repeated = new Set<string>();
  header.forEach((h, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(h)) return; // extra columns are ignored
    if (columns.has(h as CsvColumn)) repeated.add(h);
    else columns.set(h as CsvColumn, i);
  });
  const missing = CSV_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length) {
    throw new FileError('partnerImport.errors.missingColumns', { columns: missing.join(', ') });
  }
  if (repeated.size) {
    throw new FileError('partnerImport.errors.repeatedColumns', {
      columns: [...repeated].join(', '),
    });
  }
  // Row numbers are record numbers (header = 1): the row Excel shows, blank rows included.
  const records = raw
    .map((cells, i) => ({ row: i + 1, cells }))
    .slice(1)
    .filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (!records.length) throw new FileError('partnerImport.errors.noRows');
  if (records.length > IMPORT_MAX_ROWS) {
    throw new FileError('partnerImport.errors.tooManyRows', {
      max: IMPORT_MAX_ROWS.toLocaleString('en'),
    });
  }
  return { records, columns, width: header.length };
}

async function importRecords(
  tx: Tx,
  { records, columns, width }: ReturnType<typeof readRecords>,
  summary: ImportSummary,
  actor: Actor,
  t: Translate,
) {
  const places = await loadPlaces(tx);
  const fail = (
    row: number,
    field: CsvColumn | null,
    key: string,
    vars?: Record<string, unknown>,
  ) => summary.errors.push({ row, field, message: tKey(t, key, vars) });

  // 1. Check every row on its own.
  const valid: { row: number; input: PartnerInput; key: string }[] = [];
  const firstRowOfKey = new Map<string, number>();
  for (const { row, cells } of records) {
    // Fewer cells, or more that are not empty: usually a comma in an unquoted address.
    if (cells.length < width || cells.slice(width).some((c) => c.trim() !== '')) {
      fail(row, null, 'partnerImport.errors.columnCount', {
        expected: width,
        actual: cells.length,
      });
      continue;
    }
    const cell = (c: CsvColumn) => unescapeCell((cells[columns.get(c)!] ?? '').trim());
    const drafts: ImportRowErrorDraft[] = [];
    const place = resolveMunicipality(places, cell('prefecture'), cell('municipality'));
    if ('error' in place) drafts.push(place.error);
    const parsed = partnerSchema.safeParse(
      toSchemaInput(cell, 'code' in place ? place.code : '000000', drafts),
    );
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = FIELD_OF[String(issue.path[0])] ?? null;
        // A list item or choice already reported with its value, or a place already explained.
        if (drafts.some((d) => d.field === field)) continue;
        drafts.push({ field, key: issueKey(issue) });
      }
    }
    if (drafts.length || !parsed.success) {
      for (const d of drafts) fail(row, d.field, d.key, d.vars);
      continue;
    }
    const key = matchKey(parsed.data.name, parsed.data.municipalityCode);
    const first = firstRowOfKey.get(key);
    if (first !== undefined) {
      fail(row, 'name', 'partnerImport.errors.duplicateRow', { row: first });
      continue;
    }
    firstRowOfKey.set(key, row);
    valid.push({ row, input: parsed.data, key });
  }

  // 2. Apply the valid rows; on a dry run too, so the counts are what a real run would do.
  const existing = await existingByKey(tx, [...firstRowOfKey.keys()]);
  for (const { row, input, key } of valid) {
    const current = existing.get(key);
    await sql`savepoint partner_row`.execute(tx);
    try {
      if (current) {
        const { changed } = await updatePartner(
          tx,
          current.id,
          { ...input, ...moneyAndAvailability(current) },
          actor,
          'import',
        );
        if (changed) summary.updated++;
        else summary.unchanged++;
      } else {
        await createPartner(tx, input, actor, 'import');
        summary.created++;
      }
      await sql`release savepoint partner_row`.execute(tx);
    } catch (e) {
      await sql`rollback to savepoint partner_row`.execute(tx);
      if (e instanceof DomainError) {
        fail(row, FIELD_OF[e.field ?? ''] ?? null, e.code);
      } else if (isDatabaseError(e)) {
        // A value the schema let through but the database refused (a check constraint, or a
        // partner with the same key saved meanwhile).
        fail(row, null, 'partnerImport.errors.rowRefused');
      } else {
        throw e;
      }
    }
  }
}

function isDatabaseError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

async function existingByKey(tx: Tx, keys: string[]) {
  const found = new Map<string, Existing>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await tx
      .selectFrom('partner')
      .select([
        'id',
        'match_key',
        'invoice_number',
        'bank_code',
        'branch_code',
        'account_type',
        'account_number',
        'account_holder_kana',
        'withholding_tax',
        'availability',
      ])
      .where('match_key', 'in', keys.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.set(r.match_key!, r);
  }
  return found;
}

/** The fields the CSV does not carry: an import keeps them as they are. */
function moneyAndAvailability(p: Existing): Partial<PartnerInput> {
  return {
    availability: p.availability,
    invoiceNumber: p.invoice_number,
    bankCode: p.bank_code ?? undefined,
    branchCode: p.branch_code ?? undefined,
    accountType: p.account_type ?? undefined,
    accountNumber: p.account_number ?? undefined,
    accountHolderKana: p.account_holder_kana ?? undefined,
    withholdingTax: p.withholding_tax,
  };
}

// ---- export -------------------------------------------------------------------------------

/**
 * The partner list as filtered, in the list's order, as CSV text with a BOM (Excel then reads
 * it as UTF-8). Same columns as the import; never bank details.
 */
export async function exportPartnersCsv(
  q: Queryable,
  opts: { filters: PartnerFilters; sort: PartnerSort; dir: 'asc' | 'desc'; limit?: number },
): Promise<string> {
  const { rows: listed } = await listPartners(q, {
    filters: opts.filters,
    sort: opts.sort,
    dir: opts.dir,
    page: { limit: opts.limit ?? EXPORT_MAX_ROWS },
  });
  const ids = listed.map((r) => r.id);
  const byId = new Map<string, Record<CsvColumn, string>>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await q
      .selectFrom('partner as p')
      .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
      .leftJoin('prefecture as pr', 'pr.code', 'p.prefecture_code')
      .select([
        'p.id',
        'p.name',
        'p.name_kana',
        'p.kind',
        'pr.name as prefecture',
        'm.name as municipality',
        'p.postal_code',
        'p.address',
        'p.lat',
        'p.lng',
        'p.languages',
        'p.specialties',
        'p.service_radius_km',
        'p.contact_name',
        'p.contact_email',
        'p.contact_phone',
        'p.network_member',
        'p.public_listing',
        'p.status',
      ])
      .where('p.id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const p of rows) {
      byId.set(p.id, {
        name: p.name,
        name_kana: p.name_kana,
        kind: p.kind,
        prefecture: p.prefecture ?? '',
        // The name, not the code: Excel drops the leading zero of codes such as 011002.
        municipality: p.municipality ?? '',
        postal_code: p.postal_code ?? '',
        address: p.address,
        lat: p.lat === null ? '' : String(p.lat),
        lng: p.lng === null ? '' : String(p.lng),
        languages: p.languages.join(';'),
        specialties: p.specialties.join(';'),
        service_radius_km: String(Number(p.service_radius_km)),
        contact_name: p.contact_name,
        email: p.contact_email,
        phone: p.contact_phone,
        network_member: String(p.network_member),
        public_listing: String(p.public_listing),
        status: p.status,
      });
    }
  }
  const records = ids
    .map((id) => byId.get(id))
    .filter((r) => r !== undefined)
    .map((r) => CSV_COLUMNS.map((c) => escapeCell(r[c])));
  return '\uFEFF' + stringify([[...CSV_COLUMNS], ...records], { record_delimiter: '\r\n' });
}
