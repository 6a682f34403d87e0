import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { getPartnerName } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: 'パートナー / Partner' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['partner']);
  const org = await getPartnerName(db, user.partnerId!);
  return { name: user.name, org };
}

export default function PartnerHome() {
  const { name, org } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('partner.title')}</h1>
      <p>{t('partner.welcome', { name, org })}</p>
      <section className="card" aria-labelledby="inbox">
        <h2 id="inbox">{t('partner.inboxTitle')}</h2>
        <p className="empty">{t('partner.inboxEmpty')}</p>
      </section>
    </>
  );
}
