import L from 'leaflet';
import 'leaflet.markercluster';
import { useCallback, useEffect, useState } from 'react';
import { MapContainer, Popup, useMap } from 'react-leaflet';
import { BaseLayers } from './base-layers.client';
import { nameMap } from './name-map.client';

/** A partner at a point, as the popup shows it. */
export interface PartnerAtPoint {
  id: string;
  name: string;
  kind: string;
  status: string;
  languages: string[];
  municipality_name: string | null;
}

const STATUSES = ['prospective', 'active', 'suspended', 'retired'] as const;

const icons = new Map<string, L.DivIcon>();
function iconFor(status: string) {
  let icon = icons.get(status);
  if (!icon) {
    icon = L.divIcon({ className: `partner-dot partner-dot-${status}`, iconSize: [14, 14] });
    icons.set(status, icon);
  }
  return icon;
}

// leaflet.markercluster extends the global L; it ships no types.
type ClusterGroup = L.FeatureGroup & { addLayers(layers: L.Layer[]): ClusterGroup };
const clusterGroup = (opts: Record<string, unknown>) =>
  (
    L as unknown as { markerClusterGroup(o: Record<string, unknown>): ClusterGroup }
  ).markerClusterGroup(opts);

/**
 * All partners on one map. The points arrive as compact [lat, lng, status] triples from
 * `dataUrl` after the page shows; markers are plain Leaflet layers added in one batch with
 * chunked loading (one React component per marker took 30 s for 10,000 partners). A marker's
 * popup fetches the partners at that point.
 */
export default function RegistryMap({
  dataUrl,
  onLoaded,
  tileUrl,
  label,
  markerLabel,
  renderPopup,
}: {
  dataUrl: string;
  /** the accessible name of a marker of a status */
  markerLabel: (status: string) => string;
  onLoaded: (total: number) => void;
  tileUrl: string;
  label: string;
  renderPopup: (partners: PartnerAtPoint[]) => React.ReactNode;
}) {
  const [points, setPoints] = useState<number[] | null>(null);
  const [chosen, setChosen] = useState<{ lat: number; lng: number } | null>(null);
  const [popup, setPopup] = useState<PartnerAtPoint[] | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    fetch(dataUrl, { signal: ctrl.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((d: { points: number[] }) => {
        setPoints(d.points);
        onLoaded(d.points.length / 3);
      })
      .catch(() => {});
    return () => ctrl.abort();
  }, [dataUrl, onLoaded]);
  useEffect(() => {
    if (!chosen) return;
    const ctrl = new AbortController();
    setPopup(null);
    const sep = dataUrl.includes('?') ? '&' : '?';
    fetch(`${dataUrl}${sep}at=${chosen.lat},${chosen.lng}`, { signal: ctrl.signal })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((d: { partners: PartnerAtPoint[] }) => setPopup(d.partners))
      .catch(() => {});
    return () => ctrl.abort();
  }, [chosen, dataUrl]);
  const choose = useCallback((lat: number, lng: number) => setChosen({ lat, lng }), []);
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
      aria-busy={points === null}
    >
      <BaseLayers tileUrl={tileUrl} />
      {points ? <Clusters points={points} onChoose={choose} markerLabel={markerLabel} /> : null}
      {chosen && popup ? (
        <Popup
          key={`${chosen.lat},${chosen.lng}`}
          position={[chosen.lat, chosen.lng]}
          offset={[0, -4]}
          eventHandlers={{ remove: () => setChosen(null) }}
        >
          {renderPopup(popup)}
        </Popup>
      ) : null}
    </MapContainer>
  );
}

function Clusters({
  points,
  onChoose,
  markerLabel,
}: {
  points: number[];
  onChoose: (lat: number, lng: number) => void;
  markerLabel: (status: string) => string;
}) {
  const map = useMap();
  useEffect(() => {
    const group = clusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
    const markers: L.Marker[] = [];
    for (let i = 0; i < points.length; i += 3) {
      const lat = points[i];
      const lng = points[i + 1];
      // Markers are focusable; Enter opens the popup like a click.
      const status = STATUSES[points[i + 2]] ?? 'active';
      const name = markerLabel(status);
      markers.push(
        L.marker([lat, lng], { icon: iconFor(status), title: name, alt: name }).on('click', () =>
          onChoose(lat, lng),
        ),
      );
    }
    group.addLayers(markers);
    map.addLayer(group);
    return () => {
      map.removeLayer(group);
    };
  }, [map, points, onChoose, markerLabel]);
  return null;
}
