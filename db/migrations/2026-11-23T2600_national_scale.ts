import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// Indexes found missing by the national-scale benchmark (npm run bench; docs/performance.md).
export async function up(db: Kysely<any>): Promise<void> {
  // A partner's requests over time (partner page, payments, shelter stays): without it every
  // lookup by accepting partner read all requests of Japan.
  await sql`create index request_accepted_partner_idx on accompaniment_request
    (accepted_partner_id, window_start) where accepted_partner_id is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
