import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { ShelterForm } from '~/components/shelter-form';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { getPartnerName, municipalitiesOf } from '~/modules/partners/partners.server';
import { shelterSchema } from '~/modules/partners/shelter-schema';
import {
  auditShelterLocationRead,
  getShelter,
  updateShelter,
} from '~/modules/partners/shelters.server';

export const meta: MetaFunction = () => [{ title: 'シェルター編集 / Edit shelter' }];

async function load(request: Request, params: { id?: string; shelterId?: string }) {
  const me = await requireRole(request, ['secretariat']);
  const shelter = await getShelter(db, params.shelterId ?? '', me);
  if (!shelter || shelter.partner_id !== params.id)
    throw new Response('Not Found', { status: 404 });
  return { me, shelter };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { me, shelter: s } = await load(request, params);
  // The form shows the exact address: its reading is recorded.
  await auditShelterLocationRead(db, me, [{ id: s.id, partnerId: s.partner_id }], context.clientIp);
  return {
    partner: { id: s.partner_id, name: await getPartnerName(db, s.partner_id) },
    municipalities: await municipalitiesOf(db, s.prefecture_code),
    occupied: s.beds_occupied,
    defaults: {
      name: s.name,
      capacity: s.capacity,
      accepts: s.accepts,
      active: s.active,
      municipalityCode: s.municipality_code,
      address: s.address ?? '',
      lat: s.lat ?? undefined,
      lng: s.lng ?? undefined,
      notes: s.notes,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { me, shelter } = await load(request, params);
  const submission = parseWithZod(await request.formData(), { schema: shelterSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'name', (tx) =>
    updateShelter(tx, shelter.id, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${shelter.partner_id}?saved=1#shelters`);
}

export default function EditShelter() {
  const { partner, municipalities, defaults, occupied } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/partners/${partner.id}`}>← {partner.name}</Link>
      </p>
      <h1>{t('shelter.editTitle')}</h1>
      <p>
        {t('shelter.free', { free: defaults.capacity - occupied, capacity: defaults.capacity })}
      </p>
      <ShelterForm
        defaults={defaults}
        municipalities={municipalities}
        lastResult={actionData?.result}
      />
    </>
  );
}
