import type { Map as LeafletMap } from 'leaflet';

/**
 * react-leaflet's MapContainer passes only className, id and style to its element, so an
 * aria-label given to it is dropped: name the map's element itself (as a named group, since
 * the sections around the maps are the page's regions).
 */
export function nameMap(label: string) {
  return (map: LeafletMap | null) => {
    if (!map) return;
    const el = map.getContainer();
    el.setAttribute('role', 'group');
    el.setAttribute('aria-label', label);
  };
}
