import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { KeysetPager } from '~/components/keyset-pager';
import { RequestBoard } from '~/components/request-board';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { requireRole } from '~/modules/auth/auth.server';
import { listBoard } from '~/modules/dispatch/requests.server';

export const meta: MetaFunction = () => [{ title: '伴走依頼 / Requests' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['counselor', 'secretariat']);
  return listBoard(db, pageRequest(new URL(request.url)));
}

export default function Board() {
  const { rows, next, prev } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <div className="page-head">
        <h1>{t('dispatch.boardTitle')}</h1>
        <Link to="/requests/new" className="button primary">
          {t('dispatch.newRequest')}
        </Link>
      </div>
      <RequestBoard rows={rows} />
      <KeysetPager next={next} prev={prev} />
    </>
  );
}
