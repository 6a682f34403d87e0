import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireRole } from '~/modules/auth/auth.server';

export const meta: MetaFunction = () => [{ title: '相談員 / Counselor' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['counselor']);
  return { name: user.name };
}

export default function CounselorHome() {
  const { name } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('counselor.title')}</h1>
      <p>{t('counselor.welcome', { name })}</p>
      <section className="card" aria-labelledby="my-requests">
        <h2 id="my-requests">{t('counselor.requestsTitle')}</h2>
        <p className="empty">{t('counselor.requestsEmpty')}</p>
      </section>
    </>
  );
}
