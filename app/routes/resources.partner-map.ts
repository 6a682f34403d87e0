import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePartnerFilters } from '~/modules/partners/filters';
import { partnerMapPoints, partnersAt } from '~/modules/partners/partners.server';

/**
 * The registry map's data, fetched by the map after the page shows: every filtered partner as
 * [lat, lng, status] triples, or, with `at=lat,lng`, the partners at one point for its popup.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat', 'counselor']);
  const params = new URL(request.url).searchParams;
  const filters = parsePartnerFilters(params);
  const at = params.get('at');
  if (at !== null) {
    const [lat, lng] = at.split(',').map(Number);
    if (!(lat >= 20 && lat <= 46 && lng >= 122 && lng <= 154))
      return Response.json({ error: 'at: lat,lng in Japan' }, { status: 400 });
    return Response.json({ partners: await partnersAt(db, filters, { lat, lng }) });
  }
  return Response.json(
    { points: await partnerMapPoints(db, filters) },
    { headers: { 'Cache-Control': 'private, no-cache' } },
  );
}
