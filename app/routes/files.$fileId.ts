import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireUser } from '~/modules/auth/auth.server';
import { attachmentHeader, readFile } from '~/modules/files/files.server';
import { mouFileForViewer } from '~/modules/partners/mous.server';

/** Uploaded documents: always as a download with the stored type, and only to those allowed. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireUser(request);
  const fileId = params.fileId ?? '';
  const mou = await mouFileForViewer(db, fileId, me);
  if (!mou) throw new Response('Not Found', { status: 404 });
  const file = await readFile(db, fileId);
  if (!file) throw new Response('Not Found', { status: 404 });
  await audit(db, {
    actorId: me.id,
    action: 'file.download',
    subjectType: 'mou',
    subjectId: mou.id,
    detail: { fileId },
    ip: context.clientIp,
  });
  return new Response(new Uint8Array(file.content), {
    headers: {
      'Content-Type': file.content_type,
      'Content-Length': String(file.size),
      'Content-Disposition': attachmentHeader(file.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    },
  });
}
