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
import { getPartnerForViewer, municipalitiesOf } from '~/modules/partners/partners.server';
import { shelterSchema } from '~/modules/partners/shelter-schema';
import { createShelter } from '~/modules/partners/shelters.server';

export const meta: MetaFunction = () => [{ title: 'シェルター登録 / New shelter' }];

async function load(request: Request, id: string | undefined) {
  const me = await requireRole(request, ['secretariat']);
  const partner = await getPartnerForViewer(db, id ?? '', me);
  if (!partner) throw new Response('Not Found', { status: 404 });
  return { me, partner };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { partner } = await load(request, params.id);
  return {
    partner: { id: partner.id, name: partner.name },
    municipalities: partner.prefecture_code
      ? await municipalitiesOf(db, partner.prefecture_code)
      : [],
    defaults: {
      municipalityCode: partner.municipality_code,
      lat: partner.lat ?? undefined,
      lng: partner.lng ?? undefined,
      active: true,
      accepts: [] as string[],
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { me, partner } = await load(request, params.id);
  const submission = parseWithZod(await request.formData(), { schema: shelterSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'name', (tx) =>
    createShelter(tx, partner.id, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${partner.id}?saved=1#shelters`);
}

export default function NewShelter() {
  const { partner, municipalities, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/partners/${partner.id}`}>← {partner.name}</Link>
      </p>
      <h1>{t('shelter.newTitle')}</h1>
      <ShelterForm
        defaults={defaults}
        municipalities={municipalities}
        lastResult={actionData?.result}
      />
    </>
  );
}
