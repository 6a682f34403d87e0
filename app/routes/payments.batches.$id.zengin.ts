import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { batchTransferFile } from '~/modules/payments/payments.server';
import { ZenginError } from '~/modules/payments/zengin';

/** The bank-transfer file (全銀 総合振込, Shift_JIS). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  let file;
  try {
    file = await batchTransferFile(db, params.id ?? '');
  } catch (e) {
    if (!(e instanceof ZenginError)) throw e;
    return new Response(
      `振込ファイルに使えない文字があります / A value cannot be written in the Zengin format: ${e.field} = ${e.value}\n`,
      { status: 422, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    );
  }
  if (!file) throw new Response('Not Found', { status: 404 });
  await audit(db, {
    actorId: me.id,
    action: 'payment.batch_zengin',
    subjectType: 'payment_batch',
    subjectId: params.id ?? null,
    ip: context.clientIp,
  });
  return new Response(new Uint8Array(file.content), {
    headers: {
      'Content-Type': 'text/plain; charset=Shift_JIS',
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
