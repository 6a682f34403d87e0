import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { yen } from '~/lib/format';
import { tKey } from '~/i18n/i18n';
import { KeysetPager } from '~/components/keyset-pager';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { requireRole } from '~/modules/auth/auth.server';
import { listStatements } from '~/modules/payments/payments.server';

export const meta: MetaFunction = () => [{ title: '支払明細 / Statements' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  // Drafts are the secretariat's work in progress; voided ones were replaced.
  const page = await listStatements(
    db,
    { partnerId: me.partnerId!, statuses: ['approved', 'paid'] },
    pageRequest(new URL(request.url)),
  );
  return { statements: page.rows, next: page.next, prev: page.prev };
}

export default function PartnerStatements() {
  const { statements, next, prev } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t('payments.partnerTitle')}</h1>
      {statements.length === 0 ? (
        <p className="empty">{t('payments.partnerNone')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('payments.month')}</th>
                <th scope="col">{t('payments.reference')}</th>
                <th scope="col" className="num">
                  {t('payments.transfer')}
                </th>
                <th scope="col">{t('payments.status')}</th>
              </tr>
            </thead>
            <tbody>
              {statements.map((s) => (
                <tr key={s.id}>
                  <td data-label={t('payments.month')}>{s.month}</td>
                  <td data-label={t('payments.reference')}>
                    <Link to={`/partner/statements/${s.id}`}>{s.reference}</Link>
                  </td>
                  <td data-label={t('payments.transfer')} className="num">
                    {yen(s.transfer)}
                  </td>
                  <td data-label={t('payments.status')}>
                    {tKey(t, `payments.statuses.${s.status}`)}
                    {s.paid_on ? ` ${s.paid_on}` : ''}
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
