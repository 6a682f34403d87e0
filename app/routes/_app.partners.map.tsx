import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useRouteLoaderData } from '@remix-run/react';
import { useCallback, useState } from 'react';
import leafletCss from 'leaflet/dist/leaflet.css';
import clusterCss from 'leaflet.markercluster/dist/MarkerCluster.css';
import clusterDefaultCss from 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import { useTranslation } from 'react-i18next';
import { ClientOnly } from '~/components/client-only';
import RegistryMap from '~/components/map/registry-map.client';
import { PartnerFilterForm } from '~/components/partner-filter-form';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePartnerFilters } from '~/modules/partners/filters';
import { listPrefectures } from '~/modules/partners/partners.server';
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
  // The points themselves are fetched by the map (resources.partner-map): the page shows at once.
  return { prefectures: await listPrefectures(db), filters };
}

export default function PartnerMapPage() {
  const { prefectures, filters } = useLoaderData<typeof loader>();
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const { t } = useTranslation();
  const [total, setTotal] = useState<number | null>(null);
  const markerLabel = useCallback(
    (status: string) => t(`partnerStatuses.${status}` as 'partnerStatuses.active'),
    [t],
  );
  const clusterLabel = useCallback((count: number) => t('partners.mapCluster', { count }), [t]);
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
        summary={total === null ? t('partners.mapLoading') : t('partners.count', { total })}
      />
      <div className="map-box tall">
        <ClientOnly fallback={<div className="map-fallback">{t('partners.mapLoading')}</div>}>
          {() => (
            <RegistryMap
              dataUrl={`/resources/partner-map${search}`}
              onLoaded={setTotal}
              tileUrl={root?.mapTileUrl ?? ''}
              label={t('partners.mapTitle')}
              markerLabel={markerLabel}
              clusterLabel={clusterLabel}
              renderPopup={(partners) => (
                <ul className="popup">
                  {partners.map((p) => (
                    <li key={p.id}>
                      <strong>
                        <Link to={`/partners/${p.id}`}>{p.name}</Link>
                      </strong>
                      <div>
                        {t(`partnerKinds.${p.kind}` as 'partnerKinds.npo')} · {p.municipality_name}
                      </div>
                      <div>
                        {p.languages.map((l) => t(`languages.${l}` as 'languages.ja')).join('・')}
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            />
          )}
        </ClientOnly>
      </div>
      <p className="hint">{t('partners.mapAttribution')}</p>
    </>
  );
}
