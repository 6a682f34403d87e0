import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { formatDateTime, formatTime, formatNumber } from '~/lib/format';

export interface VisitDetailsData {
  visit_date: string;
  starts_at: Date | string;
  ends_at: Date | string;
  place: string;
  activities: string;
  outcome: string;
  follow_up_needed: boolean;
  follow_up: string;
  travel_km: string | null;
  travel_cost: number | null;
  receipt_file_id: string | null;
  receipt_name: string | null;
  interpreter_minutes: number;
  confidential_note: string;
  status: string;
  submitted_at: Date | string;
  reviewed_at: Date | string | null;
  reviewer_name: string | null;
  review_comment: string;
  purged_at: Date | string | null;
  partner_name: string;
}

function duration(start: Date | string, end: Date | string) {
  const mins = Math.round((new Date(end).getTime() - new Date(start).getTime()) / 60_000);
  return { h: Math.floor(mins / 60), m: mins % 60 };
}

/** Everything a visit log says, read-only; the confidential note set apart. */
export function VisitDetails({ visit: v }: { visit: VisitDetailsData }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <section className="card" aria-labelledby="visit-facts">
        <h2 id="visit-facts">
          {v.visit_date} · {v.partner_name}{' '}
          <span className={`status visit-status-${v.status}`}>
            {tKey(t, `visits.statuses.${v.status}`)}
          </span>
        </h2>
        {v.purged_at ? <p className="hint">{t('visits.purged')}</p> : null}
        <dl className="meta-list">
          <dt>{t('visits.time')}</dt>
          <dd>
            {formatTime(v.starts_at, locale)}–{formatTime(v.ends_at, locale)} (
            {t('visits.duration', duration(v.starts_at, v.ends_at))})
          </dd>
          <dt>{t('visits.place')}</dt>
          <dd>{v.place || '—'}</dd>
          <dt>{t('visits.activities')}</dt>
          <dd className="pre-line">{v.activities || '—'}</dd>
          <dt>{t('visits.outcome')}</dt>
          <dd className="pre-line">{v.outcome || '—'}</dd>
          <dt>{t('visits.followUpNeeded')}</dt>
          <dd className="pre-line">
            {v.follow_up_needed ? `${t('common.yes')} — ${v.follow_up}` : t('common.no')}
          </dd>
          <dt>{t('visits.travelKm')}</dt>
          <dd>{v.travel_km !== null ? `${Number(v.travel_km)} km` : '—'}</dd>
          <dt>{t('visits.travelCost')}</dt>
          <dd>
            {v.travel_cost !== null ? `¥${formatNumber(v.travel_cost)}` : '—'}
            {v.receipt_file_id ? (
              <>
                {' '}
                · <a href={`/files/${v.receipt_file_id}`}>{t('visits.receiptLink')}</a> (
                {v.receipt_name})
              </>
            ) : null}
          </dd>
          <dt>{t('visits.interpreterMinutes')}</dt>
          <dd>{v.interpreter_minutes}</dd>
          <dt>{t('visits.submittedAt')}</dt>
          <dd>{formatDateTime(v.submitted_at, locale)}</dd>
          {v.reviewed_at ? (
            <>
              <dt>{t('visits.reviewedBy')}</dt>
              <dd>
                {v.reviewer_name} · {formatDateTime(v.reviewed_at, locale)}
              </dd>
            </>
          ) : null}
          {v.review_comment ? (
            <>
              <dt>{t('visits.reviewComment')}</dt>
              <dd className="pre-line">{v.review_comment}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="card section confidential" aria-labelledby="visit-note">
        <h2 id="visit-note">{t('visits.confidentialNote')}</h2>
        <p className="pre-line">{v.confidential_note || '—'}</p>
        <p className="hint">{t('visits.confidentialHint')}</p>
      </section>
    </>
  );
}
