import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { devMailboxEnabled, readDevMail } from '~/modules/mail/dev-mailbox.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  if (!devMailboxEnabled()) throw new Response('Not Found', { status: 404 });
  const mail = await readDevMail(params.file ?? '');
  if (!mail) throw new Response('Not Found', { status: 404 });
  return { mail };
}

export default function DevMailView() {
  const { mail } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <article aria-labelledby="mail-subject">
      <h2 id="mail-subject">{mail.subject}</h2>
      <dl className="meta-list">
        <dt>{t('devMailbox.from')}</dt>
        <dd>{mail.from}</dd>
        <dt>{t('devMailbox.to')}</dt>
        <dd>{mail.to}</dd>
        <dt>{t('devMailbox.received')}</dt>
        <dd>{formatDateTime(mail.date, locale)}</dd>
        {mail.attachments.length ? (
          <>
            <dt>{t('devMailbox.attachments')}</dt>
            <dd>
              {mail.attachments
                .map((a) => `${a.filename} (${a.contentType}, ${a.size} B)`)
                .join(', ')}
            </dd>
          </>
        ) : null}
      </dl>
      {mail.html ? (
        <>
          <h3>{t('devMailbox.htmlVersion')}</h3>
          {/* sandbox without scripts: mail HTML can never run code in the app's origin */}
          <iframe title={mail.subject} srcDoc={mail.html} sandbox="" className="mail-html" />
        </>
      ) : null}
      <h3>{t('devMailbox.textVersion')}</h3>
      <pre className="mail-text">
        {mail.text.split(/(https?:\/\/[^\s]+)/).map((part, i) =>
          i % 2 ? (
            <a key={i} href={part}>
              {part}
            </a>
          ) : (
            part
          ),
        )}
      </pre>
    </article>
  );
}
