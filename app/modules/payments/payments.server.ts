import { sql } from 'kysely';
import type { Locale } from '../../../db/schema';
import { safeCell } from '~/lib/csv.server';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { keysetPage, type PageRequest, type SortKey } from '~/lib/keyset.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { tokyoDate } from '~/lib/format';
import { audit, auditMany } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { isUuid } from '~/modules/partners/partners.server';
import {
  type MouFees,
  nightsInMonth,
  type PricedLine,
  priceNights,
  priceVisit,
  statementTotals,
} from './fees';

type Actor = { userId: string; ip?: string | null };

export const isMonth = (m: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m);
const monthEnd = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const monthOf = (date: string) => date.slice(0, 7);

const MOU_FEE_COLUMNS = [
  'id',
  'visit_base_fee',
  'base_hours',
  'hourly_fee',
  'travel_mode',
  'travel_per_km',
  'travel_cap',
  'interpreter_hourly',
  'shelter_per_night',
  'consumption_tax',
] as const;

type PricingMou = {
  id: string;
  partner_id: string;
  visit_base_fee: number;
  base_hours: string;
  hourly_fee: number;
  travel_mode: MouFees['travel_mode'];
  travel_per_km: number;
  travel_cap: number | null;
  interpreter_hourly: number;
  shelter_per_night: number;
  consumption_tax: MouFees['consumption_tax'];
  valid_from: string;
  valid_until: string | null;
};

/** The MOU in force on a date (latest start wins if two overlap). */
const mouOn = (mous: PricingMou[], date: string) =>
  mous.find((m) => m.valid_from <= date && (m.valid_until === null || m.valid_until >= date));

const fees = (m: PricingMou): MouFees => ({
  ...m,
  base_hours: Number(m.base_hours),
});

/** Groups rows by a key, keeping their order. */
function groupBy<T>(rows: T[], key: (r: T) => string) {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const INSERT_CHUNK = 2000;
async function insertChunked<R>(rows: R[], insert: (chunk: R[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insert(rows.slice(i, i + INSERT_CHUNK));
}

export type BuildResult = {
  partnerId: string;
  statementId: string | null;
  added: number;
  skipped: { kind: 'visit' | 'stay'; id: string; reason: 'noMou' }[];
  outcome: 'created' | 'updated' | 'unchanged' | 'locked' | 'nothing';
};

/**
 * Builds (or tops up) a partner's draft statement for a month from approved visits dated up to
 * the month's end and shelter nights of months that have ended, that are on no live statement.
 * Each item is priced by the MOU in force on its date. The partner row is locked, so two builds
 * for the same partner queue; the database's unique indexes stop double payment regardless.
 */
export async function buildStatement(
  tx: Tx,
  partnerId: string,
  month: string,
  actor: Actor,
  now = new Date(),
): Promise<BuildResult> {
  return (await buildStatements(tx, [partnerId], month, actor, now))[0]!;
}

/**
 * `buildStatement` for many partners in one transaction, with a fixed number of statements
 * whatever their number (each read and each write covers all of them): building every
 * partner's statement of a month at national scale issued about fifteen statements per partner.
 * Partners are locked in id order, so two batches that share partners cannot deadlock.
 */
export async function buildStatements(
  tx: Tx,
  partnerIds: string[],
  month: string,
  actor: Actor,
  now = new Date(),
): Promise<BuildResult[]> {
  if (!isMonth(month)) throw new DomainError('payments.errors.badMonth', 'month');
  const ids = [...new Set(partnerIds)];
  if (!ids.length) return [];
  if (!ids.every(isUuid)) throw new DomainError('errors.notFound');
  const partners = await tx
    .selectFrom('partner')
    .select(['id', 'withholding_tax', 'invoice_number'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  if (partners.length !== ids.length) throw new DomainError('errors.notFound');

  const existingOf = new Map(
    (
      await tx
        .selectFrom('payment_statement')
        .select(['id', 'status', 'partner_id'])
        .where('partner_id', 'in', ids)
        .where('month', '=', month)
        .where('status', '!=', 'void')
        .execute()
    ).map((e) => [e.partner_id, e]),
  );
  // Partners whose statement of the month is approved or paid are not touched.
  const open = ids.filter((id) => (existingOf.get(id)?.status ?? 'draft') === 'draft');

  const end = monthEnd(month);
  const today = tokyoDate(now);
  // Nights are billed once their month has ended (the first of this month in Tokyo).
  const billableBefore = `${today.slice(0, 7)}-01`;
  const lastNight = end < billableBefore ? end : null;

  const [visits, mous, stays] = open.length
    ? await Promise.all([
        tx
          .selectFrom('visit as v')
          .select([
            'v.id',
            'v.partner_id',
            'v.visit_date',
            'v.starts_at',
            'v.ends_at',
            'v.travel_km',
            'v.travel_cost',
            'v.interpreter_minutes',
          ])
          .where('v.partner_id', 'in', open)
          .where('v.status', '=', 'approved')
          // Visits no live line pays for (migration 3100 keeps the flag in the transaction that
          // changes a line). Were it ever wrong, the unique index on live lines would refuse the
          // second payment: the build fails, nothing is paid twice.
          .where('v.billed', '=', false)
          .where('v.visit_date', '<=', end)
          .where(visitMayBePaid)
          .orderBy('v.visit_date')
          .orderBy('v.id')
          .execute(),
        // Every MOU of the partners at once: each item is priced by the one in force that day.
        tx
          .selectFrom('mou')
          .select([...MOU_FEE_COLUMNS, 'partner_id', 'valid_from', 'valid_until'])
          .where('partner_id', 'in', open)
          .where('status', '!=', 'draft')
          .orderBy('valid_from', 'desc')
          .orderBy('id')
          .execute() as Promise<PricingMou[]>,
        // Only stays with a night up to lastNight not yet on a live line (years of stays billed
        // in full are not read again).
        lastNight
          ? tx
              .selectFrom('shelter_stay as s')
              .select(['s.id', 's.partner_id', 's.beds', 's.check_in', 's.check_out'])
              .where('s.partner_id', 'in', open)
              .where('s.check_in', '<=', lastNight)
              .where(unbilledNights(lastNight))
              .orderBy('s.check_in')
              .execute()
          : Promise.resolve([]),
      ])
    : [[], [], []];
  const takenRows = stays.length
    ? await tx
        .selectFrom('payment_night')
        .select(['stay_id', 'night'])
        .where(
          'stay_id',
          'in',
          stays.map((x) => x.id),
        )
        .where('live', '=', true)
        .execute()
    : [];
  const visitsOf = groupBy(visits, (v) => v.partner_id);
  const mousOf = groupBy(mous, (m) => m.partner_id);
  const staysOf = groupBy(stays, (x) => x.partner_id);
  const takenOf = groupBy(takenRows, (n) => n.stay_id);

  type Pending = {
    line: PricedLine;
    source_key: string;
    visit_id?: string;
    stay_id?: string;
    work_date: string;
    mou_id: string;
    nights?: string[];
  };
  const results = new Map<string, BuildResult>();
  const pendingOf = new Map<string, Pending[]>();
  for (const partnerId of ids) {
    const existing = existingOf.get(partnerId);
    const result: BuildResult = {
      partnerId,
      statementId: null,
      added: 0,
      skipped: [],
      outcome: 'nothing',
    };
    results.set(partnerId, result);
    if (existing && existing.status !== 'draft') {
      result.statementId = existing.id;
      result.outcome = 'locked';
      continue;
    }
    const partnerMous = mousOf.get(partnerId) ?? [];
    const pending: Pending[] = [];
    pendingOf.set(partnerId, pending);
    for (const v of visitsOf.get(partnerId) ?? []) {
      const mou = mouOn(partnerMous, v.visit_date);
      if (!mou) {
        result.skipped.push({ kind: 'visit', id: v.id, reason: 'noMou' });
        continue;
      }
      const lines = priceVisit(fees(mou), {
        minutes: Math.round((v.ends_at.getTime() - v.starts_at.getTime()) / 60_000),
        travel_km: v.travel_km === null ? null : Number(v.travel_km),
        travel_cost: v.travel_cost,
        interpreter_minutes: v.interpreter_minutes,
      });
      for (const line of lines)
        pending.push({
          line,
          source_key: `visit:${v.id}`,
          visit_id: v.id,
          work_date: v.visit_date,
          mou_id: mou.id,
        });
    }
    for (const st of lastNight ? (staysOf.get(partnerId) ?? []) : []) {
      const taken = new Set((takenOf.get(st.id) ?? []).map((n) => n.night));
      // Every month from the check-in to this statement's month.
      const nights: string[] = [];
      for (let m = monthOf(st.check_in); m <= month;) {
        nights.push(...nightsInMonth(st.check_in, st.check_out, m));
        const [y, mm] = m.split('-').map(Number) as [number, number];
        m = new Date(Date.UTC(y, mm, 1)).toISOString().slice(0, 7);
      }
      const unbilled = nights.filter((n) => !taken.has(n) && n <= lastNight!);
      // One line per month and MOU, so each line is priced by one MOU.
      const groups = new Map<string, { mouId: string; nights: string[]; fees: MouFees }>();
      for (const night of unbilled) {
        const mou = mouOn(partnerMous, night);
        if (!mou) {
          if (!result.skipped.some((x) => x.id === st.id))
            result.skipped.push({ kind: 'stay', id: st.id, reason: 'noMou' });
          continue;
        }
        const key = `${monthOf(night)}:${mou.id}`;
        const g = groups.get(key) ?? { mouId: mou.id, nights: [], fees: fees(mou) };
        g.nights.push(night);
        groups.set(key, g);
      }
      for (const [key, g] of groups)
        for (const line of priceNights(g.fees, st.beds, g.nights.length))
          pending.push({
            line: {
              ...line,
              note: `${g.nights[0]} – ${g.nights.at(-1)}${line.note ? ` (${line.note})` : ''}`,
            },
            source_key: `stay:${st.id}:${key}`,
            stay_id: st.id,
            work_date: g.nights[0]!,
            mou_id: g.mouId,
            nights: g.nights,
          });
    }
  }

  // New statements, numbered in one call of the sequence.
  const partnerOf = new Map(partners.map((p) => [p.id, p]));
  const toCreate = [...pendingOf].filter(([id, p]) => p.length && !existingOf.has(id));
  const statementOf = new Map(
    [...existingOf].filter(([, e]) => e.status === 'draft').map(([id, e]) => [id, e.id]),
  );
  if (toCreate.length) {
    const seqs = await sql<{ n: string }>`select nextval('payment_statement_seq') as n
      from generate_series(1, ${toCreate.length})`.execute(tx);
    const created = await tx
      .insertInto('payment_statement')
      .values(
        toCreate.map(([partnerId], i) => ({
          reference: `PS-${month.replace('-', '')}-${String(seqs.rows[i]!.n).padStart(6, '0')}`,
          partner_id: partnerId,
          month,
          invoice_number: partnerOf.get(partnerId)!.invoice_number,
          withholding_applies: partnerOf.get(partnerId)!.withholding_tax,
          created_by: actor.userId,
        })),
      )
      .returning(['id', 'partner_id'])
      .execute();
    for (const c of created) statementOf.set(c.partner_id, c.id);
  }

  const lineRow = (statementId: string, p: Pending) => ({
    statement_id: statementId,
    kind: p.line.kind,
    source_key: p.source_key,
    visit_id: p.visit_id ?? null,
    stay_id: p.stay_id ?? null,
    work_date: p.work_date,
    mou_id: p.mou_id,
    quantity: p.line.quantity,
    unit: p.line.unit,
    unit_price: p.line.unitPrice,
    amount: p.line.amount,
    taxable: p.line.taxable,
    note: p.line.note,
    created_by: actor.userId,
  });
  const all = [...pendingOf].flatMap(([partnerId, list]) =>
    list.map((p) => ({ statementId: statementOf.get(partnerId)!, p })),
  );
  // Lines without nights as they are; a night line's id is needed for its nights.
  await insertChunked(
    all.filter((x) => !x.p.nights?.length),
    (chunk) =>
      tx
        .insertInto('payment_line')
        .values(chunk.map((x) => lineRow(x.statementId, x.p)))
        .execute(),
  );
  const nightLines = all.filter((x) => x.p.nights?.length);
  await insertChunked(nightLines, async (chunk) => {
    const inserted = await tx
      .insertInto('payment_line')
      .values(chunk.map((x) => lineRow(x.statementId, x.p)))
      .returning(['id', 'source_key', 'kind'])
      .execute();
    const idOf = new Map(inserted.map((l) => [`${l.source_key}|${l.kind}`, l.id]));
    const nights = chunk.flatMap((x) =>
      x.p.nights!.map((night) => ({
        line_id: idOf.get(`${x.p.source_key}|${x.p.line.kind}`)!,
        stay_id: x.p.stay_id!,
        night,
      })),
    );
    await insertChunked(nights, (n) => tx.insertInto('payment_night').values(n).execute());
  });

  // Totals of every statement touched, then one audit entry each.
  const touched = ids.filter(
    (id) => statementOf.has(id) && (pendingOf.get(id)?.length || existingOf.has(id)),
  );
  await recomputeTotalsOf(
    tx,
    touched.map((id) => statementOf.get(id)!),
  );
  const entries = touched.map((partnerId) => {
    const statementId = statementOf.get(partnerId)!;
    const added = pendingOf.get(partnerId)!.length;
    const existing = existingOf.get(partnerId);
    const result = results.get(partnerId)!;
    Object.assign(result, {
      statementId,
      added,
      outcome: existing ? (added ? 'updated' : 'unchanged') : 'created',
    });
    return {
      actorId: actor.userId,
      action: existing ? 'payment.statement_topup' : 'payment.statement_build',
      subjectType: 'payment_statement',
      subjectId: statementId,
      detail: { month, lines: added, skipped: result.skipped.length },
      ip: actor.ip,
    };
  });
  await auditMany(tx, entries);
  return partnerIds.map((id) => results.get(id)!);
}

/**
 * Whether an approved visit (alias `v`) can give a statement anything: its partner has an MOU
 * that prices visits (a fee, travel or interpreting), or no MOU is in force on its date (it is
 * then reported as skipped). Visits of partners whose MOUs pay nothing (public bodies) stay
 * unbilled for ever and were read again at every build: 1.9 million of them at national scale.
 */
const visitMayBePaid = sql<boolean>`(exists (select 1 from mou m where m.partner_id = v.partner_id
      and m.status <> 'draft' and (m.visit_base_fee > 0 or m.hourly_fee > 0
        or m.interpreter_hourly > 0 or m.travel_mode <> 'none'))
    or not exists (select 1 from mou m where m.partner_id = v.partner_id and m.status <> 'draft'
      and m.valid_from <= v.visit_date and (m.valid_until is null or m.valid_until >= v.visit_date)))`;

/**
 * Whether a stay (alias `s`) has a night up to `lastNight` that is on no live line: its nights
 * up to then (check-out is exclusive) outnumber its live billed nights.
 */
const unbilledNights = (lastNight: string) =>
  sql<boolean>`least(coalesce(s.check_out, ${lastNight}::date + 1), ${lastNight}::date + 1) - s.check_in
    > (select count(*) from payment_night n where n.stay_id = s.id and n.live and n.night <= ${lastNight}::date)`;

/** Partners with approved work or shelter nights not yet on a live statement ("all at once"). */
export async function partnersWithWork(q: Queryable, month: string, now = new Date()) {
  const end = monthEnd(month);
  const billableBefore = `${tokyoDate(now).slice(0, 7)}-01`;
  const lastNight = end < billableBefore ? end : null;
  const rows = await sql<{ partner_id: string }>`
    select distinct v.partner_id from visit v
      where v.status = 'approved' and not v.billed and v.visit_date <= ${end} and ${visitMayBePaid}
    ${
      lastNight
        ? sql`union
    select distinct s.partner_id from shelter_stay s
      where s.check_in <= ${lastNight}
        and ${unbilledNights(lastNight)}
        and exists (select 1 from mou m where m.partner_id = s.partner_id and m.shelter_per_night > 0)`
        : sql``
    }`.execute(q);
  return rows.rows.map((r) => r.partner_id);
}

/**
 * Builds every partner's statement for the month: partners in batches of `batch`, one
 * transaction per batch (each locks only its own partners), `lanes` batches at a time. On an
 * error the other lanes stop after the batch they are on; what was built stays built, and
 * building again continues where it stopped.
 */
export async function buildAll(
  month: string,
  actor: Actor,
  now = new Date(),
  { lanes = 2, batch = 200 }: { lanes?: number; batch?: number } = {},
) {
  if (!isMonth(month)) throw new DomainError('payments.errors.badMonth', 'month');
  const ids = await partnersWithWork(db, month, now);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += batch) batches.push(ids.slice(i, i + batch));
  const results: BuildResult[] = [];
  let next = 0;
  let failed = false;
  // allSettled: on an error, return only once every lane has finished its transaction.
  const lanesDone = await Promise.allSettled(
    Array.from({ length: Math.min(lanes, batches.length) }, async () => {
      while (!failed && next < batches.length) {
        const partnerIds = batches[next++]!;
        try {
          results.push(
            ...(await db
              .transaction()
              .execute((tx) => buildStatements(tx, partnerIds, month, actor, now))),
          );
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    }),
  );
  const error = lanesDone.find((l) => l.status === 'rejected');
  if (error) throw error.reason;
  return results;
}

export async function recomputeTotals(tx: Tx, statementId: string) {
  return (await recomputeTotalsOf(tx, [statementId]))[0]!;
}

/** Recomputes the totals of these statements from their live lines, in three statements. */
async function recomputeTotalsOf(tx: Tx, statementIds: string[]) {
  if (!statementIds.length) return [];
  const [statements, lines] = await Promise.all([
    tx
      .selectFrom('payment_statement')
      .select(['id', 'withholding_applies'])
      .where('id', 'in', statementIds)
      .execute(),
    tx
      .selectFrom('payment_line')
      .select(['statement_id', 'amount', 'taxable'])
      .where('statement_id', 'in', statementIds)
      .where('live', '=', true)
      .execute(),
  ]);
  const linesOf = groupBy(lines, (l) => l.statement_id);
  const withholdingOf = new Map(statements.map((st) => [st.id, st.withholding_applies]));
  const totals = statementIds.map((id) => {
    const applies = withholdingOf.get(id);
    if (applies === undefined) throw new DomainError('errors.notFound');
    return { id, ...statementTotals(linesOf.get(id) ?? [], applies) };
  });
  await sql`update payment_statement s set subtotal = v.subtotal, taxable_base = v.taxable_base,
      consumption_tax = v.consumption_tax, withholding_tax = v.withholding_tax, total = v.total,
      transfer = v.transfer, updated_at = now()
    from (values ${sql.join(
      totals.map(
        (t) =>
          sql`(${t.id}::uuid, ${t.subtotal}::int, ${t.taxableBase}::int, ${t.consumptionTax}::int,
            ${t.withholdingTax}::int, ${t.total}::int, ${t.transfer}::int)`,
      ),
    )}) v(id, subtotal, taxable_base, consumption_tax, withholding_tax, total, transfer)
    where s.id = v.id`.execute(tx);
  return totals;
}

async function lockStatement(tx: Tx, id: string) {
  if (!isUuid(id)) throw new DomainError('errors.notFound');
  const s = await tx
    .selectFrom('payment_statement')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  return s;
}

/** An explicit adjustment (reason required) on a draft; the amount may be negative. */
export async function addAdjustment(
  tx: Tx,
  statementId: string,
  input: { amount: number; reason: string; taxable: boolean },
  actor: Actor,
) {
  const s = await lockStatement(tx, statementId);
  if (s.status !== 'draft') throw new DomainError('payments.errors.notDraft');
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('payments.errors.reasonRequired', 'reason');
  if (reason.length > 500) throw new DomainError('errors.tooLong', 'reason');
  if (!Number.isInteger(input.amount) || input.amount === 0 || Math.abs(input.amount) > 10_000_000)
    throw new DomainError('payments.errors.badAmount', 'amount');
  await tx
    .insertInto('payment_line')
    .values({
      statement_id: statementId,
      kind: 'adjustment',
      quantity: 1,
      unit: 'yen',
      unit_price: input.amount,
      amount: input.amount,
      taxable: input.taxable,
      reason,
      created_by: actor.userId,
    })
    .execute();
  const totals = await recomputeTotals(tx, statementId);
  if (totals.total < 0) throw new DomainError('payments.errors.negativeTotal', 'amount');
  await audit(tx, {
    actorId: actor.userId,
    action: 'payment.adjust',
    subjectType: 'payment_statement',
    subjectId: statementId,
    detail: { amount: input.amount },
    ip: actor.ip,
  });
}

/**
 * Approves a draft. With PAYMENT_SECOND_APPROVAL the first approval is recorded and a different
 * secretariat user completes it. The partner's users are emailed once it is approved.
 */
export async function approveStatement(tx: Tx, id: string, actor: Actor) {
  const s = await lockStatement(tx, id);
  if (s.status !== 'draft') throw new DomainError('payments.errors.notDraft');
  const needSecond = getEnv().PAYMENT_SECOND_APPROVAL;
  if (needSecond && !s.approved_by) {
    await tx
      .updateTable('payment_statement')
      .set({ approved_by: actor.userId, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await audit(tx, {
      actorId: actor.userId,
      action: 'payment.approve_first',
      subjectType: 'payment_statement',
      subjectId: id,
      ip: actor.ip,
    });
    return 'awaitingSecond' as const;
  }
  if (needSecond && s.approved_by === actor.userId)
    throw new DomainError('payments.errors.sameApprover');
  await tx
    .updateTable('payment_statement')
    .set({
      status: 'approved',
      approved_by: s.approved_by ?? actor.userId,
      second_approved_by: needSecond ? actor.userId : null,
      approved_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
  const people = await tx
    .selectFrom('app_user')
    .select(['email', 'name', 'locale'])
    .where('partner_id', '=', s.partner_id)
    .where('role', '=', 'partner')
    .where('status', '=', 'active')
    .execute();
  for (const p of people)
    await enqueueEmail(tx, {
      template: 'statement_approved',
      to: p.email,
      locale: p.locale as Locale,
      data: {
        name: p.name,
        reference: s.reference,
        month: s.month,
        transfer: s.transfer,
        url: `${appUrl()}/partner/statements/${s.id}`,
      },
    });
  await audit(tx, {
    actorId: actor.userId,
    action: 'payment.approve',
    subjectType: 'payment_statement',
    subjectId: id,
    ip: actor.ip,
  });
  return 'approved' as const;
}

/** Voids a draft or an approved statement not yet in a batch: its lines become billable again. */
export async function voidStatement(tx: Tx, id: string, reason: string, actor: Actor) {
  const s = await lockStatement(tx, id);
  if (s.status === 'void') throw new DomainError('payments.errors.alreadyVoid');
  if (s.status === 'paid' || s.batch_id) throw new DomainError('payments.errors.inBatch');
  if (!reason.trim()) throw new DomainError('payments.errors.reasonRequired', 'reason');
  await tx
    .updateTable('payment_statement')
    .set({
      status: 'void',
      voided_by: actor.userId,
      voided_at: sql`now()`,
      void_reason: reason.trim().slice(0, 500),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
  await tx
    .updateTable('payment_line')
    .set({ live: false })
    .where('statement_id', '=', id)
    .execute();
  await sql`update payment_night set live = false
    where line_id in (select id from payment_line where statement_id = ${id})`.execute(tx);
  await audit(tx, {
    actorId: actor.userId,
    action: 'payment.void',
    subjectType: 'payment_statement',
    subjectId: id,
    detail: { reason: reason.trim().slice(0, 500) },
    ip: actor.ip,
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

const STATEMENT_PAGE_SIZE = 100;

/** Newest month first, then by partner name (index payment_statement_month_idx on month). */
const STATEMENT_KEYS: SortKey[] = [
  { expr: sql`s.month`, dir: 'desc', type: 'text' },
  { expr: sql`p.name`, dir: 'asc', type: 'text' },
  { expr: sql`s.id`, dir: 'asc', type: 'uuid' },
];

/** Statements, filtered, one keyset page at a time. */
export function listStatements(
  q: Queryable,
  f: { month?: string; status?: string; statuses?: string[]; partnerId?: string },
  page: PageRequest = {},
) {
  let query = q
    .selectFrom('payment_statement as s')
    .innerJoin('partner as p', 'p.id', 's.partner_id')
    .select([
      's.id',
      's.reference',
      's.month',
      's.status',
      's.subtotal',
      's.consumption_tax',
      's.withholding_tax',
      's.transfer',
      's.approved_by',
      's.batch_id',
      's.paid_on',
      's.payment_result',
      'p.id as partner_id',
      'p.name as partner_name',
      sql<boolean>`p.bank_code is not null`.as('has_bank'),
    ]);
  if (f.month) query = query.where('s.month', '=', f.month);
  if (f.status) query = query.where('s.status', '=', f.status as never);
  if (f.statuses) query = query.where('s.status', 'in', f.statuses as never[]);
  if (f.partnerId) query = query.where('s.partner_id', '=', f.partnerId);
  return keysetPage(query, STATEMENT_KEYS, page, STATEMENT_PAGE_SIZE);
}

export async function getStatement(q: Queryable, id: string, viewer?: { partnerId: string }) {
  if (!isUuid(id)) return null;
  let query = q
    .selectFrom('payment_statement as s')
    .innerJoin('partner as p', 'p.id', 's.partner_id')
    .selectAll('s')
    .select(['p.name as partner_name', 'p.address as partner_address'])
    .where('s.id', '=', id);
  if (viewer) query = query.where('s.partner_id', '=', viewer.partnerId);
  const s = await query.executeTakeFirst();
  if (!s) return null;
  const lines = await q
    .selectFrom('payment_line as l')
    .leftJoin('mou as m', 'm.id', 'l.mou_id')
    .leftJoin('visit as v', 'v.id', 'l.visit_id')
    .leftJoin('accompaniment_request as r', 'r.id', 'v.request_id')
    .select([
      'l.id',
      'l.kind',
      'l.work_date',
      'l.quantity',
      'l.unit',
      'l.unit_price',
      'l.amount',
      'l.taxable',
      'l.note',
      'l.reason',
      'l.live',
      'm.reference_no as mou_reference',
      'r.reference as request_reference',
    ])
    .where('l.statement_id', '=', id)
    .orderBy(sql`l.kind = 'adjustment'`)
    .orderBy('l.work_date')
    .orderBy('l.created_at')
    .execute();
  return { ...s, lines };
}

// ---------------------------------------------------------------------------------------------
// Payment batches

/**
 * Approved statements → one batch with a transfer date. The statements are locked; any that is
 * no longer approved-and-unbatched (a double click, a colleague's batch) refuses the whole
 * attempt, so the same statements never end up in two batches.
 */
export async function createBatch(
  tx: Tx,
  statementIds: string[],
  transferDate: string,
  actor: Actor,
  now = new Date(),
) {
  const ids = [...new Set(statementIds.filter(isUuid))];
  if (!ids.length) throw new DomainError('payments.errors.noneChosen');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(transferDate) || transferDate < tokyoDate(now))
    throw new DomainError('payments.errors.badTransferDate', 'transferDate');
  const rows = await tx
    .selectFrom('payment_statement as s')
    .innerJoin('partner as p', 'p.id', 's.partner_id')
    .select(['s.id', 's.status', 's.batch_id', 's.transfer', 'p.name', 'p.bank_code'])
    .where('s.id', 'in', ids)
    .orderBy('s.id')
    .forUpdate('s')
    .execute();
  if (rows.length !== ids.length) throw new DomainError('errors.notFound');
  if (rows.some((r) => r.status !== 'approved' || r.batch_id))
    throw new DomainError('payments.errors.alreadyBatched');
  const noBank = rows.find((r) => !r.bank_code);
  if (noBank) throw new DomainError('payments.errors.noBankAccount');
  const payable = rows.filter((r) => r.transfer > 0);
  if (!payable.length) throw new DomainError('payments.errors.nothingToTransfer');
  const seq = await sql<{ n: string }>`select nextval('payment_batch_seq') as n`.execute(tx);
  const { id } = await tx
    .insertInto('payment_batch')
    .values({
      reference: `PB-${transferDate.replaceAll('-', '')}-${String(seq.rows[0]!.n).padStart(4, '0')}`,
      transfer_date: transferDate,
      statement_count: rows.length,
      total_transfer: rows.reduce((s, r) => s + r.transfer, 0),
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .updateTable('payment_statement')
    .set({ batch_id: id, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'payment.batch_create',
    subjectType: 'payment_batch',
    subjectId: id,
    detail: { statements: ids.length },
    ip: actor.ip,
  });
  return id;
}

const BATCH_PAGE_SIZE = 50;

const BATCH_KEYS: SortKey[] = [
  { expr: sql`created_at`, dir: 'desc', type: 'timestamptz' },
  { expr: sql`id`, dir: 'desc', type: 'uuid' },
];

/** Payment batches, newest first, one keyset page at a time. */
export function listBatches(q: Queryable, page: PageRequest = {}) {
  return keysetPage(q.selectFrom('payment_batch').selectAll(), BATCH_KEYS, page, BATCH_PAGE_SIZE);
}

export async function getBatch(q: Queryable, id: string) {
  if (!isUuid(id)) return null;
  const batch = await q
    .selectFrom('payment_batch')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!batch) return null;
  const statements = await q
    .selectFrom('payment_statement as s')
    .innerJoin('partner as p', 'p.id', 's.partner_id')
    .select([
      's.id',
      's.reference',
      's.month',
      's.status',
      's.transfer',
      's.paid_on',
      's.payment_result',
      'p.name as partner_name',
      'p.bank_code',
      'p.branch_code',
      'p.account_type',
      'p.account_number',
      'p.account_holder_kana',
    ])
    .where('s.batch_id', '=', id)
    .orderBy('p.name')
    .execute();
  return { ...batch, statements };
}

/** The Zengin transfer file of a batch (statements with something to transfer). */
export async function batchTransferFile(q: Queryable, id: string) {
  const { zenginFile } = await import('./zengin');
  const b = await getBatch(q, id);
  if (!b) return null;
  const env = getEnv();
  return {
    filename: `${b.reference}.txt`,
    content: zenginFile(
      {
        consignorCode: env.PAYER_CONSIGNOR_CODE,
        consignorName: env.PAYER_CONSIGNOR_NAME,
        bankCode: env.PAYER_BANK_CODE,
        bankName: env.PAYER_BANK_NAME,
        branchCode: env.PAYER_BRANCH_CODE,
        branchName: env.PAYER_BRANCH_NAME,
        accountType: env.PAYER_ACCOUNT_TYPE,
        accountNumber: env.PAYER_ACCOUNT_NUMBER,
      },
      b.transfer_date,
      b.statements
        .filter((s) => s.transfer > 0)
        .map((s) => ({
          bankCode: s.bank_code!,
          branchCode: s.branch_code!,
          accountType: s.account_type!,
          accountNumber: s.account_number!,
          holderKana: s.account_holder_kana!,
          amount: s.transfer,
        })),
    ),
  };
}

/** The same batch as CSV for accounting (UTF-8 with BOM, one row per statement). */
export async function batchCsv(q: Queryable, id: string) {
  const { stringify } = await import('csv-stringify/sync');
  const b = await getBatch(q, id);
  if (!b) return null;
  const full = await Promise.all(b.statements.map((s) => getStatement(q, s.id)));
  const rows = full.map((s) => [
    b.reference,
    b.transfer_date,
    s!.reference,
    s!.month,
    s!.partner_name,
    s!.invoice_number ?? '',
    s!.subtotal,
    s!.consumption_tax,
    s!.withholding_tax,
    s!.transfer,
    s!.status,
    s!.paid_on ?? '',
  ]);
  const text = stringify(
    [
      [
        'batch',
        'transfer_date',
        'statement',
        'month',
        'partner',
        'invoice_number',
        'subtotal',
        'consumption_tax',
        'withholding_tax',
        'transfer',
        'status',
        'paid_on',
      ],
      ...rows.map((r) => r.map(safeCell)),
    ],
    { record_delimiter: '\r\n' },
  );
  return { filename: `${b.reference}.csv`, content: `\uFEFF${text}` };
}

/**
 * The bank's result: each statement paid (on a date) or unpaid. Unpaid ones leave the batch and
 * can go into a new one; once every statement is settled the batch is closed for good.
 */
export async function recordResults(
  tx: Tx,
  batchId: string,
  results: { statementId: string; result: 'paid' | 'unpaid' }[],
  paidOn: string,
  actor: Actor,
) {
  if (!isUuid(batchId)) throw new DomainError('errors.notFound');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(paidOn)) throw new DomainError('errors.invalidDate', 'paidOn');
  const b = await tx
    .selectFrom('payment_batch')
    .selectAll()
    .where('id', '=', batchId)
    .forUpdate()
    .executeTakeFirst();
  if (!b) throw new DomainError('errors.notFound');
  if (b.status === 'paid') throw new DomainError('payments.errors.batchClosed');
  for (const r of results) {
    if (!isUuid(r.statementId)) continue;
    if (r.result === 'paid')
      await tx
        .updateTable('payment_statement')
        .set({ status: 'paid', paid_on: paidOn, payment_result: 'paid', updated_at: sql`now()` })
        .where('id', '=', r.statementId)
        .where('batch_id', '=', batchId)
        .where('status', '=', 'approved')
        .execute();
    else
      await tx
        .updateTable('payment_statement')
        .set({ payment_result: 'unpaid', batch_id: null, updated_at: sql`now()` })
        .where('id', '=', r.statementId)
        .where('batch_id', '=', batchId)
        .where('status', '=', 'approved')
        .execute();
  }
  const open = await tx
    .selectFrom('payment_statement')
    .select('id')
    .where('batch_id', '=', batchId)
    .where('status', '=', 'approved')
    .execute();
  // Statements that were not paid left the batch: its count and total follow.
  await sql`update payment_batch b set
      statement_count = (select count(*) from payment_statement s where s.batch_id = b.id),
      total_transfer = (select coalesce(sum(s.transfer), 0) from payment_statement s where s.batch_id = b.id)
    where b.id = ${batchId}`.execute(tx);
  if (!open.length)
    await tx
      .updateTable('payment_batch')
      .set({ status: 'paid', closed_at: sql`now()` })
      .where('id', '=', batchId)
      .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'payment.batch_results',
    subjectType: 'payment_batch',
    subjectId: batchId,
    detail: { results: results.length, closed: !open.length },
    ip: actor.ip,
  });
  return { closed: !open.length };
}
