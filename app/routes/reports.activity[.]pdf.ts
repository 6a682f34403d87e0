import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { parsePeriod } from '~/modules/reports/period';
import { reportPdf } from '~/modules/reports/report-files.server';
import { activityReport, publicReport } from '~/modules/reports/reports.server';

/** The printable report (PDF) — the anonymous form (small cells "<5"). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const period = parsePeriod(new URL(request.url).searchParams.get('period') ?? '');
  if (!period) throw new Response('Bad period', { status: 400 });
  const pdf = await reportPdf(publicReport(await activityReport(db, period)));
  await audit(db, {
    actorId: me.id,
    action: 'report.pdf',
    subjectType: 'report',
    subjectId: null,
    detail: { period: period.key },
    ip: context.clientIp,
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="activity-${period.key}.pdf"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
