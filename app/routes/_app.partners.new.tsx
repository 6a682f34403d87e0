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
import { createPartner, listPrefectures } from '~/modules/partners/partners.server';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: leafletCss }];
export const meta: MetaFunction = () => [{ title: 'パートナー登録 / New partner' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { prefectures: await listPrefectures(db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const submission = parseWithZod(await request.formData(), { schema: partnerSchema });
  if (submission.status !== 'success') return data({ result: submission.reply() }, 400);
  const saved = await submitInTransaction(submission, 'name', (tx) =>
    createPartner(tx, submission.value, { userId: me.id, ip: context.clientIp }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partners/${saved.value}?created=1`);
}

export default function NewPartner() {
  const { prefectures } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('partners.newPartner')}</h1>
      <PartnerForm
        defaults={{}}
        prefectures={prefectures}
        initialMunicipalities={[]}
        lastResult={actionData?.result}
        submitLabel={t('partners.save')}
      />
    </>
  );
}
