/**
 * `npm run bench`: candidate search at 10,000 and 100,000 partners in a separate benchmark
 * database. Prints p50/p95/p99 and whether the plan walks the GiST index; writes
 * bench/results.json. Not a test: figures, not pass/fail.
 *
 *   npm run bench                 # 10k then 100k partners
 *   npm run bench -- --quick      # 2k then 10k
 *   BENCH_DATABASE_URL=postgres://… npm run bench   # an external server (the database is reset)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from '../../db/connection';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { loadReferenceData } from '../../db/reference';
import type { Category } from '~/modules/dispatch/codes';

const quick = process.argv.includes('--quick');
const sizes = quick ? [2_000, 10_000] : [10_000, 100_000];
const ITERATIONS = quick ? 100 : 300;

async function main() {
  let url = process.env.BENCH_DATABASE_URL;
  let stop = async () => {};
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: path.resolve('.data/bench-pg'),
      port: Number(process.env.BENCH_PG_PORT ?? 54349),
      database: 'bench',
      log: (l) => console.log(`[bench] ${l}`),
    });
    url = server.connectionString('bench');
    stop = server.stop;
  }
  process.env.DATABASE_URL = url;
  const { db, pool } = createDb(url, 4);
  // The app's modules read DATABASE_URL lazily: import them after it is set.
  const { generatePartners } = await import('~/modules/demo/generator.server');
  const { findCandidates } = await import('~/modules/dispatch/matching.server');
  const { closeDb } = await import('~/lib/db.server');

  await sql`drop schema if exists public cascade`.execute(db);
  await sql`drop schema if exists graphile_worker cascade`.execute(db);
  await sql`create schema public`.execute(db);
  await migrateToLatest(db, pool);
  await loadReferenceData(db);
  const munis = await db.selectFrom('municipality').select(['lat', 'lng']).execute();

  const results: Record<string, unknown>[] = [];
  let have = 0;
  for (const size of sizes) {
    const t0 = Date.now();
    await generatePartners(db, {
      count: size - have,
      seed: size,
      numbered: true,
      today: '2026-11-23',
    });
    have = size;
    await sql`vacuum analyze`.execute(db);
    console.log(
      `\n${size.toLocaleString()} partners generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Random real places, languages and categories; deterministic sequence.
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const categories: Category[] = [
      'hospital',
      'city_hall',
      'police',
      'school',
      'labor_office',
      'immigration',
    ];
    const langs = ['vi', 'en', 'zh', 'tl', 'pt', 'id', 'ne', 'my', 'th'];
    const crit = () => {
      const m = munis[Math.floor(rnd() * munis.length)];
      return {
        lat: m.lat,
        lng: m.lng,
        date: '2026-12-03',
        category: categories[Math.floor(rnd() * categories.length)],
        language: langs[Math.floor(rnd() * langs.length)],
        interpreterNeeded: rnd() < 0.7,
        shelterBeds: rnd() < 0.05 ? 1 : 0,
        shelterGuest: 'women',
      };
    };
    for (let i = 0; i < 20; i++) await findCandidates(db, crit()); // warm up
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      found += (await findCandidates(db, crit(), 20)).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) =>
      times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers)
      select p.id from partner p
      where p.lat is not null and p.status = 'active' and p.languages @> array['vi']::text[]
      order by ll_to_earth(p.lat, p.lng) <-> ll_to_earth(32.4586, 130.1931) limit 20`.execute(db);
    const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    const row = {
      partners: size,
      iterations: ITERATIONS,
      p50_ms: +pct(50).toFixed(2),
      p95_ms: +pct(95).toFixed(2),
      p99_ms: +pct(99).toFixed(2),
      avg_candidates: +(found / ITERATIONS).toFixed(1),
      knn_uses_gist_index: /Index Scan using partner_earth_idx/.test(planText),
    };
    results.push(row);
    console.table([row]);
    console.log(planText.split('\n').slice(0, 6).join('\n'));
  }
  mkdirSync('bench', { recursive: true });
  writeFileSync(
    'bench/results.json',
    JSON.stringify({ at: new Date().toISOString(), candidate_search: results }, null, 2),
  );
  console.log('\nwritten bench/results.json');
  await db.destroy();
  await closeDb();
  await stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
