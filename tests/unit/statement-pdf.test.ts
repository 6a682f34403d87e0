import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { statementPdf } from '~/modules/payments/statement-pdf.server';

async function pdfText(buf: Buffer) {
  const doc = await getDocument({ data: new Uint8Array(buf) }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    text += (await page.getTextContent()).items.map((x) => ('str' in x ? x.str : '')).join('');
  }
  return text;
}

const line = (over: Record<string, unknown>) => ({
  id: String(Math.random()),
  kind: 'visit_base',
  work_date: '2026-10-10',
  quantity: '1',
  unit: 'visit',
  unit_price: 6000,
  amount: 6000,
  taxable: true,
  note: '',
  reason: null,
  live: true,
  mou_reference: 'MOU-2026-0001',
  request_reference: 'REQ-2026-000123',
  ...over,
});

describe('支払明細書 PDF', () => {
  it('shows every live line with its source, the totals and the transfer, in Japanese', async () => {
    const statement = {
      id: 'x',
      reference: 'PS-202610-000042',
      month: '2026-10',
      partner_name: 'NPO法人 みなと外国人支援ネット',
      invoice_number: 'T1234567890123',
      status: 'approved',
      subtotal: 8700,
      taxable_base: 9200,
      consumption_tax: 920,
      withholding_tax: 0,
      total: 9620,
      transfer: 9620,
      lines: [
        line({}),
        line({ kind: 'travel_km', quantity: '12.5', unit: 'km', unit_price: 30, amount: 375 }),
        line({
          kind: 'interpreter',
          quantity: '45',
          unit: 'minute',
          unit_price: 3000,
          amount: 2250,
        }),
        line({
          kind: 'adjustment',
          unit: 'yen',
          unit_price: -500,
          amount: -500,
          reason: '交通費の重複分',
        }),
        line({ kind: 'visit_base', amount: 99999, live: false, mou_reference: 'MOU-VOIDED' }),
      ],
    };
    const text = await pdfText(await statementPdf(statement as never));
    for (const expected of [
      '支払明細書',
      'PS-202610-000042',
      'NPO法人 みなと外国人支援ネット',
      'T1234567890123',
      'REQ-2026-000123',
      'MOU-2026-0001',
      '交通費の重複分',
      '¥6,000',
      '¥375',
      '¥2,250',
      '-¥500',
      '¥920',
      '¥9,620',
    ])
      expect(text, expected).toContain(expected);
    // A line that is no longer live is not on the statement.
    expect(text).not.toContain('MOU-VOIDED');
    expect(text).not.toContain('99,999');
  });
});
