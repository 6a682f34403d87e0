import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { isProduction } from '~/lib/env.server';
import { mailDir } from './mail.server';

const FILE_RE = /^[0-9A-Za-z_-]+\.eml$/;

/** The dev mailbox exists only outside production and without SMTP. */
export function devMailboxEnabled() {
  return !isProduction();
}

export async function listDevMail(limit = 200) {
  const files = await fs.readdir(mailDir()).catch(() => [] as string[]);
  const emls = files
    .filter((f) => FILE_RE.test(f))
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(
    emls.map(async (file) => {
      const parsed = await simpleParser(await fs.readFile(path.join(mailDir(), file)));
      return {
        file,
        subject: parsed.subject ?? '',
        to: addressText(parsed.to),
        date: (parsed.date ?? new Date()).toISOString(),
      };
    }),
  );
}

export async function readDevMail(file: string) {
  // The name comes from the URL: never let it leave the mail directory.
  if (!FILE_RE.test(file)) return null;
  const raw = await fs.readFile(path.join(mailDir(), file)).catch(() => null);
  if (!raw) return null;
  const parsed = await simpleParser(raw);
  return {
    file,
    subject: parsed.subject ?? '',
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    date: (parsed.date ?? new Date()).toISOString(),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      size: a.size,
    })),
  };
}

function addressText(a: unknown): string {
  if (!a) return '';
  if (Array.isArray(a)) return a.map((x) => (x as { text: string }).text).join(', ');
  return (a as { text: string }).text;
}
