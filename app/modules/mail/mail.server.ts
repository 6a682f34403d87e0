import { promises as fs } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Locale, MailAttachment } from '../../../db/schema';
import { render, type TemplateData, type TemplateName } from '../../../emails';
import { dataDir, getEnv } from '~/lib/env.server';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { keysetPage, type PageRequest } from '~/lib/keyset.server';

export const SEND_EMAIL_TASK = 'send_email';
/** graphile-worker backs off exp(attempt) seconds: 10 attempts span about 3.6 hours. */
export const MAIL_MAX_ATTEMPTS = 10;

/**
 * Records the message and enqueues its delivery in the caller's transaction: if the business
 * change rolls back, nothing is sent; once it commits, the message cannot be lost.
 */
export async function enqueueEmail<N extends TemplateName>(
  tx: Tx,
  msg: {
    template: N;
    to: string;
    locale: Locale;
    data: TemplateData<N>;
    attachments?: MailAttachment[];
  },
): Promise<string> {
  const rendered = render(msg.template, msg.locale, msg.data);
  const row = await tx
    .insertInto('outgoing_mail')
    .values({
      template: msg.template,
      to_address: msg.to,
      locale: msg.locale,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      attachments: JSON.stringify(msg.attachments ?? []),
      redact_after_send: rendered.redactAfterSend,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await addSendJob(tx, row.id);
  return row.id;
}

async function addSendJob(q: Queryable, mailId: string) {
  await sql`select graphile_worker.add_job(
      ${SEND_EMAIL_TASK}::text,
      json_build_object('mailId', ${mailId}::text),
      max_attempts => ${MAIL_MAX_ATTEMPTS}::int,
      job_key => ${'mail:' + mailId}::text
    )`.execute(q);
}

export interface SendAttempt {
  attempt: number;
  maxAttempts: number;
}

/**
 * The job body. Returns quietly when the message was already sent (a retried or duplicated job
 * never sends twice after success is recorded); throws on failure so the worker retries.
 */
export async function deliverMail(
  mailId: string,
  attempt: SendAttempt,
): Promise<'sent' | 'skipped'> {
  const mail = await db
    .updateTable('outgoing_mail')
    .set({ status: 'sending', attempts: sql`attempts + 1`, updated_at: sql`now()` })
    .where('id', '=', mailId)
    .where('status', '!=', 'sent')
    .returningAll()
    .executeTakeFirst();
  if (!mail) return 'skipped';

  try {
    const info = await transport().sendMail({
      from: getEnv().MAIL_FROM,
      to: mail.to_address,
      subject: mail.subject,
      text: mail.text_body,
      html: mail.html_body,
      // Stable across attempts: a resend after a crash between the SMTP hand-off and recording
      // "sent" carries the same Message-ID, so receivers (and our checks) see one message.
      messageId: messageIdFor(mail.id),
      headers: { 'X-Banso-Mail-Id': mail.id },
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content, 'base64'),
      })),
    });
    const redacted = '[本文は配信後に削除されました / body removed after delivery]';
    await db
      .updateTable('outgoing_mail')
      .set({
        status: 'sent',
        sent_at: sql`now()`,
        updated_at: sql`now()`,
        last_error: null,
        message_id: info.messageId ?? null,
        ...(mail.redact_after_send ? { text_body: redacted, html_body: redacted } : {}),
      })
      .where('id', '=', mail.id)
      .execute();
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db
      .updateTable('outgoing_mail')
      .set({
        status: attempt.attempt >= attempt.maxAttempts ? 'failed' : 'queued',
        last_error: message.slice(0, 2000),
        updated_at: sql`now()`,
      })
      .where('id', '=', mail.id)
      .execute();
    throw err;
  }
}

/** `<mail id@sender's domain>`: one Message-ID per outgoing_mail row, whatever the attempt. */
export function messageIdFor(mailId: string) {
  const domain = /@([^\s<>@]+)>?\s*$/.exec(getEnv().MAIL_FROM)?.[1] ?? 'banso.invalid';
  return `<${mailId}@${domain}>`;
}

/** Secretariat action on the outgoing-mail page: queue a failed message again. */
export async function retryMail(tx: Tx, mailId: string): Promise<boolean> {
  const row = await tx
    .updateTable('outgoing_mail')
    .set({ status: 'queued', updated_at: sql`now()` })
    .where('id', '=', mailId)
    .where('status', '=', 'failed')
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await addSendJob(tx, row.id);
  return true;
}

/** The mail log, newest first, one keyset page (no total: counting millions of rows is slow). */
export async function listOutgoingMail(opts: {
  status?: 'queued' | 'sending' | 'sent' | 'failed';
  page: PageRequest;
}) {
  let q = db.selectFrom('outgoing_mail');
  if (opts.status) q = q.where('status', '=', opts.status);
  return keysetPage(
    q.select([
      'id',
      'template',
      'to_address',
      'subject',
      'status',
      'attempts',
      'last_error',
      'created_at',
      'sent_at',
    ]),
    [
      { expr: sql`created_at`, dir: 'desc', type: 'timestamptz' },
      { expr: sql`id`, dir: 'desc', type: 'uuid' },
    ],
    opts.page,
    50,
  );
}

export async function mailStatusCounts() {
  const rows = await db
    .selectFrom('outgoing_mail')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  const counts = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

// ---- transport ---------------------------------------------------------------------------

let cachedTransport: { key: string; t: Transporter } | undefined;

function transport(): Transporter {
  const url = getEnv().SMTP_URL;
  const key = url ?? 'file';
  if (cachedTransport?.key !== key) {
    cachedTransport = {
      key,
      t: url ? nodemailer.createTransport(smtpOptions(url)) : fileTransport(),
    };
  }
  return cachedTransport.t;
}

/**
 * The SMTP_URL with our defaults as URL parameters (nodemailer reads options from the URL and
 * ignores any passed beside it; parameters already in SMTP_URL win): pooled connections, kept
 * open and reused (a new SMTP session per message capped delivery at about 20 a second), and
 * timeouts so a silent server fails the attempt instead of hanging it.
 */
function smtpOptions(url: string) {
  const u = new URL(url);
  const defaults = {
    pool: 'true',
    maxConnections: '5',
    maxMessages: '200',
    connectionTimeout: '10000',
    socketTimeout: '30000',
  };
  for (const [k, v] of Object.entries(defaults))
    if (!u.searchParams.has(k)) u.searchParams.set(k, v);
  return u.toString();
}

export function mailDir() {
  return path.join(dataDir(), 'mail');
}

/** Without SMTP_URL, each message becomes an .eml file shown in the dev mailbox. */
function fileTransport(): Transporter {
  const stream = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async sendMail(options: nodemailer.SendMailOptions) {
      const info = await stream.sendMail(options);
      await fs.mkdir(mailDir(), { recursive: true });
      const id = String((options.headers as Record<string, string>)['X-Banso-Mail-Id']);
      const file = `${new Date().toISOString().replace(/[:.]/g, '-')}_${id}.eml`;
      await fs.writeFile(path.join(mailDir(), file), info.message as Buffer);
      return info;
    },
  } as unknown as Transporter;
}
