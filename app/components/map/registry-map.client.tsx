import L from 'leaflet';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { MapContainer, Popup, useMap } from 'react-leaflet';
import { BaseLayers } from './base-layers.client';
import Supercluster, { type ClusterProperties, type PointFeature } from 'supercluster';
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

/**
 * All partners on one map. The points arrive as compact [lat, lng, status] triples from
 * `dataUrl` after the page shows; they are clustered with supercluster and only what is in view
 * is drawn, as plain Leaflet markers (one React component per marker took 30 s for 10,000
 * partners; leaflet.markercluster, which builds a marker for every partner first, 3.5 s). A
 * marker's popup fetches the partners at that point.
 */
export default function RegistryMap({
  dataUrl,
  onLoaded,
  tileUrl,
  label,
  markerLabel,
  clusterLabel,
  renderPopup,
}: {
  dataUrl: string;
  /** the accessible name of a marker of a status */
  markerLabel: (status: string) => string;
  /** the accessible name of a cluster of `count` partners */
  clusterLabel: (count: number) => string;
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
      {points ? (
        <Clusters
          points={points}
          onChoose={choose}
          markerLabel={markerLabel}
          clusterLabel={clusterLabel}
        />
      ) : null}
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
  clusterLabel,
}: {
  points: number[];
  onChoose: (lat: number, lng: number) => void;
  markerLabel: (status: string) => string;
  clusterLabel: (count: number) => string;
}) {
  const map = useMap();
  // One spatial index of every point (100,000 index in well under a second); what is drawn is
  // only the clusters and partners in view at the current zoom, redrawn when the map moves.
  const index = useMemo(() => {
    const features: PointFeature<{ s: number }>[] = new Array(points.length / 3);
    for (let i = 0, j = 0; i < points.length; i += 3, j++) {
      features[j] = {
        type: 'Feature',
        properties: { s: points[i + 2] },
        geometry: { type: 'Point', coordinates: [points[i + 1], points[i]] },
      };
    }
    return new Supercluster<{ s: number }>({ radius: 60, maxZoom: 15 }).load(features);
  }, [points]);
  useEffect(() => {
    const layer = L.layerGroup().addTo(map);
    const draw = () => {
      const b = map.getBounds();
      const zoom = Math.floor(map.getZoom());
      const items = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom);
      layer.clearLayers();
      for (const f of items) {
        const [lng, lat] = f.geometry.coordinates;
        const props = f.properties as Partial<ClusterProperties> & { s?: number };
        if (props.cluster) {
          const n = props.point_count!;
          // The look and sizes of leaflet.markercluster's default clusters (its CSS).
          const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
          const icon = L.divIcon({
            html: `<div><span>${props.point_count_abbreviated}</span></div>`,
            className: `marker-cluster marker-cluster-${size}`,
            iconSize: [40, 40],
          });
          const name = clusterLabel(n);
          const id = props.cluster_id!;
          L.marker([lat, lng], { icon, title: name, alt: name })
            .on('click', () =>
              map.setView(
                [lat, lng],
                Math.min(index.getClusterExpansionZoom(id), map.getMaxZoom()),
              ),
            )
            .addTo(layer);
        } else {
          // Markers are focusable; Enter opens the popup like a click.
          const status = STATUSES[props.s ?? 1] ?? 'active';
          const name = markerLabel(status);
          L.marker([lat, lng], { icon: iconFor(status), title: name, alt: name })
            .on('click', () => onChoose(lat, lng))
            .addTo(layer);
        }
      }
    };
    draw();
    map.on('moveend', draw);
    return () => {
      map.off('moveend', draw);
      layer.remove();
    };
  }, [map, index, onChoose, markerLabel, clusterLabel]);
  return null;
}
