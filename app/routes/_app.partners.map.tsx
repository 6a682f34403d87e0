import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useRouteLoaderData } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import clusterCss from 'leaflet.markercluster/dist/MarkerCluster.css';
import clusterDefaultCss from 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import { useTranslation } from 'react-i18next';
import { ClientOnly } from '~/components/client-only';
import RegistryMap, { type MapPoint } from '~/components/map/registry-map.client';
import { PartnerFilterForm } from '~/components/partner-filter-form';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePartnerFilters } from '~/modules/partners/filters';
import { listPrefectures, partnerMapPoints } from '~/modules/partners/partners.server';
import type { loader as rootLoader } from '~/root';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: leafletCss },
  { rel: 'stylesheet', href: clusterCss },
  { rel: 'stylesheet', href: clusterDefaultCss },
];
export const meta: MetaFunction = () => [{ title: 'パートナー地図 / Partner map' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat', 'counselor']);
  const filters = parsePartnerFilters(new URL(request.url).searchParams);
  const [points, prefectures] = await Promise.all([
    partnerMapPoints(db, filters),
    listPrefectures(db),
  ]);
  return { points, prefectures, filters };
}

export default function PartnerMapPage() {
  const { points, prefectures, filters } = useLoaderData<typeof loader>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const { t } = useTranslation();
  const { search } = useLocation();
  return (
    <>
      <div className="page-head">
        <h1>{t('partners.mapTitle')}</h1>
        <Link to={`/partners${search}`} className="button">
          {t('partners.listView')}
        </Link>
      </div>
      <PartnerFilterForm
        filters={filters}
        prefectures={prefectures}
        clearTo="/partners/map"
        summary={t('partners.count', { total: points.length })}
      />
      <div className="map-box tall">
        <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
          {() => (
            <RegistryMap
              points={points as unknown as MapPoint[]}
              tileUrl={root?.mapTileUrl ?? ''}
              label={t('partners.mapTitle')}
              renderPopup={(p) => (
                <div className="popup">
                  <strong>
                    <Link to={`/partners/${p[0]}`}>{p[1]}</Link>
                  </strong>
                  <div>
                    {t(`partnerKinds.${p[2]}` as 'partnerKinds.npo')} · {p[7]}
                  </div>
                  <div>
                    {p[6]
                      .split(',')
                      .filter(Boolean)
                      .map((l) => t(`languages.${l}` as 'languages.ja'))
                      .join('・')}
                  </div>
                </div>
              )}
            />
          )}
        </ClientOnly>
      </div>
      <p className="hint">{t('partners.mapAttribution')}</p>
    </>
  );
}
