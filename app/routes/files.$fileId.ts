import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireUser } from '~/modules/auth/auth.server';
import { attachmentHeader, readFile } from '~/modules/files/files.server';
import { minutesForViewer } from '~/modules/meetings/meetings.server';
import { mouFileForViewer } from '~/modules/partners/mous.server';
import { materialForViewer } from '~/modules/training/training.server';
import { receiptForViewer } from '~/modules/visits/visits.server';

/** Uploaded documents: always as a download with the stored type, and only to those allowed. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireUser(request);
  const fileId = params.fileId ?? '';
  // Each kind of document says who may read it; everyone else gets "not found".
  const [mou, receipt, material, minutes] = await Promise.all([
    mouFileForViewer(db, fileId, me),
    receiptForViewer(db, fileId, me),
    materialForViewer(db, fileId, me),
    minutesForViewer(db, fileId, me),
  ]);
  const subject = mou
    ? { type: 'mou', id: mou.id }
    : receipt
      ? { type: 'visit', id: receipt.id }
      : material
        ? { type: 'training_session', id: material.id }
        : minutes
          ? { type: 'liaison_meeting', id: minutes.id }
          : null;
  if (!subject) throw new Response('Not Found', { status: 404 });
  const file = await readFile(db, fileId);
  if (!file) throw new Response('Not Found', { status: 404 });
  await audit(db, {
    actorId: me.id,
    action: 'file.download',
    subjectType: subject.type,
    subjectId: subject.id,
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
