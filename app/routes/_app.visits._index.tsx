import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Notice } from '~/components/forms';
import { useTranslation } from 'react-i18next';
import { KeysetPager } from '~/components/keyset-pager';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { formatDateTime, formatTime, formatNumber } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { reviewQueue } from '~/modules/visits/visits.server';
import { REVIEW_PAGE_SIZE } from '~/modules/visits/codes';

export const meta: MetaFunction = () => [{ title: '活動記録の確認 / Visit review' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['counselor', 'secretariat']);
  return reviewQueue(db, pageRequest(new URL(request.url), REVIEW_PAGE_SIZE));
}

export default function VisitQueue() {
  const { rows, total, next, prev } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  const reviewed = params.get('reviewed');
  return (
    <>
      <h1>{t('visits.queueTitle')}</h1>
      {reviewed === 'approve' || reviewed === 'return' ? (
        <Notice kind="success">
          {t(reviewed === 'approve' ? 'visits.approved' : 'visits.returned')}{' '}
          {params.get('request') ? (
            <Link to={`/requests/${params.get('request')}`}>{t('visits.request')}</Link>
          ) : null}
        </Notice>
      ) : null}
      <p>{t('visits.queueIntro')}</p>
      {rows.length === 0 ? (
        <p className="empty">{t('visits.queueEmpty')}</p>
      ) : (
        <>
          <p className="muted">{t('visits.queueCount', { n: total })}</p>
          <div className="table-wrap">
            <table className="stack-on-phone">
              <thead>
                <tr>
                  <th scope="col">{t('visits.request')}</th>
                  <th scope="col">{t('visits.partner')}</th>
                  <th scope="col">{t('visits.visitDate')}</th>
                  <th scope="col">{t('visits.travelKm')}</th>
                  <th scope="col">{t('visits.travelCost')}</th>
                  <th scope="col">{t('visits.submittedAt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('visits.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((v) => (
                  <tr key={v.id}>
                    <td data-label={t('visits.request')}>
                      <Link to={`/requests/${v.request_id}`}>{v.reference}</Link>{' '}
                      {v.urgency !== 'normal' ? (
                        <span className={`status urgency-${v.urgency}`}>
                          {tKey(t, `dispatch.urgencies.${v.urgency}`)}
                        </span>
                      ) : null}
                    </td>
                    <td data-label={t('visits.partner')}>{v.partner_name}</td>
                    <td data-label={t('visits.visitDate')}>
                      {v.visit_date} {formatTime(v.starts_at, locale)}–
                      {formatTime(v.ends_at, locale)}
                    </td>
                    <td data-label={t('visits.travelKm')}>
                      {v.travel_km !== null ? `${Number(v.travel_km)} km` : '—'}
                    </td>
                    <td data-label={t('visits.travelCost')}>
                      {v.travel_cost !== null ? `¥${formatNumber(v.travel_cost)}` : '—'}
                    </td>
                    <td data-label={t('visits.submittedAt')}>
                      {formatDateTime(v.submitted_at, locale)}
                    </td>
                    <td>
                      <Link to={`/visits/${v.id}`} className="button small">
                        {t('visits.open')}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <KeysetPager next={next} prev={prev} />
        </>
      )}
    </>
  );
}
