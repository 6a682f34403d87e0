import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Confidential details by category, so that consent can cover some and not others.
  await db.schema
    .alterTable('accompaniment_request')
    .addColumn('health_details', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('residence_details', 'text', (c) => c.notNull().defaultTo(''))
    .execute();

  // What the worker agreed may be disclosed, to whom, how, in which language, recorded by whom.
  await db.schema
    .createTable('consent_grant')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) =>
      c.notNull().references('accompaniment_request.id').onDelete('cascade'),
    )
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`category in ('summary','contact','health','residence','adverse_parties','documents')`,
        ),
    )
    .addColumn('recipient', 'text', (c) =>
      c.notNull().check(sql`recipient in ('accepting_partner','shelter','interpreter')`),
    )
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('verbal','written')`))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'uuid', (c) => c.references('app_user.id'))
    .execute();
  await sql`create unique index consent_grant_active on consent_grant (request_id, category, recipient)
    where revoked_at is null`.execute(db);

  // Consent given before scoping covered sharing the case with the accepting partner.
  await sql`insert into consent_grant (request_id, category, recipient, method, language, recorded_by, recorded_at)
    select r.id, c.category, 'accepting_partner', 'verbal', r.worker_language, r.consent_recorded_by, r.consent_at
    from accompaniment_request r cross join (values ('summary'), ('contact')) c(category)
    where r.consent_at is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
