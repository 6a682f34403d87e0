import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // The audit page walks the log newest first by (at, id) with a keyset cursor; each filter has an
  // index that serves it in that order, so a page costs the same on row 50 and row 5,000,000.
  await sql`create index audit_log_at_id_idx on audit_log (at, id)`.execute(db);
  await sql`drop index audit_log_at_idx`.execute(db); // (at) alone: covered by the one above
  await sql`create index audit_log_actor_idx on audit_log (actor_user_id, at, id)`.execute(db);
  await sql`create index audit_log_subject_id_idx on audit_log (subject_id, at, id)`.execute(db);
  // Prefix search on the action (LIKE 'payment.%') needs byte-wise ordering.
  await sql`create index audit_log_action_idx on audit_log (action text_pattern_ops, at, id)`.execute(
    db,
  );

  // Nobody but the owner may change the log. PUBLIC holds none of these by default; saying so
  // keeps it that way if a default privilege is ever widened. The triggers of the foundation
  // migration still refuse UPDATE/DELETE/TRUNCATE for every role, the owner included; a separate
  // application role (docs/architecture.md) cannot drop or disable them.
  await sql`revoke update, delete, truncate on audit_log from public`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
