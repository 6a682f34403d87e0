import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';

let cached: Promise<FeatureCollection> | undefined;

/** Japan's prefecture outlines, shipped with the app: the map stays readable without tiles. */
export function loadPrefectureOutline(): Promise<FeatureCollection> {
  cached ??= fetch('/geo/prefectures.topojson')
    .then((r) => {
      if (!r.ok) throw new Error(`outline ${r.status}`);
      return r.json() as Promise<Topology>;
    })
    .then((topo) => feature(topo, topo.objects.japan) as unknown as FeatureCollection);
  return cached;
}
