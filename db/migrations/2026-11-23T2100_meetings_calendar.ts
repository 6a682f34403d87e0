import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // Key for signed links (RSVP without login). Made here from PostgreSQL's strong random source,
  // so every app process and worker on this database signs and checks with the same key;
  // APP_SECRET in the environment overrides it.
  await sql`create table app_secret (
    name text primary key,
    value text not null check (length(value) >= 32),
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`insert into app_secret (name, value) values ('link_signing',
    replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`.execute(
    db,
  );

  // Who was sent a session's invitation: updates and cancellations go to them too.
  await sql`create table training_invitation (
    session_id uuid not null references training_session (id) on delete cascade,
    user_id uuid not null references app_user (id),
    invited_at timestamptz not null default now(),
    primary key (session_id, user_id)
  )`.execute(db);

  await sql`create table training_material (
    id uuid primary key default gen_random_uuid(),
    session_id uuid not null references training_session (id),
    file_id uuid not null references stored_file (id),
    created_by uuid references app_user (id),
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index training_material_session_idx on training_material (session_id)`.execute(
    db,
  );

  // Public agencies and other outside people invited to liaison meetings (no login).
  await sql`create table external_contact (
    id uuid primary key default gen_random_uuid(),
    organisation text not null check (length(organisation) between 1 and 200),
    person_name text not null check (length(person_name) between 1 and 200),
    email text not null check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' and length(email) <= 254),
    locale text not null default 'ja' check (locale in ('ja','en')),
    active boolean not null default true,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create unique index external_contact_email_idx on external_contact (lower(email))`.execute(
    db,
  );

  // ⚑ One liaison meeting per fiscal quarter (April–June = Q1), dated inside its quarter.
  await sql`create table liaison_meeting (
    id uuid primary key default gen_random_uuid(),
    fiscal_year integer not null check (fiscal_year between 2000 and 2100),
    quarter integer not null check (quarter between 1 and 4),
    title text not null check (length(title) between 1 and 200),
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    venue text not null default '',
    online_url text not null default '',
    agenda text not null default '' check (length(agenda) <= 10000),
    minutes text not null default '' check (length(minutes) <= 50000),
    minutes_file_id uuid references stored_file (id),
    status text not null default 'scheduled' check (status in ('scheduled','cancelled','held')),
    sequence integer not null default 0,
    invited_at timestamptz,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (fiscal_year, quarter),
    constraint meeting_times check (ends_at > starts_at),
    constraint meeting_place check (venue <> '' or online_url <> ''),
    constraint meeting_in_quarter check (
      extract(year from starts_at at time zone 'Asia/Tokyo')
        - case when extract(month from starts_at at time zone 'Asia/Tokyo') < 4 then 1 else 0 end
        = fiscal_year
      and (mod(extract(month from starts_at at time zone 'Asia/Tokyo')::int + 8, 12) / 3) + 1
        = quarter)
  )`.execute(db);

  // An invitee is a user (partner people) or an external contact. The RSVP link carries the
  // current nonce, signed; answering uses it up, and every new invitation or update issues a new one.
  await sql`create table meeting_invitee (
    id uuid primary key default gen_random_uuid(),
    meeting_id uuid not null references liaison_meeting (id),
    user_id uuid references app_user (id),
    external_contact_id uuid references external_contact (id),
    rsvp text not null default 'needs_action'
      check (rsvp in ('needs_action','accepted','declined','tentative')),
    rsvp_at timestamptz,
    rsvp_nonce text not null,
    rsvp_nonce_used_at timestamptz,
    attendance text check (attendance in ('attended','absent','excused')),
    invited_at timestamptz not null default now(),
    constraint invitee_one_kind check ((user_id is null) <> (external_contact_id is null))
  )`.execute(db);
  await sql`create unique index meeting_invitee_user_idx on meeting_invitee (meeting_id, user_id)
    where user_id is not null`.execute(db);
  await sql`create unique index meeting_invitee_contact_idx on meeting_invitee (meeting_id, external_contact_id)
    where external_contact_id is not null`.execute(db);
  await sql`create index meeting_invitee_user_lookup on meeting_invitee (user_id) where user_id is not null`.execute(
    db,
  );

  // A personal calendar feed: the secret is in the URL; only its hash is kept. Deleting the row
  // revokes the URL.
  await sql`create table calendar_feed (
    user_id uuid primary key references app_user (id),
    token_hash text not null unique,
    created_at timestamptz not null default now()
  )`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
