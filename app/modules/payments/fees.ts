// Pricing of approved work under the MOU in force on its date, and the statement totals.
// Pure functions on integer yen: every line says which MOU item and quantity it came from, so a
// statement can be explained line by line. (Client-safe: no server imports.)

export type LineKind =
  | 'visit_base'
  | 'visit_extra_hours'
  | 'travel_km'
  | 'travel_actual'
  | 'interpreter'
  | 'shelter_nights'
  | 'adjustment';

export interface PricedLine {
  kind: LineKind;
  /** What was counted: visits, half hours, km, yen, minutes, bed-nights. */
  quantity: number;
  unit: 'visit' | 'hour' | 'km' | 'yen' | 'minute' | 'bed_night';
  /** Price per unit in yen as written in the MOU (for hours: per hour). */
  unitPrice: number;
  amount: number;
  taxable: boolean;
  /** e.g. "上限 ¥6,000 適用" — why the amount differs from quantity × price. */
  note: string;
}

export interface MouFees {
  visit_base_fee: number;
  /** Hours the base fee covers (may be fractional, e.g. 2.5). */
  base_hours: number;
  hourly_fee: number;
  travel_mode: 'none' | 'per_km' | 'actual';
  travel_per_km: number;
  travel_cap: number | null;
  interpreter_hourly: number;
  shelter_per_night: number;
  consumption_tax: boolean;
}

export interface VisitFacts {
  /** Minutes between start and end of the accompaniment. */
  minutes: number;
  travel_km: number | null;
  travel_cost: number | null;
  interpreter_minutes: number;
}

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;

/**
 * One visit under its MOU:
 * - the base fee, once per visit;
 * - time beyond the base hours, counted in started half hours, at the hourly fee
 *   (amount = half hours × hourly fee ÷ 2, rounded down);
 * - travel: km × price per km (rounded down), or the actual cost; either capped by the MOU's cap;
 * - interpreter time: minutes × hourly price ÷ 60, rounded down.
 * Items priced at zero are left out (public bodies' MOUs have zero fees: no lines at all).
 */
export function priceVisit(mou: MouFees, v: VisitFacts): PricedLine[] {
  const taxable = mou.consumption_tax;
  const lines: PricedLine[] = [];
  if (mou.visit_base_fee > 0)
    lines.push({
      kind: 'visit_base',
      quantity: 1,
      unit: 'visit',
      unitPrice: mou.visit_base_fee,
      amount: mou.visit_base_fee,
      taxable,
      note: '',
    });
  const extraMinutes = Math.max(0, v.minutes - Math.round(mou.base_hours * 60));
  if (mou.hourly_fee > 0 && extraMinutes > 0) {
    const halfHours = Math.ceil(extraMinutes / 30);
    lines.push({
      kind: 'visit_extra_hours',
      quantity: halfHours / 2,
      unit: 'hour',
      unitPrice: mou.hourly_fee,
      amount: Math.floor((halfHours * mou.hourly_fee) / 2),
      taxable,
      note: '',
    });
  }
  const cap = mou.travel_cap;
  if (mou.travel_mode === 'per_km' && mou.travel_per_km > 0 && v.travel_km && v.travel_km > 0) {
    // km has one decimal: work in tenths to stay exact.
    const tenths = Math.round(v.travel_km * 10);
    const raw = Math.floor((tenths * mou.travel_per_km) / 10);
    const amount = cap !== null ? Math.min(raw, cap) : raw;
    // A cap of zero means travel is not paid: no line, like any item priced at zero.
    if (amount > 0)
      lines.push({
        kind: 'travel_km',
        quantity: tenths / 10,
        unit: 'km',
        unitPrice: mou.travel_per_km,
        amount,
        taxable,
        note: amount < raw ? `上限 ${yen(cap!)} / cap` : '',
      });
  }
  if (mou.travel_mode === 'actual' && v.travel_cost && v.travel_cost > 0) {
    const amount = cap !== null ? Math.min(v.travel_cost, cap) : v.travel_cost;
    if (amount > 0)
      lines.push({
        kind: 'travel_actual',
        quantity: v.travel_cost,
        unit: 'yen',
        unitPrice: 1,
        amount,
        taxable,
        note: amount < v.travel_cost ? `上限 ${yen(cap!)} / cap` : '',
      });
  }
  if (mou.interpreter_hourly > 0 && v.interpreter_minutes > 0)
    lines.push({
      kind: 'interpreter',
      quantity: v.interpreter_minutes,
      unit: 'minute',
      unitPrice: mou.interpreter_hourly,
      amount: Math.floor((v.interpreter_minutes * mou.interpreter_hourly) / 60),
      taxable,
      note: '',
    });
  return lines;
}

/** Shelter nights of one stay within the month: beds × nights × price per night. */
export function priceNights(mou: MouFees, beds: number, nights: number): PricedLine[] {
  if (mou.shelter_per_night <= 0 || nights <= 0 || beds <= 0) return [];
  return [
    {
      kind: 'shelter_nights',
      quantity: beds * nights,
      unit: 'bed_night',
      unitPrice: mou.shelter_per_night,
      amount: beds * nights * mou.shelter_per_night,
      taxable: mou.consumption_tax,
      note: beds > 1 ? `${beds} × ${nights}` : '',
    },
  ];
}

/**
 * Nights of a stay that fall in a month: a night belongs to the date it starts, from check-in
 * to the day before check-out (an open stay counts up to the month's last night).
 */
export function nightsInMonth(
  checkIn: string,
  checkOut: string | null,
  month: string, // 'YYYY-MM'
): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = `${month}-01`;
  const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  const from = checkIn > first ? checkIn : first;
  const to = checkOut && checkOut < nextMonth ? checkOut : nextMonth; // exclusive
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) < to;) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export const CONSUMPTION_TAX_RATE_PERCENT = 10;
export const WITHHOLDING_THRESHOLD = 1_000_000;

/**
 * Withholding income tax on a payment to an individual professional: 10.21% up to ¥1,000,000
 * and 20.42% on the part above, rounded down (computed in integers: 1021/10000, 2042/10000).
 */
export function withholding(base: number): number {
  if (base <= 0) return 0;
  const low = Math.min(base, WITHHOLDING_THRESHOLD);
  const high = Math.max(0, base - WITHHOLDING_THRESHOLD);
  return Math.floor((low * 1021 + high * 2042) / 10000);
}

export interface StatementTotals {
  subtotal: number;
  taxableBase: number;
  consumptionTax: number;
  withholdingTax: number;
  total: number;
  transfer: number;
}

/**
 * Totals of a statement: consumption tax 10% of the taxable lines, once per statement, rounded
 * down; withholding (when the partner is flagged) on the amount before consumption tax, which
 * the statement shows separately; the transfer is what remains.
 */
export function statementTotals(
  lines: Pick<PricedLine, 'amount' | 'taxable'>[],
  withholdingApplies: boolean,
): StatementTotals {
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const taxableBase = Math.max(
    0,
    lines.filter((l) => l.taxable).reduce((s, l) => s + l.amount, 0),
  );
  const consumptionTax = Math.floor((taxableBase * CONSUMPTION_TAX_RATE_PERCENT) / 100);
  const withholdingTax = withholdingApplies ? withholding(subtotal) : 0;
  const total = subtotal + consumptionTax;
  return {
    subtotal,
    taxableBase,
    consumptionTax,
    withholdingTax,
    total,
    transfer: total - withholdingTax,
  };
}
