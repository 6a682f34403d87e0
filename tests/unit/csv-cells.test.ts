import { describe, expect, it } from 'vitest';
import { safeCell } from '~/lib/csv.server';

describe('exported CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+81 96', `'+81 96`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['-cmd', `'-cmd`],
    ['\tx', `'\tx`],
  ])('a text starting like a formula is neutralised: %s', (input, output) => {
    expect(safeCell(input)).toBe(output);
  });

  it.each([['-500'], ['12.5'], ['NPO法人 みなと'], ['<5'], ['']])(
    'numbers and ordinary text stay as they are: %s',
    (v) => {
      expect(safeCell(v)).toBe(v);
    },
  );

  it('non-text values pass through', () => {
    expect(safeCell(-500)).toBe(-500);
    expect(safeCell(null)).toBe(null);
  });
});
