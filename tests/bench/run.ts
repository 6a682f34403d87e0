/**
 * `npm run bench`: the platform at national scale, measured. Not a test: figures, not pass/fail.
 *
 *   npm run bench                     # 100,000 partners, 1,000,000 requests, ~5,000,000 visits
 *   npm run bench -- --quick          # 10,000 partners, 100,000 requests, ~500,000 visits, 5 s loads
 *   npm run bench -- --reuse          # keep the benchmark database built by the last run
 *   BENCH_DATABASE_URL=postgres://… npm run bench   # an external server (its schema is replaced)
 *
 * Builds a separate benchmark database (embedded PostgreSQL in .data/bench-pg, never the dev
 * data), starts the production server against it, and prints a table of figures beside the
 * targets of issue #9. Writes bench/results.json and bench/explain/*.txt (EXPLAIN ANALYZE of
 * every query the hot pages issue).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { register } from 'node:module';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { chromium } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { createDb } from '../../db/connection';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { loadReferenceData } from '../../db/reference';
import { generateActivity } from './generate';
import {
  type CapturedQuery,
  captureQueries,
  freePort,
  memoryOf,
  round,
  startNode,
  stopChild,
  summary,
} from './lib';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const reuse = args.includes('--reuse');
/** `--only=explain,http`: measure only these (map, search, explain, http, wall, email). */
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (name: string) => !only || only.includes(name);
const SIZE = quick
  ? { partners: 10_000, mapAt: [10_000], requests: 100_000, loadSeconds: 5, searches: 200 }
  : {
      partners: 100_000,
      mapAt: [10_000, 100_000],
      requests: 1_000_000,
      loadSeconds: 30,
      searches: 500,
    };
const TODAY = '2026-11-23';
const BILL_MONTH = '2026-10';
const MAX_VISITS_PER_REQUEST = 10; // 1…10, about 5.2 per request that went ahead
const CONNECTIONS = 50;

const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
};
const log = (s: string) => console.log(s);

async function main() {
  let url = process.env.BENCH_DATABASE_URL;
  let stopPg = async () => {};
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: path.resolve('.data/bench-pg'),
      port: Number(process.env.BENCH_PG_PORT ?? 54349),
      database: 'bench',
      log: (l) => console.log(`[bench-pg] ${l}`),
    });
    url = server.connectionString('bench');
    stopPg = server.stop;
  }
  process.env.DATABASE_URL = url;
  process.env.NODE_ENV = 'production';
  process.env.API_RATE_LIMIT_PER_MINUTE = '1000000';
  const { db, pool } = createDb(url, 4);

  const meta = await sql<{ v: string }>`select obj_description('public'::regnamespace) as v`
    .execute(db)
    .then((r) => r.rows[0]?.v ?? '')
    .catch(() => '');
  const wanted = `bench partners=${SIZE.partners} requests=${SIZE.requests}`;
  const fresh = !(reuse && meta === wanted);
  if (fresh) {
    log(`Building the benchmark database (${wanted})`);
    await sql`drop schema if exists public cascade`.execute(db);
    await sql`drop schema if exists graphile_worker cascade`.execute(db);
    await sql`create schema public`.execute(db);
    await migrateToLatest(db, pool);
    await loadReferenceData(db);
  } else log(`Reusing the benchmark database (${wanted})`);

  // The app's modules read DATABASE_URL lazily: import them only now.
  const { generatePartners } = await import('~/modules/demo/generator.server');
  const { findCandidates } = await import('~/modules/dispatch/matching.server');
  const { startSession } = await import('~/modules/auth/auth.server');
  const { createApiToken } = await import('~/modules/directory/tokens.server');
  const { closeDb } = await import('~/lib/db.server');

  if (!args.includes('--no-build')) {
    log('remix build');
    execFileSync('npx', ['remix', 'build'], { stdio: 'ignore' });
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // HTTP processes of the app (WEB_CONCURRENCY): one per core of this machine by default.
  const processes = Number(
    process.env.BENCH_WEB_CONCURRENCY ?? (await import('node:os')).cpus().length,
  );
  results.app_processes = processes;
  const app = await startNode(
    'app/bin/serve.ts',
    {
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: base,
      NODE_ENV: 'production',
      RUN_WORKER: 'false',
      SEED_DEMO: 'false',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      WEB_CONCURRENCY: String(processes),
    },
    new RegExp(Array(processes).fill('app listening').join('[\\s\\S]*')),
    'app',
  );

  try {
    const staff = async () => {
      const secretariat = await db
        .insertInto('app_user')
        .values({
          email: 'bench-admin@bench.example',
          name: 'Bench',
          role: 'secretariat',
          status: 'active',
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      return (
        secretariat ??
        (await db
          .selectFrom('app_user')
          .select('id')
          .where('email', '=', 'bench-admin@bench.example')
          .executeTakeFirstOrThrow())
      );
    };

    // ---- partners, in stages: the registry map is measured at each size --------------------
    const map: Record<string, unknown>[] = [];
    let have = Number(
      (await sql<{ n: string }>`select count(*) n from partner`.execute(db)).rows[0].n,
    );
    for (const size of SIZE.mapAt) {
      if (have < size) {
        const t0 = Date.now();
        await generatePartners(db, {
          count: size - have,
          seed: size,
          numbered: true,
          today: TODAY,
        });
        have = Number(
          (await sql<{ n: string }>`select count(*) n from partner`.execute(db)).rows[0].n,
        );
        await sql`vacuum analyze partner`.execute(db);
        await sql`vacuum analyze mou`.execute(db);
        log(`${have.toLocaleString()} partners in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      const admin = await staff();
      const session = await startSession(admin.id);
      // A reused national database shows about 10,000 partners when filtered to lawyers.
      if (want('map'))
        map.push(await measureMap(base, session, have > size * 1.05 ? '?kind=lawyer' : ''));
    }
    if (want('map')) results.registry_map = map;

    if (fresh) {
      const t0 = Date.now();
      log('Generating activity (set-based SQL)');
      results.generated = await generateActivity(db, {
        requests: SIZE.requests,
        maxVisitsPerRequest: MAX_VISITS_PER_REQUEST,
        today: TODAY,
        since: '2021-12-01',
        billMonth: BILL_MONTH,
        log,
      });
      log('vacuum analyze');
      await sql`vacuum analyze`.execute(db);
      await sql`comment on schema public is ${sql.lit(wanted)}`.execute(db);
      results.generate_seconds = round((Date.now() - t0) / 1000);
    }
    results.sizes = (
      await sql<Record<string, string>>`select
        (select count(*) from partner) partners, (select count(*) from mou) mous,
        (select count(*) from shelter) shelters, (select count(*) from accompaniment_request) requests,
        (select count(*) from offer) offers, (select count(*) from visit) visits,
        (select count(*) from payment_statement) statements, (select count(*) from payment_line) lines,
        pg_size_pretty(pg_database_size(current_database())) database_size`.execute(db)
    ).rows[0];
    console.table([results.sizes]);

    // ---- actors -------------------------------------------------------------------------------
    const admin = await staff();
    const counselor = await db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', 'counselor1@bench.example')
      .executeTakeFirstOrThrow();
    // The busiest partner with a user: most pending offers and live requests.
    const partnerUser = await sql<{ id: string; partner_id: string; n: number }>`
      select u.id, u.partner_id, (select count(*) from offer o where o.partner_id = u.partner_id)::int n
      from app_user u where u.role = 'partner' order by n desc, u.id limit 1`
      .execute(db)
      .then((r) => r.rows[0]);
    const openRequest = await db
      .selectFrom('accompaniment_request')
      .select('id')
      .where('status', '=', 'needs_dispatch')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const cookie = {
      counselor: await startSession(counselor.id),
      secretariat: await startSession(admin.id),
      partner: await startSession(partnerUser.id),
    };
    const { token } = await db
      .transaction()
      .execute((tx) => createApiToken(tx, `bench ${Date.now()}`, { userId: admin.id }));
    const tokyo = { lat: 35.6895, lng: 139.6917 };
    const pages = {
      board: { path: '/counselor', cookie: cookie.counselor },
      dispatch_page: { path: `/requests/${openRequest.id}`, cookie: cookie.counselor },
      partner_inbox: { path: '/partner', cookie: cookie.partner },
      registry_list: {
        path: '/partners?status=active&language=vi&prefecture=13&sort=name',
        cookie: cookie.secretariat,
      },
      nearest_api: {
        path: `/api/v1/partners/nearest?lat=${tokyo.lat}&lng=${tokyo.lng}&language=vi&limit=20`,
        auth: `Bearer ${token}`,
      },
    } as const;
    results.actors = { partner_inbox_offers: partnerUser.n };

    // ---- candidate search: in-process vs the same SQL bare, on one connection ----------------
    if (want('search'))
      results.candidate_search = await stage('candidate search', () =>
        candidateSearch(url!, findCandidates),
      );

    // ---- EXPLAIN (ANALYZE, BUFFERS) of every query the hot pages issue -----------------------
    if (want('explain'))
      results.explain = await stage('explain', () =>
        explainPages(db, {
          board: () => callLoader('_app.counselor._index', pages.board.path, cookie.counselor),
          dispatch_page: () =>
            callLoader('_app.requests.$id', pages.dispatch_page.path, cookie.counselor, {
              id: openRequest.id,
            }),
          partner_inbox: () => callLoader('_app.partner._index', '/partner', cookie.partner),
          registry_list: () =>
            callLoader('_app.partners._index', pages.registry_list.path, cookie.secretariat),
          registry_map: () => callLoader('_app.partners.map', '/partners/map', cookie.secretariat),
          nearest_api: () =>
            callLoader(
              'api.v1.partners.nearest',
              pages.nearest_api.path,
              null,
              {},
              pages.nearest_api.auth,
            ),
          fiscal_year_report: () =>
            callLoader('_app.reports._index', '/reports?period=FY2025', cookie.secretariat),
          coverage_map: () =>
            callLoader(
              '_app.reports.coverage',
              '/reports/coverage?language=ne',
              cookie.secretariat,
            ),
        }),
      );

    // ---- HTTP under load ------------------------------------------------------------------------
    if (want('http')) {
      const http: Record<string, unknown>[] = [];
      results.http = http;
      const ceiling = await load(base, '/healthz', {}, app.pid!);
      http.push({ page: 'healthz (ceiling)', ...ceiling });
      for (const [name, p] of Object.entries(pages)) {
        const headers: Record<string, string> = {};
        if ('cookie' in p) headers.cookie = p.cookie.split(';')[0];
        if ('auth' in p) headers.authorization = p.auth;
        const r = await load(base, p.path, headers, app.pid!);
        http.push({ page: name, ...r, ratio_to_ceiling: round(r.rps / ceiling.rps, 2) });
      }
      results.http = http;
      results.app_memory_mb = memoryOf(app.pid!);
      console.table(http);
    }

    // ---- wall times of the big jobs -----------------------------------------------------------
    if (want('wall'))
      results.wall = await stage('wall times', () =>
        wallTimes(db, base, cookie.secretariat, admin.id),
      );

    // ---- email: commit → SMTP handoff ---------------------------------------------------------
    if (want('email')) results.email = await stage('email', () => emailLatency(url!, db));
  } finally {
    await stopChild(app);
    printVerdict();
    mkdirSync('bench', { recursive: true });
    // A partial run (--only) updates its own figures and keeps the others of the last run.
    const last =
      only && existsSync('bench/results.json')
        ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>)
        : {};
    writeFileSync('bench/results.json', JSON.stringify({ ...last, ...results }, null, 2));
    console.log('\nwritten bench/results.json');
    await db.destroy();
    await closeDb();
    await stopPg();
  }
}

// ---------------------------------------------------------------------------------------------

/** A failed measurement is reported and the others still run. */
async function stage<T>(name: string, fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (e) {
    console.error(`\n!! ${name} failed:`, e);
    return { error: String(e instanceof Error ? e.message : e) };
  }
}

// Route modules import stylesheets and client-only maps: loaded as the server build sees them.
register('./route-hooks.mjs', import.meta.url);

async function callLoader(
  routeFile: string,
  path: string,
  setCookie: string | null,
  params: Record<string, string> = {},
  authorization?: string,
) {
  const mod = (await import(`../../app/routes/${routeFile}`)) as {
    loader: (args: unknown) => Promise<unknown>;
  };
  const headers = new Headers();
  if (setCookie) headers.set('Cookie', setCookie.split(';')[0]);
  if (authorization) headers.set('Authorization', authorization);
  const res = await mod.loader({
    request: new Request(`http://localhost${path}`, { headers }),
    params,
    context: { clientIp: '127.0.0.1' },
  });
  if (res instanceof Response && res.status >= 400)
    throw new Error(`${routeFile} answered ${res.status}`);
  return res;
}

async function candidateSearch(
  url: string,
  findCandidates: typeof import('~/modules/dispatch/matching.server').findCandidates,
) {
  // One connection: the app function and the bare SQL run on the same one, interleaved.
  const { db, pool } = createDb(url, 1);
  const munis = await db.selectFrom('municipality').select(['lat', 'lng']).execute();
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const categories = [
    'hospital',
    'city_hall',
    'police',
    'school',
    'labor_office',
    'immigration',
  ] as const;
  const langs = ['vi', 'en', 'zh', 'tl', 'pt', 'id', 'ne', 'my', 'th'];
  const crit = () => {
    const m = munis[Math.floor(rnd() * munis.length)];
    return {
      lat: m.lat,
      lng: m.lng,
      date: '2026-11-26',
      category: categories[Math.floor(rnd() * categories.length)],
      language: langs[Math.floor(rnd() * langs.length)],
      interpreterNeeded: rnd() < 0.7,
      shelterBeds: rnd() < 0.05 ? 1 : 0,
      shelterGuest: 'women',
      requireTrained: rnd() < 0.5,
    };
  };
  for (let i = 0; i < 30; i++) await findCandidates(db, crit(), 20);
  const app: number[] = [];
  const bare: number[] = [];
  let found = 0;
  const client = await pool.connect();
  client.release();
  for (let i = 0; i < SIZE.searches; i++) {
    const c = crit();
    const t = performance.now();
    const { result, queries } = await captureQueries(() => findCandidates(db, c, 20));
    app.push(performance.now() - t);
    found += result.length;
    const conn = await pool.connect();
    try {
      const t2 = performance.now();
      for (const q of queries) await conn.query(q.text, q.values);
      bare.push(performance.now() - t2);
    } finally {
      conn.release();
    }
  }
  await db.destroy();
  const a = summary(app);
  const b = summary(bare);
  const row = {
    searches: SIZE.searches,
    app: a,
    sql: b,
    ratio_app_sql_p50: round(a.p50_ms / b.p50_ms, 2),
    ratio_app_sql_p95: round(a.p95_ms / b.p95_ms, 2),
    avg_candidates: round(found / SIZE.searches, 1),
  };
  log('\n## candidate search (20 results, all filters)');
  console.table([{ ...a, sql_p50: b.p50_ms, sql_p95: b.p95_ms, ratio_p95: row.ratio_app_sql_p95 }]);
  return row;
}

const HOT_TABLES = /Seq Scan on (partner|accompaniment_request|visit)\b/;

async function explainPages(
  db: ReturnType<typeof createDb>['db'],
  pages: Record<string, () => Promise<unknown>>,
) {
  rmSync('bench/explain', { recursive: true, force: true });
  mkdirSync('bench/explain', { recursive: true });
  const out: Record<string, unknown>[] = [];
  for (const [name, run] of Object.entries(pages)) {
    const t = performance.now();
    const { queries } = await captureQueries(run);
    const ms = round(performance.now() - t);
    const selects = queries.filter((q: CapturedQuery) => /^\s*(select|with)\b/i.test(q.text));
    let text = '';
    const seqScans: string[] = [];
    for (const [i, q] of selects.entries()) {
      const plan = await db
        .connection()
        .execute((c) =>
          sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) ${sql.raw(inline(q))}`.execute(
            c,
          ),
        );
      const p = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      text += `-- ${name} #${i + 1}\n${q.text}\n-- params: ${JSON.stringify(q.values)}\n${p}\n\n`;
      const m = HOT_TABLES.exec(p);
      if (m) seqScans.push(`#${i + 1} ${m[0]}`);
    }
    writeFileSync(`bench/explain/${name}.txt`, text);
    out.push({
      page: name,
      queries: queries.length,
      selects: selects.length,
      loader_ms: ms,
      seq_scans_on_hot_tables: seqScans.join('; ') || 'none',
    });
  }
  log('\n## queries per page load and sequential scans (plans in bench/explain/)');
  console.table(out);
  return out;
}

/** Inlines $n parameters as literals for EXPLAIN (benchmark data only; never user input). */
function inline(q: CapturedQuery): string {
  return q.text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const v = q.values[Number(n) - 1];
    if (v === null || v === undefined) return 'null';
    if (v instanceof Date) return `'${v.toISOString()}'::timestamptz`;
    if (Array.isArray(v))
      return `'{${v.map((x) => `"${String(x).replace(/"/g, '\\"')}"`).join(',')}}'`;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
}

async function load(base: string, pathName: string, headers: Record<string, string>, pid: number) {
  // One request alone first: it waits out whatever the previous run left queued, and shows the
  // page answers (a 500 or a login redirect would make the figures meaningless).
  const first = await fetch(base + pathName, { headers, redirect: 'manual' });
  await first.arrayBuffer();
  if (first.status !== 200) throw new Error(`${pathName} answered ${first.status} before the load`);
  const latencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(pid);
    if (m) peakRss = Math.max(peakRss, m.rssMb);
  }, 250);
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base + pathName,
        connections: CONNECTIONS,
        duration: SIZE.loadSeconds,
        headers: { 'accept-encoding': 'gzip', ...headers },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_c: unknown, _status: number, _bytes: number, ms: number) =>
      latencies.push(ms),
    );
  });
  clearInterval(sampler);
  const s = summary(latencies);
  return {
    rps: round(r.requests.average),
    p50_ms: s.p50_ms,
    p95_ms: s.p95_ms,
    p99_ms: s.p99_ms,
    non_2xx: r.non2xx,
    errors_and_timeouts: r.errors + r.timeouts,
    peak_rss_mb: peakRss,
  };
}

async function measureMap(base: string, setCookie: string, filter: string) {
  const cookie = setCookie.split(';')[0];
  // What the map downloads after the page shows: every point, compactly.
  const dataUrl = `${base}/resources/partner-map${filter}`;
  const bytes = await new Promise<{ gzip: number; raw: number; points: number }>(
    (resolve, reject) => {
      http
        .get(dataUrl, { headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', async () => {
            const { gunzipSync } = await import('node:zlib');
            const body = Buffer.concat(chunks);
            const raw = res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
            const points = (JSON.parse(raw.toString()) as { points: number[] }).points.length / 3;
            resolve({ gzip: body.length, raw: raw.length, points });
          });
        })
        .on('error', reject);
    },
  );
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const renders: number[] = [];
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    for (let i = 0; i < 3; i++) {
      await page.goto(`${base}/partners/map${filter}`, { waitUntil: 'commit' });
      await page.waitForSelector('.marker-cluster, .leaflet-marker-icon', { timeout: 120_000 });
      renders.push(await page.evaluate(() => performance.now()));
    }
  } finally {
    await browser.close();
  }
  const row = {
    partners: bytes.points,
    filter: filter || 'all',
    gzip_kb: round(bytes.gzip / 1024),
    raw_kb: round(bytes.raw / 1024),
    first_cluster_render_ms: summary(renders).p50_ms,
  };
  log('\n## registry map data');
  console.table([row]);
  return row;
}

async function wallTimes(
  db: ReturnType<typeof createDb>['db'],
  base: string,
  setCookie: string,
  adminId: string,
) {
  const { buildAll } = await import('~/modules/payments/payments.server');
  const cookie = setCookie.split(';')[0];
  const get = async (p: string) => {
    const t = performance.now();
    const res = await fetch(base + p, { headers: { cookie } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${p} answered ${res.status}`);
    return round(performance.now() - t);
  };
  // Statements: remove last run's drafts of the month, then build every partner's.
  await db.connection().execute(async (c) => {
    await sql`delete from payment_night where line_id in (select l.id from payment_line l
      join payment_statement s on s.id = l.statement_id where s.status = 'draft')`.execute(c);
    await sql`delete from payment_line where statement_id in (select id from payment_statement where status = 'draft')`.execute(
      c,
    );
    await sql`delete from payment_statement where status = 'draft'`.execute(c);
  });
  const t = performance.now();
  const built = await buildAll(
    BILL_MONTH,
    { userId: adminId, ip: '127.0.0.1' },
    new Date(`${TODAY}T12:00:00+09:00`),
  );
  const statementsMs = performance.now() - t;
  const lines = built.reduce((a, b) => a + b.added, 0);
  const fyReport = await get('/reports.data?period=FY2025');
  const coverageFirst = await get('/reports/coverage.data');
  const coverageSwitch = await get(
    '/reports/coverage.data?language=ne&specialty=medical&trained=1',
  );
  const row = {
    monthly_statements_s: round(statementsMs / 1000, 1),
    statements_built: built.filter((b) => b.statementId).length,
    lines_priced: lines,
    fiscal_year_report_ms: fyReport,
    coverage_map_ms: coverageFirst,
    coverage_filter_switch_ms: coverageSwitch,
  };
  log('\n## wall times');
  console.table([row]);
  return row;
}

async function emailLatency(url: string, db: ReturnType<typeof createDb>['db']) {
  const N = 1000;
  // Mail an earlier run left unsent (an interrupted run, a slower worker) would be delivered
  // first and delay these 1,000: the benchmark database's backlog is dropped.
  await sql`select graphile_worker.remove_job(key) from graphile_worker.jobs
    where task_identifier = 'send_email' and key is not null`.execute(db);
  await sql`delete from outgoing_mail where status <> 'sent'`.execute(db);
  const arrived = new Map<string, number>();
  const smtp = new SMTPServer({
    // The app keeps pooled connections open: close them at once when the peer stops.
    closeTimeout: 200,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      let head = '';
      stream.on('data', (d: Buffer) => {
        if (head.length < 4000) head += d.toString();
      });
      stream.on('end', () => {
        const id = /X-Banso-Mail-Id: ([0-9a-f-]+)/i.exec(head)?.[1];
        if (id) arrived.set(id, performance.timeOrigin + performance.now());
        cb();
      });
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));
  const worker = await startNode(
    'app/bin/worker.ts',
    { DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, NODE_ENV: 'production' },
    /job worker running/,
    'worker',
  );
  // The worker's scheduled tasks act on the national data (offers past their deadline, check-ins
  // overdue) and send their own mail: let it finish what is due, then measure on a quiet queue.
  const drainFrom = Date.now();
  let due = Infinity;
  while (due > 0 && Date.now() - drainFrom < 600_000) {
    await new Promise((r) => setTimeout(r, 2000));
    due = Number(
      (
        await sql<{ n: string }>`select count(*) n from graphile_worker.jobs
          where run_at <= now() and attempts < max_attempts`.execute(db)
      ).rows[0]!.n,
    );
  }
  log(`worker's due backlog delivered in ${Math.round((Date.now() - drainFrom) / 1000)} s`);
  const { enqueueEmail } = await import('~/modules/mail/mail.server');
  const committed = new Map<string, number>();
  try {
    // 1,000 messages at about 100 a second, each committed in its own transaction.
    for (let i = 0; i < N; i += 10) {
      const batch = Array.from({ length: 10 }, (_, k) => i + k);
      await Promise.all(
        batch.map(async (k) => {
          const id = await db.transaction().execute((tx) =>
            enqueueEmail(tx, {
              template: 'password_reset',
              to: `bench${k}@bench.example`,
              locale: 'ja',
              data: {
                name: 'Bench',
                url: 'http://localhost/reset-password/x',
                expiresAt: { ja: '1時間', en: '1 hour' },
              },
            }),
          );
          committed.set(id, performance.timeOrigin + performance.now());
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    // Wait for these 1,000 (the scheduled tasks' own alerts arrive meanwhile and do not count).
    const deadline = Date.now() + 120_000;
    const waiting = () => [...committed.keys()].some((id) => !arrived.has(id));
    while (waiting() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await stopChild(worker);
    await new Promise<void>((r) => smtp.close(() => r()));
  }
  const lat = [...committed]
    .filter(([id]) => arrived.has(id))
    .map(([id, t]) => arrived.get(id)! - t);
  const s = summary(lat);
  const row = {
    messages: N,
    delivered: lat.length,
    rate_per_s: 100,
    p50_ms: s.p50_ms,
    p95_ms: s.p95_ms,
    p99_ms: s.p99_ms,
  };
  log('\n## email commit → SMTP handoff');
  console.table([row]);
  return row;
}

function printVerdict() {
  type R = Record<string, unknown>;
  const cs = results.candidate_search as R | undefined;
  const http = (results.http as R[] | undefined) ?? [];
  const wall = results.wall as R | undefined;
  const email = results.email as R | undefined;
  const map10k = ((results.registry_map as R[] | undefined) ?? []).find(
    (m) => m.partners === 10_000,
  );
  const mem = results.app_memory_mb as R | undefined;
  const rows: { target: string; figure: unknown; met: boolean | string }[] = [];
  const add = (target: string, figure: unknown, met: boolean | undefined) =>
    rows.push({ target, figure: figure ?? '—', met: met === undefined ? 'not measured' : met });
  if (cs) {
    const app = cs.app as R;
    add('candidate search p95 ≤ 20 ms', app.p95_ms, (app.p95_ms as number) <= 20);
    add('app/SQL ratio ≤ 1.5 (p95)', cs.ratio_app_sql_p95, (cs.ratio_app_sql_p95 as number) <= 1.5);
  }
  for (const h of http.filter((x) => x.ratio_to_ceiling !== undefined)) {
    add(
      `${h.page}: p95 ≤ 100 ms at ${CONNECTIONS} connections`,
      h.p95_ms,
      (h.p95_ms as number) <= 100,
    );
    add(
      `${h.page}: ≥ 40% of /healthz throughput`,
      h.ratio_to_ceiling,
      (h.ratio_to_ceiling as number) >= 0.4,
    );
  }
  if (map10k && map10k.gzip_kb !== undefined) {
    add(
      'map data, 10,000 partners ≤ 400 KB gzip',
      map10k.gzip_kb,
      (map10k.gzip_kb as number) <= 400,
    );
    add(
      'map first render ≤ 1.5 s',
      map10k.first_cluster_render_ms,
      (map10k.first_cluster_render_ms as number) <= 1500,
    );
  }
  if (wall) {
    add(
      'monthly statements ≤ 60 s',
      wall.monthly_statements_s,
      (wall.monthly_statements_s as number) <= 60,
    );
    add(
      'fiscal-year report ≤ 2 s',
      wall.fiscal_year_report_ms,
      (wall.fiscal_year_report_ms as number) <= 2000,
    );
    add(
      'coverage filter switch ≤ 1 s',
      wall.coverage_filter_switch_ms,
      (wall.coverage_filter_switch_ms as number) <= 1000,
    );
  }
  if (email) add('email commit→handoff p95 ≤ 2 s', email.p95_ms, (email.p95_ms as number) <= 2000);
  const peak = Math.max(
    0,
    ...http.map((h) => Number(h.peak_rss_mb ?? 0)),
    Number(mem?.peakMb ?? 0),
  );
  if (peak) add('app RSS ≤ 400 MB under load', peak, peak <= 400);
  results.verdict = rows;
  log(`\n## targets (${results.mode} size)`);
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
