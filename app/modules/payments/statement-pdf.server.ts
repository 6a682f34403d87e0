import { tokyoDate, yen, formatNumber } from '~/lib/format';
import { BOLD, REGULAR, renderPdf } from '~/modules/pdf/pdf.server';
import type { getStatement } from './payments.server';

type Statement = NonNullable<Awaited<ReturnType<typeof getStatement>>>;

const KIND: Record<string, string> = {
  visit_base: '同行 基本料 / Visit base fee',
  visit_extra_hours: '超過時間 / Hours beyond base',
  travel_km: '交通費（距離） / Travel (km)',
  travel_actual: '交通費（実費） / Travel (actual)',
  interpreter: '通訳 / Interpreting',
  shelter_nights: 'シェルター宿泊 / Shelter nights',
  adjustment: '調整 / Adjustment',
};
const STATUS: Record<string, string> = {
  draft: '下書き / draft',
  approved: '承認済み / approved',
  paid: '支払済み / paid',
  void: '無効 / void',
};
const UNIT: Record<string, string> = {
  visit: '回',
  hour: '時間',
  km: 'km',
  yen: '円',
  minute: '分',
  bed_night: '床泊',
};

/** 支払明細書 (payment statement) as an A4 PDF: every line with its source and MOU item. */
export function statementPdf(s: Statement, now = new Date()): Promise<Buffer> {
  return renderPdf(
    (doc) => {
      const left = 56;
      const width = doc.page.width - 112;
      doc.font(BOLD).fontSize(20).text('支払明細書', { align: 'center' });
      doc.font(REGULAR).fontSize(10).text('Payment statement', { align: 'center' });
      doc.moveDown();
      doc.fontSize(10);
      const meta: [string, string][] = [
        ['明細番号 / No.', s.reference],
        ['対象月 / Month', s.month],
        ['支払先 / Payee', s.partner_name],
        ['登録番号 / Invoice reg. no.', s.invoice_number ?? '—'],
        ['状態 / Status', STATUS[s.status] ?? s.status],
        ['発行日 / Issued', tokyoDate(now)],
      ];
      for (const [k, v] of meta) {
        const y = doc.y;
        doc.font(BOLD).text(k, left, y, { width: 170 });
        doc.font(REGULAR).text(v, left + 175, y, { width: width - 175 });
        doc.moveDown(0.2);
      }
      doc.moveDown();
      const cols = [
        { w: 62, label: '日付' },
        { w: 150, label: '項目 / Item' },
        { w: 80, label: '依頼・協定' },
        { w: 70, label: '数量', align: 'right' as const },
        { w: 55, label: '単価', align: 'right' as const },
        { w: 66, label: '金額', align: 'right' as const },
      ];
      const row = (cells: string[], font: string) => {
        const y = doc.y;
        let x = left;
        let maxY = y;
        doc.font(font).fontSize(8.5);
        cells.forEach((c, i) => {
          doc.text(c, x, y, { width: cols[i]!.w - 4, align: cols[i]!.align ?? 'left' });
          maxY = Math.max(maxY, doc.y);
          x += cols[i]!.w;
        });
        doc.y = maxY + 3;
        if (doc.y > doc.page.height - 120) doc.addPage();
      };
      row(
        cols.map((c) => c.label),
        BOLD,
      );
      doc
        .moveTo(left, doc.y - 1)
        .lineTo(left + width, doc.y - 1)
        .stroke();
      for (const l of s.lines.filter((x) => x.live)) {
        row(
          [
            l.work_date ?? '',
            `${KIND[l.kind] ?? l.kind}${l.taxable ? '' : ' ※'}${l.reason ? `\n${l.reason}` : ''}${l.note ? `\n${l.note}` : ''}`,
            [l.request_reference, l.mou_reference].filter(Boolean).join(' '),
            l.kind === 'adjustment'
              ? ''
              : `${formatNumber(Number(l.quantity))} ${UNIT[l.unit] ?? ''}`,
            l.unit === 'yen' ? '' : yen(l.unit_price),
            yen(l.amount),
          ],
          REGULAR,
        );
      }
      doc.moveDown();
      const totals: [string, number][] = [
        ['小計 / Subtotal', s.subtotal],
        [`消費税 10%（対象 ${yen(s.taxable_base)}） / Consumption tax`, s.consumption_tax],
        ['合計 / Total', s.total],
        ['源泉徴収税 / Withholding tax', -s.withholding_tax],
        ['振込額 / Amount transferred', s.transfer],
      ];
      for (const [k, v] of totals) {
        const y = doc.y;
        const strong = k.startsWith('振込額');
        doc.font(strong ? BOLD : REGULAR).fontSize(strong ? 12 : 10);
        doc.text(k, left + width - 330, y, { width: 230 });
        doc.text(yen(v), left + width - 100, y, { width: 100, align: 'right' });
        doc.moveDown(0.3);
      }
      doc.moveDown();
      doc
        .font(REGULAR)
        .fontSize(8)
        .fillColor('#444')
        .text(
          '※ 消費税の対象外（協定による）/ not subject to consumption tax under the MOU. 消費税は明細ごとに 10% を計算し円未満切り捨て。源泉徴収税は税抜金額に対し 10.21%（100 万円を超える部分は 20.42%）、円未満切り捨て。',
          left,
          doc.y,
          { width },
        )
        .moveDown(0.5)
        .text('伴走連携ネットワーク 事務局 / Accompaniment Partner Network — Secretariat', {
          width,
        });
    },
    { title: `支払明細書 ${s.reference}`, author: '伴走連携ネットワーク' },
  );
}
