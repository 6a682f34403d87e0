import { type Kysely, sql } from 'kysely';

// Frozen in time: never import application code from a migration.
// The counselors' board sorted every open request of Japan by a computed key (its cascade's
// state, its own status, its urgency) on every load. The key is now a column kept by triggers on
// the request and on its cascade, so page 1 is a range read of one index.
export async function up(db: Kysely<any>): Promise<void> {
  // 0–14: cascades that ran out first, then "needs dispatch", draft, offered, the rest (× 3),
  // then emergency, urgent, normal.
  await sql`create function request_board_rank(status text, urgency text, cascade_status text)
    returns smallint language sql immutable parallel safe as $$
      select ((case when cascade_status in ('exhausted','deadline')
                      and status in ('draft','offered','needs_dispatch') then 0
                    when status = 'needs_dispatch' then 1 when status = 'draft' then 2
                    when status = 'offered' then 3 else 4 end) * 3
            + (case urgency when 'emergency' then 0 when 'urgent' then 1 else 2 end))::smallint
    $$`.execute(db);

  await sql`alter table accompaniment_request add column board_rank smallint`.execute(db);
  await sql`update accompaniment_request r set board_rank = request_board_rank(r.status, r.urgency,
      (select c.status from offer_cascade c where c.request_id = r.id))`.execute(db);
  await sql`alter table accompaniment_request alter column board_rank set not null,
    alter column board_rank set default 14`.execute(db);

  await sql`create function request_board_rank_own() returns trigger language plpgsql as $$
    begin
      new.board_rank := request_board_rank(new.status, new.urgency,
        (select c.status from offer_cascade c where c.request_id = new.id));
      return new;
    end $$`.execute(db);
  await sql`create trigger request_board_rank before insert or update of status, urgency
    on accompaniment_request for each row execute function request_board_rank_own()`.execute(db);

  await sql`create function request_board_rank_cascade() returns trigger language plpgsql as $$
    begin
      update accompaniment_request r
        set board_rank = request_board_rank(r.status, r.urgency, new.status)
        where r.id = new.request_id
          and r.board_rank <> request_board_rank(r.status, r.urgency, new.status);
      return null;
    end $$`.execute(db);
  await sql`create trigger offer_cascade_board_rank after insert or update of status
    on offer_cascade for each row execute function request_board_rank_cascade()`.execute(db);

  // The board's order, open requests only.
  await sql`create index request_board_rank_idx on accompaniment_request (board_rank, window_start, id)
    where status in ('draft','offered','needs_dispatch','accepted','in_progress')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('forward-only migrations');
}
