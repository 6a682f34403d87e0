import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// The fiscal-year report at national scale (200,000 requests and 1,000,000 visits a year): its
// figures are read from indexes that hold every column they need (index-only scans of the
// period), and a request's first offer time is kept on the request instead of being found by
// grouping all of the period's offers.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table accompaniment_request add column first_offer_at timestamptz`.execute(db);
  await sql`update accompaniment_request r set first_offer_at = f.at
    from (select request_id, min(sent_at) as at from offer group by 1) f
    where f.request_id = r.id`.execute(db);
  // Recomputed from the request's offers (one probe of offer (request_id, sent_at)), so it stays
  // exact whatever order offers arrive in or if a sending time is ever corrected.
  await sql`create function request_first_offer() returns trigger language plpgsql as $$
    begin
      update accompaniment_request r
        set first_offer_at = (select min(o.sent_at) from offer o where o.request_id = r.id)
        where r.id = new.request_id;
      return null;
    end $$`.execute(db);
  await sql`create trigger offer_first_offer after insert or update of sent_at on offer
    for each row execute function request_first_offer()`.execute(db);

  // The requests of a period with every column the report counts.
  await sql`create index request_period_idx on accompaniment_request (created_at)
    include (category, worker_language, urgency, municipality_code, status, accepted_at,
      completed_at, first_offer_at, accepted_partner_id, id)`.execute(db);
  // Offers arrive in time order: a block-range index finds a period's (and later) offers.
  await sql`create index offer_sent_brin on offer using brin (sent_at)`.execute(db);
  // Approved visits of a period, with their times (hours worked).
  await sql`create index visit_approved_period_idx on visit (visit_date) include (starts_at, ends_at)
    where status = 'approved'`.execute(db);
  // Active partners and how long they are trained for (counted by the report).
  await sql`create index partner_active_trained_idx on partner (trained_until)
    where status = 'active'`.execute(db);
  // Paid statements of a period.
  await sql`create index statement_paid_period_idx on payment_statement (paid_on)
    include (partner_id, transfer) where status = 'paid'`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
