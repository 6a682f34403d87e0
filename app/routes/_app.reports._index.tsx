import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { BarChart, LineChart } from '~/components/charts';
import { yen } from '~/lib/format';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { tokyoDate } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePeriod, quarterKeyOf } from '~/modules/reports/period';
import { activityReport } from '~/modules/reports/reports.server';

export const meta: MetaFunction = () => [{ title: '活動報告 / Activity report' }];

/** Recent periods to choose from: 12 months, 8 quarters, 3 fiscal years. */
function choices(today: string) {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return d.toISOString().slice(0, 7);
  });
  const quarters: string[] = [];
  let [fy, q] = quarterKeyOf(today).replace('FY', '').split('-Q').map(Number) as [number, number];
  for (let i = 0; i < 8; i++) {
    quarters.push(`FY${fy}-Q${q}`);
    q--;
    if (q === 0) {
      q = 4;
      fy--;
    }
  }
  const fyNow = Number(quarterKeyOf(today).slice(2, 6));
  const years = [0, 1, 2].map((i) => `FY${fyNow - i}`);
  return { months, quarters, years };
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const today = tokyoDate();
  const key = new URL(request.url).searchParams.get('period') ?? quarterKeyOf(today);
  const period = parsePeriod(key) ?? parsePeriod(quarterKeyOf(today))!;
  return { report: await activityReport(db, period), choices: choices(today) };
}

const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '—');
const minutes = (m: number | null, locale: string) =>
  m === null
    ? '—'
    : m < 120
      ? `${m} ${locale === 'en' ? 'min' : '分'}`
      : `${Math.round(m / 6) / 10} ${locale === 'en' ? 'h' : '時間'}`;

export default function Reports() {
  const { report: r, choices } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const label = (prefix: string) => (k: string) => tKey(t, `${prefix}.${k}`);
  const breakdown = (
    id: string,
    title: string,
    cells: { key: string; n: number }[],
    name: (k: string) => string,
  ) => (
    <section className="section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {cells.length === 0 ? (
        <p className="empty">{t('reports.noRequests')}</p>
      ) : (
        <>
          <BarChart rows={cells.map((c) => ({ label: name(c.key), n: c.n }))} />
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{title}</th>
                <th scope="col" className="num">
                  {t('reports.requests')}
                </th>
                <th scope="col" className="num">
                  {t('reports.share')}
                </th>
              </tr>
            </thead>
            <tbody>
              {cells.map((c) => (
                <tr key={c.key}>
                  <th scope="row">{name(c.key)}</th>
                  <td className="num">{c.n}</td>
                  <td className="num">{pct(c.n, r.requests.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
  const o = r.requests.outcomes;
  const { search } = useLocation();
  return (
    <>
      <div className="page-head">
        <h1>
          {t('reports.title')} — {r.period.label[locale]}
        </h1>
        <div className="action-row no-print">
          <Link className="button" to="/reports/coverage">
            {t('reports.coverage')}
          </Link>
          <a className="button" href={`/reports/activity.csv?period=${r.period.key}`} download>
            {t('reports.csv')}
          </a>
          <a
            className="button primary"
            href={`/reports/activity.pdf?period=${r.period.key}`}
            download
          >
            {t('reports.pdf')}
          </a>
        </div>
      </div>
      <p className="hint">{t('reports.anonymity')}</p>
      <Form method="get" className="filters no-print" key={search}>
        <label>
          {t('reports.period')}
          <select name="period" defaultValue={r.period.key}>
            <optgroup label={t('reports.quarters')}>
              {choices.quarters.map((k) => (
                <option key={k} value={k}>
                  {parsePeriodLabel(k, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('reports.months')}>
              {choices.months.map((k) => (
                <option key={k} value={k}>
                  {parsePeriodLabel(k, locale)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('reports.years')}>
              {choices.years.map((k) => (
                <option key={k} value={k}>
                  {parsePeriodLabel(k, locale)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <button type="submit" className="button">
          {t('reports.show')}
        </button>
      </Form>

      <div className="cards">
        <div className="card stat">
          <strong>{r.requests.total}</strong> {t('reports.requests')}
        </div>
        <div className="card stat">
          <strong>{pct(o.accepted, r.requests.total)}</strong> {t('reports.acceptedShare')}
        </div>
        <div className="card stat">
          <strong>{minutes(r.timing.toFirstOffer.medianMinutes, locale)}</strong>{' '}
          {t('reports.medianToOffer')}
        </div>
        <div className="card stat">
          <strong>{minutes(r.timing.toAcceptance.medianMinutes, locale)}</strong>{' '}
          {t('reports.medianToAcceptance')}
        </div>
      </div>

      <section className="section" aria-labelledby="outcomes">
        <h2 id="outcomes">{t('reports.outcomes')}</h2>
        <table className="compact">
          <thead>
            <tr>
              <th scope="col">{t('reports.item')}</th>
              <th scope="col" className="num">
                {t('reports.count')}
              </th>
              <th scope="col" className="num">
                {t('reports.share')}
              </th>
            </tr>
          </thead>
          <tbody>
            {(['dispatched', 'accepted', 'completed', 'cancelled'] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{tKey(t, `reports.outcomeNames.${k}`)}</th>
                <td className="num">{o[k]}</td>
                <td className="num">{pct(o[k], r.requests.total)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('reports.toFirstOffer')}</th>
              <td className="num" colSpan={2}>
                {t('reports.medianP90', {
                  median: minutes(r.timing.toFirstOffer.medianMinutes, locale),
                  p90: minutes(r.timing.toFirstOffer.p90Minutes, locale),
                  n: r.timing.toFirstOffer.n,
                })}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('reports.toAcceptance')}</th>
              <td className="num" colSpan={2}>
                {t('reports.medianP90', {
                  median: minutes(r.timing.toAcceptance.medianMinutes, locale),
                  p90: minutes(r.timing.toAcceptance.p90Minutes, locale),
                  n: r.timing.toAcceptance.n,
                })}
              </td>
            </tr>
            {(['declined', 'expired', 'withdrawn'] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{tKey(t, `reports.offerNames.${k}`)}</th>
                <td className="num">{r.offers[k]}</td>
                <td className="num">{pct(r.offers[k], r.offers.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {r.monthly.length > 1 ? (
        <section className="section" aria-labelledby="monthly">
          <h2 id="monthly">{t('reports.monthly')}</h2>
          <LineChart
            points={r.monthly.map((m) => ({
              label: m.month.slice(5),
              values: [m.requests, m.accepted],
            }))}
          />
          <p className="hint">{t('reports.monthlyLegend')}</p>
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('reports.month')}</th>
                <th scope="col" className="num">
                  {t('reports.requests')}
                </th>
                <th scope="col" className="num">
                  {tKey(t, 'reports.outcomeNames.accepted')}
                </th>
              </tr>
            </thead>
            <tbody>
              {r.monthly.map((m) => (
                <tr key={m.month}>
                  <th scope="row">{m.month}</th>
                  <td className="num">{m.requests}</td>
                  <td className="num">{m.accepted}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <h2>{t('reports.breakdowns')}</h2>
      <div className="report-grid">
        {breakdown(
          'by-category',
          t('reports.byCategory'),
          r.requests.byCategory,
          label('dispatch.categories'),
        )}
        {breakdown(
          'by-language',
          t('reports.byLanguage'),
          r.requests.byLanguage,
          label('languages'),
        )}
        {breakdown(
          'by-urgency',
          t('reports.byUrgency'),
          r.requests.byUrgency,
          label('dispatch.urgencies'),
        )}
        {breakdown('by-prefecture', t('reports.byPrefecture'), r.requests.byPrefecture, (k) => k)}
      </div>

      <section className="section" aria-labelledby="work">
        <h2 id="work">{t('reports.work')}</h2>
        <table className="compact">
          <tbody>
            <tr>
              <th scope="row">{t('reports.visitsApproved')}</th>
              <td className="num">{r.visits.approved}</td>
            </tr>
            <tr>
              <th scope="row">{t('reports.visitHours')}</th>
              <td className="num">{r.visits.hours}</td>
            </tr>
            <tr>
              <th scope="row">{t('reports.shelterNights')}</th>
              <td className="num">{r.visits.shelterNights}</td>
            </tr>
            {r.paid.map((p) => (
              <tr key={p.kind}>
                <th scope="row">
                  {t('reports.paidTo', { kind: tKey(t, `partnerKinds.${p.kind}`) })}
                </th>
                <td className="num">{yen(p.amount)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('reports.partnersActive')}</th>
              <td className="num">{r.partners.active}</td>
            </tr>
            <tr>
              <th scope="row">{t('reports.partnersTrained')}</th>
              <td className="num">{r.partners.trained}</td>
            </tr>
            <tr>
              <th scope="row">{t('reports.trainingHeld')}</th>
              <td className="num">{r.training.sessionsHeld}</td>
            </tr>
            <tr>
              <th scope="row">{t('reports.trainingAttended')}</th>
              <td className="num">{r.training.attended}</td>
            </tr>
          </tbody>
        </table>
      </section>
    </>
  );
}

function parsePeriodLabel(key: string, locale: 'ja' | 'en') {
  return parsePeriod(key)?.label[locale] ?? key;
}
