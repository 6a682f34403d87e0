import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { yen } from '~/lib/format';
import { tKey } from '~/i18n/i18n';
import { KeysetPager } from '~/components/keyset-pager';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { listBatches } from '~/modules/payments/payments.server';

export const meta: MetaFunction = () => [{ title: '振込バッチ / Payment batches' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const page = await listBatches(db, pageRequest(new URL(request.url)));
  return { batches: page.rows, next: page.next, prev: page.prev };
}

export default function Batches() {
  const { batches, next, prev } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <p>
        <Link to="/payments">← {t('payments.title')}</Link>
      </p>
      <h1>{t('payments.batches')}</h1>
      {batches.length === 0 ? (
        <p className="empty">{t('payments.batchesNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('payments.reference')}</th>
                <th scope="col">{t('payments.transferDate')}</th>
                <th scope="col" className="num">
                  {t('payments.statementCount')}
                </th>
                <th scope="col" className="num">
                  {t('payments.transfer')}
                </th>
                <th scope="col">{t('payments.status')}</th>
                <th scope="col">{t('payments.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id}>
                  <td data-label={t('payments.reference')}>
                    <Link to={`/payments/batches/${b.id}`}>{b.reference}</Link>
                  </td>
                  <td data-label={t('payments.transferDate')}>{b.transfer_date}</td>
                  <td data-label={t('payments.statementCount')} className="num">
                    {b.statement_count}
                  </td>
                  <td data-label={t('payments.transfer')} className="num">
                    {yen(Number(b.total_transfer))}
                  </td>
                  <td data-label={t('payments.status')}>
                    {tKey(t, `payments.batchStatuses.${b.status}`)}
                  </td>
                  <td data-label={t('payments.createdAt')}>
                    {formatDateTime(b.created_at, locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager next={next} prev={prev} />
    </>
  );
}
