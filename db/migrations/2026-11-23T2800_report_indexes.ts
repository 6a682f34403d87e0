import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// From the national-scale benchmark's plans: the fiscal-year report read all requests and all
// visits of five years for each of its figures.
export async function up(db: Kysely<any>): Promise<void> {
  // Requests and visits arrive in time order, so a block-range index on the date finds a
  // period's rows at a few kilobytes of index (a B-tree over 1,000,000 requests would not be
  // chosen for a year's 20 % of them anyway).
  await sql`create index request_created_brin on accompaniment_request using brin (created_at)`.execute(
    db,
  );
  await sql`create index visit_date_brin on visit using brin (visit_date)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
