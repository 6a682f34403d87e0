// Payments to partner organisations, on the real database: statements built from approved visits
// and shelter nights, adjustments, approval, void, batches, the Zengin file and bank results.
// Every amount expected below is worked out by hand from the MOU in the comment next to it.
// The database may hold other tests' rows: everything is found through this file's own ids, and
// every test uses its own partners (and its own month where a build could reach other partners).
import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, type Tx } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { DomainError } from '~/modules/errors';
import { mouSchema } from '~/modules/partners/mou-schema';
import { createMou } from '~/modules/partners/mous.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner, tokyoToday } from '~/modules/partners/partners.server';
import {
  addAdjustment,
  approveStatement,
  batchCsv,
  batchTransferFile,
  buildAll,
  buildStatement,
  createBatch,
  getStatement,
  recordResults,
  voidStatement,
} from '~/modules/payments/payments.server';
import { tokyoInstant, visitSchema } from '~/modules/visits/visit-schema';
import { logVisit, reviewVisit } from '~/modules/visits/visits.server';
import { makeRequest } from '../support/dispatch';

const run = randomBytes(3).toString('hex').toUpperCase();
let staff: { userId: string };
let counselorId: string;

const tx = <T>(fn: (t: Tx) => Promise<T>) => db.transaction().execute(fn);

/** A transfer date `days` from today in Tokyo (batches refuse dates in the past). */
const future = (days: number) => tokyoToday(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  staff = { userId: (await makeUser(db, { role: 'secretariat' }))!.id };
  counselorId = (await makeUser(db, { role: 'counselor' }))!.id;
});

type Payee = { id: string; key: string; requestId: string; accountNumber: string | null };
let accountSeq = 0;

/**
 * An active partner in Amakusa (dispatchable: ja/vi, hospital), with bank details unless
 * `bank: false`, and one accompaniment request its visits and stays hang on.
 */
async function payee(
  key: string,
  o: { kind?: string; bank?: boolean; withholding?: boolean } = {},
): Promise<Payee> {
  const accountNumber = o.bank === false ? null : String(3_000_000 + ++accountSeq);
  const id = await tx((t) =>
    createPartner(
      t,
      partnerSchema.parse({
        name: `支払テスト ${key} ${run}`,
        nameKana: 'しはらいてすと',
        kind: o.kind ?? 'npo',
        status: 'active',
        municipalityCode: '432156',
        lat: 32.4586,
        lng: 130.1934,
        serviceRadiusKm: 100,
        languages: ['ja', 'vi'],
        specialties: ['hospital'],
        withholdingTax: o.withholding ?? false,
        ...(accountNumber
          ? {
              bankCode: '0009',
              branchCode: '123',
              accountType: 'ordinary',
              accountNumber,
              accountHolderKana: `しはらいてすと ${key}`,
            }
          : {}),
      }),
      { userId: staff.userId },
    ),
  );
  const r = await makeRequest(counselorId);
  return { id, key, requestId: r.id, accountNumber };
}

let mouSeq = 0;
/** An active MOU (valid from 2026-01-01 unless said otherwise); fees default to zero. */
async function mou(partnerId: string, over: Record<string, unknown>) {
  const referenceNo = `MOU-PAY-${run}-${++mouSeq}`;
  const id = await tx((t) =>
    createMou(
      t,
      partnerId,
      mouSchema.parse({
        referenceNo,
        status: 'active',
        validFrom: '2026-01-01',
        visitBaseFee: 0,
        baseHours: 2,
        hourlyFee: 0,
        travelMode: 'none',
        maxConcurrentRequests: 20,
        ...over,
      }),
      null,
      staff,
    ),
  );
  return { id, referenceNo };
}

/** An approved visit row (its payable facts frozen by the visit trigger from now on). */
async function visit(
  p: Payee,
  date: string,
  o: {
    start?: string;
    end?: string;
    km?: number;
    interpreter?: number;
    status?: 'approved' | 'submitted';
  } = {},
) {
  const status = o.status ?? 'approved';
  const { id } = await db
    .insertInto('visit')
    .values({
      request_id: p.requestId,
      partner_id: p.id,
      visit_date: date,
      starts_at: tokyoInstant(date, o.start ?? '10:00'),
      ends_at: tokyoInstant(date, o.end ?? '12:00'),
      place: '天草中央総合病院',
      activities: '受診に同行した。',
      travel_km: o.km ?? null,
      interpreter_minutes: o.interpreter ?? 0,
      status,
      reviewed_by: status === 'approved' ? staff.userId : null,
      reviewed_at: status === 'approved' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A (past) shelter stay of the partner, in a shelter of its own. */
async function stay(p: Payee, checkIn: string, checkOut: string, beds: number) {
  const shelter = await db
    .insertInto('shelter')
    .values({
      partner_id: p.id,
      name: `シェルター ${p.key} ${run}`,
      capacity: 10,
      accepts: ['women', 'men', 'families'],
      municipality_code: '432156',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id } = await db
    .insertInto('shelter_stay')
    .values({
      shelter_id: shelter.id,
      request_id: p.requestId,
      partner_id: p.id,
      beds,
      check_in: checkIn,
      check_out: checkOut,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

const build = (p: Payee, month: string) => tx((t) => buildStatement(t, p.id, month, staff));
const approve = (id: string) => tx((t) => approveStatement(t, id, staff));

/** Builds and approves; returns the statement id. */
async function approvedStatement(p: Payee, month: string) {
  const r = await build(p, month);
  expect(r.outcome).toBe('created');
  expect(await approve(r.statementId!)).toBe('approved');
  return r.statementId!;
}

const statement = (id: string) =>
  db.selectFrom('payment_statement').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const totals = async (id: string) => {
  const s = await statement(id);
  return {
    subtotal: s.subtotal,
    taxable_base: s.taxable_base,
    consumption_tax: s.consumption_tax,
    withholding_tax: s.withholding_tax,
    total: s.total,
    transfer: s.transfer,
  };
};

/** The partner's statements for a month that are not void. */
const liveStatements = (p: Payee, month: string) =>
  db
    .selectFrom('payment_statement')
    .select(['id', 'status'])
    .where('partner_id', '=', p.id)
    .where('month', '=', month)
    .where('status', '!=', 'void')
    .execute();

/** Live lines paying for the partner's visits and stays, wherever they are. */
const liveLinesOf = (p: Payee) =>
  db
    .selectFrom('payment_line as l')
    .innerJoin('payment_statement as s', 's.id', 'l.statement_id')
    .select([
      'l.statement_id',
      'l.visit_id',
      'l.stay_id',
      'l.kind',
      'l.amount',
      'l.quantity',
      'l.mou_id',
      'l.work_date',
    ])
    .where('s.partner_id', '=', p.id)
    .where('l.live', '=', true)
    .where('l.kind', '!=', 'adjustment')
    .orderBy('l.work_date')
    .orderBy('l.kind')
    .execute();

/** What a promise was rejected with (fails the test if it resolved). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e,
  );
}

async function refused(p: Promise<unknown>, code: string) {
  const e = await rejection(p);
  expect(e, `expected DomainError ${code}, got ${String(e)}`).toBeInstanceOf(DomainError);
  expect((e as DomainError).code).toBe(code);
}

/** Resolves for each caller once `n` callers have arrived: holds transactions open together. */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return async () => {
    if (++arrived === n) open();
    await gate;
  };
}

describe('building statements', () => {
  it('⚑ concurrent builds of the same partner and month (and "build all") never pay anything twice', async () => {
    // ¥8,000 per visit covering 2 h, ¥3,000/h beyond, ¥30/km capped at ¥6,000, interpreter
    // ¥3,000/h, shelter ¥4,000 per bed-night, consumption tax.
    const p = await payee('CONC');
    await mou(p.id, {
      visitBaseFee: 8000,
      baseHours: 2,
      hourlyFee: 3000,
      travelMode: 'per_km',
      travelPerKm: 30,
      travelCap: 6000,
      interpreterHourly: 3000,
      shelterPerNight: 4000,
      consumptionTax: true,
    });
    // A: 2 h, 10 km → 8,000 + 300 = 8,300
    const a = await visit(p, '2026-06-05', { start: '10:00', end: '12:00', km: 10 });
    // B: 3 h 40 min → 100 min beyond = 4 half hours → 6,000; 250 km → 7,500 capped at 6,000;
    //    45 min interpreting → 2,250; with the base: 22,250
    const b = await visit(p, '2026-06-12', {
      start: '09:00',
      end: '12:40',
      km: 250,
      interpreter: 45,
    });
    // C: on the month's last day → 8,000
    const c = await visit(p, '2026-06-30', { start: '13:00', end: '14:00' });
    // D: next month; E: not approved — neither is on June's statement.
    const d = await visit(p, '2026-07-01');
    const e = await visit(p, '2026-06-20', { status: 'submitted' });
    // Stay 27 June – 3 July, 2 beds: June nights 27, 28, 29, 30 → 8 bed-nights × 4,000 = 32,000
    const stayId = await stay(p, '2026-06-27', '2026-07-03', 2);

    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => build(p, '2026-06')),
      buildAll('2026-06', staff),
    ]);
    for (const r of results)
      expect(r.status, String((r as PromiseRejectedResult).reason)).toBe('fulfilled');
    const mine = results
      .flatMap((r) => (r.status === 'fulfilled' ? [r.value].flat() : []))
      .filter((x) => x.partnerId === p.id);
    expect(mine.filter((x) => x.outcome === 'created')).toHaveLength(1);

    const live = await liveStatements(p, '2026-06');
    expect(live).toHaveLength(1);
    const id = live[0].id;
    expect(new Set(mine.map((x) => x.statementId))).toEqual(new Set([id]));

    const lines = await liveLinesOf(p);
    // Each visit's lines once, each item of a visit once, all on the one statement.
    expect(lines.every((l) => l.statement_id === id)).toBe(true);
    expect(
      lines
        .map((l) => [l.visit_id ?? l.stay_id, l.kind, l.amount])
        .sort((x, y) => String(x).localeCompare(String(y))),
    ).toEqual(
      [
        [a, 'visit_base', 8000],
        [a, 'travel_km', 300],
        [b, 'visit_base', 8000],
        [b, 'visit_extra_hours', 6000],
        [b, 'travel_km', 6000],
        [b, 'interpreter', 2250],
        [c, 'visit_base', 8000],
        [stayId, 'shelter_nights', 32000],
      ].sort((x, y) => String(x).localeCompare(String(y))),
    );
    expect(lines.some((l) => l.visit_id === d || l.visit_id === e)).toBe(false);

    // Each shelter night once among live nights.
    const nights = await db
      .selectFrom('payment_night')
      .select('night')
      .where('stay_id', '=', stayId)
      .where('live', '=', true)
      .orderBy('night')
      .execute();
    expect(nights.map((n) => n.night)).toEqual([
      '2026-06-27',
      '2026-06-28',
      '2026-06-29',
      '2026-06-30',
    ]);

    // 8,300 + 22,250 + 8,000 + 32,000 = 70,550; tax 10% = 7,055; no withholding.
    expect(await totals(id)).toEqual({
      subtotal: 70550,
      taxable_base: 70550,
      consumption_tax: 7055,
      withholding_tax: 0,
      total: 77605,
      transfer: 77605,
    });

    // Building again adds nothing; July takes D and July's nights (1, 2 July: 4 bed-nights).
    expect((await build(p, '2026-06')).outcome).toBe('unchanged');
    const july = await build(p, '2026-07');
    expect(july.outcome).toBe('created');
    const julyLines = (await liveLinesOf(p)).filter((l) => l.statement_id === july.statementId);
    expect(julyLines.map((l) => [l.visit_id ?? l.stay_id, l.kind, l.amount])).toEqual([
      [stayId, 'shelter_nights', 16000],
      [d, 'visit_base', 8000],
    ]);
    const allNights = await db
      .selectFrom('payment_night')
      .select(['night', sql<number>`count(*)::int`.as('n')])
      .where('stay_id', '=', stayId)
      .where('live', '=', true)
      .groupBy('night')
      .execute();
    expect(allNights).toHaveLength(6);
    expect(allNights.every((n) => n.n === 1)).toBe(true);
  });

  it('an MOU that changes mid-month prices each visit and night by the MOU in force on its date', async () => {
    const p = await payee('MIDMONTH');
    // 1–15 September: ¥5,000 per visit, ¥3,000 a night; from the 16th: ¥6,000 and ¥3,500.
    const first = await mou(p.id, {
      validFrom: '2026-09-01',
      validUntil: '2026-09-15',
      visitBaseFee: 5000,
      shelterPerNight: 3000,
    });
    const second = await mou(p.id, {
      validFrom: '2026-09-16',
      visitBaseFee: 6000,
      shelterPerNight: 3500,
    });
    const v10 = await visit(p, '2026-09-10');
    const v20 = await visit(p, '2026-09-20');
    // Nights 14, 15 under the first MOU (2 × 3,000), 16, 17 under the second (2 × 3,500).
    const stayId = await stay(p, '2026-09-14', '2026-09-18', 1);

    const r = await build(p, '2026-09');
    expect(r.outcome).toBe('created');
    const lines = await liveLinesOf(p);
    expect(
      lines.map((l) => ({
        source: l.visit_id ?? l.stay_id,
        kind: l.kind,
        amount: l.amount,
        quantity: Number(l.quantity),
        mou: l.mou_id,
      })),
    ).toEqual([
      { source: v10, kind: 'visit_base', amount: 5000, quantity: 1, mou: first.id },
      { source: stayId, kind: 'shelter_nights', amount: 6000, quantity: 2, mou: first.id },
      { source: stayId, kind: 'shelter_nights', amount: 7000, quantity: 2, mou: second.id },
      { source: v20, kind: 'visit_base', amount: 6000, quantity: 1, mou: second.id },
    ]);
    // The statement explains each line by its MOU.
    const s = await getStatement(db, r.statementId!);
    expect(
      s!.lines.filter((l) => l.kind === 'visit_base').map((l) => [l.amount, l.mou_reference]),
    ).toEqual([
      [5000, first.referenceNo],
      [6000, second.referenceNo],
    ]);
    expect((await totals(r.statementId!)).subtotal).toBe(24000);
  });

  it('"build all" in batches gives every partner the statement building it alone gives; approved ones stay untouched', async () => {
    // Two identical sets of partners: one built one by one, the other by "build all" in
    // batches of two (so batches mix partners with and without stays, and the locked one).
    const setUp = async (set: string) => {
      const ps: Payee[] = [];
      for (let i = 0; i < 5; i++) {
        const p = await payee(`BATCH-${set}${i}`, { withholding: i === 1 });
        await mou(p.id, {
          visitBaseFee: 1000 * (i + 1),
          hourlyFee: 2000,
          travelMode: 'per_km',
          travelPerKm: 20,
          shelterPerNight: 3000,
          consumptionTax: i === 2,
        });
        await visit(p, '2026-03-10', { start: '09:00', end: '13:10', km: 12 + i });
        await visit(p, '2026-03-24');
        if (i % 2 === 0) await stay(p, '2026-03-29', '2026-04-02', 1 + i);
        ps.push(p);
      }
      return ps;
    };
    const shape = async (p: Payee) => {
      const [st] = await liveStatements(p, '2026-03');
      const lines = (await liveLinesOf(p)).map((l) => [l.kind, l.amount, Number(l.quantity)]);
      return { status: st?.status, totals: st && (await totals(st.id)), lines };
    };

    const alone = await setUp('A');
    const batched = await setUp('B');
    // The last partner of each set already has an approved statement for March; a visit
    // approved afterwards must wait for a later month's statement.
    const lockedA = await approvedStatement(alone[4]!, '2026-03');
    const lockedB = await approvedStatement(batched[4]!, '2026-03');
    await visit(alone[4]!, '2026-03-26');
    const late = await visit(batched[4]!, '2026-03-26');

    for (const p of alone.slice(0, 4)) expect((await build(p, '2026-03')).outcome).toBe('created');
    const results = await buildAll('2026-03', staff, new Date(), { batch: 2, lanes: 2 });
    const ours = (p: Payee) => results.filter((r) => r.partnerId === p.id);
    for (const p of batched.slice(0, 4)) {
      expect(ours(p)).toMatchObject([{ outcome: 'created', added: expect.any(Number) }]);
      expect(ours(p)[0]!.added).toBeGreaterThan(0);
    }
    expect(ours(batched[4]!)).toMatchObject([{ outcome: 'locked', statementId: lockedB }]);
    expect((await liveLinesOf(batched[4]!)).some((l) => l.visit_id === late)).toBe(false);

    for (let i = 0; i < 5; i++) {
      const [a, b] = [await shape(alone[i]!), await shape(batched[i]!)];
      expect(b).toEqual(a);
      expect(a.lines.length).toBeGreaterThan(0);
    }
    expect((await statement(lockedA)).status).toBe('approved');

    // Each created statement has its one audit entry.
    for (const p of batched.slice(0, 4)) {
      const id = ours(p)[0]!.statementId!;
      const entries = await db
        .selectFrom('audit_log')
        .select('action')
        .where('subject_id', '=', id)
        .execute();
      expect(entries.map((e) => e.action)).toEqual(['payment.statement_build']);
    }

    // Building again adds nothing.
    const linesBefore = await Promise.all(batched.map(liveLinesOf));
    const again = await buildAll('2026-03', staff, new Date(), { batch: 3, lanes: 2 });
    for (const p of batched.slice(0, 4))
      expect(again.filter((r) => r.partnerId === p.id).every((r) => r.added === 0)).toBe(true);
    expect(await Promise.all(batched.map(liveLinesOf))).toEqual(linesBefore);
  });

  it('a public body with a zero-fee MOU gets no statement', async () => {
    const p = await payee('PUBLIC', { kind: 'municipality', bank: false });
    await mou(p.id, { visitBaseFee: 0, hourlyFee: 0, travelMode: 'none', shelterPerNight: 0 });
    await visit(p, '2026-01-14', { start: '09:00', end: '15:00', km: 40, interpreter: 120 });
    await visit(p, '2026-01-28');
    await stay(p, '2026-01-10', '2026-01-20', 2);
    const r = await build(p, '2026-01');
    expect(r).toMatchObject({ outcome: 'nothing', statementId: null, added: 0 });
    const rows = await db
      .selectFrom('payment_statement')
      .select('id')
      .where('partner_id', '=', p.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('void', () => {
  it('voiding (with a reason) releases the lines: the next build bills the same visits again', async () => {
    const p = await payee('VOID');
    await mou(p.id, { visitBaseFee: 5000 });
    const v1 = await visit(p, '2026-08-03');
    const v2 = await visit(p, '2026-08-17');
    const billed = async () =>
      (
        await db
          .selectFrom('visit')
          .select(['id', 'billed'])
          .where('id', 'in', [v1, v2])
          .orderBy('visit_date')
          .execute()
      ).map((v) => v.billed);
    expect(await billed()).toEqual([false, false]);
    const first = await build(p, '2026-08');
    expect(first.outcome).toBe('created');
    const s1 = first.statementId!;
    // The flag the build looks visits up by follows the live lines, both ways.
    expect(await billed()).toEqual([true, true]);
    const before = (await liveLinesOf(p)).map((l) => [l.visit_id, l.kind, l.amount]);
    expect(before).toEqual([
      [v1, 'visit_base', 5000],
      [v2, 'visit_base', 5000],
    ]);

    await refused(
      tx((t) => voidStatement(t, s1, '   ', staff)),
      'payments.errors.reasonRequired',
    );
    expect((await statement(s1)).status).toBe('draft');
    await tx((t) => voidStatement(t, s1, '金額の誤り', staff));
    expect(await statement(s1)).toMatchObject({ status: 'void', void_reason: '金額の誤り' });
    expect(await liveLinesOf(p)).toEqual([]);
    expect(await billed()).toEqual([false, false]);
    await refused(
      tx((t) => voidStatement(t, s1, 'もう一度', staff)),
      'payments.errors.alreadyVoid',
    );

    // A new statement with the same amounts.
    const second = await build(p, '2026-08');
    expect(second.outcome).toBe('created');
    const s2 = second.statementId!;
    expect(s2).not.toBe(s1);
    expect((await liveLinesOf(p)).map((l) => [l.visit_id, l.kind, l.amount])).toEqual(before);
    expect(await billed()).toEqual([true, true]);
    expect(await totals(s2)).toEqual({
      subtotal: 10000,
      taxable_base: 0,
      consumption_tax: 0,
      withholding_tax: 0,
      total: 10000,
      transfer: 10000,
    });

    // An approved statement can be voided too, releasing its lines again.
    expect(await approve(s2)).toBe('approved');
    await tx((t) => voidStatement(t, s2, '承認後に誤りが判明', staff));
    expect((await statement(s2)).status).toBe('void');
    expect(await liveLinesOf(p)).toEqual([]);

    // Once in a batch it cannot.
    const s3 = await approvedStatement(p, '2026-08');
    await tx((t) => createBatch(t, [s3], future(43), staff));
    await refused(
      tx((t) => voidStatement(t, s3, '振込前に取消', staff)),
      'payments.errors.inBatch',
    );
    expect((await statement(s3)).status).toBe('approved');
    expect((await liveLinesOf(p)).map((l) => l.statement_id)).toEqual([s3, s3]);
    expect(await liveStatements(p, '2026-08')).toEqual([{ id: s3, status: 'approved' }]);
  });
});

describe('adjustments and totals', () => {
  it('requires a reason, allows a negative amount and recomputes tax and withholding', async () => {
    // An individual professional: withholding 10.21%; ¥10,000 per visit, consumption tax.
    const p = await payee('ADJUST', { kind: 'lawyer', withholding: true });
    await mou(p.id, { visitBaseFee: 10000, consumptionTax: true });
    await visit(p, '2026-10-06');
    await visit(p, '2026-10-20');
    const r = await build(p, '2026-10');
    const id = r.statementId!;
    expect((await statement(id)).withholding_applies).toBe(true);
    // 20,000; tax 2,000; withholding ⌊20,000 × 10.21%⌋ = 2,042; transfer 22,000 − 2,042.
    expect(await totals(id)).toEqual({
      subtotal: 20000,
      taxable_base: 20000,
      consumption_tax: 2000,
      withholding_tax: 2042,
      total: 22000,
      transfer: 19958,
    });

    await refused(
      tx((t) => addAdjustment(t, id, { amount: 500, reason: '  \n ', taxable: true }, staff)),
      'payments.errors.reasonRequired',
    );
    // −3,333 taxable → 16,667; tax ⌊1,666.7⌋ = 1,666; withholding ⌊16,667 × 0.1021⌋ =
    // ⌊1,701.70⌋ = 1,701; total 18,333; transfer 16,632.
    await tx((t) =>
      addAdjustment(t, id, { amount: -3333, reason: '重複計上の訂正', taxable: true }, staff),
    );
    expect(await totals(id)).toEqual({
      subtotal: 16667,
      taxable_base: 16667,
      consumption_tax: 1666,
      withholding_tax: 1701,
      total: 18333,
      transfer: 16632,
    });
    // +1,234 not taxable → subtotal 17,901, taxable still 16,667, tax 1,666; withholding
    // ⌊17,901 × 0.1021⌋ = ⌊1,827.69⌋ = 1,827; total 19,567; transfer 17,740.
    await tx((t) =>
      addAdjustment(t, id, { amount: 1234, reason: '実費精算（非課税）', taxable: false }, staff),
    );
    expect(await totals(id)).toEqual({
      subtotal: 17901,
      taxable_base: 16667,
      consumption_tax: 1666,
      withholding_tax: 1827,
      total: 19567,
      transfer: 17740,
    });
    const adjustments = await db
      .selectFrom('payment_line')
      .select(['amount', 'reason', 'taxable', 'live', 'source_key'])
      .where('statement_id', '=', id)
      .where('kind', '=', 'adjustment')
      .orderBy('created_at')
      .execute();
    expect(adjustments).toEqual([
      { amount: -3333, reason: '重複計上の訂正', taxable: true, live: true, source_key: null },
      { amount: 1234, reason: '実費精算（非課税）', taxable: false, live: true, source_key: null },
    ]);
  });
});

describe('approval', () => {
  it("emails the partner's users; the approved statement's lines cannot be changed", async () => {
    // The app's own flow: request → offer → accept → visit logged → approved → statement.
    const p = await payee('APPROVE');
    await mou(p.id, { visitBaseFee: 7000, travelMode: 'per_km', travelPerKm: 20 });
    const users = [
      (await makeUser(db, { role: 'partner', partnerId: p.id, email: `pay-a-${run}@p.example` }))!,
      (await makeUser(db, {
        role: 'partner',
        partnerId: p.id,
        email: `pay-b-${run}@p.example`,
        locale: 'en',
      }))!,
    ];
    const actor = { userId: users[0].id, partnerId: p.id };
    await tx((t) => sendOffers(t, p.requestId, [p.id], { userId: counselorId }));
    const offer = await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', p.requestId)
      .executeTakeFirstOrThrow();
    expect(await acceptOffer(offer.id, { id: actor.userId, partnerId: p.id })).toEqual({
      ok: true,
    });
    const today = tokyoToday();
    const visitId = await tx((t) =>
      logVisit(
        t,
        p.requestId,
        visitSchema.parse({
          visitDate: today,
          startTime: '09:30',
          endTime: '11:30',
          place: '天草中央総合病院',
          activities: '受付と診察に同行した。',
          travelKm: 12.5,
        }),
        null,
        actor,
      ),
    );
    await tx((t) => reviewVisit(t, visitId, { intent: 'approve', comment: '', version: 1 }, staff));

    // 7,000 + 12.5 km × 20 = 250 → 7,250
    const month = today.slice(0, 7);
    const r = await build(p, month);
    expect(r.outcome).toBe('created');
    const id = r.statementId!;
    expect((await totals(id)).transfer).toBe(7250);
    expect(await approve(id)).toBe('approved');
    const s = await statement(id);
    expect(s.status).toBe('approved');
    expect(s.approved_by).toBe(staff.userId);

    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['to_address', 'text_body', 'subject'])
      .where('template', '=', 'statement_approved')
      .where('text_body', 'like', `%/partner/statements/${id}%`)
      .orderBy('to_address')
      .execute();
    expect(mail.map((m) => m.to_address)).toEqual(users.map((u) => u.email).sort());
    for (const m of mail) {
      expect(m.text_body).toContain('¥7,250');
      expect(m.subject).toContain(s.reference);
    }

    // Frozen: no update, insert or delete of its lines, whatever the code does.
    const [line] = await liveLinesOf(p);
    await expect(
      sql`update payment_line set amount = amount + 1 where statement_id = ${id}`.execute(db),
    ).rejects.toThrow(/frozen/);
    await expect(
      sql`insert into payment_line (statement_id, kind, quantity, unit, unit_price, amount, taxable, reason)
          values (${id}, 'adjustment', 1, 'yen', 100, 100, false, 'x')`.execute(db),
    ).rejects.toThrow(/frozen/);
    await expect(
      sql`delete from payment_line where statement_id = ${id}`.execute(db),
    ).rejects.toThrow(/frozen/);
    await refused(
      tx((t) => addAdjustment(t, id, { amount: 100, reason: '追加', taxable: false }, staff)),
      'payments.errors.notDraft',
    );
    await refused(approve(id), 'payments.errors.notDraft');
    expect((await liveLinesOf(p)).map((l) => [l.kind, l.amount])).toEqual([
      ['travel_km', 250],
      ['visit_base', 7000],
    ]);
    expect(line.statement_id).toBe(id);
  });

  it("⚑ an approved statement's line cannot be taken off it by a direct update (live = false)", async () => {
    // Clearing "live" would release the visit to the next statement while the approved one
    // still pays it: a double payment.
    const p = await payee('FROZENLIVE');
    await mou(p.id, { visitBaseFee: 4500 });
    const v = await visit(p, '2026-05-11');
    const id = await approvedStatement(p, '2026-05');
    const attempt = tx(async (t) => {
      await sql`update payment_line set live = false, amount = 0 where statement_id = ${id}`.execute(
        t,
      );
      // Never keep what went through: this test must not leave a broken statement behind.
      throw new Error("the update of an approved statement's lines went through");
    });
    await expect(attempt).rejects.toThrow(/frozen/);
    expect((await liveLinesOf(p)).map((l) => [l.visit_id, l.amount, l.statement_id])).toEqual([
      [v, 4500, id],
    ]);
  });
});

describe('payment batches', () => {
  it('⚑ two concurrent batch creations from the same statements make exactly one batch', async () => {
    const a = await payee('BATCHA');
    const b = await payee('BATCHB');
    await mou(a.id, { visitBaseFee: 4000 });
    await mou(b.id, { visitBaseFee: 6000 });
    await visit(a, '2026-04-08');
    await visit(b, '2026-04-09');
    await visit(b, '2026-04-22');
    const sa = await approvedStatement(a, '2026-04');
    const sb = await approvedStatement(b, '2026-04');
    const date = future(40);

    const arrive = barrier(2);
    const attempts = await Promise.allSettled(
      [0, 1].map(() =>
        tx(async (t) => {
          await sql`select 1`.execute(t);
          await arrive();
          return createBatch(t, [sa, sb], date, staff);
        }),
      ),
    );
    const ok = attempts.filter((x) => x.status === 'fulfilled');
    const failed = attempts.filter((x) => x.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    const reason = (failed[0] as PromiseRejectedResult).reason as DomainError;
    expect(reason).toBeInstanceOf(DomainError);
    expect(reason.code).toBe('payments.errors.alreadyBatched');
    const batchId = (ok[0] as PromiseFulfilledResult<string>).value;

    // A second click afterwards is refused the same way.
    await refused(
      tx((t) => createBatch(t, [sb, sa], date, staff)),
      'payments.errors.alreadyBatched',
    );
    await refused(
      tx((t) => createBatch(t, [sb], date, staff)),
      'payments.errors.alreadyBatched',
    );

    const batches = await db
      .selectFrom('payment_batch')
      .select(['id', 'statement_count', 'total_transfer', 'status'])
      .where('transfer_date', '=', date)
      .execute();
    expect(batches).toEqual([
      { id: batchId, statement_count: 2, total_transfer: '16000', status: 'open' },
    ]);
    for (const s of [sa, sb]) expect((await statement(s)).batch_id).toBe(batchId);
  });

  it('a partner without bank details cannot be put in a batch', async () => {
    const p = await payee('NOBANK', { bank: false });
    await mou(p.id, { visitBaseFee: 5000 });
    await visit(p, '2026-04-15');
    const id = await approvedStatement(p, '2026-04');
    const date = future(44);
    await refused(
      tx((t) => createBatch(t, [id], date, staff)),
      'payments.errors.noBankAccount',
    );
    expect((await statement(id)).batch_id).toBeNull();
    expect(
      await db.selectFrom('payment_batch').select('id').where('transfer_date', '=', date).execute(),
    ).toEqual([]);
  });

  it("the Zengin file carries each statement's transfer and the total; the CSV starts with a BOM", async () => {
    // A: withholding; ¥9,000 + tax 900 = 9,900 − ⌊9,000 × 0.1021⌋ = 918 → transfer 8,982.
    const a = await payee('FILEA', { withholding: true });
    await mou(a.id, { visitBaseFee: 9000, consumptionTax: true });
    await visit(a, '2026-03-04');
    // B: 2 × ¥6,000, no tax → 12,000.
    const b = await payee('FILEB');
    await mou(b.id, { visitBaseFee: 6000 });
    await visit(b, '2026-03-05');
    await visit(b, '2026-03-25');
    const sa = await approvedStatement(a, '2026-03');
    const sb = await approvedStatement(b, '2026-03');
    expect([(await statement(sa)).transfer, (await statement(sb)).transfer]).toEqual([8982, 12000]);
    const date = future(41);
    const batchId = await tx((t) => createBatch(t, [sa, sb], date, staff));
    const batch = await db
      .selectFrom('payment_batch')
      .selectAll()
      .where('id', '=', batchId)
      .executeTakeFirstOrThrow();
    expect(Number(batch.total_transfer)).toBe(20982);

    const file = (await batchTransferFile(db, batchId))!;
    expect(file.filename).toBe(`${batch.reference}.txt`);
    const buf = file.content;
    expect(buf.length % 122).toBe(0);
    const recs: Buffer[] = [];
    for (let at = 0; at < buf.length; at += 122) {
      expect(buf.subarray(at + 120, at + 122).toString('latin1')).toBe('\r\n');
      recs.push(buf.subarray(at, at + 120));
    }
    const f = (r: Buffer, from: number, to: number) =>
      iconv.decode(r.subarray(from - 1, to), 'Shift_JIS');
    expect(recs.map((r) => f(r, 1, 1))).toEqual(['1', '2', '2', '8', '9']);
    expect(f(recs[0], 55, 58)).toBe(date.slice(5, 7) + date.slice(8, 10));
    const data = recs
      .slice(1, 3)
      .map((r) => ({
        bank: f(r, 2, 5),
        branch: f(r, 21, 23),
        type: f(r, 43, 43),
        account: f(r, 44, 50),
        holder: f(r, 51, 80).trimEnd(),
        amount: Number(f(r, 81, 90)),
      }))
      .sort((x, y) => x.account.localeCompare(y.account));
    expect(data).toEqual([
      {
        bank: '0009',
        branch: '123',
        type: '1',
        account: a.accountNumber,
        holder: 'ｼﾊﾗｲﾃｽﾄ FILEA',
        amount: 8982,
      },
      {
        bank: '0009',
        branch: '123',
        type: '1',
        account: b.accountNumber,
        holder: 'ｼﾊﾗｲﾃｽﾄ FILEB',
        amount: 12000,
      },
    ]);
    expect(f(recs[3], 2, 7)).toBe('000002');
    expect(Number(f(recs[3], 8, 19))).toBe(20982);

    const csv = (await batchCsv(db, batchId))!;
    expect(csv.filename).toBe(`${batch.reference}.csv`);
    expect(csv.content.charCodeAt(0)).toBe(0xfeff);
    expect(csv.content.startsWith('\uFEFFbatch,transfer_date,statement,')).toBe(true);
    const rows = csv.content.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(3);
    const byRef = Object.fromEntries(rows.slice(1).map((r) => [r.split(',')[2], r.split(',')]));
    expect(byRef[(await statement(sa)).reference][9]).toBe('8982');
    expect(byRef[(await statement(sb)).reference][9]).toBe('12000');
    expect(byRef[(await statement(sa)).reference][8]).toBe('918');
  });

  it("records the bank's results: paid statements are paid, unpaid leave the batch, a settled batch closes for good", async () => {
    const ps = await Promise.all(['RESA', 'RESB', 'RESC'].map((k) => payee(k)));
    for (const p of ps) {
      await mou(p.id, { visitBaseFee: 3000 });
      await visit(p, '2026-02-10');
    }
    const [sa, sb, sc] = [
      await approvedStatement(ps[0], '2026-02'),
      await approvedStatement(ps[1], '2026-02'),
      await approvedStatement(ps[2], '2026-02'),
    ];
    const date = future(42);
    const batchId = await tx((t) => createBatch(t, [sa, sb, sc], date, staff));

    expect(
      await tx((t) =>
        recordResults(
          t,
          batchId,
          [
            { statementId: sa, result: 'paid' },
            { statementId: sb, result: 'unpaid' },
          ],
          date,
          staff,
        ),
      ),
    ).toEqual({ closed: false });
    expect(await statement(sa)).toMatchObject({
      status: 'paid',
      paid_on: date,
      payment_result: 'paid',
      batch_id: batchId,
    });
    expect(await statement(sb)).toMatchObject({
      status: 'approved',
      paid_on: null,
      payment_result: 'unpaid',
      batch_id: null,
    });
    const open = await db
      .selectFrom('payment_batch')
      .select(['status', 'closed_at'])
      .where('id', '=', batchId)
      .executeTakeFirstOrThrow();
    expect(open).toEqual({ status: 'open', closed_at: null });

    expect(
      await tx((t) =>
        recordResults(t, batchId, [{ statementId: sc, result: 'paid' }], date, staff),
      ),
    ).toEqual({ closed: true });
    const closed = await db
      .selectFrom('payment_batch')
      .select(['status', 'closed_at'])
      .where('id', '=', batchId)
      .executeTakeFirstOrThrow();
    expect(closed.status).toBe('paid');
    expect(closed.closed_at).not.toBeNull();
    expect(await statement(sc)).toMatchObject({ status: 'paid', paid_on: date });

    // Paid statements and the closed batch never change again, whatever the code does.
    await expect(
      sql`update payment_statement set transfer = 0 where id = ${sa}`.execute(db),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql`update payment_statement set status = 'approved', paid_on = null where id = ${sc}`.execute(
        db,
      ),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql`update payment_batch set status = 'open', closed_at = null where id = ${batchId}`.execute(
        db,
      ),
    ).rejects.toThrow(/immutable/);
    await expect(
      sql`update payment_line set amount = 0 where statement_id = ${sa}`.execute(db),
    ).rejects.toThrow(/frozen/);
    await refused(
      tx((t) => recordResults(t, batchId, [{ statementId: sb, result: 'paid' }], date, staff)),
      'payments.errors.batchClosed',
    );
    await refused(
      tx((t) => voidStatement(t, sa, '誤り', staff)),
      'payments.errors.inBatch',
    );
    expect((await statement(sa)).transfer).toBe(3000);

    // The unpaid statement can go into a new batch.
    const again = await tx((t) => createBatch(t, [sb], future(45), staff));
    expect((await statement(sb)).batch_id).toBe(again);
  });
});
