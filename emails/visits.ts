import { defineTemplate } from './layout';

type Bi = { ja: string; en: string };

// Case content stays in the app: these emails name the request and link to it, nothing more.

export const visitReturned = defineTemplate<{
  name: string;
  reference: string;
  visitDate: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【活動記録】${d.reference}（${d.visitDate.ja}）の記録が差し戻されました`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.reference} の ${d.visitDate.ja} の活動記録が、確認者のコメント付きで差し戻されました。`,
        'コメントをご確認のうえ、記録を修正して再提出してください。',
      ],
      action: { label: '記録を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[Visit log] ${d.reference} (${d.visitDate.en}) was returned`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `Your visit log for ${d.reference} on ${d.visitDate.en} was returned with a comment from the reviewer.`,
        'Please read the comment, correct the log and submit it again.',
      ],
      action: { label: 'Open the log', url: d.url },
    }),
  },
});

export const requestCompleted = defineTemplate<{
  name: string;
  reference: string;
  partnerName: string;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走完了】${d.reference} を ${d.partnerName} が完了しました`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.partnerName} が ${d.reference} の伴走を完了として報告しました。`,
        '活動記録を確認し、依頼をクローズしてください。',
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[Accompaniment completed] ${d.partnerName} completed ${d.reference}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `${d.partnerName} reported the accompaniment ${d.reference} as complete.`,
        'Please review the visit logs and close the request.',
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});

/** The accompanier has not tapped "arrived" (or "finished") in time. */
export const checkinOverdue = defineTemplate<{
  name: string;
  reference: string;
  partnerName: string;
  partnerPhone: string;
  arrival: boolean;
  escalated: boolean;
  planned: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【${d.escalated ? '要対応・未確認' : '確認してください'}】${d.reference}：${d.arrival ? '到着' : '終了'}の連絡がありません`,
      greeting: `${d.name} 様`,
      paragraphs: [
        d.arrival
          ? `${d.partnerName} から、${d.reference}（予定 ${d.planned.ja} 開始）の到着連絡がまだありません。`
          : `${d.partnerName} から、${d.reference}（予定 ${d.planned.ja} 終了）の終了連絡がまだありません。`,
        `同行者と相談者の安全を確認してください。${d.partnerPhone ? `連絡先：${d.partnerPhone}` : ''}`,
        ...(d.escalated ? ['担当の相談員に知らせてから時間が経っています。'] : []),
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[${d.escalated ? 'Action needed' : 'Please check'}] ${d.reference}: no ${d.arrival ? 'arrival' : 'finish'} check-in`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        d.arrival
          ? `${d.partnerName} has not checked in for ${d.reference} (planned start ${d.planned.en}).`
          : `${d.partnerName} has not checked out of ${d.reference} (planned end ${d.planned.en}).`,
        `Please make sure the accompanier and the worker are safe.${d.partnerPhone ? ` Phone: ${d.partnerPhone}` : ''}`,
        ...(d.escalated ? ['The counselor was alerted a while ago.'] : []),
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});
