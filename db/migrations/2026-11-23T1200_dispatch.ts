import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Candidate search bounds its index walk by the largest service radius: keep that max cheap.
  await sql`create index partner_active_radius_idx on partner (service_radius_km) where status = 'active'`.execute(
    db,
  );

  // REQ-<fiscal year>-<6 digits>: one counter row per fiscal year, incremented under its row lock.
  await db.schema
    .createTable('request_counter')
    .addColumn('fiscal_year', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accompaniment_request')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('reference', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`reference ~ '^REQ-[0-9]{4}-[0-9]{6}$'`),
    )
    .addColumn('case_code', 'text', (c) =>
      c.notNull().check(sql`case_code ~ '^[A-Za-z0-9-]{3,30}$'`),
    )
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`category in ('hospital','city_hall','police','school','labor_office','immigration','home_visit','other')`,
        ),
    )
    .addColumn('worker_language', 'text', (c) => c.notNull())
    .addColumn('interpreter_needed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('shelter_beds', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`shelter_beds between 0 and 20`),
    )
    .addColumn('shelter_guest', 'text', (c) =>
      c.check(sql`shelter_guest in ('women','men','families','children')`),
    )
    .addColumn('urgency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('normal')
        .check(sql`urgency in ('normal','urgent','emergency')`),
    )
    .addColumn('municipality_code', 'char(6)', (c) => c.notNull().references('municipality.code'))
    .addColumn('lat', 'double precision', (c) => c.notNull().check(sql`lat between 20 and 46`))
    .addColumn('lng', 'double precision', (c) => c.notNull().check(sql`lng between 122 and 154`))
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().check(sql`length(summary) between 1 and 500`))
    // Confidential: shown only to the partner that accepted, counselors and the secretariat.
    .addColumn('details', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('consent_at', 'timestamptz')
    .addColumn('consent_recorded_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(
          sql`status in ('draft','offered','needs_dispatch','accepted','in_progress','completed','closed','cancelled')`,
        ),
    )
    .addColumn('accepted_partner_id', 'uuid', (c) => c.references('partner.id'))
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('request_window', sql`window_end > window_start`)
    .addCheckConstraint('request_shelter_guest', sql`shelter_beds = 0 or shelter_guest is not null`)
    .addCheckConstraint(
      'request_accepted_partner',
      sql`(status in ('accepted','in_progress','completed','closed')) = (accepted_partner_id is not null)
          or (status = 'cancelled')`,
    )
    .execute();
  await sql`create index request_open_idx on accompaniment_request (status, urgency, created_at)
    where status not in ('closed','cancelled')`.execute(db);
  await sql`create index request_partner_active_idx on accompaniment_request (accepted_partner_id)
    where status in ('accepted','in_progress')`.execute(db);

  await db.schema
    .createTable('offer')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) =>
      c.notNull().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('partner.id'))
    .addColumn('distance_km', sql`numeric(7,2)`, (c) => c.notNull())
    .addColumn('estimated_fee', 'integer')
    .addColumn('sent_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('respond_by', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending','accepted','declined','expired','withdrawn')`),
    )
    .addColumn('responded_at', 'timestamptz')
    .addColumn('responded_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('reason', 'text')
    .execute();
  // ⚑ First accept wins: at most one accepted offer per request, whatever the code does.
  await sql`create unique index offer_one_accepted on offer (request_id) where status = 'accepted'`.execute(
    db,
  );
  // One live offer per partner and request.
  await sql`create unique index offer_one_pending on offer (request_id, partner_id) where status = 'pending'`.execute(
    db,
  );
  await sql`create index offer_partner_idx on offer (partner_id, status, sent_at desc)`.execute(db);
  await sql`create index offer_pending_deadline_idx on offer (respond_by) where status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('request_event')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('request_id', 'uuid', (c) =>
      c.notNull().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'uuid', (c) => c.references('partner.id'))
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('request_event_request_idx')
    .on('request_event')
    .columns(['request_id', 'at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
