import { defineTemplate } from './layout';

export default defineTemplate<{
  name: string;
  inviterName: string;
  roleLabel: { ja: string; en: string };
  url: string;
  expiresAt: { ja: string; en: string };
}>({
  redactAfterSend: true,
  content: {
    ja: (d) => ({
      subject: '【伴走連携ネットワーク】アカウントのご招待',
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.inviterName}（事務局）から、伴走連携ネットワークの調整システムに「${d.roleLabel.ja}」としてご招待が届いています。`,
        '下のリンクを開き、パスワードを設定してください。',
      ],
      action: { label: 'パスワードを設定する', url: d.url },
      note: `このリンクは一度だけ使えます。有効期限：${d.expiresAt.ja}`,
    }),
    en: (d) => ({
      subject: '[Partner network] You are invited',
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `${d.inviterName} (secretariat) has invited you to the accompaniment partner network's coordination system as "${d.roleLabel.en}".`,
        'Open the link below to set your password.',
      ],
      action: { label: 'Set your password', url: d.url },
      note: `This link works once and expires on ${d.expiresAt.en}.`,
    }),
  },
});
