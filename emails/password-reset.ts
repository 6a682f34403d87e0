import { defineTemplate } from './layout';

export default defineTemplate<{ name: string; url: string; expiresAt: { ja: string; en: string } }>(
  {
    redactAfterSend: true,
    content: {
      ja: (d) => ({
        subject: '【伴走連携ネットワーク】パスワード再設定のご案内',
        greeting: `${d.name} 様`,
        paragraphs: [
          'パスワード再設定のご依頼を受け付けました。下のリンクから新しいパスワードを設定してください。',
          'お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',
        ],
        action: { label: '新しいパスワードを設定する', url: d.url },
        note: `このリンクは一度だけ使えます。有効期限：${d.expiresAt.ja}`,
      }),
      en: (d) => ({
        subject: '[Partner network] Reset your password',
        greeting: `Dear ${d.name},`,
        paragraphs: [
          'We received a request to reset your password. Use the link below to choose a new one.',
          'If you did not ask for this, ignore this message: your password stays unchanged.',
        ],
        action: { label: 'Choose a new password', url: d.url },
        note: `This link works once and expires on ${d.expiresAt.en}.`,
      }),
    },
  },
);
