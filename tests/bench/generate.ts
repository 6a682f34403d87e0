/**
 * National-scale activity for the benchmark database, generated with set-based SQL: requests,
 * offers, events, visits, shelter stays and the payment history of every month before the one
 * the benchmark bills. Deterministic (pseudo-random from row numbers), so runs are comparable.
 *
 * Partners come from the demo generator (app/modules/demo/generator.server.ts) beforehand.
 * The bulk load runs with triggers and foreign-key checks off (session_replication_role =
 * replica) when the role may do so, as pg_restore does; the data obeys every constraint anyway,
 * and the benchmark's own actions run with everything on.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';

export interface ActivityOptions {
  requests: number;
  /** visits per request that went ahead: 1 … max, evenly */
  maxVisitsPerRequest: number;
  /** the benchmark's "today" (Tokyo) */
  today: string;
  /** first day of the history */
  since: string;
  /** the month whose statements the benchmark builds: visits before it are already paid */
  billMonth: string;
  log: (line: string) => void;
}

export interface ActivityCounts {
  users: number;
  requests: number;
  offers: number;
  events: number;
  visits: number;
  stays: number;
  statements: number;
  lines: number;
}

// A cheap, well-mixed hash of an integer to [0, 1): deterministic "randomness" in SQL.
const H = (expr: string, salt: number) =>
  sql.raw(`(((${expr})::bigint * 2654435761 + ${salt * 40503}) % 1000003)::float8 / 1000003`);

export async function generateActivity(
  db: Kysely<Database>,
  o: ActivityOptions,
): Promise<ActivityCounts> {
  return db.connection().execute(async (c) => {
    const step = async (label: string, q: ReturnType<typeof sql>) => {
      const t = Date.now();
      const r = await q.execute(c);
      o.log(
        `  ${label}: ${Number(r.numAffectedRows ?? r.rows.length).toLocaleString()} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`,
      );
      return Number(r.numAffectedRows ?? 0);
    };
    let bulk = true;
    await sql`set session_replication_role = replica`.execute(c).catch(() => (bulk = false));
    if (!bulk) o.log('  (no superuser: loading with triggers on; slower)');
    await sql`set work_mem = '256MB'`.execute(c);
    await sql`set maintenance_work_mem = '512MB'`.execute(c);

    // Staff, and one user for each of the first 5,000 partners that can take work.
    const users =
      (await step(
        'staff users',
        sql`insert into app_user (email, name, role, status, locale)
          select 'counselor' || g || '@bench.example', 'カウンセラー ' || g, 'counselor', 'active', 'ja'
            from generate_series(1, 40) g
          union all
          select 'secretariat' || g || '@bench.example', '事務局 ' || g, 'secretariat', 'active', 'ja'
            from generate_series(1, 5) g`,
      )) +
      (await step(
        'partner users',
        sql`insert into app_user (email, name, role, status, locale, partner_id)
          select 'partner' || n || '@bench.example', left(name, 90), 'partner', 'active', 'ja', id
          from (select p.id, p.name, row_number() over (order by p.id) n from partner p
                where p.status = 'active' and exists (select 1 from mou m where m.partner_id = p.id)) x
          where n <= 5000`,
      ));
    // Seven partners in ten have completed the training.
    await step(
      'trained partners',
      sql`update partner set trained_until = '2028-03-31' where abs(hashtext(id::text)) % 10 < 7`,
    );
    // Partners that can take work, numbered, for picking by hash.
    await sql`create temp table bp on commit preserve rows as
      select row_number() over (order by p.id) as n, p.id, p.municipality_code, p.lat, p.lng,
        p.languages, m.visit_base_fee
      from partner p join mou m on m.partner_id = p.id and m.status = 'active'
      where p.status = 'active'`.execute(c);
    await sql`create unique index on bp (n)`.execute(c);
    await sql`analyze bp`.execute(c);
    const bpCount = Number(
      (await sql<{ n: string }>`select count(*) as n from bp`.execute(c)).rows[0].n,
    );
    const counselors = await sql<{ id: string }>`select id from app_user where role = 'counselor'
      order by email`.execute(c);
    const counselorArr = `{${counselors.rows.map((r) => r.id).join(',')}}`;

    const N = o.requests;
    // Requests: spread evenly from `since` to `today`; the accepting partner is local (the
    // request's place is the partner's municipality), as dispatch makes it.
    const requests = await step(
      'requests',
      sql`insert into accompaniment_request (id, reference, case_code, created_by, category, worker_language,
          interpreter_needed, shelter_beds, shelter_guest, urgency, municipality_code, lat, lng,
          window_start, window_end, summary, details, consent_at, consent_recorded_by, status,
          accepted_partner_id, accepted_at, completed_at, closed_at, cancelled_at, created_at, updated_at)
        select gen_random_uuid(),
          'REQ-' || fy || '-' || lpad(row_number() over (partition by fy order by g)::text, 6, '0'),
          'BENCH-' || g, (${counselorArr}::uuid[])[1 + g % 40],
          (array['hospital','city_hall','police','school','labor_office','immigration','home_visit','other'])[1 + floor(${H('g', 1)} * 8)::int],
          lang, ${H('g', 2)} < 0.7,
          case when ${H('g', 3)} < 0.03 then 1 else 0 end,
          case when ${H('g', 3)} < 0.03 then 'women' end,
          case when ${H('g', 4)} < 0.05 then 'emergency' when ${H('g', 4)} < 0.2 then 'urgent' else 'normal' end,
          bp.municipality_code, bp.lat, bp.lng,
          created + interval '2 days', created + interval '2 days 3 hours',
          '受診同行の依頼 ' || g, '', created, (${counselorArr}::uuid[])[1 + g % 40],
          st,
          case when st in ('accepted','in_progress','completed','closed') then bp.id end,
          case when st in ('accepted','in_progress','completed','closed') then created + interval '2 hours' end,
          case when st in ('completed','closed') then created + interval '2 days 4 hours' end,
          case when st = 'closed' then created + interval '4 days' end,
          case when st = 'cancelled' then created + interval '1 day' end,
          created, created
        from (
          select g, created, bp_n, lang,
            extract(year from (created at time zone 'Asia/Tokyo') - interval '3 months')::int as fy,
            case when created < ${o.today}::date - 30 then (case when ${H('g', 5)} < 0.05 then 'cancelled' else 'closed' end)
              else (array['offered','needs_dispatch','accepted','in_progress','completed','closed','closed','cancelled'])[1 + floor(${H('g', 6)} * 8)::int]
            end as st
          from (
            select g,
              ${o.since}::timestamptz + (g::float8 / ${N}) * (${o.today}::timestamptz - ${o.since}::timestamptz) as created,
              1 + floor(${H('g', 7)} * ${bpCount})::int as bp_n,
              (array['vi','vi','en','zh','tl','pt','id','ne','my','th'])[1 + floor(${H('g', 8)} * 10)::int] as lang
            from generate_series(1, ${N}) g
          ) a
        ) x join bp on bp.n = x.bp_n`,
    );
    // The board's order column (kept by triggers in production, which the bulk load turns off).
    await sql`update accompaniment_request set board_rank = request_board_rank(status, urgency, null)
      where status in ('draft','offered','needs_dispatch','accepted','in_progress')`.execute(c);
    await sql`insert into request_counter (fiscal_year, last_seq)
      select substr(reference, 5, 4)::int, max(substr(reference, 10)::int) from accompaniment_request
      group by 1 on conflict (fiscal_year) do update set last_seq = excluded.last_seq`.execute(c);
    await step(
      'consent (summary, contact) for every request',
      sql`insert into consent_grant (request_id, category, recipient, method, language, recorded_by, recorded_at)
        select r.id, k.category, 'accepting_partner', 'verbal', r.worker_language, r.consent_recorded_by, r.consent_at
        from accompaniment_request r cross join (values ('summary'), ('contact')) k(category)`,
    );

    // Offers: the accepted one, plus a declined one before it for one request in four; three
    // pending offers for requests still out.
    let offers = await step(
      'offers (accepted, declined)',
      sql`insert into offer (request_id, partner_id, distance_km, estimated_fee, sent_by, sent_at, respond_by,
          status, responded_at)
        select r.id, r.accepted_partner_id, 3.2, 5000, r.created_by, r.created_at + interval '10 minutes',
          r.created_at + interval '2 hours', 'accepted', r.accepted_at
        from accompaniment_request r where r.accepted_partner_id is not null
        union all
        select r.id, bp.id, 8.5, 5000, r.created_by, r.created_at + interval '5 minutes',
          r.created_at + interval '1 hour', 'declined', r.created_at + interval '20 minutes'
        from accompaniment_request r
          join bp on bp.n = 1 + (abs(hashtext(r.reference)) % ${bpCount})
        where r.accepted_partner_id is not null and abs(hashtext(r.reference)) % 4 = 0
          and bp.id <> r.accepted_partner_id`,
    );
    offers += await step(
      'offers (pending)',
      sql`insert into offer (request_id, partner_id, distance_km, estimated_fee, sent_by, sent_at, respond_by, status)
        select r.id, bp.id, 5.0 + k, 5000, r.created_by, greatest(r.created_at, now() - interval '1 hour'),
          now() + interval '3 hours', 'pending'
        from accompaniment_request r cross join generate_series(0, 2) k
          join bp on bp.n = 1 + (abs(hashtext(r.reference || k)) % ${bpCount})
        where r.status = 'offered'`,
    );
    // Each request's first offer time (kept by a trigger in production).
    await step(
      'first offer times',
      sql`update accompaniment_request r set first_offer_at = f.at
        from (select request_id, min(sent_at) as at from offer group by 1) f
        where f.request_id = r.id`,
    );
    const events = await step(
      'request events',
      sql`insert into request_event (request_id, at, actor_user_id, type, detail)
        select r.id, r.created_at, r.created_by, 'created', '{}'::jsonb from accompaniment_request r
        union all
        select r.id, r.accepted_at, null, 'accepted', '{}'::jsonb from accompaniment_request r
          where r.accepted_at is not null`,
    );

    // Visits: 1 … max per request that went ahead, a week apart, never after today. Before
    // the billing month: approved (and paid below); in it: approved, not yet billed; after it:
    // submitted for review, some already approved.
    const maxK = o.maxVisitsPerRequest;
    const visits = await step(
      'visits',
      sql`insert into visit (request_id, partner_id, visit_date, starts_at, ends_at, place, activities,
          outcome, travel_km, interpreter_minutes, status, submitted_at, reviewed_at, created_at, updated_at)
        select r.id, r.accepted_partner_id, d, s, s + make_interval(mins => 90 + (k * 37) % 150),
          '市立病院', '受付・診察に同行し、通訳した', '次回の予約を取った',
          round((2 + (k * 13) % 40)::numeric, 1), case when r.interpreter_needed then 60 else 0 end,
          case when d < ${o.billMonth + '-01'}::date then 'approved'
            when d < (${o.billMonth + '-01'}::date + interval '1 month')::date then 'approved'
            when (k + length(r.reference)) % 3 = 0 then 'approved' else 'submitted' end,
          s + interval '5 hours',
          case when d < (${o.billMonth + '-01'}::date + interval '1 month')::date or (k + length(r.reference)) % 3 = 0
            then s + interval '1 day' end,
          s + interval '5 hours', s + interval '5 hours'
        from accompaniment_request r
          cross join lateral generate_series(0, (abs(hashtext(r.reference)) % ${maxK})) k
          cross join lateral (select (r.window_start + make_interval(days => 7 * k)) as s) s0
          cross join lateral (select (s at time zone 'Asia/Tokyo')::date as d) d0
        where r.status in ('in_progress','completed','closed') and d <= ${o.today}::date`,
    );

    // Shelter stays: ten past stays (closed, so occupancy is untouched) for each shelter.
    const stays = await step(
      'shelter stays',
      sql`insert into shelter_stay (shelter_id, request_id, partner_id, beds, check_in, check_out, created_at)
        select sh.id, r.id, sh.partner_id, 1, r.window_start::date, r.window_start::date + 3 + (k % 10), r.window_start
        from shelter sh
          cross join lateral (select r.id, r.window_start from accompaniment_request r
            where r.accepted_partner_id = sh.partner_id and r.status = 'closed'
              and r.window_start < ${o.billMonth + '-01'}::date - 40
            order by r.window_start desc limit 10) r
          cross join lateral (select abs(hashtext(r.id::text)) as k) kk`,
    );

    // Payment history: one paid statement per partner and month with billable visits, each visit
    // on one live line (the visit base fee), for every month before the billing month.
    const statements = await step(
      'paid statements (history)',
      sql`insert into payment_statement (reference, partner_id, month, status, withholding_applies,
          subtotal, taxable_base, total, transfer, approved_at, paid_on, payment_result, created_at, updated_at)
        select 'PS-' || replace(month, '-', '') || '-' || lpad(nextval('payment_statement_seq')::text, 6, '0'),
          partner_id, month, 'paid', false, n * fee, 0, n * fee, n * fee,
          (month || '-10')::date, (month || '-25')::date, 'paid', (month || '-05')::date, (month || '-25')::date
        from (
          select v.partner_id, to_char(v.visit_date, 'YYYY-MM') as month, count(*) as n, max(m.visit_base_fee) as fee
          from visit v join mou m on m.partner_id = v.partner_id and m.status = 'active'
          where v.visit_date < ${o.billMonth + '-01'}::date and m.visit_base_fee > 0
          group by 1, 2
        ) s`,
    );
    const lines = await step(
      'paid lines (history)',
      sql`insert into payment_line (statement_id, kind, source_key, visit_id, work_date, mou_id, quantity, unit,
          unit_price, amount, taxable, created_at)
        select st.id, 'visit_base', 'visit:' || v.id, v.id, v.visit_date, m.id, 1, 'visit',
          m.visit_base_fee, m.visit_base_fee, false, st.created_at
        from visit v
          join mou m on m.partner_id = v.partner_id and m.status = 'active'
          join payment_statement st on st.partner_id = v.partner_id
            and st.month = to_char(v.visit_date, 'YYYY-MM') and st.status = 'paid'
        where v.visit_date < ${o.billMonth + '-01'}::date and m.visit_base_fee > 0`,
    );
    // Past shelter nights were paid too: mark them, so the billing month bills only its own.
    await step(
      'paid nights (history)',
      sql`with l as (
          insert into payment_line (statement_id, kind, source_key, stay_id, work_date, mou_id, quantity, unit,
            unit_price, amount, taxable)
          select st.id, 'shelter_nights', 'stay:' || s.id || ':hist', s.id, s.check_in, m.id,
            s.check_out - s.check_in, 'bed_night', m.shelter_per_night,
            (s.check_out - s.check_in) * m.shelter_per_night, false
          from shelter_stay s
            join mou m on m.partner_id = s.partner_id and m.status = 'active' and m.shelter_per_night > 0
            join lateral (select id from payment_statement st where st.partner_id = s.partner_id
              and st.status = 'paid' order by month desc limit 1) st on true
          returning id, stay_id, work_date, quantity)
        insert into payment_night (line_id, stay_id, night)
        select l.id, l.stay_id, l.work_date + k from l cross join lateral generate_series(0, l.quantity::int - 1) k`,
    );

    // Which visits a live line pays for (kept by a trigger in production).
    await step(
      'billed visits',
      sql`update visit v set billed = true
        from (select distinct visit_id from payment_line where live and visit_id is not null) l
        where l.visit_id = v.id`,
    );
    await sql`set session_replication_role = origin`.execute(c);
    await sql`drop table bp`.execute(c);
    return { users, requests, offers, events, visits, stays, statements, lines };
  });
}
