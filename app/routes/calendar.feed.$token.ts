import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { buildUserFeed, feedOwner } from '~/modules/calendar/calendar.server';

/** A personal subscription feed: the secret in the URL is the only key (no login, no cookies). */
export async function loader({ params }: LoaderFunctionArgs) {
  const owner = await feedOwner(db, params.token ?? '');
  if (!owner) throw new Response('Not Found', { status: 404 });
  return new Response(await buildUserFeed(db, owner), {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Cache-Control': 'private, no-store',
      'X-Robots-Tag': 'noindex',
      'Referrer-Policy': 'no-referrer',
    },
  });
}
