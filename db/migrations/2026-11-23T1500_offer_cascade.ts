import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // One cascade per request: offers go to the best k eligible partners and, each time one
  // declines or expires, to the next by the same ranking, until one accepts or none is left.
  await db.schema
    .createTable('offer_cascade')
    .addColumn('request_id', 'uuid', (c) =>
      c.primaryKey().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('k', 'integer', (c) => c.notNull().check(sql`k between 1 and 10`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('running','paused','accepted','exhausted','deadline','stopped')`),
    )
    .addColumn('started_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    // The counselor is alerted once when the cascade runs out; the secretariat once more if
    // nobody acts within the escalation time.
    .addColumn('alerted_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .execute();
  await sql`create index cascade_running_idx on offer_cascade (started_at) where status = 'running'`.execute(
    db,
  );
  await sql`create index cascade_alerted_idx on offer_cascade (alerted_at)
    where alerted_at is not null and escalated_at is null`.execute(db);
  await sql`alter table offer add column by_cascade boolean not null default false`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
