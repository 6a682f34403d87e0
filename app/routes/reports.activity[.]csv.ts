import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePeriod } from '~/modules/reports/period';
import { reportCsv } from '~/modules/reports/report-files.server';
import { activityReport, publicReport } from '~/modules/reports/reports.server';

/** The activity report as CSV — the anonymous form (small cells "<5"). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const period = parsePeriod(new URL(request.url).searchParams.get('period') ?? '');
  if (!period) throw new Response('Bad period', { status: 400 });
  const csv = reportCsv(publicReport(await activityReport(db, period)));
  await audit(db, {
    actorId: me.id,
    action: 'report.csv',
    subjectType: 'report',
    subjectId: null,
    detail: { period: period.key },
    ip: context.clientIp,
  });
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="activity-${period.key}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
