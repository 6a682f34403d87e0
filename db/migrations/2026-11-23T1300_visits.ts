import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accompaniment_request')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('completed_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('completion_report', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('closing_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('follow_up_needed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cancelled_at', 'timestamptz')
    // Set when the retention job removed the confidential text; the facts stay.
    .addColumn('purged_at', 'timestamptz')
    .execute();
  await sql`update accompaniment_request set cancelled_at = updated_at where status = 'cancelled'`.execute(
    db,
  );
  // The retention job looks for requests that ended long ago and still hold text.
  await sql`create index request_retention_idx on accompaniment_request (coalesce(closed_at, cancelled_at))
    where purged_at is null and status in ('closed','cancelled')`.execute(db);

  await db.schema
    .createTable('visit')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('accompaniment_request.id'))
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('partner.id'))
    .addColumn('visit_date', 'date', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull().check(sql`length(place) <= 300`))
    .addColumn('activities', 'text', (c) => c.notNull().check(sql`length(activities) <= 4000`))
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('follow_up_needed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('follow_up', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('travel_km', sql`numeric(6,1)`, (c) => c.check(sql`travel_km between 0 and 2000`))
    .addColumn('travel_cost', 'integer', (c) => c.check(sql`travel_cost between 0 and 1000000`))
    .addColumn('receipt_file_id', 'uuid', (c) => c.references('stored_file.id'))
    .addColumn('interpreter_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`interpreter_minutes between 0 and 1440`),
    )
    // Confidential: the partner that wrote it, counselors and the secretariat; reads are audited.
    .addColumn('confidential_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('submitted')
        .check(sql`status in ('submitted','returned','approved','withdrawn')`),
    )
    .addColumn('submitted_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reviewed_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('review_comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('purged_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'visit_times',
      sql`ends_at > starts_at and ends_at - starts_at <= interval '24 hours'`,
    )
    .addCheckConstraint(
      'visit_receipt_for_cost',
      sql`travel_cost is null or travel_cost = 0 or receipt_file_id is not null`,
    )
    .execute();
  await sql`create index visit_request_idx on visit (request_id, visit_date)`.execute(db);
  await sql`create index visit_review_queue_idx on visit (submitted_at) where status = 'submitted'`.execute(
    db,
  );
  await sql`create index visit_partner_idx on visit (partner_id, visit_date)`.execute(db);

  // ⚑ What was approved is what gets paid: once approved, the facts that price a visit cannot
  // change, whatever the code does. Only the retention purge may blank its free text.
  await sql`create function visit_approved_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'approved' and (
        new.status is distinct from old.status
        or new.request_id is distinct from old.request_id
        or new.partner_id is distinct from old.partner_id
        or new.visit_date is distinct from old.visit_date
        or new.starts_at is distinct from old.starts_at
        or new.ends_at is distinct from old.ends_at
        or new.travel_km is distinct from old.travel_km
        or new.travel_cost is distinct from old.travel_cost
        or new.receipt_file_id is distinct from old.receipt_file_id
        or new.interpreter_minutes is distinct from old.interpreter_minutes
        or (new.purged_at is null and (
          new.place is distinct from old.place
          or new.activities is distinct from old.activities
          or new.outcome is distinct from old.outcome
          or new.follow_up is distinct from old.follow_up
          or new.confidential_note is distinct from old.confidential_note))
      ) then
        raise exception 'an approved visit cannot be changed'
          using errcode = 'check_violation', constraint = 'visit_approved_frozen';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger visit_approved_frozen before update on visit
    for each row execute function visit_approved_frozen()`.execute(db);
  await sql`create function visit_no_delete() returns trigger language plpgsql as $$
    begin
      raise exception 'visits are withdrawn, never deleted'
        using errcode = 'check_violation', constraint = 'visit_no_delete';
    end $$`.execute(db);
  await sql`create trigger visit_no_delete before delete on visit
    for each row execute function visit_no_delete()`.execute(db);

  await db.schema
    .createTable('shelter_stay')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('shelter_id', 'uuid', (c) => c.notNull().references('shelter.id'))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('accompaniment_request.id'))
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('partner.id'))
    .addColumn('beds', 'integer', (c) => c.notNull().check(sql`beds between 1 and 50`))
    .addColumn('check_in', 'date', (c) => c.notNull())
    .addColumn('check_out', 'date')
    .addColumn('created_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('checked_out_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('stay_dates', sql`check_out is null or check_out >= check_in`)
    .execute();
  await sql`create index stay_request_idx on shelter_stay (request_id)`.execute(db);
  await sql`create index stay_open_idx on shelter_stay (shelter_id) where check_out is null`.execute(
    db,
  );

  // ⚑ Occupancy is kept by the stays themselves: an open stay holds its beds. The update takes
  // the shelter's row lock, so concurrent check-ins queue, and the shelter_occupancy check
  // (beds_occupied <= capacity) refuses the one that would overbook.
  await sql`create function shelter_stay_occupancy() returns trigger language plpgsql as $$
    declare
      delta integer := 0;
    begin
      if tg_op in ('UPDATE','DELETE') and old.check_out is null then
        update shelter set beds_occupied = beds_occupied - old.beds, updated_at = now()
          where id = old.shelter_id;
      end if;
      if tg_op in ('INSERT','UPDATE') and new.check_out is null then
        update shelter set beds_occupied = beds_occupied + new.beds, updated_at = now()
          where id = new.shelter_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger shelter_stay_occupancy after insert or update or delete on shelter_stay
    for each row execute function shelter_stay_occupancy()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
