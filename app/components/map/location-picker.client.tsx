import L from 'leaflet';
import { useEffect, useMemo } from 'react';
import { MapContainer, Marker, useMap, useMapEvents } from 'react-leaflet';
import { BaseLayers } from './base-layers.client';
import { nameMap } from './name-map.client';

const pin = L.divIcon({
  className: 'map-pin',
  html: '<span></span>',
  iconSize: [28, 28],
  iconAnchor: [14, 28],
});
const JAPAN_CENTER: [number, number] = [36.2, 138.25];

function ClickToPlace({ onPick }: { onPick: (lat: number, lng: number) => void }) {
  useMapEvents({ click: (e) => onPick(e.latlng.lat, e.latlng.lng) });
  return null;
}

function FollowPosition({ position }: { position: [number, number] | null }) {
  const map = useMap();
  useEffect(() => {
    if (!position) return;
    // A place chosen from a list (municipality, office) zooms in close enough to adjust the pin.
    if (map.getZoom() < 11) map.setView(position, 13);
    else if (!map.getBounds().contains(position)) map.panTo(position);
  }, [map, position]);
  return null;
}

/** A map where a click or a drag sets the location; the typed inputs stay the source of truth. */
export default function LocationPicker({
  lat,
  lng,
  tileUrl,
  label,
  onChange,
}: {
  lat: number | null;
  lng: number | null;
  tileUrl: string;
  label: string;
  onChange: (lat: number, lng: number) => void;
}) {
  const position = useMemo<[number, number] | null>(
    () => (lat !== null && lng !== null ? [lat, lng] : null),
    [lat, lng],
  );
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const pick = (a: number, b: number) => onChange(round(a), round(b));
  return (
    <MapContainer
      center={position ?? JAPAN_CENTER}
      zoom={position ? 12 : 5}
      className="leaflet-fill"
      ref={nameMap(label)}
      scrollWheelZoom={false}
    >
      <BaseLayers tileUrl={tileUrl} />
      <ClickToPlace onPick={pick} />
      <FollowPosition position={position} />
      {position ? (
        <Marker
          position={position}
          icon={pin}
          draggable
          keyboard
          title={label}
          eventHandlers={{
            dragend: (e) => {
              const p = (e.target as L.Marker).getLatLng();
              pick(p.lat, p.lng);
            },
          }}
        />
      ) : null}
    </MapContainer>
  );
}
