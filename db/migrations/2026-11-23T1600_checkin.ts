import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // The accompanier taps "arrived" and "finished"; late taps alert the counselor, then the
  // secretariat, each exactly once (the *_at columns are set in the alert's transaction).
  await db.schema
    .createTable('accompaniment_checkin')
    .addColumn('request_id', 'uuid', (c) =>
      c.primaryKey().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('partner_id', 'uuid', (c) => c.references('partner.id'))
    .addColumn('arrived_at', 'timestamptz')
    .addColumn('arrived_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('finished_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('arrival_alerted_at', 'timestamptz')
    .addColumn('arrival_escalated_at', 'timestamptz')
    .addColumn('finish_alerted_at', 'timestamptz')
    .addColumn('finish_escalated_at', 'timestamptz')
    .addCheckConstraint(
      'checkin_order',
      sql`finished_at is null or (arrived_at is not null and finished_at >= arrived_at)`,
    )
    .execute();
  // The watch job scans accepted requests by start time.
  await sql`create index request_accepted_window_idx on accompaniment_request (window_start)
    where status in ('accepted','in_progress')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
