import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  // What a publicly listed partner shows in the workers' portal (never the private contact).
  await sql`alter table partner
    add column public_phone text not null default '' check (public_phone ~ '^[0-9+()\\- ]{0,20}$'),
    add column website text not null default '' check (website = '' or website ~ '^https?://')`.execute(
    db,
  );

  // Bearer tokens of the public directory API: only a SHA-256 of the token is stored.
  await sql`create table api_token (
    id uuid primary key default gen_random_uuid(),
    name text not null check (length(name) between 1 and 100),
    token_hash text not null unique,
    prefix text not null,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by uuid references app_user (id)
  )`.execute(db);

  // Nearest-partner search over the public directory.
  await sql`create index partner_public_idx on partner using gist (ll_to_earth(lat, lng))
    where status = 'active' and public_listing and lat is not null and lng is not null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
