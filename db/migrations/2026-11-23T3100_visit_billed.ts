import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// Building a month's statements looked at every approved visit a partner ever made (years of
// them, all paid) to find the few not yet on a live line. A visit now carries whether a live
// line pays for it, kept by a trigger on payment_line, and a partial index holds only the
// approved visits not billed. The unique index on live lines still decides: the flag only finds.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table visit add column billed boolean not null default false`.execute(db);
  await sql`create index payment_line_visit_idx on payment_line (visit_id)
    where visit_id is not null and live`.execute(db);
  await sql`update visit v set billed = true
    from (select distinct visit_id from payment_line where live and visit_id is not null) l
    where l.visit_id = v.id`.execute(db);
  // New lines (the common case, hundreds at a time when statements are built): once per
  // statement, from the inserted rows.
  await sql`create function payment_line_visit_billed_insert() returns trigger language plpgsql as $$
    begin
      update visit v set billed = true
        from (select distinct visit_id from new_lines where live and visit_id is not null) n
        where v.id = n.visit_id and not v.billed;
      return null;
    end $$`.execute(db);
  await sql`create trigger payment_line_visit_billed_insert after insert on payment_line
    referencing new table as new_lines
    for each statement execute function payment_line_visit_billed_insert()`.execute(db);
  // A line voided (live cleared), moved or deleted: recomputed for the visits it named.
  await sql`create function payment_line_visit_billed() returns trigger language plpgsql as $$
    declare
      ids uuid[] := array[]::uuid[];
    begin
      if tg_op = 'UPDATE' and new.visit_id is not null then
        ids := ids || new.visit_id;
      end if;
      if old.visit_id is not null then
        ids := ids || old.visit_id;
      end if;
      update visit v
        set billed = exists (select 1 from payment_line l where l.visit_id = v.id and l.live)
        where v.id = any(ids)
          and v.billed is distinct from exists (select 1 from payment_line l
            where l.visit_id = v.id and l.live);
      return null;
    end $$`.execute(db);
  await sql`create trigger payment_line_visit_billed
    after update of live, visit_id or delete on payment_line
    for each row execute function payment_line_visit_billed()`.execute(db);
  // Approved visits waiting for a statement, per partner and date.
  await sql`create index visit_unbilled_idx on visit (partner_id, visit_date)
    where status = 'approved' and not billed`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
