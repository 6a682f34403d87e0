import { CircleMarker, MapContainer, Popup } from 'react-leaflet';
import { BAND_COLOURS } from '~/modules/reports/period';
import { BaseLayers } from './base-layers.client';
import { nameMap } from './name-map.client';

export type CoveragePoint = readonly [
  code: string,
  name: string,
  lat: number,
  lng: number,
  km: number | null,
  requests: number,
];

export function bandOf(km: number | null, bands: readonly number[]): number {
  if (km === null) return bands.length;
  const i = bands.findIndex((b) => km <= b);
  return i === -1 ? bands.length : i;
}

/** Municipalities coloured by distance to the nearest eligible partner; requests as rings. */
export default function CoverageMap({
  points,
  bands,
  tileUrl,
  label,
  popup,
}: {
  points: CoveragePoint[];
  bands: readonly number[];
  tileUrl: string;
  label: string;
  popup: (p: CoveragePoint) => React.ReactNode;
}) {
  return (
    <MapContainer
      bounds={[
        [24.0, 122.9],
        [45.6, 146.0],
      ]}
      zoomSnap={0.5}
      className="leaflet-fill"
      ref={nameMap(label)}
      preferCanvas
    >
      <BaseLayers tileUrl={tileUrl} />
      {points.map((p) => (
        <CircleMarker
          key={p[0]}
          center={[p[2], p[3]]}
          radius={4}
          pathOptions={{
            color: BAND_COLOURS[bandOf(p[4], bands)],
            fillColor: BAND_COLOURS[bandOf(p[4], bands)],
            fillOpacity: 0.85,
            weight: 1,
          }}
        >
          <Popup>{popup(p)}</Popup>
        </CircleMarker>
      ))}
      {points
        .filter((p) => p[5] > 0)
        .map((p) => (
          <CircleMarker
            key={`r${p[0]}`}
            center={[p[2], p[3]]}
            radius={6 + Math.min(14, Math.sqrt(p[5]) * 3)}
            pathOptions={{ color: '#1f3b73', weight: 2, fill: false }}
          >
            <Popup>{popup(p)}</Popup>
          </CircleMarker>
        ))}
    </MapContainer>
  );
}
