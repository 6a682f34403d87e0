import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // iCalendar SEQUENCE of the session's event: raised by every update or cancellation sent.
  await sql`alter table training_session add column sequence integer not null default 0`.execute(
    db,
  );
  await sql`alter table training_session add column invited_at timestamptz`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
