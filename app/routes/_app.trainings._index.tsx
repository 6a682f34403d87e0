import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { listModules, listSessions } from '~/modules/training/training.server';

export const meta: MetaFunction = () => [{ title: '研修 / Training' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const [sessions, modules] = await Promise.all([listSessions(db), listModules(db)]);
  return { sessions, modules };
}

export default function Trainings() {
  const { sessions, modules } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  const name = (code: string) => {
    const m = modules.find((x) => x.code === code);
    return m ? (locale === 'en' ? m.name_en : m.name_ja) : code;
  };
  return (
    <>
      <div className="page-head">
        <h1>{t('training.title')}</h1>
        <Link to="/trainings/new" className="button primary">
          {t('training.new')}
        </Link>
      </div>
      <p>{t('training.intro')}</p>
      {params.get('cancelled') ? (
        <Notice kind="success">{t('training.sessionCancelled')}</Notice>
      ) : null}
      {sessions.length === 0 ? (
        <p className="empty">{t('training.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('training.date')}</th>
                <th scope="col">{t('training.sessionTitle')}</th>
                <th scope="col">{t('training.modules')}</th>
                <th scope="col">{t('training.capacity')}</th>
                <th scope="col">{t('training.status')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td data-label={t('training.date')}>{formatDateTime(s.starts_at, locale)}</td>
                  <td data-label={t('training.sessionTitle')}>
                    <Link to={`/trainings/${s.id}`}>{s.title}</Link>
                  </td>
                  <td data-label={t('training.modules')}>{s.modules.map(name).join('、')}</td>
                  <td data-label={t('training.capacity')}>
                    {t('training.seats', {
                      registered: s.registered,
                      capacity: s.capacity,
                      waitlisted: s.waitlisted,
                    })}
                  </td>
                  <td data-label={t('training.status')}>
                    {tKey(t, `training.statuses.${s.status}`)}
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
