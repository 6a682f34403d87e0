import { defineTemplate } from './layout';

type Bi = { ja: string; en: string };

export const trainingPromoted = defineTemplate<{
  name: string;
  title: string;
  when: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【研修】キャンセル待ちから参加が確定しました：${d.title}`,
      greeting: `${d.name} 様`,
      paragraphs: [`空きが出たため、「${d.title}」（${d.when.ja}）への参加が確定しました。`],
      action: { label: '研修を確認する', url: d.url },
    }),
    en: (d) => ({
      subject: `[Training] You have a place: ${d.title}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [`A place became free: you are now registered for "${d.title}" (${d.when.en}).`],
      action: { label: 'See your trainings', url: d.url },
    }),
  },
});

export const trainingCancelled = defineTemplate<{
  name: string;
  title: string;
  when: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【研修】中止のお知らせ：${d.title}`,
      greeting: `${d.name} 様`,
      paragraphs: [`「${d.title}」（${d.when.ja}）は中止になりました。`],
      action: { label: '研修の一覧', url: d.url },
    }),
    en: (d) => ({
      subject: `[Training] Cancelled: ${d.title}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [`"${d.title}" (${d.when.en}) is cancelled.`],
      action: { label: 'Trainings', url: d.url },
    }),
  },
});

export const trainingInvitation = defineTemplate<{
  name: string;
  title: string;
  when: Bi;
  place: string;
  registerBy: Bi;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【研修のご案内】${d.title}（${d.when.ja}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `伴走者研修「${d.title}」のご案内です。`,
        `日時：${d.when.ja}\n場所：${d.place}\n申込締切：${d.registerBy.ja}`,
        '参加される方は、下のリンクからお申し込みください。カレンダー用の招待ファイル（.ics）を添付しています。',
      ],
      action: { label: '研修に申し込む', url: d.url },
    }),
    en: (d) => ({
      subject: `[Training] ${d.title} (${d.when.en})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `You are invited to the training "${d.title}".`,
        `When: ${d.when.en}\nWhere: ${d.place}\nRegister by: ${d.registerBy.en}`,
        'To take part, register with the link below. A calendar invitation (.ics) is attached.',
      ],
      action: { label: 'Register', url: d.url },
    }),
  },
});

export const trainingReminder = defineTemplate<{
  name: string;
  title: string;
  when: Bi;
  place: string;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【研修・明日】${d.title}（${d.when.ja}）`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `明日の研修「${d.title}」のお知らせです。`,
        `日時：${d.when.ja}\n場所：${d.place}`,
        '参加できなくなった場合は、下のリンクから申込を取り消してください（締切後は事務局へご連絡ください）。',
      ],
      action: { label: '研修を確認する', url: d.url },
    }),
    en: (d) => ({
      subject: `[Training tomorrow] ${d.title} (${d.when.en})`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `A reminder of tomorrow's training "${d.title}".`,
        `When: ${d.when.en}\nWhere: ${d.place}`,
        'If you cannot come, cancel with the link below (after the deadline, tell the secretariat).',
      ],
      action: { label: 'See your trainings', url: d.url },
    }),
  },
});

export const trainingUpdated = defineTemplate<{
  name: string;
  title: string;
  when: Bi;
  place: string;
  url: string;
}>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: `【研修】日時・場所の変更：${d.title}`,
      greeting: `${d.name} 様`,
      paragraphs: [
        `「${d.title}」の内容が変更されました。`,
        `日時：${d.when.ja}\n場所：${d.place}`,
        '添付の招待ファイル（.ics）を開くと、カレンダーの予定が更新されます。',
      ],
      action: { label: '研修を確認する', url: d.url },
    }),
    en: (d) => ({
      subject: `[Training] Changed: ${d.title}`,
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `"${d.title}" has changed.`,
        `When: ${d.when.en}\nWhere: ${d.place}`,
        'Open the attached calendar file (.ics) to update the event in your calendar.',
      ],
      action: { label: 'See the training', url: d.url },
    }),
  },
});
