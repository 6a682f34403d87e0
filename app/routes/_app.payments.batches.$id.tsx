import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { yen } from '~/lib/format';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { tokyoDate } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { getBatch, recordResults } from '~/modules/payments/payments.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.batch.reference ?? ''} 振込バッチ / Payment batch` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const batch = await getBatch(db, params.id ?? '');
  if (!batch) throw new Response('Not Found', { status: 404 });
  return { batch, today: tokyoDate() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const form = await request.formData();
  const results = [...form.entries()]
    .filter(([k]) => k.startsWith('result-'))
    .map(([k, v]) => ({ statementId: k.slice('result-'.length), result: String(v) }))
    .filter((r): r is { statementId: string; result: 'paid' | 'unpaid' } =>
      ['paid', 'unpaid'].includes(r.result),
    );
  try {
    const out = await db.transaction().execute((tx) =>
      recordResults(tx, params.id ?? '', results, String(form.get('paidOn') ?? ''), {
        userId: me.id,
        ip: context.clientIp,
      }),
    );
    return { error: null, closed: out.closed };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data({ error: e.code, closed: false }, 400);
  }
}

export default function Batch() {
  const { batch: b, today } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const open = b.status === 'open';
  return (
    <>
      <p>
        <Link to="/payments/batches">← {t('payments.batches')}</Link>
      </p>
      <h1>
        {b.reference}{' '}
        <span className="status">{tKey(t, `payments.batchStatuses.${b.status}`)}</span>
      </h1>
      {params.get('created') && !reply ? (
        <Notice kind="success">{t('payments.batchCreated')}</Notice>
      ) : null}
      {reply && !reply.error ? (
        <Notice kind="success">
          {reply.closed ? t('payments.batchClosed') : t('payments.resultsSaved')}
        </Notice>
      ) : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      <dl className="meta-list card">
        <dt>{t('payments.transferDate')}</dt>
        <dd>{b.transfer_date}</dd>
        <dt>{t('payments.statementCount')}</dt>
        <dd>{b.statement_count}</dd>
        <dt>{t('payments.transfer')}</dt>
        <dd>{yen(Number(b.total_transfer))}</dd>
      </dl>
      <p className="action-row">
        <a className="button primary" href={`/payments/batches/${b.id}/zengin`} download>
          {t('payments.downloadZengin')}
        </a>
        <a className="button" href={`/payments/batches/${b.id}/csv`} download>
          {t('payments.downloadCsv')}
        </a>
      </p>
      <p className="hint">{t('payments.zenginHint')}</p>
      <Form method="post">
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('payments.reference')}</th>
                <th scope="col">{t('payments.partner')}</th>
                <th scope="col">{t('payments.account')}</th>
                <th scope="col" className="num">
                  {t('payments.transfer')}
                </th>
                <th scope="col">{t('payments.result')}</th>
              </tr>
            </thead>
            <tbody>
              {b.statements.map((s) => (
                <tr key={s.id}>
                  <td data-label={t('payments.reference')}>
                    <Link to={`/payments/statements/${s.id}`}>{s.reference}</Link>
                  </td>
                  <td data-label={t('payments.partner')}>{s.partner_name}</td>
                  <td data-label={t('payments.account')}>
                    {s.bank_code}-{s.branch_code} {s.account_number} {s.account_holder_kana}
                  </td>
                  <td data-label={t('payments.transfer')} className="num">
                    {yen(s.transfer)}
                  </td>
                  <td data-label={t('payments.result')}>
                    {s.status === 'approved' && open ? (
                      <fieldset className="attendance">
                        <legend className="visually-hidden">
                          {t('payments.result')}: {s.partner_name}
                        </legend>
                        {(['paid', 'unpaid'] as const).map((r) => (
                          <label key={r} className="check">
                            <input
                              type="radio"
                              name={`result-${s.id}`}
                              value={r}
                              defaultChecked={r === 'paid'}
                            />
                            {tKey(t, `payments.results.${r}`)}
                          </label>
                        ))}
                      </fieldset>
                    ) : s.status === 'paid' ? (
                      `${t('payments.results.paid')} ${s.paid_on}`
                    ) : (
                      tKey(t, `payments.statuses.${s.status}`)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {open ? (
          <div className="action-row section">
            <label>
              {t('payments.paidOn')}
              <input
                type="date"
                name="paidOn"
                defaultValue={b.transfer_date <= today ? b.transfer_date : today}
                required
              />
            </label>
            <SubmitButton confirm={t('payments.resultsConfirm')}>
              {t('payments.saveResults')}
            </SubmitButton>
          </div>
        ) : null}
      </Form>
    </>
  );
}
