import type { Locale } from '../db/schema';

/** What a template says; the layout turns it into matching HTML and plain text. */
export interface EmailContent {
  subject: string;
  greeting?: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  /** Small print under the action, e.g. link expiry. */
  note?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface EmailTemplate<D> {
  /** The body carries a secret (a sign-in link): blank it in the outbox once delivered. */
  redactAfterSend: boolean;
  content: Record<Locale, (data: D) => EmailContent>;
}

export function defineTemplate<D>(t: EmailTemplate<D>): EmailTemplate<D> {
  return t;
}

const footer: Record<Locale, string> = {
  ja: 'このメールは伴走連携ネットワークのシステムから自動送信されています。心当たりのない場合は破棄してください。',
  en: 'This message was sent automatically by the accompaniment partner network. If it was not meant for you, please delete it.',
};

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderEmail(locale: Locale, c: EmailContent): RenderedEmail {
  const textParts = [
    ...(c.greeting ? [c.greeting] : []),
    ...c.paragraphs,
    ...(c.action ? [`${c.action.label}:\n${c.action.url}`] : []),
    ...(c.note ? [c.note] : []),
    '--',
    footer[locale],
  ];
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s).replace(/\n/g, '<br>')}</p>`;
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(c.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f6f8;font-family:'Hiragino Sans','Noto Sans JP',Meiryo,sans-serif;color:#1f2933;line-height:1.7">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
${c.greeting ? p(c.greeting) : ''}
${c.paragraphs.map(p).join('\n')}
${
  c.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(c.action.url)}" style="background:#0b5cad;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(c.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#52606d;word-break:break-all">${escapeHtml(c.action.url)}</p>`
    : ''
}
${c.note ? `<p style="margin:0 0 16px;font-size:13px;color:#52606d">${escapeHtml(c.note)}</p>` : ''}
<hr style="border:none;border-top:1px solid #e4e7eb;margin:24px 0">
<p style="margin:0;font-size:12px;color:#7b8794">${escapeHtml(footer[locale])}</p>
</div></body></html>`;
  return { subject: c.subject, text: textParts.join('\n\n'), html };
}
