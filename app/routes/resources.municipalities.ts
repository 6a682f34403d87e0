import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireUser } from '~/modules/auth/auth.server';
import { municipalitiesOf } from '~/modules/partners/partners.server';

/** Municipalities of one prefecture, for cascading selects (reference data, cacheable). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const code = Number(new URL(request.url).searchParams.get('prefecture'));
  if (!Number.isInteger(code) || code < 1 || code > 47) return Response.json([], { status: 400 });
  return Response.json(await municipalitiesOf(db, code), {
    headers: { 'Cache-Control': 'private, max-age=86400' },
  });
}
