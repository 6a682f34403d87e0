import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table payment_batch (
    id uuid primary key default gen_random_uuid(),
    reference text not null unique,
    transfer_date date not null,
    status text not null default 'open' check (status in ('open','paid')),
    statement_count integer not null check (statement_count >= 0),
    total_transfer bigint not null check (total_transfer >= 0),
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    closed_at timestamptz
  )`.execute(db);

  // One statement per partner and month (until voided). Late approvals of earlier months are
  // taken into the next statement built.
  await sql`create table payment_statement (
    id uuid primary key default gen_random_uuid(),
    reference text not null unique,
    partner_id uuid not null references partner (id),
    month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status text not null default 'draft' check (status in ('draft','approved','paid','void')),
    invoice_number text,
    withholding_applies boolean not null,
    subtotal integer not null default 0,
    taxable_base integer not null default 0,
    consumption_tax integer not null default 0 check (consumption_tax >= 0),
    withholding_tax integer not null default 0 check (withholding_tax >= 0),
    total integer not null default 0,
    transfer integer not null default 0,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    approved_by uuid references app_user (id),
    approved_at timestamptz,
    second_approved_by uuid references app_user (id),
    voided_by uuid references app_user (id),
    voided_at timestamptz,
    void_reason text,
    batch_id uuid references payment_batch (id),
    paid_on date,
    payment_result text check (payment_result in ('paid','unpaid')),
    updated_at timestamptz not null default now(),
    constraint statement_void check ((status = 'void') = (voided_at is not null)),
    constraint statement_approved check (status not in ('approved','paid') or approved_at is not null),
    constraint statement_paid check ((status = 'paid') = (paid_on is not null)),
    constraint statement_second_approver check (second_approved_by is distinct from approved_by
      or second_approved_by is null)
  )`.execute(db);
  await sql`create unique index payment_statement_month on payment_statement (partner_id, month)
    where status <> 'void'`.execute(db);
  await sql`create index payment_statement_batch_idx on payment_statement (batch_id)
    where batch_id is not null`.execute(db);

  // ⚑ A visit or a shelter night is on at most one live (non-void) statement: each priced line
  // carries the key of what it pays for, unique while live. Voiding a statement clears "live",
  // which releases its lines.
  await sql`create table payment_line (
    id uuid primary key default gen_random_uuid(),
    statement_id uuid not null references payment_statement (id),
    kind text not null check (kind in ('visit_base','visit_extra_hours','travel_km',
      'travel_actual','interpreter','shelter_nights','adjustment')),
    source_key text,
    visit_id uuid references visit (id),
    stay_id uuid references shelter_stay (id),
    work_date date,
    mou_id uuid references mou (id),
    quantity numeric(12,2) not null,
    unit text not null check (unit in ('visit','hour','km','yen','minute','bed_night')),
    unit_price integer not null,
    amount integer not null,
    taxable boolean not null,
    note text not null default '',
    reason text,
    live boolean not null default true,
    created_by uuid references app_user (id),
    created_at timestamptz not null default now(),
    constraint line_source check ((kind = 'adjustment') = (source_key is null)),
    constraint line_adjustment_reason check (kind <> 'adjustment' or length(trim(reason)) > 0),
    constraint line_amount check (kind = 'adjustment' or amount >= 0)
  )`.execute(db);
  await sql`create unique index payment_line_paid_once on payment_line (source_key, kind)
    where live and source_key is not null`.execute(db);
  await sql`create index payment_line_statement_idx on payment_line (statement_id)`.execute(db);

  // ⚑ Shelter nights one by one: a night of a stay is on at most one live line.
  await sql`create table payment_night (
    line_id uuid not null references payment_line (id),
    stay_id uuid not null references shelter_stay (id),
    night date not null,
    live boolean not null default true,
    primary key (line_id, night)
  )`.execute(db);
  await sql`create unique index payment_night_once on payment_night (stay_id, night) where live`.execute(
    db,
  );

  await sql`create sequence payment_statement_seq`.execute(db);
  await sql`create sequence payment_batch_seq`.execute(db);

  // ⚑ A paid statement, and a closed batch, never change again.
  await sql`create function payment_paid_frozen() returns trigger language plpgsql as $$
    begin
      if old.status = 'paid' then
        raise exception 'a paid % is immutable', tg_table_name using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger payment_statement_frozen before update or delete on payment_statement
    for each row execute function payment_paid_frozen()`.execute(db);
  await sql`create trigger payment_batch_frozen before update or delete on payment_batch
    for each row execute function payment_paid_frozen()`.execute(db);
  // Voiding sets the statement's status first, then releases its lines.
  await sql`create function payment_line_frozen() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from payment_statement s where s.id = coalesce(old.statement_id, new.statement_id)
          and s.status in ('approved','paid')) then
        raise exception 'lines of an approved statement are frozen' using errcode = 'P0001';
      end if;
      return coalesce(new, old);
    end $$`.execute(db);
  await sql`create trigger payment_line_frozen before insert or update or delete on payment_line
    for each row execute function payment_line_frozen()`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
