import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '~/lib/format';
import { mouSchema } from '~/modules/partners/mou-schema';

// Found by the fuzz test: "2026-02-30" matched the date pattern, reached PostgreSQL and gave a 500.
describe('dates typed in forms', () => {
  it('accepts days that exist, leap days included', () => {
    for (const d of ['2026-02-28', '2028-02-29', '2026-12-31', '2000-02-29'])
      expect(isCalendarDate(d), d).toBe(true);
  });
  it('refuses days that do not exist, and years PostgreSQL or people would not mean', () => {
    for (const d of [
      '2026-02-30',
      '2026-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '1900-02-29',
      '0000-01-01',
      '9999-01-01',
      '2026-1-01',
      '',
    ])
      expect(isCalendarDate(d), d).toBe(false);
  });
  it('an MOU starting on 30 February is refused next to the field', () => {
    const r = mouSchema.safeParse({
      referenceNo: 'MOU-1',
      status: 'draft',
      validFrom: '2026-02-30',
      visitBaseFee: 5000,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.find((i) => i.path[0] === 'validFrom')?.message).toBe(
      'errors.invalidDate',
    );
  });
});
