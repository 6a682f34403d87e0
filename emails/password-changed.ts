import { defineTemplate } from './layout';

export default defineTemplate<{ name: string; at: { ja: string; en: string } }>({
  redactAfterSend: false,
  content: {
    ja: (d) => ({
      subject: '【伴走連携ネットワーク】パスワードが変更されました',
      greeting: `${d.name} 様`,
      paragraphs: [
        `${d.at.ja} にあなたのアカウントのパスワードが変更され、他の端末からはログアウトされました。`,
        'お心当たりのない場合は、至急事務局までご連絡ください。',
      ],
    }),
    en: (d) => ({
      subject: '[Partner network] Your password was changed',
      greeting: `Dear ${d.name},`,
      paragraphs: [
        `Your password was changed on ${d.at.en} and your other devices were signed out.`,
        'If this was not you, contact the secretariat immediately.',
      ],
    }),
  },
});
