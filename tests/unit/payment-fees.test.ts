// Pricing of partner work and statement totals, checked against hand-computed yen amounts.
// Every expected value below is worked out by hand in the comment next to it, from the rules
// in the design (integer yen, consumption tax 10% once per statement rounded down, withholding
// 10.21% / 20.42% above ¥1,000,000 rounded down, visit and shelter pricing rules).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type MouFees,
  type PricedLine,
  type VisitFacts,
  nightsInMonth,
  priceNights,
  priceVisit,
  statementTotals,
  withholding,
} from '~/modules/payments/fees';

/** A paid NPO's MOU: ¥8,000 per visit covering 2 h, ¥3,000/h beyond, ¥30/km capped at ¥6,000. */
const npo: MouFees = {
  visit_base_fee: 8000,
  base_hours: 2,
  hourly_fee: 3000,
  travel_mode: 'per_km',
  travel_per_km: 30,
  travel_cap: 6000,
  interpreter_hourly: 3000,
  shelter_per_night: 5000,
  consumption_tax: true,
};

/** A municipality's MOU: everything free of charge. */
const publicBody: MouFees = {
  visit_base_fee: 0,
  base_hours: 2,
  hourly_fee: 0,
  travel_mode: 'none',
  travel_per_km: 0,
  travel_cap: null,
  interpreter_hourly: 0,
  shelter_per_night: 0,
  consumption_tax: false,
};

/** A visit that stays within the base hours, without travel or interpreter. */
const plainVisit: VisitFacts = {
  minutes: 120,
  travel_km: null,
  travel_cost: null,
  interpreter_minutes: 0,
};

const visit = (facts: Partial<VisitFacts>, mou: Partial<MouFees> = {}) =>
  priceVisit({ ...npo, ...mou }, { ...plainVisit, ...facts });

const lineOf = (lines: PricedLine[], kind: PricedLine['kind']) =>
  lines.filter((l) => l.kind === kind);

describe('withholding (10.21% up to ¥1,000,000, 20.42% above, rounded down)', () => {
  it.each([
    [0, 0], // nothing paid → nothing withheld
    [1, 0], // 1 × 10.21% = 0.1021 → 0
    [9, 0], // 9 × 10.21% = 0.9189 → 0
    [10, 1], // 10 × 10.21% = 1.021 → 1
    [9_999, 1_020], // 9,999 × 10.21% = 1,020.8979 → 1,020
    [10_000, 1_021], // 10,000 × 10.21% = 1,021
    [10_001, 1_021], // 10,001 × 10.21% = 1,021.1021 → 1,021
    [12_345, 1_260], // 12,345 × 10.21% = 1,260.4245 → 1,260
    [999_999, 102_099], // 999,999 × 10.21% = 102,099.8979 → 102,099
    [1_000_000, 102_100], // 1,000,000 × 10.21% = 102,100 (20.42% not yet reached)
    [1_000_001, 102_100], // 1,000,000 × 10.21% = 102,100; 1 × 20.42% = 0.2042 → 102,100
    [1_000_005, 102_101], // 102,100 + 5 × 20.42% = 102,100 + 1.021 → 102,101
    [1_000_010, 102_102], // 102,100 + 10 × 20.42% = 102,100 + 2.042 → 102,102
    [1_500_000, 204_200], // 102,100 + 500,000 × 20.42% = 102,100 + 102,100 = 204,200
    [2_000_000, 306_300], // 102,100 + 1,000,000 × 20.42% = 102,100 + 204,200 = 306,300
  ])('withholding(%i) = %i', (base, expected) => {
    expect(withholding(base)).toBe(expected);
  });

  it('is monotonic non-decreasing in the payment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(withholding(lo)).toBeLessThanOrEqual(withholding(hi));
        },
      ),
    );
  });

  it('lies between 10.21% (rounded down) and 20.42% of the payment', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (base) => {
        const w = withholding(base);
        expect(Number.isInteger(w)).toBe(true);
        // Compared in integers (× 10,000) so the bound itself has no rounding error.
        expect(w * 10_000).toBeLessThanOrEqual(base * 2042);
        expect(w).toBeGreaterThanOrEqual(Math.floor((base * 1021) / 10_000));
        if (base <= 1_000_000) expect(w).toBe(Math.floor((base * 1021) / 10_000));
      }),
    );
  });
});

describe('statement totals', () => {
  const taxable = (amount: number) => ({ amount, taxable: true });
  const exempt = (amount: number) => ({ amount, taxable: false });

  it.each([
    [12_345, 1_234], // 12,345 × 10% = 1,234.5 → 1,234
    [9, 0], // 9 × 10% = 0.9 → 0
    [10, 1], // 10 × 10% = 1
    [19, 1], // 19 × 10% = 1.9 → 1
    [99_999, 9_999], // 99,999 × 10% = 9,999.9 → 9,999
    [100_000, 10_000], // 100,000 × 10% = 10,000
  ])('consumption tax on a taxable base of ¥%i is ¥%i', (base, tax) => {
    const t = statementTotals([taxable(base)], false);
    expect(t).toEqual({
      subtotal: base,
      taxableBase: base,
      consumptionTax: tax,
      withholdingTax: 0,
      total: base + tax,
      transfer: base + tax,
    });
  });

  it('computes consumption tax once on the statement, not per line', () => {
    // Per line: 1,005 × 10% = 100.5 → 100, three times = 300.
    // Per statement: 3,015 × 10% = 301.5 → 301.
    const t = statementTotals([taxable(1005), taxable(1005), taxable(1005)], false);
    expect(t.taxableBase).toBe(3015);
    expect(t.consumptionTax).toBe(301);
    // Three lines of ¥5: per line 0.5 → 0 each; per statement 15 × 10% = 1.5 → 1.
    expect(statementTotals([taxable(5), taxable(5), taxable(5)], false).consumptionTax).toBe(1);
  });

  it('mixes taxable and non-taxable lines (MOU changed mid-month) with a negative adjustment', () => {
    // 1–15th under the old MOU (consumption tax charged), from the 16th a new MOU without it.
    const oldMou = { ...npo, consumption_tax: true };
    const newMou = { ...npo, visit_base_fee: 9000, consumption_tax: false };
    const before = priceVisit(oldMou, {
      minutes: 151, // 31 min over 2 h → 2 half hours → 2 × 3,000 ÷ 2 = 3,000
      travel_km: 12.5, // 12.5 × 30 = 375
      travel_cost: null,
      interpreter_minutes: 45, // 45 × 3,000 ÷ 60 = 2,250
    });
    // 8,000 + 3,000 + 375 + 2,250 = 13,625, all taxable
    expect(before.map((l) => [l.kind, l.amount, l.taxable])).toEqual([
      ['visit_base', 8000, true],
      ['visit_extra_hours', 3000, true],
      ['travel_km', 375, true],
      ['interpreter', 2250, true],
    ]);
    const after = priceVisit(newMou, plainVisit); // 9,000, not taxable
    expect(after.map((l) => [l.kind, l.amount, l.taxable])).toEqual([['visit_base', 9000, false]]);
    const adjustment = { amount: -1280, taxable: true }; // credit for an overcharged taxable item

    const lines = [...before, ...after, adjustment];
    // subtotal   = 13,625 + 9,000 − 1,280 = 21,345
    // taxable    = 13,625 − 1,280 = 12,345 → tax 12,345 × 10% = 1,234.5 → 1,234
    // withholding on 21,345 (before consumption tax): × 10.21% = 2,179.3245 → 2,179
    // total      = 21,345 + 1,234 = 22,579; transfer = 22,579 − 2,179 = 20,400
    expect(statementTotals(lines, true)).toEqual({
      subtotal: 21_345,
      taxableBase: 12_345,
      consumptionTax: 1_234,
      withholdingTax: 2_179,
      total: 22_579,
      transfer: 20_400,
    });
    // Without withholding the whole total is transferred.
    expect(statementTotals(lines, false)).toMatchObject({ withholdingTax: 0, transfer: 22_579 });
  });

  it('withholds on the amount before consumption tax', () => {
    // 1,000,000 taxable → tax 100,000; withholding on 1,000,000 = 102,100
    // (not on 1,100,000, which would be 102,100 + 100,000 × 20.42% = 122,520).
    // transfer = 1,000,000 + 100,000 − 102,100 = 997,900
    expect(statementTotals([taxable(600_000), taxable(400_000)], true)).toEqual({
      subtotal: 1_000_000,
      taxableBase: 1_000_000,
      consumptionTax: 100_000,
      withholdingTax: 102_100,
      total: 1_100_000,
      transfer: 997_900,
    });
  });

  it('a statement of non-taxable lines only has no consumption tax', () => {
    // 9,999 + 2 = 10,001 → tax 0; withholding 10,001 × 10.21% = 1,021.1021 → 1,021
    // transfer = 10,001 − 1,021 = 8,980
    expect(statementTotals([exempt(9_999), exempt(2)], true)).toEqual({
      subtotal: 10_001,
      taxableBase: 0,
      consumptionTax: 0,
      withholdingTax: 1_021,
      total: 10_001,
      transfer: 8_980,
    });
  });

  it('transfer = subtotal + consumption tax − withholding, for any lines', () => {
    const line = fc.record({
      amount: fc.integer({ min: 0, max: 500_000 }),
      taxable: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.boolean(), (lines, applies) => {
        const t = statementTotals(lines, applies);
        const subtotal = lines.reduce((s, l) => s + l.amount, 0);
        const taxableBase = lines.filter((l) => l.taxable).reduce((s, l) => s + l.amount, 0);
        expect(t.subtotal).toBe(subtotal);
        expect(t.taxableBase).toBe(taxableBase);
        expect(t.consumptionTax).toBe(Math.floor(taxableBase / 10));
        expect(t.withholdingTax).toBe(applies ? withholding(subtotal) : 0);
        expect(t.total).toBe(t.subtotal + t.consumptionTax);
        expect(t.transfer).toBe(t.subtotal + t.consumptionTax - t.withholdingTax);
      }),
    );
  });
});

describe('priceVisit: base fee and extra time', () => {
  it('charges the base fee once per visit, however long', () => {
    const lines = visit({ minutes: 600 });
    expect(lineOf(lines, 'visit_base')).toEqual([
      {
        kind: 'visit_base',
        quantity: 1,
        unit: 'visit',
        unitPrice: 8000,
        amount: 8000,
        taxable: true,
        note: '',
      },
    ]);
  });

  it.each([
    // base hours, hourly fee, minutes, expected [hours, amount] or null (no line)
    [2, 3000, 90, null], // under the base hours → no extra line
    [2, 3000, 120, null], // exactly 2 h → no extra line
    [2, 3000, 121, [0.5, 1500]], // 1 min over → 1 half hour → 1 × 3,000 ÷ 2 = 1,500
    [2, 3000, 150, [0.5, 1500]], // 30 min over → 1 half hour → 1,500
    [2, 3000, 151, [1, 3000]], // 31 min over → 2 half hours → 2 × 3,000 ÷ 2 = 3,000
    [2, 3000, 240, [2, 6000]], // 120 min over → 4 half hours → 4 × 3,000 ÷ 2 = 6,000
    [2.5, 2400, 150, null], // exactly 2.5 h → no extra line
    [2.5, 2400, 151, [0.5, 1200]], // 1 min over 2.5 h → 1 × 2,400 ÷ 2 = 1,200
    [2.5, 2400, 180, [0.5, 1200]], // 30 min over → 1 half hour → 1,200
    [2.5, 2400, 181, [1, 2400]], // 31 min over → 2 half hours → 2 × 2,400 ÷ 2 = 2,400
    [2, 2501, 121, [0.5, 1250]], // 1 × 2,501 ÷ 2 = 1,250.5 → 1,250
    [2, 2501, 181, [1.5, 3751]], // 61 min over → 3 half hours → 3 × 2,501 ÷ 2 = 3,751.5 → 3,751
  ] as const)('base %s h at ¥%i/h, %i min → %j', (baseHours, hourly, minutes, expected) => {
    const extra = lineOf(
      visit({ minutes }, { base_hours: baseHours, hourly_fee: hourly }),
      'visit_extra_hours',
    );
    if (expected === null) {
      expect(extra).toEqual([]);
    } else {
      expect(extra).toEqual([
        {
          kind: 'visit_extra_hours',
          quantity: expected[0],
          unit: 'hour',
          unitPrice: hourly,
          amount: expected[1],
          taxable: true,
          note: '',
        },
      ]);
    }
  });
});

describe('priceVisit: travel', () => {
  it.each([
    // km, ¥/km, cap, expected amount, capped?
    [12.5, 30, 6000, 375, false], // 12.5 × 30 = 375
    [0.1, 25, null, 2, false], // 0.1 × 25 = 2.5 → 2
    [4.1, 30, null, 123, false], // 4.1 × 30 = 123 exactly (in floating point 122.999…)
    [2.3, 50, 6000, 115, false], // 2.3 × 50 = 115 exactly (in floating point 114.999…)
    [199.9, 30, 6000, 5997, false], // 199.9 × 30 = 5,997, under the cap
    [200, 30, 6000, 6000, false], // 200 × 30 = 6,000 = cap → not capped
    [200.1, 30, 6000, 6000, true], // 200.1 × 30 = 6,003 > 6,000 → 6,000
    [250, 30, 6000, 6000, true], // 250 × 30 = 7,500 > 6,000 → 6,000
    [250, 30, null, 7500, false], // 250 × 30 = 7,500, no cap
  ] as const)('per km: %s km × ¥%i, cap %s → ¥%i', (km, perKm, cap, amount, capped) => {
    const lines = visit({ travel_km: km }, { travel_per_km: perKm, travel_cap: cap });
    const travel = lineOf(lines, 'travel_km');
    expect(travel).toHaveLength(1);
    expect(travel[0]).toMatchObject({
      kind: 'travel_km',
      quantity: km,
      unit: 'km',
      unitPrice: perKm,
      amount,
      taxable: true,
    });
    if (capped) expect(travel[0].note).toContain(`¥${cap?.toLocaleString('en-US')}`);
    else expect(travel[0].note).toBe('');
  });

  it.each([
    // actual cost, cap, expected amount, capped?
    [4800, 5000, 4800, false], // 4,800 under the 5,000 cap
    [5000, 5000, 5000, false], // 5,000 = cap
    [5600, 5000, 5000, true], // 5,600 > 5,000 → 5,000
    [12_340, null, 12_340, false], // no cap → the actual cost
  ] as const)('actual cost ¥%i, cap %s → ¥%i', (cost, cap, amount, capped) => {
    const lines = visit(
      { travel_cost: cost, travel_km: 80 }, // km is ignored in 'actual' mode
      { travel_mode: 'actual', travel_per_km: 0, travel_cap: cap },
    );
    expect(lineOf(lines, 'travel_km')).toEqual([]);
    const travel = lineOf(lines, 'travel_actual');
    expect(travel).toHaveLength(1);
    expect(travel[0]).toMatchObject({
      kind: 'travel_actual',
      quantity: cost,
      unit: 'yen',
      unitPrice: 1,
      amount,
      taxable: true,
    });
    if (capped) expect(travel[0].note).toContain(`¥${cap?.toLocaleString('en-US')}`);
    else expect(travel[0].note).toBe('');
  });

  it('no travel line without travel, or when the MOU pays none', () => {
    expect(lineOf(visit({ travel_km: null }), 'travel_km')).toEqual([]);
    expect(lineOf(visit({ travel_km: 0 }), 'travel_km')).toEqual([]);
    const none = visit({ travel_km: 20, travel_cost: 1500 }, { travel_mode: 'none' });
    expect(none.filter((l) => l.kind.startsWith('travel'))).toEqual([]);
    const actualMissing = visit({ travel_cost: null }, { travel_mode: 'actual' });
    expect(lineOf(actualMissing, 'travel_actual')).toEqual([]);
  });
});

describe('priceVisit: interpreter', () => {
  it.each([
    [45, 3000, 2250], // 45 × 3,000 ÷ 60 = 2,250
    [1, 3000, 50], // 1 × 3,000 ÷ 60 = 50
    [60, 3000, 3000], // 60 × 3,000 ÷ 60 = 3,000
    [1, 2500, 41], // 1 × 2,500 ÷ 60 = 41.67 → 41
    [7, 3500, 408], // 7 × 3,500 ÷ 60 = 24,500 ÷ 60 = 408.33 → 408
  ])('%i min at ¥%i/h → ¥%i', (minutes, hourly, amount) => {
    const lines = visit({ interpreter_minutes: minutes }, { interpreter_hourly: hourly });
    expect(lineOf(lines, 'interpreter')).toEqual([
      {
        kind: 'interpreter',
        quantity: minutes,
        unit: 'minute',
        unitPrice: hourly,
        amount,
        taxable: true,
        note: '',
      },
    ]);
  });

  it('no interpreter line without interpreter time', () => {
    expect(lineOf(visit({ interpreter_minutes: 0 }), 'interpreter')).toEqual([]);
  });
});

describe('zero-priced items', () => {
  const busyVisit: VisitFacts = {
    minutes: 300,
    travel_km: 20,
    travel_cost: 1500,
    interpreter_minutes: 60,
  };

  it('a public body with a zero-fee MOU produces no lines at all', () => {
    expect(priceVisit(publicBody, busyVisit)).toEqual([]);
    expect(priceVisit({ ...publicBody, travel_mode: 'per_km' }, busyVisit)).toEqual([]);
    expect(priceNights(publicBody, 2, 3)).toEqual([]);
  });

  it('leaves out only the items priced at zero', () => {
    // Only the interpreter is paid: 60 × 3,000 ÷ 60 = 3,000.
    const lines = priceVisit({ ...publicBody, interpreter_hourly: 3000 }, busyVisit);
    expect(lines.map((l) => [l.kind, l.amount])).toEqual([['interpreter', 3000]]);
  });
});

describe('nightsInMonth (a night belongs to the date it starts)', () => {
  it.each([
    // check-in, check-out, month, nights
    ['2026-01-30', '2026-02-02', '2026-01', ['2026-01-30', '2026-01-31']],
    ['2026-01-30', '2026-02-02', '2026-02', ['2026-02-01']],
    ['2026-01-30', '2026-02-02', '2025-12', []],
    ['2026-01-30', '2026-02-02', '2026-03', []],
    ['2025-12-30', '2026-01-02', '2025-12', ['2025-12-30', '2025-12-31']], // across the year
    ['2025-12-30', '2026-01-02', '2026-01', ['2026-01-01']],
    ['2026-01-10', '2026-01-10', '2026-01', []], // same-day check-out → no night
    ['2026-01-10', '2026-01-11', '2026-01', ['2026-01-10']], // one night
    ['2026-01-31', '2026-02-01', '2026-01', ['2026-01-31']], // checks out on the 1st
    ['2026-01-31', '2026-02-01', '2026-02', []],
    ['2026-03-31', '2026-04-01', '2026-03', ['2026-03-31']],
  ] as const)('%s → %s in %s', (checkIn, checkOut, month, nights) => {
    expect(nightsInMonth(checkIn, checkOut, month)).toEqual(nights);
  });

  const days = (from: string, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const d = new Date(`${from}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + i);
      return d.toISOString().slice(0, 10);
    });

  it('an open stay counts up to the last night of the month', () => {
    // January 15 to 31 = 31 − 15 + 1 = 17 nights
    expect(nightsInMonth('2026-01-15', null, '2026-01')).toEqual(days('2026-01-15', 17));
    // then every night of February 2026 (not a leap year): 28
    expect(nightsInMonth('2026-01-15', null, '2026-02')).toEqual(days('2026-02-01', 28));
    // not before check-in
    expect(nightsInMonth('2026-01-15', null, '2025-12')).toEqual([]);
  });

  it('February of a leap year has 29 nights for an open stay', () => {
    const feb = nightsInMonth('2028-01-15', null, '2028-02');
    expect(feb).toHaveLength(29);
    expect(feb[0]).toBe('2028-02-01');
    expect(feb.at(-1)).toBe('2028-02-29');
    expect(nightsInMonth('2028-01-15', null, '2028-01')).toHaveLength(17); // 15..31
  });

  it('a stay through a whole month counts every night of it', () => {
    // 2026-01-20 to 2026-03-05: February has 28 nights
    expect(nightsInMonth('2026-01-20', '2026-03-05', '2026-02')).toEqual(days('2026-02-01', 28));
    // March: 1st to 4th (the 5th is check-out) = 4 nights
    expect(nightsInMonth('2026-01-20', '2026-03-05', '2026-03')).toEqual(days('2026-03-01', 4));
  });

  it('the months of a stay together hold each night exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 900 }), // check-in: days after 2025-11-01
        fc.integer({ min: 0, max: 120 }), // length of stay in nights
        (offset, length) => {
          const checkIn = days('2025-11-01', offset + 1)[offset];
          const checkOut = days(checkIn, length + 1)[length];
          const months: string[] = [];
          for (let ym = checkIn.slice(0, 7); ym <= checkOut.slice(0, 7);) {
            months.push(ym);
            const [y, m] = ym.split('-').map(Number);
            ym = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7); // next month
          }
          const all = months.flatMap((ym) => nightsInMonth(checkIn, checkOut, ym));
          expect(all).toEqual(days(checkIn, length));
        },
      ),
    );
  });
});

describe('priceNights', () => {
  it('charges beds × nights × price per night', () => {
    // 2 beds × 3 nights × ¥5,000 = ¥30,000 (6 bed-nights)
    expect(priceNights(npo, 2, 3)).toEqual([
      {
        kind: 'shelter_nights',
        quantity: 6,
        unit: 'bed_night',
        unitPrice: 5000,
        amount: 30_000,
        taxable: true,
        note: '2 × 3',
      },
    ]);
  });

  it('one bed for the nights of a stay in a month', () => {
    // 2026-01-30 → 2026-02-02: January has 2 nights → 1 × 2 × ¥4,000 = ¥8,000, not taxable
    const nights = nightsInMonth('2026-01-30', '2026-02-02', '2026-01').length;
    const lines = priceNights(
      { ...npo, shelter_per_night: 4000, consumption_tax: false },
      1,
      nights,
    );
    expect(lines).toMatchObject([{ quantity: 2, amount: 8000, taxable: false, note: '' }]);
  });

  it('no line without nights or beds', () => {
    expect(priceNights(npo, 2, 0)).toEqual([]);
    expect(priceNights(npo, 0, 3)).toEqual([]);
  });
});

describe('a travel cap of zero', () => {
  it('pays no travel, so there is no line', () => {
    const mou = {
      visit_base_fee: 5000,
      base_hours: 2,
      hourly_fee: 0,
      travel_mode: 'per_km' as const,
      travel_per_km: 30,
      travel_cap: 0,
      interpreter_hourly: 0,
      shelter_per_night: 0,
      consumption_tax: false,
    };
    const facts = { minutes: 60, travel_km: 10, travel_cost: 800, interpreter_minutes: 0 };
    expect(priceVisit(mou, facts).map((l) => l.kind)).toEqual(['visit_base']);
    expect(priceVisit({ ...mou, travel_mode: 'actual' }, facts).map((l) => l.kind)).toEqual([
      'visit_base',
    ]);
  });
});
