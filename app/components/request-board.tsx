import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '~/lib/format';

export interface BoardRow {
  id: string;
  reference: string;
  status: string;
  urgency: string;
  category: string;
  worker_language: string;
  created_at: Date | string;
  window_start: Date | string;
  consent_at: Date | string | null;
  municipality_name: string;
  accepted_partner_name: string | null;
  next_deadline: Date | string | null;
  cascade_status?: string | null;
  checkin_overdue?: boolean;
}

type Tr = ReturnType<typeof useTranslation>['t'];
const tx = (t: Tr, key: string) => (t as unknown as (k: string) => string)(key);

function age(from: Date | string, now: number) {
  const h = Math.floor((now - new Date(from).getTime()) / 3_600_000);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

/** A cascade ran out and nobody has the request yet: the counselor must act. */
const cascadeEnded = (r: BoardRow) =>
  (r.cascade_status === 'exhausted' || r.cascade_status === 'deadline') &&
  ['draft', 'offered', 'needs_dispatch'].includes(r.status);

/** Open requests, "needs dispatch" and emergencies first (the loader orders them). */
export function RequestBoard({ rows }: { rows: BoardRow[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const now = Date.now();
  if (!rows.length) return <p className="empty">{t('dispatch.boardEmpty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('dispatch.reference')}</th>
            <th scope="col">{t('dispatch.urgency')}</th>
            <th scope="col">{t('dispatch.category')}</th>
            <th scope="col">{t('dispatch.place')}</th>
            <th scope="col">{t('dispatch.windowStart')}</th>
            <th scope="col">{t('partners.status')}</th>
            <th scope="col">{t('dispatch.nextDeadline')}</th>
            <th scope="col">{t('dispatch.age')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              className={
                r.status === 'needs_dispatch' || cascadeEnded(r) || r.checkin_overdue
                  ? 'row-alert'
                  : undefined
              }
            >
              <td>
                <Link to={`/requests/${r.id}`}>{r.reference}</Link>
              </td>
              <td>
                <span className={`status urgency-${r.urgency}`}>
                  {tx(t, `dispatch.urgencies.${r.urgency}`)}
                </span>
              </td>
              <td>
                {tx(t, `dispatch.categories.${r.category}`)} ·{' '}
                {tx(t, `languages.${r.worker_language}`)}
              </td>
              <td>{r.municipality_name}</td>
              <td>{formatDateTime(r.window_start, locale)}</td>
              <td>
                <span className={`status req-${r.status}`}>
                  {tx(t, `dispatch.statuses.${r.status}`)}
                </span>
                {r.accepted_partner_name ? (
                  <div className="muted">{r.accepted_partner_name}</div>
                ) : null}
                {!r.consent_at ? <div className="muted">{t('dispatch.noConsent')}</div> : null}
                {r.checkin_overdue ? (
                  <div className="alert-text">{t('dispatch.checkinOverdue')}</div>
                ) : null}
                {r.cascade_status &&
                ['running', 'exhausted', 'deadline'].includes(r.cascade_status) &&
                ['draft', 'offered', 'needs_dispatch'].includes(r.status) ? (
                  <div className={cascadeEnded(r) ? 'alert-text' : 'muted'}>
                    {tx(t, `dispatch.cascadeStatuses.${r.cascade_status}`)}
                  </div>
                ) : null}
              </td>
              <td>{r.next_deadline ? formatDateTime(r.next_deadline, locale) : '—'}</td>
              <td>{age(r.created_at, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
