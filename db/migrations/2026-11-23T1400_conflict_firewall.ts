import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // The parties a worker may be in conflict with (confidential, part of the request's details).
  await db.schema
    .createTable('request_adverse_party')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) =>
      c.notNull().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('employer','supervising_org','support_org','sending_org','recruitment_agency')`,
        ),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('corporate_number', 'char(13)', (c) =>
      c.check(sql`corporate_number ~ '^[0-9]{13}$'`),
    )
    // Normalised name (width, spacing and legal-form words folded), computed by the app.
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index adverse_request_idx on request_adverse_party (request_id)`.execute(db);

  // Organisations a partner is tied to: funded by, contracted with, advises, represents…
  await db.schema
    .createTable('partner_tie')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partner_id', 'uuid', (c) => c.notNull().references('partner.id'))
    .addColumn('relation', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`relation in ('funded_by','contracted_with','advises','represents','member_of','other')`,
        ),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('corporate_number', 'char(13)', (c) =>
      c.check(sql`corporate_number ~ '^[0-9]{13}$'`),
    )
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'date')
    .addColumn('valid_until', 'date')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'tie_dates',
      sql`valid_until is null or valid_from is null or valid_until >= valid_from`,
    )
    .execute();
  await sql`create index tie_partner_idx on partner_tie (partner_id)`.execute(db);
  await sql`create index tie_name_key_idx on partner_tie (name_key)`.execute(db);
  await sql`create index tie_corporate_number_idx on partner_tie (corporate_number) where corporate_number is not null`.execute(
    db,
  );

  // A partner is never offered the same request twice. Earlier repeat offers (allowed before
  // this rule) are marked superseded so the rule can hold from now on.
  await sql`alter table offer add column superseded boolean not null default false`.execute(db);
  await sql`update offer o set superseded = true where exists (
      select 1 from offer later where later.request_id = o.request_id and later.partner_id = o.partner_id
        and (later.sent_at, later.id) > (o.sent_at, o.id))`.execute(db);
  await sql`drop index offer_one_pending`.execute(db);
  await sql`create unique index offer_once on offer (request_id, partner_id) where not superseded`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
