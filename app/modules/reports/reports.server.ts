import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';
import { type Period, SMALL_CELL } from './period';

// Anonymous activity figures for a period: counts, shares and times only — never a case code,
// a name or free text. Requests are counted by their creation date (Tokyo).

export interface Cell {
  key: string;
  n: number;
}

export interface Timing {
  n: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface ActivityReport {
  period: Period;
  requests: {
    total: number;
    byCategory: Cell[];
    byLanguage: Cell[];
    byUrgency: Cell[];
    byPrefecture: Cell[];
    outcomes: { dispatched: number; accepted: number; completed: number; cancelled: number };
  };
  timing: { toFirstOffer: Timing; toAcceptance: Timing };
  offers: {
    total: number;
    accepted: number;
    declined: number;
    expired: number;
    withdrawn: number;
    pending: number;
  };
  visits: { approved: number; hours: number; shelterNights: number };
  paid: { kind: string; amount: number; statements: number }[];
  partners: { active: number; trained: number; withRequests: number };
  training: { sessionsHeld: number; attended: number; partnersAttending: number };
  monthly: { month: string; requests: number; accepted: number }[];
}

const tokyoStart = (date: string) => sql`(${date}::date::timestamp at time zone 'Asia/Tokyo')`;

export async function activityReport(q: Queryable, period: Period): Promise<ActivityReport> {
  const from = tokyoStart(period.from);
  const to = tokyoStart(period.to);
  const inPeriod = sql`r.created_at >= ${from} and r.created_at < ${to}`;

  // Every figure about the period's requests in one pass (grouping sets): at national scale each
  // separate count read the year's 200,000 requests again (13 statements, 3.3 s; see
  // docs/performance.md).
  const [requests, timing, offers, visits, nights, paid, partners, training] = await Promise.all([
    sql<{
      dim: 'category' | 'language' | 'urgency' | 'prefecture' | 'month' | 'all';
      key: string | null;
      n: number;
      accepted: number;
      completed: number;
      cancelled: number;
    }>`
        with r as (
          select r.category::text as category, r.worker_language::text as language,
            r.urgency::text as urgency, coalesce(pr.name, '?') as prefecture,
            to_char(r.created_at at time zone 'Asia/Tokyo', 'YYYY-MM') as month,
            r.accepted_at, r.completed_at, r.status
          from accompaniment_request r
            left join municipality m on m.code = r.municipality_code
            left join prefecture pr on pr.code = m.prefecture_code
          where ${inPeriod})
        select case when grouping(category) = 0 then 'category'
            when grouping(language) = 0 then 'language' when grouping(urgency) = 0 then 'urgency'
            when grouping(prefecture) = 0 then 'prefecture' when grouping(month) = 0 then 'month'
            else 'all' end as dim,
          coalesce(category, language, urgency, prefecture, month) as key,
          count(*)::int as n, count(accepted_at)::int as accepted,
          count(*) filter (where completed_at is not null or status in ('completed','closed'))::int as completed,
          count(*) filter (where status = 'cancelled')::int as cancelled
        from r
        group by grouping sets ((category), (language), (urgency), (prefecture), (month), ())
        order by 1, 3 desc, 2`.execute(q),
    // Times to the first offer and to acceptance, from the request's own columns
    // (first_offer_at is kept by a trigger on offer).
    sql<{
      first_n: number;
      first_median: number | null;
      first_p90: number | null;
      acceptance_n: number;
      acceptance_median: number | null;
      acceptance_p90: number | null;
    }>`
        with t as (
          select extract(epoch from r.first_offer_at - r.created_at) / 60 as first_offer,
                 extract(epoch from r.accepted_at - r.created_at) / 60 as acceptance
          from accompaniment_request r where ${inPeriod})
        select count(first_offer)::int as first_n,
          percentile_cont(0.5) within group (order by first_offer) as first_median,
          percentile_cont(0.9) within group (order by first_offer) as first_p90,
          count(acceptance)::int as acceptance_n,
          percentile_cont(0.5) within group (order by acceptance) as acceptance_median,
          percentile_cont(0.9) within group (order by acceptance) as acceptance_p90
        from t`.execute(q),
    // An offer is never sent before its request exists: the bound lets the block-range index
    // on sent_at skip earlier years' offers.
    sql<{ status: string; n: number }>`select o.status, count(*)::int as n
        from offer o join accompaniment_request r on r.id = o.request_id
        where ${inPeriod} and o.sent_at >= ${from} group by 1`.execute(q),
    sql<{ approved: number; hours: number }>`select count(*)::int as approved,
          coalesce(sum(extract(epoch from v.ends_at - v.starts_at) / 3600), 0)::float8 as hours
        from visit v where v.status = 'approved'
          and v.visit_date >= ${period.from}::date and v.visit_date < ${period.to}::date`.execute(
      q,
    ),
    sql<{ nights: number }>`select coalesce(sum(s.beds * greatest(0,
            least(coalesce(s.check_out, current_date), ${period.to}::date)
            - greatest(s.check_in, ${period.from}::date))), 0)::int as nights
        from shelter_stay s
        where s.check_in < ${period.to}::date and coalesce(s.check_out, current_date) > ${period.from}::date`.execute(
      q,
    ),
    // Totals per partner first (an index-only scan of the period's paid statements), then only
    // those partners' kinds: joining every statement to the partner table hashed all partners.
    sql<{ kind: string; amount: number; statements: number }>`select p.kind,
          sum(s.amount)::int as amount, sum(s.n)::int as statements
        from (select partner_id, sum(transfer) as amount, count(*) as n from payment_statement
          where status = 'paid' and paid_on >= ${period.from}::date and paid_on < ${period.to}::date
          group by 1) s
          join partner p on p.id = s.partner_id
        group by 1 order by 2 desc`.execute(q),
    // Active partners from the active ones only (partner_active_trained_idx), not all partners.
    sql<{ active: number; trained: number; with_requests: number }>`select
          count(*)::int as active,
          count(*) filter (where p.trained_until >= ${period.to}::date - 1)::int as trained,
          (select count(distinct r.accepted_partner_id)::int from accompaniment_request r
            where ${inPeriod} and r.accepted_partner_id is not null) as with_requests
        from partner p where p.status = 'active'`.execute(q),
    sql<{ held: number; attended: number; partners: number }>`select
          count(distinct s.id)::int as held,
          count(r.id) filter (where r.attendance = 'attended')::int as attended,
          count(distinct r.partner_id) filter (where r.attendance = 'attended')::int as partners
        from training_session s left join training_registration r on r.session_id = s.id
        where s.status = 'held' and s.starts_at >= ${from} and s.starts_at < ${to}`.execute(q),
  ]);

  const rowsOf = (dim: string) => requests.rows.filter((r) => r.dim === dim);
  const cells = (dim: string): Cell[] => rowsOf(dim).map((r) => ({ key: r.key!, n: r.n }));
  const all = rowsOf('all')[0]!;
  const f = timing.rows[0]!;
  const offer = (status: string) => offers.rows.find((r) => r.status === status)?.n ?? 0;
  const minutes = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    period,
    requests: {
      total: all.n,
      byCategory: cells('category'),
      byLanguage: cells('language'),
      byUrgency: cells('urgency'),
      byPrefecture: cells('prefecture'),
      outcomes: {
        // requests with at least one offer: those with a first one
        dispatched: f.first_n,
        accepted: all.accepted,
        completed: all.completed,
        cancelled: all.cancelled,
      },
    },
    timing: {
      toFirstOffer: {
        n: f.first_n,
        medianMinutes: minutes(f.first_median),
        p90Minutes: minutes(f.first_p90),
      },
      toAcceptance: {
        n: f.acceptance_n,
        medianMinutes: minutes(f.acceptance_median),
        p90Minutes: minutes(f.acceptance_p90),
      },
    },
    offers: {
      total: offers.rows.reduce((sum, r) => sum + r.n, 0),
      accepted: offer('accepted'),
      declined: offer('declined'),
      expired: offer('expired'),
      withdrawn: offer('withdrawn'),
      pending: offer('pending'),
    },
    visits: {
      approved: visits.rows[0]!.approved,
      hours: Math.round(visits.rows[0]!.hours * 10) / 10,
      shelterNights: nights.rows[0]!.nights,
    },
    paid: paid.rows,
    partners: {
      active: partners.rows[0]!.active,
      trained: partners.rows[0]!.trained,
      withRequests: partners.rows[0]!.with_requests,
    },
    training: {
      sessionsHeld: training.rows[0]!.held,
      attended: training.rows[0]!.attended,
      partnersAttending: training.rows[0]!.partners,
    },
    monthly: rowsOf('month')
      .map((r) => ({ month: r.key!, requests: r.n, accepted: r.accepted }))
      .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// ⚑ Small-cell suppression for anything that leaves the secretariat (CSV, PDF, meeting report)

export type Shown = number | '<5';

/**
 * Counts of requests below 5 become "<5". When a breakdown would then have exactly one hidden
 * cell, the next smallest is hidden too, so the total cannot give it away.
 */
export function suppressCells(cells: Cell[]): { key: string; n: Shown }[] {
  const hidden = new Set(cells.filter((c) => c.n < SMALL_CELL).map((c) => c.key));
  if (hidden.size === 1 && cells.length > 1) {
    const next = cells
      .filter((c) => !hidden.has(c.key))
      .sort((a, b) => a.n - b.n || a.key.localeCompare(b.key))[0];
    if (next) hidden.add(next.key);
  }
  return cells.map((c) => ({ key: c.key, n: hidden.has(c.key) ? '<5' : c.n }));
}

export const suppress = (n: number): Shown => (n < SMALL_CELL ? '<5' : n);

function offersShown(o: ActivityReport['offers']) {
  const { total, ...byStatus } = o;
  const cells = suppressCells(Object.entries(byStatus).map(([key, n]) => ({ key, n })));
  return {
    total: suppress(total),
    ...Object.fromEntries(cells.map((c) => [c.key, c.n])),
  } as Record<keyof ActivityReport['offers'], Shown>;
}

/** Months are a breakdown of the total like any other: the same secondary suppression. */
function monthlyShown(months: ActivityReport['monthly']) {
  const requests = suppressCells(months.map((m) => ({ key: m.month, n: m.requests })));
  const accepted = suppressCells(months.map((m) => ({ key: m.month, n: m.accepted })));
  return months.map((m, i) => ({
    month: m.month,
    requests: requests[i]!.n,
    accepted: accepted[i]!.n,
  }));
}

/** The report as it may leave the secretariat: small request counts hidden, timings too when based on fewer than 5. */
export function publicReport(r: ActivityReport) {
  const timing = (x: Timing) =>
    x.n < SMALL_CELL
      ? { n: suppress(x.n), medianMinutes: null, p90Minutes: null }
      : { n: x.n as Shown, medianMinutes: x.medianMinutes, p90Minutes: x.p90Minutes };
  const outcomes = suppressCells(
    Object.entries(r.requests.outcomes).map(([key, n]) => ({ key, n })),
  );
  return {
    period: r.period,
    requests: {
      total: suppress(r.requests.total),
      byCategory: suppressCells(r.requests.byCategory),
      byLanguage: suppressCells(r.requests.byLanguage),
      byUrgency: suppressCells(r.requests.byUrgency),
      byPrefecture: suppressCells(r.requests.byPrefecture),
      outcomes: Object.fromEntries(outcomes.map((c) => [c.key, c.n])) as Record<
        keyof ActivityReport['requests']['outcomes'],
        Shown
      >,
    },
    timing: {
      toFirstOffer: timing(r.timing.toFirstOffer),
      toAcceptance: timing(r.timing.toAcceptance),
    },
    offers: offersShown(r.offers),
    visits: {
      approved: suppress(r.visits.approved),
      hours: r.visits.approved < SMALL_CELL ? null : r.visits.hours,
      shelterNights: suppress(r.visits.shelterNights),
    },
    paid: r.paid.map((p) => ({
      kind: p.kind,
      statements: suppress(p.statements),
      amount: p.statements < SMALL_CELL ? null : p.amount,
    })),
    partners: r.partners,
    training: r.training,
    monthly: monthlyShown(r.monthly),
  };
}
export type PublicReport = ReturnType<typeof publicReport>;
