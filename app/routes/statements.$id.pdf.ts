import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { attachmentHeader } from '~/modules/files/files.server';
import { getStatement } from '~/modules/payments/payments.server';
import { statementPdf } from '~/modules/payments/statement-pdf.server';

/** 支払明細書 PDF: the secretariat, or the partner's own users once it is approved. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat', 'partner']);
  const s = await getStatement(
    db,
    params.id ?? '',
    me.role === 'partner' ? { partnerId: me.partnerId! } : undefined,
  );
  if (!s || (me.role === 'partner' && (s.status === 'draft' || s.status === 'void')))
    throw new Response('Not Found', { status: 404 });
  const pdf = await statementPdf(s);
  await audit(db, {
    actorId: me.id,
    action: 'payment.statement_pdf',
    subjectType: 'payment_statement',
    subjectId: s.id,
    ip: context.clientIp,
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(pdf.length),
      'Content-Disposition': attachmentHeader(`支払明細書_${s.reference}.pdf`),
      'Cache-Control': 'private, no-store',
    },
  });
}
