import type { LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { requireUser } from '~/modules/auth/auth.server';
import { attachmentHeader } from '~/modules/files/files.server';
import { certificatePdf, personCertificate } from '~/modules/training/training.server';

/** A person's certificate of completion (PDF): to themselves and to the secretariat. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireUser(request);
  const userId = params.userId ?? '';
  if (me.role !== 'secretariat' && me.id !== userId)
    throw new Response('Not Found', { status: 404 });
  const cert = await personCertificate(db, userId);
  if (!cert) throw new Response('Not Found', { status: 404 });
  if (!cert.complete)
    return new Response(
      '必須モジュールの受講がまだそろっていないため、修了証は発行できません。\nThe certificate is issued once every required module has been attended (within the validity period).\n',
      { status: 409, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    );
  const pdf = await certificatePdf(cert);
  await audit(db, {
    actorId: me.id,
    action: 'training.certificate',
    subjectType: 'app_user',
    subjectId: userId,
    ip: context.clientIp,
  });
  return new Response(new Uint8Array(pdf), {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(pdf.length),
      'Content-Disposition': attachmentHeader(`修了証_${cert.name}.pdf`),
      'Cache-Control': 'private, no-store',
    },
  });
}
