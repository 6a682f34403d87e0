import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { formatTime, formatNumber } from '~/lib/format';

export interface VisitRow {
  id: string;
  visit_date: string;
  starts_at: Date | string;
  ends_at: Date | string;
  place: string;
  status: string;
  travel_km: string | null;
  travel_cost: number | null;
  interpreter_minutes: number;
  review_comment: string;
  has_receipt: boolean;
}

/** Visits of one request; each row opens the visit (its note is read there, and audited). */
export function VisitTable({ visits, linkBase }: { visits: VisitRow[]; linkBase: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  if (visits.length === 0) return <p className="empty">{t('visits.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="stack-on-phone">
        <thead>
          <tr>
            <th scope="col">{t('visits.visitDate')}</th>
            <th scope="col">{t('visits.time')}</th>
            <th scope="col">{t('visits.place')}</th>
            <th scope="col">{t('visits.travelKm')}</th>
            <th scope="col">{t('visits.travelCost')}</th>
            <th scope="col">{t('visits.status')}</th>
          </tr>
        </thead>
        <tbody>
          {visits.map((v) => (
            <tr key={v.id} className={`visit-${v.status}`}>
              <td data-label={t('visits.visitDate')}>
                <Link to={`${linkBase}/${v.id}`}>{v.visit_date}</Link>
              </td>
              <td data-label={t('visits.time')}>
                {formatTime(v.starts_at, locale)}–{formatTime(v.ends_at, locale)}
              </td>
              <td data-label={t('visits.place')}>{v.place || '—'}</td>
              <td data-label={t('visits.travelKm')}>
                {v.travel_km !== null ? `${Number(v.travel_km)} km` : '—'}
              </td>
              <td data-label={t('visits.travelCost')}>
                {v.travel_cost !== null ? `¥${formatNumber(v.travel_cost)}` : '—'}
              </td>
              <td data-label={t('visits.status')}>
                <span className={`status visit-status-${v.status}`}>
                  {tKey(t, `visits.statuses.${v.status}`)}
                </span>
                {v.status === 'returned' && v.review_comment ? (
                  <p className="pre-line small">{v.review_comment}</p>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
