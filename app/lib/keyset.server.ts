import { type Expression, type RawBuilder, sql, type SelectQueryBuilder } from 'kysely';

/**
 * Keyset ("seek") pagination: a page starts after (or ends before) the sort key of a row the user
 * saw, instead of skipping N rows with OFFSET, so page 2,000 costs what page 1 costs and a row
 * inserted meanwhile never shifts the next page. See docs/architecture.md, "Lists and pagination".
 *
 * Every list declares its sort keys; the last one must be unique (the row id) so the order is
 * total and rows with equal sort values are neither skipped nor shown twice. Key expressions must
 * never be NULL (coalesce them). The cursor carries the keys' text forms (full timestamp
 * precision, not JavaScript's milliseconds) and is validated before it reaches SQL: a tampered or
 * stale cursor shows the first page, never an error.
 */

export type KeyType = 'int' | 'text' | 'timestamptz' | 'date' | 'uuid';

export interface SortKey {
  expr: Expression<unknown> | RawBuilder<unknown>;
  dir: 'asc' | 'desc';
  type: KeyType;
}

export interface PageRequest {
  /** Rows after this cursor (the "next" link). */
  after?: string | null;
  /** Rows before this cursor (the "previous" link). */
  before?: string | null;
  /** Rows per page; the list's own default when absent. */
  limit?: number;
}

export interface Page<T> {
  rows: T[];
  /** Cursor for `?after=`, or null on the last page. */
  next: string | null;
  /** Cursor for `?before=`, or null on the first page. */
  prev: string | null;
}

/** `?after=` / `?before=` from a URL; without `limit` the list's own page size applies. */
export function pageRequest(url: URL, limit?: number): PageRequest {
  const after = url.searchParams.get('after');
  const before = url.searchParams.get('before');
  const size = limit === undefined ? {} : { limit };
  return after ? { after, ...size } : before ? { before, ...size } : size;
}

const CAST: Record<KeyType, string> = {
  int: 'bigint',
  text: 'text',
  timestamptz: 'timestamptz',
  date: 'date',
  uuid: 'uuid',
};

function validDate(y: string, m: string, d: string) {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    t.getUTCFullYear() === Number(y) &&
    t.getUTCMonth() === Number(m) - 1 &&
    t.getUTCDate() === Number(d)
  );
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Would PostgreSQL accept this text as the key's type? (A refusal there would be a 500.) */
export function validKeyValue(type: KeyType, v: unknown): v is string {
  if (typeof v !== 'string') return false;
  switch (type) {
    case 'int':
      return /^-?\d{1,18}$/.test(v);
    case 'text':
      return v.length <= 1000 && !v.includes('\u0000');
    case 'uuid':
      return UUID.test(v);
    case 'date': {
      const m = DATE.exec(v);
      return !!m && validDate(m[1]!, m[2]!, m[3]!);
    }
    case 'timestamptz': {
      const m = TIMESTAMP.exec(v);
      return !!m && validDate(m[1]!, m[2]!, m[3]!);
    }
  }
}

export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The key values of a cursor, or null when it is not one of this list's cursors. */
export function decodeCursor(cursor: string | null | undefined, keys: SortKey[]): string[] | null {
  if (!cursor || cursor.length > 4000) return null;
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== keys.length) return null;
    return values.every((v, i) => validKeyValue(keys[i]!.type, v)) ? (values as string[]) : null;
  } catch {
    return null;
  }
}

type Dir = 'asc' | 'desc';
const flip = (d: Dir): Dir => (d === 'asc' ? 'desc' : 'asc');
const row = (parts: RawBuilder<unknown>[]) =>
  parts.length === 1 ? parts[0]! : sql`(${sql.join(parts)})`;

/**
 * "Comes after the cursor in this order". Consecutive keys with the same direction are compared
 * as one row value, `(a, b, id) > ($1, $2, $3)`, which PostgreSQL answers from a matching
 * B-tree index; a change of direction splits the comparison into `(a > $1) or (a = $1 and …)`.
 */
function afterCondition(keys: SortKey[], values: string[], dirs: Dir[]) {
  const groups: { cols: RawBuilder<unknown>[]; vals: RawBuilder<unknown>[]; dir: Dir }[] = [];
  keys.forEach((k, i) => {
    const col = sql`(${k.expr})`;
    const val = sql`cast(${values[i]} as ${sql.raw(CAST[k.type])})`;
    const last = groups[groups.length - 1];
    if (last && last.dir === dirs[i]) {
      last.cols.push(col);
      last.vals.push(val);
    } else groups.push({ cols: [col], vals: [val], dir: dirs[i]! });
  });
  const alternatives = groups.map((g, i) => {
    const equalBefore = groups.slice(0, i).map((p) => sql`${row(p.cols)} = ${row(p.vals)}`);
    const beyond = sql`${row(g.cols)} ${sql.raw(g.dir === 'asc' ? '>' : '<')} ${row(g.vals)}`;
    return sql.join([...equalBefore, beyond], sql` and `);
  });
  return sql<boolean>`(${sql.join(
    alternatives.map((a) => sql`(${a})`),
    sql` or `,
  )})`;
}

/**
 * One page of `query` in the order of `keys` (`defaultLimit` rows unless the request says). The
 * query must not have its own ORDER BY, LIMIT or OFFSET. Issues one SQL statement (a second
 * only when a stale cursor has nothing beyond it and the first page is shown instead).
 */
export async function keysetPage<O extends object>(
  query: SelectQueryBuilder<any, any, O>,
  keys: SortKey[],
  req: PageRequest,
  defaultLimit = 50,
): Promise<Page<O>> {
  const limit = Math.max(1, Math.floor(req.limit ?? defaultLimit));
  const afterValues = decodeCursor(req.after, keys);
  const beforeValues = afterValues ? null : decodeCursor(req.before, keys);
  const backward = !!beforeValues;
  const cursor = afterValues ?? beforeValues;
  const dirs = keys.map((k) => (backward ? flip(k.dir) : k.dir));

  let q = query.select(keys.map((k, i) => sql<string>`(${k.expr})::text`.as(`_k${i}`))) as any;
  if (cursor) q = q.where(afterCondition(keys, cursor, dirs));
  keys.forEach((k, i) => {
    q = q.orderBy(sql`(${k.expr})`, dirs[i]);
  });
  const fetched = (await q.limit(limit + 1).execute()) as Record<string, unknown>[];
  // Nothing beyond a stale cursor (its rows were deleted): show the first page instead.
  if (cursor && fetched.length === 0) return keysetPage(query, keys, { limit });
  const more = fetched.length > limit;
  const slice = fetched.slice(0, limit);
  if (backward) slice.reverse();

  const keyOf = (r: Record<string, unknown>) => keys.map((_, i) => String(r[`_k${i}`]));
  const rows = slice.map((r) => {
    const out = { ...r };
    keys.forEach((_, i) => delete out[`_k${i}`]);
    return out as O;
  });
  const first = slice[0];
  const last = slice[slice.length - 1];
  return {
    rows,
    next: last && (backward ? !!cursor : more) ? encodeCursor(keyOf(last)) : null,
    prev: first && (backward ? more : !!cursor) ? encodeCursor(keyOf(first)) : null,
  };
}
