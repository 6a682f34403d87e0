import { defineTemplate } from './layout';

type Bi = { ja: string; en: string };

type MeetingMail = {
  name: string;
  title: string;
  when: Bi;
  place: string;
  agenda: string;
  /** Signed single-use link to answer without logging in. */
  rsvpUrl: string;
};

const agendaJa = (a: string) => (a ? [`議題：\n${a}`] : []);
const agendaEn = (a: string) => (a ? [`Agenda:\n${a}`] : []);

export const meetingInvitation = defineTemplate<MeetingMail>({
  // The RSVP link answers for this person: blank the body once delivered.
  redactAfterSend: true,
  content: {
    ja: (d) => ({
      subject: `【連絡会議のご案内】${d.title}（${d.when.ja}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `「${d.title}」を下記のとおり開催します。ご出席の可否を下のリンクからお知らせください（ログインは不要です）。`,
        `日時：${d.when.ja}\n場所：${d.place}`,
        ...agendaJa(d.agenda),
        'カレンダー用の招待ファイル（.ics）を添付しています。',
      ],
      action: { label: '出欠を回答する', url: d.rsvpUrl },
      note: 'このリンクはあなた専用で、1回だけ回答できます。転送しないでください。',
    }),
    en: (d) => ({
      subject: `[Liaison meeting] ${d.title} (${d.when.en})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `You are invited to "${d.title}". Please tell us whether you will attend with the link below (no login needed).`,
        `When: ${d.when.en}\nWhere: ${d.place}`,
        ...agendaEn(d.agenda),
        'A calendar invitation (.ics) is attached.',
      ],
      action: { label: 'Reply', url: d.rsvpUrl },
      note: 'This link is yours alone and answers once. Please do not forward it.',
    }),
  },
});

export const meetingUpdated = defineTemplate<MeetingMail>({
  redactAfterSend: true,
  content: {
    ja: (d) => ({
      subject: `【連絡会議】変更のお知らせ：${d.title}`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `「${d.title}」の日時・場所が変更されました。お手数ですが、改めて出欠をお知らせください。`,
        `日時：${d.when.ja}\n場所：${d.place}`,
        ...agendaJa(d.agenda),
        '添付の招待ファイル（.ics）を開くと、カレンダーの予定が更新されます。',
      ],
      action: { label: '出欠を回答する', url: d.rsvpUrl },
      note: 'このリンクはあなた専用で、1回だけ回答できます。以前のリンクは無効になりました。',
    }),
    en: (d) => ({
      subject: `[Liaison meeting] Changed: ${d.title}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `The time or place of "${d.title}" has changed. Please reply again.`,
        `When: ${d.when.en}\nWhere: ${d.place}`,
        ...agendaEn(d.agenda),
        'Open the attached calendar file (.ics) to update the event in your calendar.',
      ],
      action: { label: 'Reply', url: d.rsvpUrl },
      note: 'This link is yours alone and answers once. Earlier links no longer work.',
    }),
  },
});

export const meetingCancelled = defineTemplate<{ name: string; title: string; when: Bi }>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【連絡会議】中止のお知らせ：${d.title}`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `「${d.title}」（${d.when.ja}）は中止になりました。添付のファイル（.ics）でカレンダーから削除されます。`,
      ],
    }),
    en: (d) => ({
      subject: `[Liaison meeting] Cancelled: ${d.title}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `"${d.title}" (${d.when.en}) is cancelled. The attached file (.ics) removes it from your calendar.`,
      ],
    }),
  },
});
