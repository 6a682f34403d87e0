import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Form,
  Link,
  useLoaderData,
  useLocation,
  useNavigation,
  useRouteLoaderData,
} from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useTranslation } from 'react-i18next';
import { ClientOnly } from '~/components/client-only';
import CoverageMap, { type CoveragePoint } from '~/components/map/coverage-map.client';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { LANGUAGES, SPECIALTIES } from '~/modules/partners/codes';
import { coverage } from '~/modules/reports/coverage.server';
import { BAND_COLOURS, BANDS } from '~/modules/reports/period';
import type { loader as rootLoader } from '~/root';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];
export const meta: MetaFunction = () => [{ title: '空白地帯マップ / Coverage-gap map' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const url = new URL(request.url);
  const language = url.searchParams.get('language') ?? '';
  const specialty = url.searchParams.get('specialty') ?? '';
  const filters = {
    language: (LANGUAGES as readonly string[]).includes(language) ? language : undefined,
    specialty: (SPECIALTIES as readonly string[]).includes(specialty) ? specialty : undefined,
    trainedOnly: url.searchParams.get('trained') === '1',
  };
  const started = performance.now();
  const rows = await coverage(db, filters);
  const ms = Math.round(performance.now() - started);
  // Worst first; among equals, where people asked for help.
  const worst = [...rows]
    .sort(
      (a, b) =>
        (b.km ?? Infinity) - (a.km ?? Infinity) ||
        b.requests - a.requests ||
        a.code.localeCompare(b.code),
    )
    .slice(0, 30);
  const withRequests = [...rows]
    .filter((r) => r.requests > 0)
    .sort((a, b) => (b.km ?? Infinity) - (a.km ?? Infinity) || b.requests - a.requests)
    .slice(0, 30);
  const counts = BANDS.map(() => 0).concat(0);
  for (const r of rows) {
    const i = r.km === null ? BANDS.length : BANDS.findIndex((b) => r.km! <= b);
    counts[i === -1 ? BANDS.length : i]!++;
  }
  return {
    filters,
    points: rows.map((r) => [r.code, r.name, r.lat, r.lng, r.km, r.requests] as const),
    prefectureOf: Object.fromEntries(rows.map((r) => [r.code, r.prefecture])),
    worst,
    withRequests,
    counts,
    total: rows.length,
    ms,
  };
}

export default function Coverage() {
  const { filters, points, worst, withRequests, counts, total, ms } =
    useLoaderData<typeof loader>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const busy = useNavigation().state === 'loading';
  // A new key per URL: after Back the selects show what the URL says.
  const { search } = useLocation();
  const { t } = useTranslation();
  const bandLabel = (i: number) =>
    i === 0
      ? t('coverage.bandUpTo', { km: BANDS[0] })
      : i < BANDS.length
        ? t('coverage.bandRange', { from: BANDS[i - 1], to: BANDS[i] })
        : t('coverage.bandBeyond', { km: BANDS[BANDS.length - 1] });
  const table = (id: string, title: string, rows: typeof worst) => (
    <section className="section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p className="empty">{t('coverage.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="compact">
            <thead>
              <tr>
                <th scope="col">{t('coverage.municipality')}</th>
                <th scope="col" className="num">
                  {t('coverage.distance')}
                </th>
                <th scope="col" className="num">
                  {t('coverage.requests')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.code}>
                  <th scope="row">
                    {r.prefecture} {r.name}
                  </th>
                  <td className="num">{r.km === null ? t('coverage.noPartner') : `${r.km} km`}</td>
                  <td className="num">{r.requests}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
  return (
    <>
      <p>
        <Link to="/reports">← {t('reports.title')}</Link>
      </p>
      <h1>{t('coverage.title')}</h1>
      <p className="hint">{t('coverage.intro')}</p>
      <Form method="get" className="filters" aria-busy={busy || undefined} key={search}>
        <label>
          {t('coverage.language')}
          <select name="language" defaultValue={filters.language ?? ''}>
            <option value="">{t('coverage.any')}</option>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {tKey(t, `languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('coverage.specialty')}
          <select name="specialty" defaultValue={filters.specialty ?? ''}>
            <option value="">{t('coverage.any')}</option>
            {SPECIALTIES.map((s) => (
              <option key={s} value={s}>
                {tKey(t, `specialties.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="trained" value="1" defaultChecked={filters.trainedOnly} />
          {t('coverage.trainedOnly')}
        </label>
        <button type="submit" className="button">
          {busy ? t('common.loading') : t('coverage.apply')}
        </button>
      </Form>
      <p className="hint" role="status">
        {t('coverage.summary', { total, ms })}
      </p>
      <ul className="legend" aria-label={t('coverage.legend')}>
        {counts.map((n, i) => (
          <li key={i}>
            <span className="swatch" style={{ background: BAND_COLOURS[i] }} aria-hidden="true" />
            {bandLabel(i)}: {n}
          </li>
        ))}
        <li>
          <span className="ring" aria-hidden="true" /> {t('coverage.requestRing')}
        </li>
      </ul>
      <div className="map-box tall">
        <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
          {() => (
            <CoverageMap
              points={points as unknown as CoveragePoint[]}
              bands={BANDS}
              tileUrl={root?.mapTileUrl ?? ''}
              label={t('coverage.title')}
              popup={(p) => (
                <div className="popup">
                  <strong>{p[1]}</strong>
                  <br />
                  {p[4] === null ? t('coverage.noPartner') : `${p[4]} km`} ·{' '}
                  {t('coverage.requestsN', { n: p[5] })}
                </div>
              )}
            />
          )}
        </ClientOnly>
      </div>
      <div className="report-grid">
        {table('worst', t('coverage.worst'), worst)}
        {table('worst-requests', t('coverage.worstWithRequests'), withRequests)}
      </div>
    </>
  );
}
