import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration. The code lists below are
// copied here on purpose; adding a language or specialty later is a new migration.
const LANGUAGES = [
  'ja',
  'en',
  'zh',
  'pt',
  'es',
  'tl',
  'id',
  'vi',
  'my',
  'ne',
  'th',
  'ko',
  'km',
  'mn',
  'si',
  'bn',
  'hi',
  'ur',
  'fr',
  'ru',
  'uk',
  'ar',
  'fa',
  'tr',
  'uz',
  'lo',
  'ms',
  'easy_ja',
];
const SPECIALTIES = [
  'hospital',
  'city_hall',
  'police',
  'school',
  'labor',
  'immigration',
  'dv',
  'mental_health',
  'childbirth',
  'housing',
  'interpretation',
  'legal',
  'welfare',
  'childcare',
  'tax',
  'disaster',
];
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]::text[]`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);

  await db.schema
    .createTable('prefecture')
    .addColumn('code', 'smallint', (c) => c.primaryKey().check(sql`code between 1 and 47`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .execute();

  // 全国地方公共団体コード (6 digits incl. check digit); coordinates of the municipal office.
  await db.schema
    .createTable('municipality')
    .addColumn('code', 'char(6)', (c) => c.primaryKey().check(sql`code ~ '^[0-9]{6}$'`))
    .addColumn('prefecture_code', 'smallint', (c) => c.notNull().references('prefecture.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_kana', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('municipality_prefecture_idx')
    .on('municipality')
    .column('prefecture_code')
    .execute();

  await db.schema
    .alterTable('partner')
    .addColumn('network_member', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('municipality_code', 'char(6)', (c) => c.references('municipality.code'))
    .addColumn('prefecture_code', 'smallint', (c) => c.references('prefecture.code'))
    .addColumn('postal_code', 'text', (c) => c.check(sql`postal_code ~ '^[0-9]{3}-[0-9]{4}$'`))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lat', 'double precision', (c) => c.check(sql`lat between 20 and 46`))
    .addColumn('lng', 'double precision', (c) => c.check(sql`lng between 122 and 154`))
    .addColumn('service_radius_km', sql`numeric(5,1)`, (c) =>
      c
        .notNull()
        .defaultTo(20)
        .check(sql`service_radius_km > 0 and service_radius_km <= 500`),
    )
    .addColumn('languages', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::text[]`)
        .check(sql`languages <@ ${arr(LANGUAGES)}`),
    )
    .addColumn('specialties', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::text[]`)
        .check(sql`specialties <@ ${arr(SPECIALTIES)}`),
    )
    .addColumn('contact_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('availability', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('public_listing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('invoice_number', 'text', (c) => c.check(sql`invoice_number ~ '^T[0-9]{13}$'`))
    .addColumn('bank_code', 'char(4)', (c) => c.check(sql`bank_code ~ '^[0-9]{4}$'`))
    .addColumn('branch_code', 'char(3)', (c) => c.check(sql`branch_code ~ '^[0-9]{3}$'`))
    .addColumn('account_type', 'text', (c) =>
      c.check(sql`account_type in ('ordinary','current','savings')`),
    )
    .addColumn('account_number', 'char(7)', (c) => c.check(sql`account_number ~ '^[0-9]{7}$'`))
    .addColumn('account_holder_kana', 'text', (c) =>
      c.check(sql`account_holder_kana ~ '^[ｱ-ﾟA-Z0-9 ().\\-/]{1,30}$'`),
    )
    .addColumn('withholding_tax', 'boolean', (c) => c.notNull().defaultTo(false))
    // Stable key for CSV re-import: normalised name + municipality code (see docs/partners.md).
    .addColumn('match_key', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`alter table partner add constraint partner_bank_complete check (
      (bank_code is null and branch_code is null and account_type is null
        and account_number is null and account_holder_kana is null)
      or (bank_code is not null and branch_code is not null and account_type is not null
        and account_number is not null and account_holder_kana is not null))`.execute(db);
  await sql`alter table partner add constraint partner_latlng_pair check ((lat is null) = (lng is null))`.execute(
    db,
  );
  await sql`create unique index partner_match_key_idx on partner (match_key)`.execute(db);
  await sql`create index partner_earth_idx on partner using gist (ll_to_earth(lat, lng))
      where lat is not null`.execute(db);
  await sql`create index partner_languages_idx on partner using gin (languages)`.execute(db);
  await sql`create index partner_specialties_idx on partner using gin (specialties)`.execute(db);
  await sql`create index partner_name_trgm_idx on partner using gin ((name || ' ' || name_kana) gin_trgm_ops)`.execute(
    db,
  );
  await sql`create index partner_filters_idx on partner (status, kind, prefecture_code)`.execute(
    db,
  );

  // Who changed what, field by field: shown as the partner's history.
  await db.schema
    .createTable('partner_change')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('partner_id', 'uuid', (c) =>
      c.notNull().references('partner.id').onDelete('cascade'),
    )
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('partner_change_partner_idx')
    .on('partner_change')
    .columns(['partner_id', 'at'])
    .execute();

  // Uploaded files live in PostgreSQL: app instances stay stateless, nothing under public/.
  await db.schema
    .createTable('stored_file')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0 and size <= 20971520`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('mou')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partner_id', 'uuid', (c) =>
      c.notNull().references('partner.id').onDelete('restrict'),
    )
    .addColumn('reference_no', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft','active','expired','terminated')`),
    )
    .addColumn('valid_from', 'date', (c) => c.notNull())
    .addColumn('valid_until', 'date')
    .addColumn('signed_on', 'date')
    .addColumn('signed_file_id', 'uuid', (c) => c.references('stored_file.id'))
    .addColumn('conditions', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('visit_base_fee', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`visit_base_fee >= 0`),
    )
    .addColumn('base_hours', sql`numeric(4,2)`, (c) =>
      c
        .notNull()
        .defaultTo(2)
        .check(sql`base_hours >= 0 and base_hours <= 24`),
    )
    .addColumn('hourly_fee', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`hourly_fee >= 0`),
    )
    .addColumn('travel_mode', 'text', (c) =>
      c
        .notNull()
        .defaultTo('none')
        .check(sql`travel_mode in ('none','per_km','actual')`),
    )
    .addColumn('travel_per_km', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`travel_per_km >= 0`),
    )
    .addColumn('travel_cap', 'integer', (c) => c.check(sql`travel_cap >= 0`))
    .addColumn('interpreter_hourly', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`interpreter_hourly >= 0`),
    )
    .addColumn('shelter_per_night', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`shelter_per_night >= 0`),
    )
    .addColumn('phone_support_fee', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`phone_support_fee >= 0`),
    )
    .addColumn('consumption_tax', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('max_concurrent_requests', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(3)
        .check(sql`max_concurrent_requests between 1 and 100`),
    )
    .addColumn('reminder_sent_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('mou_dates', sql`valid_until is null or valid_until >= valid_from`)
    .execute();
  // ⚑ At most one active MOU on any date per partner.
  await sql`alter table mou add constraint mou_one_active_per_date exclude using gist (
      partner_id with =,
      daterange(valid_from, valid_until, '[]') with &&
    ) where (status = 'active')`.execute(db);
  await db.schema
    .createIndex('mou_partner_idx')
    .on('mou')
    .columns(['partner_id', 'valid_from'])
    .execute();

  await db.schema
    .createTable('shelter')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partner_id', 'uuid', (c) =>
      c.notNull().references('partner.id').onDelete('restrict'),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 1 and 500`))
    // Kept by the stays that check in and out; the check makes overbooking impossible.
    .addColumn('beds_occupied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepts', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::text[]`)
        .check(sql`accepts <@ array['women','men','families','children']::text[]`),
    )
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('municipality_code', 'char(6)', (c) => c.notNull().references('municipality.code'))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lat', 'double precision', (c) => c.check(sql`lat between 20 and 46`))
    .addColumn('lng', 'double precision', (c) => c.check(sql`lng between 122 and 154`))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('shelter_occupancy', sql`beds_occupied >= 0 and beds_occupied <= capacity`)
    .execute();
  await db.schema.createIndex('shelter_partner_idx').on('shelter').column('partner_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
