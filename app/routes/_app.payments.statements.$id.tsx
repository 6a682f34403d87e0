import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { StatementView } from '~/components/statement-view';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import {
  addAdjustment,
  approveStatement,
  getStatement,
  voidStatement,
} from '~/modules/payments/payments.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.statement.reference ?? ''} 支払明細 / Statement` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const statement = await getStatement(db, params.id ?? '');
  if (!statement) throw new Response('Not Found', { status: 404 });
  return { statement, me: me.id };
}

type Reply = { intent: string; error: string | null; field?: string; done?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const id = params.id ?? '';
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const actor = { userId: me.id, ip: context.clientIp };
  try {
    if (intent === 'adjust') {
      const raw = String(form.get('amount') ?? '').replace(/[,¥\s]/g, '');
      if (!/^-?\d{1,8}$/.test(raw)) throw new DomainError('payments.errors.badAmount', 'amount');
      await db.transaction().execute((tx) =>
        addAdjustment(
          tx,
          id,
          {
            amount: Number(raw),
            reason: String(form.get('reason') ?? ''),
            taxable: form.get('taxable') === 'on',
          },
          actor,
        ),
      );
      return { intent, error: null, done: 'payments.adjusted' } satisfies Reply;
    }
    if (intent === 'approve') {
      const outcome = await db.transaction().execute((tx) => approveStatement(tx, id, actor));
      return {
        intent,
        error: null,
        done: outcome === 'approved' ? 'payments.approved' : 'payments.firstApproval',
      } satisfies Reply;
    }
    if (intent === 'void') {
      await db
        .transaction()
        .execute((tx) => voidStatement(tx, id, String(form.get('reason') ?? ''), actor));
      return { intent, error: null, done: 'payments.voided' } satisfies Reply;
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data<Reply>({ intent, error: e.code, field: e.field }, 400);
  }
  return data<Reply>({ intent, error: 'errors.badRequest' }, 400);
}

export default function StatementPage() {
  const { statement: s, me } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const err = (intent: string) =>
    reply?.intent === intent && reply.error ? (
      <p className="field-error" role="alert" id={`${intent}-error`}>
        {tKey(t, reply.error)}
      </p>
    ) : null;
  return (
    <>
      <p>
        <Link to={`/payments?month=${s.month}`}>← {t('payments.title')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {s.reference} <span className="status">{tKey(t, `payments.statuses.${s.status}`)}</span>
        </h1>
        <a className="button" href={`/statements/${s.id}/pdf`} download>
          {t('payments.pdf')}
        </a>
      </div>
      {reply?.done ? <Notice kind="success">{tKey(t, reply.done)}</Notice> : null}
      {reply?.error && !['adjust', 'void'].includes(reply.intent) ? (
        <Notice kind="error">{tKey(t, reply.error)}</Notice>
      ) : null}
      <dl className="meta-list card">
        <dt>{t('payments.partner')}</dt>
        <dd>{s.partner_name}</dd>
        <dt>{t('payments.month')}</dt>
        <dd>{s.month}</dd>
        <dt>{t('payments.invoiceNumber')}</dt>
        <dd>{s.invoice_number ?? t('payments.noInvoiceNumber')}</dd>
        <dt>{t('payments.withholdingApplies')}</dt>
        <dd>{s.withholding_applies ? t('common.yes') : t('common.no')}</dd>
        {s.approved_at ? (
          <>
            <dt>{t('payments.approvedAt')}</dt>
            <dd>{formatDateTime(s.approved_at, locale)}</dd>
          </>
        ) : null}
        {s.void_reason ? (
          <>
            <dt>{t('payments.voidReason')}</dt>
            <dd>{s.void_reason}</dd>
          </>
        ) : null}
        {s.paid_on ? (
          <>
            <dt>{t('payments.paidOn')}</dt>
            <dd>{s.paid_on}</dd>
          </>
        ) : null}
      </dl>
      <StatementView lines={s.lines} totals={s} />

      {s.status === 'draft' ? (
        <>
          <section className="section card" aria-labelledby="adjust-h">
            <h2 id="adjust-h">{t('payments.adjustTitle')}</h2>
            {/* A new key after each added line clears the form, so a second click adds nothing twice. */}
            <Form method="post" className="form-section" key={s.lines.length}>
              <div className="form-grid">
                <div className="field">
                  <label htmlFor="amount">{t('payments.adjustAmount')}</label>
                  <input
                    id="amount"
                    name="amount"
                    required
                    pattern="-?[0-9,]+"
                    aria-describedby={
                      reply?.intent === 'adjust' && reply.field === 'amount'
                        ? 'amount-hint adjust-error'
                        : 'amount-hint'
                    }
                    aria-invalid={
                      reply?.intent === 'adjust' && reply.field === 'amount' ? true : undefined
                    }
                  />
                  <p id="amount-hint" className="hint">
                    {t('payments.adjustAmountHint')}
                  </p>
                </div>
                <div className="field">
                  <label htmlFor="reason">{t('payments.reason')}</label>
                  <input
                    id="reason"
                    name="reason"
                    required
                    maxLength={500}
                    aria-invalid={
                      reply?.intent === 'adjust' && reply.field === 'reason' ? true : undefined
                    }
                  />
                </div>
              </div>
              <label className="check">
                <input type="checkbox" name="taxable" defaultChecked={s.taxable_base > 0} />
                {t('payments.adjustTaxable')}
              </label>
              {err('adjust')}
              <SubmitButton intent="adjust" className="button">
                {t('payments.addAdjustment')}
              </SubmitButton>
            </Form>
          </section>
          <Form method="post" className="section action-row">
            <SubmitButton intent="approve" confirm={t('payments.approveConfirm')}>
              {s.approved_by && s.approved_by !== me
                ? t('payments.secondApprove')
                : t('payments.approve')}
            </SubmitButton>
            {s.approved_by ? <span className="hint">{t('payments.awaitingSecond')}</span> : null}
          </Form>
        </>
      ) : null}

      {(s.status === 'draft' || s.status === 'approved') && !s.batch_id ? (
        <section className="section" aria-labelledby="void-h">
          <h2 id="void-h">{t('payments.voidTitle')}</h2>
          <p className="hint">{t('payments.voidHint')}</p>
          <Form method="post" className="action-row">
            <label>
              {t('payments.reason')}
              <input name="reason" required maxLength={500} />
            </label>
            <SubmitButton
              intent="void"
              className="button danger"
              confirm={t('payments.voidConfirm')}
            >
              {t('payments.void')}
            </SubmitButton>
          </Form>
          {err('void')}
        </section>
      ) : null}
    </>
  );
}
