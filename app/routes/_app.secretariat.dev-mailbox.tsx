import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, Outlet, useLoaderData, useParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { devMailboxEnabled, listDevMail } from '~/modules/mail/dev-mailbox.server';

export const meta: MetaFunction = () => [{ title: '開発用メールボックス / Dev mailbox' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  if (!devMailboxEnabled()) throw new Response('Not Found', { status: 404 });
  return { messages: await listDevMail() };
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const params = useParams();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <h1>{t('devMailbox.title')}</h1>
      <p className="hint">{t('devMailbox.intro')}</p>
      {messages.length === 0 ? (
        <p className="empty">{t('devMailbox.empty')}</p>
      ) : (
        <div className="mailbox">
          <ul className="mail-list">
            {messages.map((m) => (
              <li key={m.file} aria-current={params.file === m.file ? 'true' : undefined}>
                <Link to={m.file}>
                  <strong>{m.subject}</strong>
                  <span className="muted">
                    {m.to} · {formatDateTime(m.date, locale)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <div className="mail-view">
            <Outlet />
          </div>
        </div>
      )}
    </>
  );
}
