import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { StatementView } from '~/components/statement-view';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { getStatement } from '~/modules/payments/payments.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.statement.reference ?? ''} 支払明細 / Statement` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const statement = await getStatement(db, params.id ?? '', { partnerId: me.partnerId! });
  if (!statement || statement.status === 'draft' || statement.status === 'void')
    throw new Response('Not Found', { status: 404 });
  return { statement };
}

export default function PartnerStatement() {
  const { statement: s } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to="/partner/statements">← {t('payments.partnerTitle')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {s.reference} <span className="status">{tKey(t, `payments.statuses.${s.status}`)}</span>
        </h1>
        <a className="button" href={`/statements/${s.id}/pdf`} download>
          {t('payments.pdf')}
        </a>
      </div>
      <dl className="meta-list card">
        <dt>{t('payments.month')}</dt>
        <dd>{s.month}</dd>
        <dt>{t('payments.invoiceNumber')}</dt>
        <dd>{s.invoice_number ?? t('payments.noInvoiceNumber')}</dd>
        {s.paid_on ? (
          <>
            <dt>{t('payments.paidOn')}</dt>
            <dd>{s.paid_on}</dd>
          </>
        ) : null}
      </dl>
      <StatementView lines={s.lines} totals={s} />
    </>
  );
}
