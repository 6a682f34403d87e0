import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Notice, SubmitButton } from '~/components/forms';
import { KeysetPager } from '~/components/keyset-pager';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { formatDateTime } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { listOutgoingMail, retryMail } from '~/modules/mail/mail.server';

export const meta: MetaFunction = () => [{ title: '送信メール / Outgoing mail' }];

const PAGE_SIZE = 50;
const STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const url = new URL(request.url);
  const s = url.searchParams.get('status');
  const status = STATUSES.find((x) => x === s);
  const list = await listOutgoingMail({ status, page: pageRequest(url, PAGE_SIZE) });
  return { ...list, status: status ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const parsed = z
    .object({ intent: z.literal('retry'), mailId: z.string().uuid() })
    .safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ retried: false }, 400);
  const retried = await db.transaction().execute(async (tx) => {
    const ok = await retryMail(tx, parsed.data.mailId);
    if (ok) {
      await audit(tx, {
        actorId: me.id,
        action: 'mail.retry',
        subjectType: 'outgoing_mail',
        subjectId: parsed.data.mailId,
        ip: context.clientIp,
      });
    }
    return ok;
  });
  return { retried };
}

export default function OutgoingMailPage() {
  const { rows, next, prev, status } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <h1>{t('mail.title')}</h1>
      <p className="hint">{t('mail.intro')}</p>
      {actionData?.retried ? <Notice kind="success">{t('mail.retried')}</Notice> : null}
      <nav className="filter-tabs" aria-label={t('common.filter')}>
        <Link to="?" aria-current={status === null ? 'page' : undefined}>
          {t('common.all')}
        </Link>
        {STATUSES.map((s) => (
          <Link key={s} to={`?status=${s}`} aria-current={status === s ? 'page' : undefined}>
            {t(`mail.statuses.${s}`)}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p className="empty">{t('mail.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('mail.created')}</th>
                <th scope="col">{t('mail.to')}</th>
                <th scope="col">{t('mail.subject')}</th>
                <th scope="col">{t('mail.status')}</th>
                <th scope="col">{t('mail.attempts')}</th>
                <th scope="col">{t('mail.error')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.created_at, locale)}</td>
                  <td>{m.to_address}</td>
                  <td>{m.subject}</td>
                  <td>
                    <span className={`status status-${m.status}`}>
                      {t(`mail.statuses.${m.status}`)}
                    </span>
                  </td>
                  <td>{m.attempts}</td>
                  <td>
                    {m.last_error ? <code className="error-text">{m.last_error}</code> : null}
                    {m.status === 'failed' ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="mailId" value={m.id} />
                        <SubmitButton intent="retry" className="button small">
                          {t('mail.retry')}
                        </SubmitButton>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager next={next} prev={prev} />
    </>
  );
}
