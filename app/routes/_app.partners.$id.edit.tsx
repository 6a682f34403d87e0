import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import leafletCss from 'leaflet/dist/leaflet.css';
import { useTranslation } from 'react-i18next';
import { PartnerForm } from '~/components/partner-form';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import {
  getPartnerForViewer,
  listPrefectures,
  municipalitiesOf,
  updatePartner,
} from '~/modules/partners/partners.server';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];
export const meta: MetaFunction = () => [{ title: 'パートナー編集 / Edit partner' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const p = await getPartnerForViewer(db, params.id ?? '', me);
  if (!p) throw new Response('Not Found', { status: 404 });
  const [prefectures, municipalities] = await Promise.all([
    listPrefectures(db),
    p.prefecture_code ? municipalitiesOf(db, p.prefecture_code) : Promise.resolve([]),
  ]);
  return {
    id: p.id,
    defaults: {
      name: p.name,
      nameKana: p.name_kana,
      kind: p.kind,
      status: p.status,
      networkMember: p.network_member,
      publicListing: p.public_listing,
      publicPhone: p.public_phone,
      website: p.website,
      prefectureCode: p.prefecture_code,
      municipalityCode: p.municipality_code,
      postalCode: p.postal_code,
      address: p.address,
      lat: p.lat,
      lng: p.lng,
      serviceRadiusKm: p.service_radius_km,
      languages: p.languages,
      specialties: p.specialties,
      contactName: p.contact_name,
      contactEmail: p.contact_email,
      contactPhone: p.contact_phone,
      availability: p.availability,
      invoiceNumber: p.money?.invoiceNumber,
      bankCode: p.money?.bankCode,
      branchCode: p.money?.branchCode,
      accountType: p.money?.accountType,
      accountNumber: p.money?.accountNumber,
      accountHolderKana: p.money?.accountHolderKana,
      withholdingTax: p.money?.withholdingTax ?? false,
      version: p.version,
    },
    prefectures,
    municipalities,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const id = params.id ?? '';
  const submission = parseWithZod(await request.formData(), { schema: partnerSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'name', (tx) =>
    updatePartner(tx, id, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok && saved.code === 'errors.notFound')
    throw new Response('Not Found', { status: 404 });
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${id}?saved=1`);
}

export default function EditPartner() {
  const { defaults, prefectures, municipalities } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('partners.editPartner')}</h1>
      <PartnerForm
        defaults={{ ...defaults, serviceRadiusKm: Number(defaults.serviceRadiusKm) }}
        prefectures={prefectures}
        initialMunicipalities={municipalities}
        lastResult={actionData?.result}
        submitLabel={t('partners.save')}
      />
    </>
  );
}
