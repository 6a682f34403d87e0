import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('curriculum_module')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[a-z_]{2,40}$'`))
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into curriculum_module (code, name_ja, name_en, required, sort) values
    ('case_work', 'ケースワークの基礎', 'Case work basics', true, 10),
    ('residence_status', '在留資格', 'Residence status', true, 20),
    ('labour_law', '労働法', 'Labour law', true, 30),
    ('medical_social_security', '医療と社会保障', 'Medical care and social security', true, 40),
    ('children_youth', '子ども・若者', 'Children and youth', true, 50),
    ('technical_interns', '技能実習生（上級）', 'Technical interns (advanced)', false, 60),
    ('dv', 'DV（上級）', 'Domestic violence (advanced)', false, 70),
    ('refugees', '難民（上級）', 'Refugees (advanced)', false, 80),
    ('irregular_stay', '非正規滞在（上級）', 'Irregular stay (advanced)', false, 90)`.execute(db);

  await db.schema
    .createTable('training_session')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) between 1 and 200`))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('venue', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('online_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 1000`))
    .addColumn('instructor', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('registration_deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('scheduled')
        .check(sql`status in ('scheduled','cancelled','held')`),
    )
    .addColumn('created_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('training_times', sql`ends_at > starts_at`)
    .addCheckConstraint('training_place', sql`venue <> '' or online_url <> ''`)
    .execute();
  await sql`create index training_session_starts_idx on training_session (starts_at)`.execute(db);

  await db.schema
    .createTable('training_session_module')
    .addColumn('session_id', 'uuid', (c) =>
      c.notNull().references('training_session.id').onDelete('cascade'),
    )
    .addColumn('module_code', 'text', (c) => c.notNull().references('curriculum_module.code'))
    .addPrimaryKeyConstraint('training_session_module_pk', ['session_id', 'module_code'])
    .execute();

  await db.schema
    .createTable('training_registration')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('training_session.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('partner.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('registered','waitlisted','cancelled')`),
    )
    .addColumn('attendance', 'text', (c) =>
      c.check(sql`attendance in ('attended','absent','excused')`),
    )
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index training_registration_once on training_registration (session_id, user_id)
    where status <> 'cancelled'`.execute(db);
  await sql`create index training_registration_partner_idx on training_registration (partner_id)
    where attendance = 'attended'`.execute(db);

  // Trained until this date (every required module attended within the validity period), kept
  // by the app whenever attendance changes; matching and the registry filter read it.
  await sql`alter table partner add column trained_until date`.execute(db);
  // The counselor may switch the rule off for one request (e.g. no trained partner in reach).
  await sql`alter table accompaniment_request add column require_trained boolean not null default true`.execute(
    db,
  );
  await sql`create index partner_trained_idx on partner (trained_until) where trained_until is not null`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
