import type { FeatureCollection } from 'geojson';
import { useEffect, useState } from 'react';
import { GeoJSON, TileLayer } from 'react-leaflet';
import { loadPrefectureOutline } from './outline.client';

const OSM_ATTRIBUTION =
  '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

/** Tiles when they load; the shipped prefecture outline underneath in any case. */
export function BaseLayers({ tileUrl }: { tileUrl: string }) {
  const [outline, setOutline] = useState<FeatureCollection | null>(null);
  useEffect(() => {
    let live = true;
    loadPrefectureOutline()
      .then((o) => live && setOutline(o))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      {outline ? (
        <GeoJSON
          data={outline}
          style={{ color: '#7b8794', weight: 1, fillColor: '#f8fafc', fillOpacity: 1 }}
          attribution="出典：地球地図日本"
          interactive={false}
        />
      ) : null}
      <TileLayer url={tileUrl} attribution={OSM_ATTRIBUTION} />
    </>
  );
}
