import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Set in the transaction that queues the day-before reminders: each session is reminded once.
  await sql`alter table training_session add column reminder_sent_at timestamptz`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
