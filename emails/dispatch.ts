import { defineTemplate } from './layout';

type Bi = { ja: string; en: string };

export const offerReceived = defineTemplate<{
  name: string;
  reference: string;
  summary: string;
  place: string;
  window: Bi;
  respondBy: Bi;
  urgency: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走依頼】${d.urgency.ja}：${d.place}（${d.reference}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        '伴走のご依頼が届きました。内容をご確認のうえ、お引き受けいただけるかご回答ください。',
        `場所：${d.place}\n日時：${d.window.ja}\n概要：${d.summary}`,
        `回答期限：${d.respondBy.ja}（先にお引き受けいただいた方に決まります）`,
      ],
      action: { label: '依頼を確認して回答する', url: d.url },
    }),
    en: (d) => ({
      subject: `[Accompaniment request] ${d.urgency.en}: ${d.place} (${d.reference})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        'An accompaniment request has been offered to you. Please check it and answer whether you can take it.',
        `Place: ${d.place}\nWhen: ${d.window.en}\nSummary: ${d.summary}`,
        `Please answer by ${d.respondBy.en} (the first partner to accept takes it).`,
      ],
      action: { label: 'Open and answer', url: d.url },
    }),
  },
});

export const offerAccepted = defineTemplate<{
  name: string;
  reference: string;
  partnerName: string;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走依頼】${d.reference} を ${d.partnerName} が引き受けました`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.reference} は ${d.partnerName} が引き受けました。ほかの打診は取り下げられました。`,
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[Accompaniment request] ${d.partnerName} accepted ${d.reference}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [`${d.partnerName} accepted ${d.reference}. The other offers were withdrawn.`],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});

export const offerWithdrawn = defineTemplate<{ name: string; reference: string; why: Bi }>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走依頼】${d.reference} の打診は終了しました`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.reference} の打診は終了しました（${d.why.ja}）。ご対応は不要です。ご協力ありがとうございました。`,
      ],
    }),
    en: (d) => ({
      subject: `[Accompaniment request] Offer ${d.reference} closed`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `The offer ${d.reference} is closed (${d.why.en}). No action is needed. Thank you.`,
      ],
    }),
  },
});

export const offerUnanswered = defineTemplate<{
  name: string;
  reference: string;
  partnerName: string;
  outcome: Bi;
  needsDispatch: boolean;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走依頼】${d.reference}：${d.partnerName} が${d.outcome.ja}${d.needsDispatch ? '（再手配が必要です）' : ''}`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.reference} の打診を ${d.partnerName} が${d.outcome.ja}。`,
        ...(d.needsDispatch
          ? ['回答待ちの打診がなくなりました。別のパートナーを手配してください。']
          : []),
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[Accompaniment request] ${d.reference}: ${d.partnerName} ${d.outcome.en}${d.needsDispatch ? ' (needs dispatch)' : ''}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `${d.partnerName} ${d.outcome.en} the offer for ${d.reference}.`,
        ...(d.needsDispatch
          ? ['No offer is pending any more: please dispatch another partner.']
          : []),
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});

export const requestCancelled = defineTemplate<{ name: string; reference: string; reason: string }>(
  {
    redactAfterSend: false,
    content: {
      ja: (d) => ({
        subject: `【伴走依頼】${d.reference} は取り消されました`,
        greeting: `${d.name} 様`,
        paragraphs: [`${d.reference} は相談員により取り消されました。`, `理由：${d.reason}`],
      }),
      en: (d) => ({
        subject: `[Accompaniment request] ${d.reference} was cancelled`,
        greeting: `Dear ${d.name},`,
        paragraphs: [`${d.reference} was cancelled by the counselor.`, `Reason: ${d.reason}`],
      }),
    },
  },
);

export const emergencyUnanswered = defineTemplate<{
  name: string;
  reference: string;
  place: string;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【緊急・未手配】${d.reference}（${d.place}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `緊急の伴走依頼 ${d.reference}（${d.place}）に、引き受けるパートナーがまだいません。至急ご確認ください。`,
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[EMERGENCY, unassigned] ${d.reference} (${d.place})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `No partner has taken the emergency request ${d.reference} (${d.place}) yet. Please check it now.`,
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});

/** A cascade ran out (or reached the need-by time): to the counselor, then the secretariat. */
export const cascadeEnded = defineTemplate<{
  name: string;
  reference: string;
  place: string;
  deadline: boolean;
  escalated: boolean;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: d.escalated
        ? `【未手配・要対応】${d.reference}（${d.place}）`
        : `【自動打診終了】${d.reference}（${d.place}）に引き受け手がいません`,
      greeting: `${d.name} 様`,
      paragraphs: [
        d.deadline
          ? `${d.reference}（${d.place}）の自動打診は、同行の開始時刻を過ぎたため終了しました。`
          : `${d.reference}（${d.place}）の自動打診は、打診できる候補がなくなったため終了しました。`,
        d.escalated
          ? '担当の相談員に知らせてから時間が経ちましたが、まだ手配されていません。ご確認ください。'
          : '条件を見直して手動で打診するか、事務局にご相談ください。',
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: d.escalated
        ? `[Unassigned, action needed] ${d.reference} (${d.place})`
        : `[Cascade ended] No partner for ${d.reference} (${d.place})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        d.deadline
          ? `The offer cascade for ${d.reference} (${d.place}) ended: the accompaniment should already have started.`
          : `The offer cascade for ${d.reference} (${d.place}) ended: no eligible partner is left to offer it to.`,
        d.escalated
          ? 'The counselor was alerted a while ago and the request is still unassigned. Please check it.'
          : 'Review the criteria and offer by hand, or ask the secretariat.',
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});

const CATEGORY_LABELS: Record<string, { ja: string; en: string }> = {
  summary: { ja: '概要', en: 'summary' },
  contact: { ja: '連絡先・待ち合わせなどの詳細', en: 'contact details and arrangements' },
  health: { ja: '健康に関する情報', en: 'health information' },
  residence: { ja: '在留資格に関する情報', en: 'residence status' },
  adverse_parties: { ja: '雇用主・仲介機関', en: 'employer and intermediaries' },
  documents: { ja: '書類', en: 'documents' },
};

/** The worker withdrew consent for some information: to the accepting partner. */
export const consentRevoked = defineTemplate<{
  name: string;
  reference: string;
  categories: string[];
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【伴走依頼】${d.reference}：共有される情報が変わりました`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `ご本人の意向により、${d.reference} の次の情報は今後表示されません：${d.categories.map((c) => CATEGORY_LABELS[c]?.ja ?? c).join('、')}。`,
        'お手元に控えがある場合は、適切に廃棄してください。',
      ],
      action: { label: '依頼を開く', url: d.url },
    }),
    en: (d) => ({
      subject: `[Accompaniment request] ${d.reference}: what is shared with you changed`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `At the worker's request, the following information of ${d.reference} is no longer shown: ${d.categories.map((c) => CATEGORY_LABELS[c]?.en ?? c).join(', ')}.`,
        'If you kept a copy, please dispose of it appropriately.',
      ],
      action: { label: 'Open the request', url: d.url },
    }),
  },
});
