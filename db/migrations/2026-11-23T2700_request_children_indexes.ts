import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// Indexes found missing by the national-scale benchmark's plans (bench/explain/): the dispatch
// page read every offer and every consent record of Japan to show one request's.
export async function up(db: Kysely<any>): Promise<void> {
  // A request's offers, whatever their state (only partial indexes covered request_id).
  await sql`create index offer_request_idx on offer (request_id, sent_at)`.execute(db);
  // A request's consent records, revoked ones included.
  await sql`create index consent_grant_request_idx on consent_grant (request_id, recorded_at)`.execute(
    db,
  );
  // A partner's shelter stays, for its monthly statement.
  await sql`create index stay_partner_idx on shelter_stay (partner_id, check_in)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
