import { defineTemplate } from './layout';

export default defineTemplate<{
  name: string;
  partnerName: string;
  referenceNo: string;
  validUntil: { ja: string; en: string };
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走連携ネットワーク】覚書の満了が近づいています（${d.partnerName}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.partnerName} との覚書（${d.referenceNo}）は ${d.validUntil.ja} に満了します。`,
        '満了後は、この団体に伴走依頼をお送りできなくなります。継続される場合は、事務局と更新の手続きをお願いします。',
      ],
      action: { label: '登録内容を確認する', url: d.url },
    }),
    en: (d) => ({
      subject: `[Partner network] MOU ending soon (${d.partnerName})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `The MOU ${d.referenceNo} with ${d.partnerName} ends on ${d.validUntil.en}.`,
        'After that date no accompaniment request can be offered to this partner. To continue, please renew it with the secretariat.',
      ],
      action: { label: 'Open the entry', url: d.url },
    }),
  },
});
