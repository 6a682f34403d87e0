import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { KeysetPager } from '~/components/keyset-pager';
import { RequestBoard } from '~/components/request-board';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { requireRole } from '~/modules/auth/auth.server';
import { listBoard } from '~/modules/dispatch/requests.server';

export const meta: MetaFunction = () => [{ title: '相談員 / Counselor' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['counselor']);
  const page = await listBoard(db, pageRequest(new URL(request.url)));
  return { name: user.name, ...page };
}

export default function CounselorHome() {
  const { name, rows, next, prev } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('counselor.title')}</h1>
      <p>{t('counselor.welcome', { name })}</p>
      <section className="card" aria-labelledby="my-requests">
        <div className="page-head">
          <h2 id="my-requests">{t('dispatch.boardTitle')}</h2>
          <Link to="/requests/new" className="button primary">
            {t('dispatch.newRequest')}
          </Link>
        </div>
        <RequestBoard rows={rows} />
        <KeysetPager next={next} prev={prev} />
      </section>
    </>
  );
}
