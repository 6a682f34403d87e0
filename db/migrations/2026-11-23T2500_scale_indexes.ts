import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// Indexes behind the keyset-paginated lists (docs/architecture.md, "Lists and pagination"):
// each list's ORDER BY ends in the id, and its index has the same columns in the same order, so
// a page is one index range whatever its depth.
export async function up(db: Kysely<any>): Promise<void> {
  // Partner registry: the four orders of the list.
  await sql`create index partner_order_name_idx on partner (name_kana, name, id)`.execute(db);
  await sql`create index partner_order_updated_idx on partner (updated_at, id)`.execute(db);
  await sql`create index partner_order_prefecture_idx
    on partner ((coalesce(prefecture_code, 99)), name_kana, id)`.execute(db);
  await sql`create index partner_order_status_idx on partner (status, name_kana, id)`.execute(db);

  // Counselors' board: only open requests (a small part of millions), in window order.
  await sql`create index request_board_idx on accompaniment_request (window_start, id)
    where status in ('draft','offered','needs_dispatch','accepted','in_progress')`.execute(db);

  // Partner inbox: pending, then accepted, then the rest; newest first.
  await sql`create index offer_inbox_idx on offer (partner_id,
    (case status when 'pending' then 0 when 'accepted' then 1 else 2 end), sent_at desc, id desc)`.execute(
    db,
  );

  // Visit review queue: oldest submission first (replaces the index on submitted_at alone).
  await sql`create index visit_review_order_idx on visit (submitted_at, id)
    where status = 'submitted'`.execute(db);
  await sql`drop index if exists visit_review_queue_idx`.execute(db);

  // Mail log: newest first, all or by status (the status index gains the id).
  await sql`create index outgoing_mail_order_idx on outgoing_mail (created_at, id)`.execute(db);
  await sql`create index outgoing_mail_status_order_idx on outgoing_mail (status, created_at, id)`.execute(
    db,
  );
  await sql`drop index if exists outgoing_mail_status_idx`.execute(db);

  // Payment statements of a month; batches newest first.
  await sql`create index payment_statement_month_idx on payment_statement (month)`.execute(db);
  await sql`create index payment_batch_order_idx on payment_batch (created_at, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
