import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { batchCsv } from '~/modules/payments/payments.server';

/** The batch for accounting: CSV, UTF-8 with BOM. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const file = await batchCsv(db, params.id ?? '');
  if (!file) throw new Response('Not Found', { status: 404 });
  return new Response(file.content, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.filename}"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
