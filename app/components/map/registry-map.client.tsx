import L from 'leaflet';
import { MapContainer, Marker, Popup } from 'react-leaflet';
import MarkerClusterGroup from 'react-leaflet-cluster';
import { BaseLayers } from './base-layers.client';
import { nameMap } from './name-map.client';

export type MapPoint = readonly [string, string, string, number, number, string, string, string];

const icons = new Map<string, L.DivIcon>();
function iconFor(status: string) {
  let icon = icons.get(status);
  if (!icon) {
    icon = L.divIcon({ className: `partner-dot partner-dot-${status}`, iconSize: [14, 14] });
    icons.set(status, icon);
  }
  return icon;
}

/** All partners on one map; clustering keeps 10,000 markers smooth (chunked loading). */
export default function RegistryMap({
  points,
  tileUrl,
  label,
  renderPopup,
}: {
  points: MapPoint[];
  tileUrl: string;
  label: string;
  renderPopup: (p: MapPoint) => React.ReactNode;
}) {
  return (
    <MapContainer
      // All of Japan, from Okinawa to northern Hokkaido.
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
      <MarkerClusterGroup chunkedLoading maxClusterRadius={50}>
        {points.map((p) => (
          <Marker key={p[0]} position={[p[3], p[4]]} icon={iconFor(p[5])} title={p[1]}>
            <Popup>{renderPopup(p)}</Popup>
          </Marker>
        ))}
      </MarkerClusterGroup>
    </MapContainer>
  );
}
