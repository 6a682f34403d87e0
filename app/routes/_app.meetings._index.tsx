import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { createNextFour, listMeetings } from '~/modules/meetings/meetings.server';

export const meta: MetaFunction = () => [{ title: '連絡会議 / Liaison meetings' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { meetings: await listMeetings(db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const form = await request.formData();
  if (form.get('intent') !== 'createNextFour') return data({ created: -1 }, 400);
  const created = await db
    .transaction()
    .execute((tx) => createNextFour(tx, { userId: me.id, ip: context.clientIp }));
  return { created: created.length };
}

export default function Meetings() {
  const { meetings } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <div className="page-head">
        <h1>{t('meetings.title')}</h1>
        <div className="action-row">
          <Link to="/meetings/contacts" className="button">
            {t('meetings.contacts')}
          </Link>
          <Form method="post">
            <SubmitButton intent="createNextFour" className="button primary">
              {t('meetings.createNextFour')}
            </SubmitButton>
          </Form>
        </div>
      </div>
      <p>{t('meetings.intro')}</p>
      {reply && reply.created >= 0 ? (
        <Notice kind={reply.created ? 'success' : 'info'}>
          {reply.created
            ? t('meetings.createdNotice', { n: reply.created })
            : t('meetings.nothingCreated')}
        </Notice>
      ) : null}
      {meetings.length === 0 ? (
        <p className="empty">{t('meetings.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('meetings.quarter')}</th>
                <th scope="col">{t('meetings.date')}</th>
                <th scope="col">{t('meetings.meetingTitle')}</th>
                <th scope="col">{t('meetings.replies')}</th>
                <th scope="col">{t('meetings.status')}</th>
              </tr>
            </thead>
            <tbody>
              {meetings.map((m) => (
                <tr key={m.id}>
                  <td data-label={t('meetings.quarter')}>
                    {t('meetings.fq', { year: m.fiscal_year, q: m.quarter })}
                  </td>
                  <td data-label={t('meetings.date')}>{formatDateTime(m.starts_at, locale)}</td>
                  <td data-label={t('meetings.meetingTitle')}>
                    <Link to={`/meetings/${m.id}`}>{m.title}</Link>
                  </td>
                  <td data-label={t('meetings.replies')}>
                    {m.invited
                      ? t('meetings.replyCounts', {
                          invited: m.invited,
                          accepted: m.accepted,
                          declined: m.declined,
                        })
                      : t('meetings.notInvited')}
                  </td>
                  <td data-label={t('meetings.status')}>
                    {tKey(t, `meetings.statuses.${m.status}`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
