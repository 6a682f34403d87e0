import type { LoaderFunctionArgs } from '@remix-run/node';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db, pool } from '~/lib/db.server';
import { encodeCursor, type Page } from '~/lib/keyset.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import {
  acceptOffer,
  declineOffer,
  listBoard,
  partnerInbox,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { listOutgoingMail } from '~/modules/mail/mail.server';
import { listPartners } from '~/modules/partners/partners.server';
import { listBatches, listStatements } from '~/modules/payments/payments.server';
import { reviewQueue } from '~/modules/visits/visits.server';
import { loader as counselorHome } from '~/routes/_app.counselor._index';
import { loader as partnerHome } from '~/routes/_app.partner._index';
import { loader as requestBoard } from '~/routes/_app.requests._index';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { ctx, requestWithSession } from '../support/requests';

/**
 * Most SQL statements one page load of the board or the inbox may issue, whatever the number of
 * rows: the session check (the session and its user in one join), the list itself in one
 * statement, and for the inbox the partner's name. Per-row queries (N+1) would grow with the list.
 */
const MAX_QUERIES_PER_PAGE = 3;

// ---- counting SQL ------------------------------------------------------------------------------

/**
 * Every statement the app's pg pool sends goes through pg.Client#query (Kysely's PostgresDriver
 * calls it): spy on it while a loader runs. Production code is untouched.
 */
async function countQueries<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; queries: string[]; values: unknown[][] }> {
  const queries: string[] = [];
  const values: unknown[][] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const first = args[0] as string | { text?: string };
    queries.push(typeof first === 'string' ? first : (first?.text ?? String(first)));
    values.push(Array.isArray(args[1]) ? (args[1] as unknown[]) : []);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  try {
    return { result: await fn(), queries, values };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
const load = <T>(loader: Loader, path: string, cookie: string) =>
  loader({ request: requestWithSession(path, cookie), params: {}, context: ctx }) as Promise<T>;

async function signIn(email: string, password: string) {
  const r = await login(email, password, ctx.clientIp);
  if (!r.ok) throw new Error('login failed');
  return r.cookie;
}

// ---- data ----------------------------------------------------------------------------------------

let counselor: { id: string; cookie: string };
let partner: Awaited<ReturnType<typeof makeDispatchablePartner>> & { cookie: string };
const requestIds: string[] = [];

/**
 * Open requests offered to `partner` until there are `n`: every 5th accepted (the board then
 * names the partner, the inbox links the case), every 7th declined (back to "needs dispatch").
 * Varied statuses make the board's and inbox's joins and sub-selects do real work.
 */
async function growTo(n: number) {
  while (requestIds.length < n) {
    const i = requestIds.length;
    const r = await makeRequest(
      counselor.id,
      { urgency: (['normal', 'urgent', 'emergency'] as const)[i % 3] },
      24 + i,
    );
    await db
      .transaction()
      .execute((tx) => sendOffers(tx, r.id, [partner.id], { userId: counselor.id }));
    const offer = await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', r.id)
      .executeTakeFirstOrThrow();
    const who = { id: partner.userId, partnerId: partner.id };
    if (i % 5 === 4) expect((await acceptOffer(offer.id, who)).ok).toBe(true);
    else if (i % 7 === 6) expect(await declineOffer(offer.id, who, 'busy')).toBe(true);
    requestIds.push(r.id);
  }
}

beforeAll(async () => {
  const c = (await makeUser(db, { role: 'counselor', email: 'qc-counselor@example.org' }))!;
  counselor = { id: c.id, cookie: await signIn(c.email, c.password) };
  const p = await makeDispatchablePartner('QC-P', 0, 100);
  partner = { ...p, cookie: await signIn(p.email, p.password) };
});

// ---- N+1 -------------------------------------------------------------------------------------------

describe('no per-row queries on the board and the inbox', () => {
  it('issues the same small number of statements for 5 and for 50 rows', async () => {
    type Board = { rows: { id: string }[]; next: string | null };
    type Inbox = { offers: { id: string; request_id: string }[]; next: string | null };
    const measure = async () => ({
      counselor: await countQueries(() =>
        load<Board>(counselorHome, '/counselor', counselor.cookie),
      ),
      board: await countQueries(() => load<Board>(requestBoard, '/requests', counselor.cookie)),
      inbox: await countQueries(() => load<Inbox>(partnerHome, '/partner', partner.cookie)),
    });

    await growTo(5);
    const five = await measure();
    await growTo(50);
    const fifty = await measure();

    // The pages really list 5, then 50 rows (all on one page, no "next").
    expect(five.counselor.result.rows).toHaveLength(5);
    expect(five.board.result.rows).toHaveLength(5);
    expect(five.inbox.result.offers).toHaveLength(5);
    expect(fifty.counselor.result.rows).toHaveLength(50);
    expect(fifty.board.result.rows).toHaveLength(50);
    expect(fifty.inbox.result.offers).toHaveLength(50);
    expect(new Set(fifty.board.result.rows.map((r) => r.id))).toEqual(new Set(requestIds));
    expect(new Set(fifty.inbox.result.offers.map((o) => o.request_id))).toEqual(
      new Set(requestIds),
    );
    expect(fifty.board.result.next).toBe(null);
    expect(fifty.inbox.result.next).toBe(null);

    for (const page of ['counselor', 'board', 'inbox'] as const) {
      // Identical counts: nothing is queried per row.
      expect(fifty[page].queries.length, `${page}: ${fifty[page].queries.join('\n')}`).toBe(
        five[page].queries.length,
      );
      expect(fifty[page].queries.length).toBeGreaterThan(0); // the spy did see the traffic
      expect(fifty[page].queries.length).toBeLessThanOrEqual(MAX_QUERIES_PER_PAGE);
    }
    // The list itself is one statement over the main table, not one per request or offer.
    const listing = (qs: string[], table: string) =>
      qs.filter((q) => new RegExp(`from "${table}" as "(r|o)"`).test(q));
    expect(listing(fifty.board.queries, 'accompaniment_request')).toHaveLength(1);
    expect(listing(fifty.inbox.queries, 'offer')).toHaveLength(1);
  });
});

// ---- keyset pagination ------------------------------------------------------------------------

/** Every row of a list by following "next" from the first page. */
async function walkForward<T>(fetch: (after: string | null) => Promise<Page<T>>) {
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await fetch(after);
    pages.push(page);
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error('pagination does not end');
}

/** Checks a walk against the full order: each row once, in order; "previous" returns each page. */
async function checkWalk<T extends { id: string }>(
  label: string,
  fetch: (req: { after?: string | null; before?: string | null }) => Promise<Page<T>>,
  fullOrder: string[],
  pageSize: number,
) {
  const pages = await walkForward((after) => fetch({ after }));
  const walked = pages.flatMap((p) => p.rows.map((r) => r.id));
  expect(walked, label).toEqual(fullOrder);
  expect(new Set(walked).size, label).toBe(walked.length);
  expect(pages.length, label).toBe(Math.ceil(fullOrder.length / pageSize));
  expect(pages[0]!.prev, label).toBe(null);
  for (let k = 1; k < pages.length; k++) {
    const back = await fetch({ before: pages[k]!.prev });
    expect(
      back.rows.map((r) => r.id),
      `${label}: previous from page ${k + 1}`,
    ).toEqual(pages[k - 1]!.rows.map((r) => r.id));
    // …and "next" from there leads to the same page again.
    expect(back.next, label).not.toBe(null);
    const again = await fetch({ after: back.next });
    expect(
      again.rows.map((r) => r.id),
      label,
    ).toEqual(pages[k]!.rows.map((r) => r.id));
    expect(back.prev === null, `${label}: page ${k} is the first`).toBe(k === 1);
  }
}

describe('keyset pagination', () => {
  it('walks the board: every request once, in order, ties broken by id; previous returns', async () => {
    await growTo(50);
    // Many equal sort keys: the same window, urgency and status for 30 of the requests.
    const tied = requestIds.slice(0, 30);
    await db
      .updateTable('accompaniment_request')
      .set({
        window_start: sql`'2027-01-15 01:00:00.123456+00'::timestamptz`,
        window_end: sql`'2027-01-15 03:00:00+00'::timestamptz`,
        urgency: 'urgent',
      })
      .where('id', 'in', tied)
      .execute();
    // The order spelled out independently of the app's key list, in one query without paging.
    const expected = await sql<{ id: string }>`
      select r.id from accompaniment_request r
      left join offer_cascade c on c.request_id = r.id
      where r.status in ('draft','offered','needs_dispatch','accepted','in_progress')
      order by case when c.status in ('exhausted','deadline')
                 and r.status in ('draft','offered','needs_dispatch') then 0
               when r.status = 'needs_dispatch' then 1 when r.status = 'draft' then 2
               when r.status = 'offered' then 3 else 4 end,
        case r.urgency when 'emergency' then 0 when 'urgent' then 1 else 2 end,
        r.window_start, r.id`.execute(db);
    const full = expected.rows.map((r) => r.id);
    expect(full).toHaveLength(50);
    for (const size of [1, 7, 10, 49]) {
      await checkWalk(`board/${size}`, (req) => listBoard(db, { ...req, limit: size }), full, size);
    }
  });

  it('walks the inbox (mixed directions: pending first, newest first) with equal send times', async () => {
    await growTo(50);
    await db
      .updateTable('offer')
      .set({ sent_at: new Date('2026-12-01T00:00:00Z') })
      .where('partner_id', '=', partner.id)
      .where('request_id', 'in', requestIds.slice(10, 40))
      .execute();
    const expected = await sql<{ id: string }>`
      select id from offer where partner_id = ${partner.id}
      order by case status when 'pending' then 0 when 'accepted' then 1 else 2 end,
        sent_at desc, id desc`.execute(db);
    const full = expected.rows.map((r) => r.id);
    expect(full).toHaveLength(50);
    for (const size of [3, 8, 25]) {
      await checkWalk(
        `inbox/${size}`,
        (req) => partnerInbox(db, partner.id, { ...req, limit: size }),
        full,
        size,
      );
    }
  });

  it('walks the partner registry in each order and direction, with duplicate names', async () => {
    // Twelve partners with the same name and reading, updated at the same instant.
    const twins: string[] = [];
    for (let i = 0; i < 12; i++) twins.push((await makeDispatchablePartner(`QC-TWIN-${i}`)).id);
    await db
      .updateTable('partner')
      .set({
        name: '同名団体',
        name_kana: 'どうめいだんたい',
        updated_at: new Date('2026-10-01T00:00:00Z'),
      })
      .where('id', 'in', twins)
      .execute();
    const orders = {
      name: (d: string) => `name_kana ${d}, name ${d}, id ${d}`,
      updated: (d: string) => `updated_at ${d}, id ${d}`,
      prefecture: (d: string) => `coalesce(prefecture_code, 99) ${d}, name_kana, id`,
      status: (d: string) => `status ${d}, name_kana, id`,
    } as const;
    for (const sort of Object.keys(orders) as (keyof typeof orders)[]) {
      for (const dir of ['asc', 'desc'] as const) {
        const expected = await sql<{ id: string }>`select id from partner
          order by ${sql.raw(orders[sort](dir))}`.execute(db);
        const full = expected.rows.map((r) => r.id);
        expect(full.length).toBeGreaterThanOrEqual(13);
        await checkWalk(
          `partners/${sort}/${dir}`,
          (req) => listPartners(db, { filters: {}, sort, dir, page: { ...req, limit: 4 } }),
          full,
          4,
        );
      }
    }
    // Filters still apply while paging: only the twins match the name search.
    const q = await walkForward((after) =>
      listPartners(db, {
        filters: { q: '同名団体' },
        sort: 'name',
        dir: 'asc',
        page: { after, limit: 5 },
      }),
    );
    expect(q.flatMap((p) => p.rows.map((r) => r.id)).sort()).toEqual([...twins].sort());
    expect(q.every((p) => (p as unknown as { total: number }).total === 12)).toBe(true);
  });

  it('follows next/previous through the page URLs; a broken or foreign cursor shows page 1', async () => {
    await growTo(51); // one more than a page of the board
    type Board = { rows: { id: string }[]; next: string | null; prev: string | null };
    const first = await load<Board>(requestBoard, '/requests', counselor.cookie);
    expect(first.rows).toHaveLength(50);
    expect(first.prev).toBe(null);
    const second = await load<Board>(
      requestBoard,
      `/requests?after=${first.next}`,
      counselor.cookie,
    );
    expect(second.rows).toHaveLength(1);
    expect(first.rows.map((r) => r.id)).not.toContain(second.rows[0]!.id);
    expect(second.next).toBe(null);
    const back = await load<Board>(
      requestBoard,
      `/requests?before=${second.prev}`,
      counselor.cookie,
    );
    expect(back.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));

    const broken = [
      'not-base64-%%%',
      encodeCursor(['x']),
      encodeCursor(['0', '1', 'yesterday', '00000000-0000-4000-8000-000000000000']),
      encodeCursor(['0', '1', '2026-02-30 10:00:00+09', '00000000-0000-4000-8000-000000000000']),
      encodeCursor(['0', '1', '2026-02-01 10:00:00+09', 'robert); drop table partner; --']),
      encodeCursor([
        '1e9999',
        '1',
        '2026-02-01 10:00:00+09',
        '00000000-0000-4000-8000-000000000000',
      ]),
      Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const cursor of broken) {
      for (const param of ['after', 'before']) {
        const page = await load<Board>(
          requestBoard,
          `/requests?${param}=${encodeURIComponent(cursor)}`,
          counselor.cookie,
        );
        expect(
          page.rows.map((r) => r.id),
          cursor,
        ).toEqual(first.rows.map((r) => r.id));
        expect(page.prev, cursor).toBe(null);
      }
    }
    // A well-formed cursor beyond the last row (e.g. its rows were deleted) also shows page 1.
    const beyond = encodeCursor([
      '9',
      '9',
      '2999-01-01 00:00:00+00',
      'ffffffff-ffff-4fff-bfff-ffffffffffff',
    ]);
    const fallback = await load<Board>(requestBoard, `/requests?after=${beyond}`, counselor.cookie);
    expect(fallback.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
  });
});

// ---- supporting indexes ---------------------------------------------------------------------

/**
 * The plan PostgreSQL picks for the one paged statement `fn` issues, with sequential scans and
 * sorts priced out: a "Seq Scan" on the list's table then means no index can serve the filter,
 * a "Sort" means no index delivers the order (so every page would sort the whole table).
 */
async function planOf(fn: () => Promise<unknown>) {
  const { queries, values } = await countQueries(fn);
  const i = queries.findIndex((q) => q.includes('"_k0"'));
  expect(i, 'a keyset statement').toBeGreaterThanOrEqual(0);
  const client = await pool().connect();
  try {
    await client.query('begin');
    await client.query('set local enable_seqscan = off');
    await client.query('set local enable_sort = off');
    const plan = await client.query<{ 'QUERY PLAN': string }>(`explain ${queries[i]}`, values[i]);
    return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('rollback');
    client.release();
  }
}

const ID = '7f000000-0000-4000-8000-000000000000';
const TS = '2026-11-01 09:00:00.5+09';

describe('every paged list has an index for its filter and order', () => {
  it('reads an index range instead of scanning and sorting the table', async () => {
    const orderedByIndex: [string, string, () => Promise<unknown>][] = [
      [
        'partners by name',
        'partner',
        () =>
          listPartners(db, {
            filters: {},
            sort: 'name',
            dir: 'asc',
            page: { after: encodeCursor(['か', 'か', ID]), limit: 50 },
          }),
      ],
      [
        'partners by name, descending',
        'partner',
        () =>
          listPartners(db, {
            filters: {},
            sort: 'name',
            dir: 'desc',
            page: { before: encodeCursor(['か', 'か', ID]), limit: 50 },
          }),
      ],
      [
        'partners by last update',
        'partner',
        () =>
          listPartners(db, {
            filters: {},
            sort: 'updated',
            dir: 'desc',
            page: { after: encodeCursor([TS, ID]), limit: 50 },
          }),
      ],
      [
        'partners by prefecture',
        'partner',
        () =>
          listPartners(db, {
            filters: {},
            sort: 'prefecture',
            dir: 'asc',
            page: { after: encodeCursor(['13', 'か', ID]), limit: 50 },
          }),
      ],
      [
        'partners by status',
        'partner',
        () =>
          listPartners(db, {
            filters: {},
            sort: 'status',
            dir: 'asc',
            page: { after: encodeCursor(['active', 'か', ID]), limit: 50 },
          }),
      ],
      [
        'partner inbox',
        'offer',
        () => partnerInbox(db, partner.id, { after: encodeCursor(['0', TS, ID]), limit: 50 }),
      ],
      [
        'visit review queue',
        'visit',
        () => reviewQueue(db, { after: encodeCursor([TS, ID]), limit: 50 }),
      ],
      [
        'mail log',
        'outgoing_mail',
        () => listOutgoingMail({ page: { after: encodeCursor([TS, ID]), limit: 50 } }),
      ],
      [
        'failed mail',
        'outgoing_mail',
        () =>
          listOutgoingMail({
            status: 'failed',
            page: { after: encodeCursor([TS, ID]), limit: 50 },
          }),
      ],
      [
        'payment batches',
        'payment_batch',
        () => listBatches(db, { after: encodeCursor([TS, ID]), limit: 50 }),
      ],
    ];
    for (const [label, table, fn] of orderedByIndex) {
      const plan = await planOf(fn);
      expect(plan, label).not.toContain(`Seq Scan on ${table}`);
      expect(plan, label).not.toMatch(/(^|\s)Sort/m);
    }

    // Orders computed from several tables (the board's urgency buckets, statements by partner
    // name) sort, but only the rows an index found: open requests, one month, one partner.
    const filteredByIndex: [string, string, () => Promise<unknown>][] = [
      [
        'board',
        'accompaniment_request',
        () => listBoard(db, { after: encodeCursor(['1', '0', TS, ID]), limit: 50 }),
      ],
      [
        'statements of a month',
        'payment_statement',
        () =>
          listStatements(
            db,
            { month: '2026-10' },
            { after: encodeCursor(['2026-10', 'か', ID]), limit: 100 },
          ),
      ],
      [
        "a partner's statements",
        'payment_statement',
        () =>
          listStatements(
            db,
            { partnerId: partner.id, statuses: ['approved', 'paid'] },
            { after: encodeCursor(['2026-10', 'か', ID]), limit: 100 },
          ),
      ],
    ];
    for (const [label, table, fn] of filteredByIndex) {
      expect(await planOf(fn), label).not.toContain(`Seq Scan on ${table}`);
    }
  });
});
