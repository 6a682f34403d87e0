import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';
import { keysetPage, type PageRequest, type SortKey } from '~/lib/keyset.server';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends to the audit log (the table refuses updates and deletes). Call inside the action's transaction. */
export async function audit(q: Queryable, e: AuditEntry): Promise<void> {
  await auditMany(q, [e]);
}

/** Several entries in one statement (a batch action records one per subject). */
export async function auditMany(q: Queryable, entries: AuditEntry[]): Promise<void> {
  // At most 6 parameters a row: well under PostgreSQL's 65,535 per statement.
  for (let i = 0; i < entries.length; i += 5000)
    await q
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + 5000).map((e) => ({
          actor_user_id: e.actorId,
          action: e.action,
          subject_type: e.subjectType,
          subject_id: e.subjectId ?? null,
          detail: JSON.stringify(e.detail ?? {}),
          ip: e.ip ?? null,
        })),
      )
      .execute();
}

// ---- the secretariat's audit page -------------------------------------------------------------

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  /** The action starts with this (e.g. `payment.`). */
  action?: string;
  /** The actor's email address (exact, any letter case). */
  actor?: string;
  /** The subject's id (exact). */
  subject?: string;
  /** Tokyo dates, `YYYY-MM-DD`, both inclusive. */
  from?: string;
  to?: string;
}

function isDate(s: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && s >= '2000-01-01';
}

/**
 * Filters as typed into the page's form. Values that cannot be used are dropped and reported as
 * i18n keys by field, so a typo narrows nothing and never fails the page.
 */
export function parseAuditFilters(params: URLSearchParams) {
  const filters: AuditFilters = {};
  const errors: Partial<Record<keyof AuditFilters, string>> = {};
  const limits = { action: 100, actor: 254, subject: 200 } as const;
  for (const key of ['action', 'actor', 'subject'] as const) {
    const v = (params.get(key) ?? '').trim();
    if (!v) continue;
    if (v.length > limits[key]) errors[key] = 'errors.tooLong';
    else filters[key] = v;
  }
  for (const key of ['from', 'to'] as const) {
    const v = (params.get(key) ?? '').trim();
    if (!v) continue;
    if (isDate(v)) filters[key] = v;
    else errors[key] = 'audit.badDate';
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    errors.to = 'audit.dateOrder';
    delete filters.to;
  }
  return { filters, errors };
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, '\\$&')}%`;

// Newest first; the id breaks ties between rows written in the same microsecond.
const AUDIT_KEYS: SortKey[] = [
  { expr: sql`a.at`, dir: 'desc', type: 'timestamptz' },
  { expr: sql`a.id`, dir: 'desc', type: 'int' },
];

/**
 * One page of the audit log, newest first, by keyset on (at, id) (app/lib/keyset.server.ts):
 * never OFFSET, the table holds millions of rows; each filter has an index in that order.
 */
export function listAuditLog(
  q: Queryable,
  f: AuditFilters,
  page: PageRequest = { limit: AUDIT_PAGE_SIZE },
) {
  let query = q
    .selectFrom('audit_log as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_user_id')
    .select([
      'a.id',
      'a.at',
      'a.action',
      'a.subject_type',
      'a.subject_id',
      'a.detail',
      'a.ip',
      'u.name as actor_name',
      'u.email as actor_email',
    ]);
  if (f.action) query = query.where(sql<boolean>`a.action like ${likePrefix(f.action)}`);
  if (f.actor) {
    const actor = f.actor.toLowerCase();
    query = query.where('a.actor_user_id', '=', (eb) =>
      eb
        .selectFrom('app_user')
        .select('id')
        .where(sql`lower(email)`, '=', actor),
    );
  }
  if (f.subject) query = query.where('a.subject_id', '=', f.subject);
  if (f.from) {
    query = query.where(
      sql<boolean>`a.at >= (${f.from}::date::timestamp at time zone 'Asia/Tokyo')`,
    );
  }
  if (f.to) {
    query = query.where(
      sql<boolean>`a.at < ((${f.to}::date + 1)::timestamp at time zone 'Asia/Tokyo')`,
    );
  }
  return keysetPage(query, AUDIT_KEYS, page);
}
