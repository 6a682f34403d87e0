import { defineTemplate } from './layout';

const yen = (n: number) => `¥${n.toLocaleString('en-US')}`;

export const statementApproved = defineTemplate<{
  name: string;
  reference: string;
  month: string;
  transfer: number;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【支払明細】${d.month.replace('-', '年')}月分の支払明細書（${d.reference}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.month.replace('-', '年')}月分の支払明細書が承認されました。振込予定額は ${yen(d.transfer)} です。`,
        '明細（PDF）は下のリンクからご確認ください。',
      ],
      action: { label: '支払明細書を見る', url: d.url },
    }),
    en: (d) => ({
      subject: `[Payment] Statement for ${d.month} (${d.reference})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `Your payment statement for ${d.month} was approved. Amount to be transferred: ${yen(d.transfer)}.`,
        'See the statement (and its PDF) with the link below.',
      ],
      action: { label: 'See the statement', url: d.url },
    }),
  },
});
