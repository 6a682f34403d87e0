import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireUser } from '~/modules/auth/auth.server';
import { isUuid } from '~/modules/partners/partners.server';
import { parsePeriod } from '~/modules/reports/period';
import { reportPdf } from '~/modules/reports/report-files.server';
import { activityReport, publicReport } from '~/modules/reports/reports.server';

/**
 * The meeting's quarter as the anonymous activity report (PDF), attached to the liaison
 * meeting: for the secretariat and for the partner people invited.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireUser(request);
  const id = params.id ?? '';
  if (!isUuid(id)) throw new Response('Not Found', { status: 404 });
  const m = await db
    .selectFrom('liaison_meeting')
    .select(['fiscal_year', 'quarter'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!m) throw new Response('Not Found', { status: 404 });
  if (me.role !== 'secretariat') {
    const invited = await db
      .selectFrom('meeting_invitee')
      .select('id')
      .where('meeting_id', '=', id)
      .where('user_id', '=', me.id)
      .executeTakeFirst();
    if (!invited) throw new Response('Not Found', { status: 404 });
  }
  const period = parsePeriod(`FY${m.fiscal_year}-Q${m.quarter}`)!;
  const pdf = await reportPdf(publicReport(await activityReport(db, period)));
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="activity-${period.key}.pdf"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
