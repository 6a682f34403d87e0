import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { MouForm } from '~/components/mou-form';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { readMouForm } from '~/modules/partners/mou-route.server';
import { createMou } from '~/modules/partners/mous.server';
import { getPartnerForViewer, tokyoToday } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: '覚書の登録 / New MOU' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const partner = await getPartnerForViewer(db, params.id ?? '', me);
  if (!partner) throw new Response('Not Found', { status: 404 });
  const today = tokyoToday();
  const fy =
    Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  return {
    partner: { id: partner.id, name: partner.name },
    defaults: {
      referenceNo: `MOU-${fy}-${partner.id.slice(0, 6).toUpperCase()}`,
      status: 'draft',
      validFrom: `${fy}-04-01`,
      validUntil: `${fy + 1}-03-31`,
      baseHours: 2,
      visitBaseFee: 0,
      hourlyFee: 0,
      travelMode: 'none',
      maxConcurrentRequests: 3,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const partner = await getPartnerForViewer(db, params.id ?? '', me);
  if (!partner) throw new Response('Not Found', { status: 404 });
  const form = await readMouForm(request);
  if (form.tooLarge) {
    return data(
      { result: { status: 'error' as const, error: { signedPdf: ['errors.fileTooLarge'] } } },
      400,
    );
  }
  const { submission, pdf } = form;
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'referenceNo', (tx) =>
    createMou(tx, partner.id, submission.value, pdf, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${partner.id}?saved=1#mous`);
}

export default function NewMou() {
  const { partner, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/partners/${partner.id}`}>← {partner.name}</Link>
      </p>
      <h1>{t('mou.newTitle')}</h1>
      <MouForm defaults={defaults} lastResult={actionData?.result} />
    </>
  );
}
