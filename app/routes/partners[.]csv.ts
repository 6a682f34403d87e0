import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { exportPartnersCsv } from '~/modules/partners/csv.server';
import { parsePartnerFilters } from '~/modules/partners/filters';
import { tokyoToday } from '~/modules/partners/partners.server';

/** The partner list as filtered on /partners (same query string), as a CSV download. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat', 'counselor']);
  const f = parsePartnerFilters(new URL(request.url).searchParams);
  const csv = await exportPartnersCsv(db, { filters: f, sort: f.sort, dir: f.dir });
  // A bulk read of people's contact details: recorded.
  await audit(db, {
    actorId: me.id,
    action: 'partner.export_csv',
    subjectType: 'partner',
    detail: { filters: f },
    ip: context.clientIp,
  });
  const day = tokyoToday().replace(/-/g, '');
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="partners-${day}.csv"`,
      // Contact details of people: never kept by a shared cache.
      'Cache-Control': 'private, no-store',
    },
  });
}
