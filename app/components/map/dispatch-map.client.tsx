import L from 'leaflet';
import { Circle, MapContainer, Marker, Tooltip } from 'react-leaflet';
import { BaseLayers } from './base-layers.client';
import { nameMap } from './name-map.client';

export interface MapCandidate {
  id: string;
  name: string;
  lat: number;
  lng: number;
  distanceKm: number;
  eligible: boolean;
}

const icon = (cls: string, size: number) => L.divIcon({ className: cls, iconSize: [size, size] });
const placeIcon = icon('place-dot', 20);
const candIcon = icon('cand-dot', 16);
const selIcon = icon('cand-dot selected', 18);
const exclIcon = icon('excl-dot', 12);

/** Opens on the place and every eligible partner (or 25 km around the place if none). */
function viewOf(place: [number, number], partners: MapCandidate[]): L.LatLngBoundsExpression {
  const points = [
    place,
    ...partners.filter((p) => p.eligible).map((p) => [p.lat, p.lng] as [number, number]),
  ];
  if (points.length === 1) return L.latLng(place).toBounds(50_000);
  return L.latLngBounds(points);
}

/** The request's place with 10/25/50 km rings, eligible partners (green) and excluded ones (grey). */
export default function DispatchMap({
  place,
  partners,
  selected,
  highlighted,
  tileUrl,
  label,
  onPick,
}: {
  place: [number, number];
  partners: MapCandidate[];
  selected: Set<string>;
  highlighted: string | null;
  tileUrl: string;
  label: string;
  onPick: (id: string) => void;
}) {
  return (
    <MapContainer
      bounds={viewOf(place, partners)}
      boundsOptions={{ padding: [30, 30], maxZoom: 12 }}
      className="leaflet-fill"
      ref={nameMap(label)}
    >
      <BaseLayers tileUrl={tileUrl} />
      {[10, 25, 50].map((km) => (
        <Circle
          key={km}
          center={place}
          radius={km * 1000}
          pathOptions={{ color: '#0b5cad', weight: 1, fill: false, dashArray: '4 4' }}
        />
      ))}
      <Marker position={place} icon={placeIcon} keyboard={false} />
      {partners.map((p) => (
        <Marker
          key={p.id}
          position={[p.lat, p.lng]}
          icon={
            !p.eligible ? exclIcon : selected.has(p.id) || highlighted === p.id ? selIcon : candIcon
          }
          title={p.name}
          keyboard={false}
          eventHandlers={p.eligible ? { click: () => onPick(p.id) } : undefined}
        >
          <Tooltip>
            {p.name} · {p.distanceKm} km
          </Tooltip>
        </Marker>
      ))}
    </MapContainer>
  );
}
