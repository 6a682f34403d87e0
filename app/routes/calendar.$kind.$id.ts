import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireUser } from '~/modules/auth/auth.server';
import { eventIcs } from '~/modules/calendar/calendar.server';

/** One training or meeting as an .ics file, for someone who may see it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireUser(request);
  const id = (params.id ?? '').replace(/\.ics$/, '');
  const text = await eventIcs(db, me, params.kind ?? '', id);
  if (!text) throw new Response('Not Found', { status: 404 });
  return new Response(text, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `attachment; filename="${params.kind}-${id.slice(0, 8)}.ics"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
