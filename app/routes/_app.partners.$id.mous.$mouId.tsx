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
import { getMou, updateMou } from '~/modules/partners/mous.server';
import { getPartnerName } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: '覚書の編集 / Edit MOU' }];

async function load(request: Request, params: { id?: string; mouId?: string }) {
  const me = await requireRole(request, ['secretariat']);
  const mou = await getMou(db, params.mouId ?? '', me);
  if (!mou || mou.partner_id !== params.id) throw new Response('Not Found', { status: 404 });
  return { me, mou };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { mou } = await load(request, params);
  return {
    partner: { id: mou.partner_id, name: await getPartnerName(db, mou.partner_id) },
    pdfName: mou.pdf_name,
    fileId: mou.signed_file_id,
    defaults: {
      referenceNo: mou.reference_no,
      status: mou.status,
      validFrom: mou.valid_from,
      validUntil: mou.valid_until ?? undefined,
      signedOn: mou.signed_on ?? undefined,
      conditions: mou.conditions,
      visitBaseFee: mou.visit_base_fee,
      baseHours: Number(mou.base_hours),
      hourlyFee: mou.hourly_fee,
      travelMode: mou.travel_mode,
      travelPerKm: mou.travel_per_km,
      travelCap: mou.travel_cap ?? undefined,
      interpreterHourly: mou.interpreter_hourly,
      shelterPerNight: mou.shelter_per_night,
      phoneSupportFee: mou.phone_support_fee,
      consumptionTax: mou.consumption_tax,
      maxConcurrentRequests: mou.max_concurrent_requests,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { me, mou } = await load(request, params);
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
    updateMou(tx, mou.id, submission.value, pdf, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${mou.partner_id}?saved=1#mous`);
}

export default function EditMou() {
  const { partner, defaults, pdfName, fileId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/partners/${partner.id}`}>← {partner.name}</Link>
      </p>
      <h1>{t('mou.editTitle')}</h1>
      {fileId ? (
        <p>
          <a href={`/files/${fileId}`}>{t('mou.downloadPdf', { name: pdfName })}</a>
        </p>
      ) : null}
      <MouForm defaults={defaults} lastResult={actionData?.result} currentPdf={pdfName} />
    </>
  );
}
