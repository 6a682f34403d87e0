import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { KeysetPager } from '~/components/keyset-pager';
import { yen } from '~/lib/format';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { tokyoDate } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import {
  buildAll,
  buildStatement,
  createBatch,
  isMonth,
  listStatements,
  partnersWithWork,
} from '~/modules/payments/payments.server';

export const meta: MetaFunction = () => [{ title: '支払 / Payments' }];

const STATUSES = ['draft', 'approved', 'paid', 'void'] as const;

/** The month before this one (statements are usually built after a month ends). */
function lastMonth() {
  const today = tokyoDate();
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const url = new URL(request.url);
  const monthParam = url.searchParams.get('month') ?? '';
  const month = isMonth(monthParam) ? monthParam : lastMonth();
  const statusParam = url.searchParams.get('status') ?? '';
  const status = (STATUSES as readonly string[]).includes(statusParam) ? statusParam : '';
  const [page, withWork] = await Promise.all([
    listStatements(db, { month, status: status || undefined }, pageRequest(url)),
    partnersWithWork(db, month),
  ]);
  const names = withWork.length
    ? await db
        .selectFrom('partner')
        .select(['id', 'name'])
        .where('id', 'in', withWork)
        .orderBy('name')
        .execute()
    : [];
  return {
    month,
    status,
    statements: page.rows,
    next: page.next,
    prev: page.prev,
    withWork: names,
    today: tokyoDate(),
  };
}

type Reply = {
  intent: string;
  error: string | null;
  built?: { created: number; updated: number; skipped: number };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const actor = { userId: me.id, ip: context.clientIp };
  const month = String(form.get('month') ?? '');
  try {
    if (intent === 'build') {
      if (!isMonth(month)) throw new DomainError('payments.errors.badMonth');
      const partnerId = String(form.get('partnerId') ?? '');
      const results = partnerId
        ? [await db.transaction().execute((tx) => buildStatement(tx, partnerId, month, actor))]
        : await buildAll(month, actor);
      return {
        intent,
        error: null,
        built: {
          created: results.filter((r) => r.outcome === 'created').length,
          updated: results.filter((r) => r.outcome === 'updated').length,
          skipped: results.reduce((n, r) => n + r.skipped.length, 0),
        },
      } satisfies Reply;
    }
    if (intent === 'batch') {
      const id = await db
        .transaction()
        .execute((tx) =>
          createBatch(
            tx,
            form.getAll('statementIds').map(String),
            String(form.get('transferDate') ?? ''),
            actor,
          ),
        );
      return redirect(`/payments/batches/${id}?created=1`);
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data<Reply>({ intent, error: e.code }, 400);
  }
  return data<Reply>({ intent, error: 'errors.badRequest' }, 400);
}

export default function Payments() {
  const { month, status, statements, next, prev, withWork, today } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t } = useTranslation();
  const batchable = statements.filter((s) => s.status === 'approved' && !s.batch_id);
  return (
    <>
      <div className="page-head">
        <h1>{t('payments.title')}</h1>
        <Link className="button" to="/payments/batches">
          {t('payments.batches')}
        </Link>
      </div>
      <p>{t('payments.intro')}</p>
      {reply?.built ? (
        <Notice kind="success">
          {t('payments.builtNotice', reply.built)}
          {reply.built.skipped ? ` ${t('payments.skippedNotice', { n: reply.built.skipped })}` : ''}
        </Notice>
      ) : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}

      <Form method="get" className="filters">
        <label>
          {t('payments.month')}
          <input type="month" name="month" defaultValue={month} required />
        </label>
        <label>
          {t('payments.status')}
          <select name="status" defaultValue={status}>
            <option value="">{t('payments.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tKey(t, `payments.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button">
          {t('payments.show')}
        </button>
      </Form>

      <section className="section card" aria-labelledby="build-h">
        <h2 id="build-h">{t('payments.buildTitle', { month })}</h2>
        <p className="hint">{t('payments.buildHint')}</p>
        <Form method="post" className="action-row">
          <input type="hidden" name="month" value={month} />
          <label>
            {t('payments.partner')}
            <select name="partnerId" defaultValue="">
              <option value="">{t('payments.allPartners', { n: withWork.length })}</option>
              {withWork.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <SubmitButton intent="build">{t('payments.build')}</SubmitButton>
        </Form>
      </section>

      <section className="section" aria-labelledby="list-h">
        <h2 id="list-h">{t('payments.statementsOf', { month })}</h2>
        {statements.length === 0 ? (
          <p className="empty">{t('payments.none')}</p>
        ) : (
          <Form method="post">
            <div className="table-wrap">
              <table className="stack-on-phone">
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">{t('payments.choose')}</span>
                    </th>
                    <th scope="col">{t('payments.reference')}</th>
                    <th scope="col">{t('payments.partner')}</th>
                    <th scope="col" className="num">
                      {t('payments.subtotal')}
                    </th>
                    <th scope="col" className="num">
                      {t('payments.transfer')}
                    </th>
                    <th scope="col">{t('payments.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {statements.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {s.status === 'approved' && !s.batch_id ? (
                          <input
                            type="checkbox"
                            name="statementIds"
                            value={s.id}
                            defaultChecked
                            aria-label={t('payments.chooseStatement', { ref: s.reference })}
                          />
                        ) : null}
                      </td>
                      <td data-label={t('payments.reference')}>
                        <Link to={`/payments/statements/${s.id}`}>{s.reference}</Link>
                      </td>
                      <td data-label={t('payments.partner')}>
                        {s.partner_name}
                        {s.has_bank ? null : (
                          <span className="tag warn"> {t('payments.noBank')}</span>
                        )}
                      </td>
                      <td data-label={t('payments.subtotal')} className="num">
                        {yen(s.subtotal)}
                      </td>
                      <td data-label={t('payments.transfer')} className="num">
                        {yen(s.transfer)}
                      </td>
                      <td data-label={t('payments.status')}>
                        {tKey(t, `payments.statuses.${s.status}`)}
                        {s.status === 'draft' && s.approved_by
                          ? ` (${t('payments.awaitingSecond')})`
                          : ''}
                        {s.batch_id ? ` · ${t('payments.inBatch')}` : ''}
                        {s.payment_result === 'unpaid' ? ` · ${t('payments.unpaidLast')}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {batchable.length ? (
              <div className="action-row section">
                <label>
                  {t('payments.transferDate')}
                  <input type="date" name="transferDate" min={today} required />
                </label>
                <SubmitButton intent="batch" confirm={t('payments.batchConfirm')}>
                  {t('payments.createBatch')}
                </SubmitButton>
              </div>
            ) : null}
          </Form>
        )}
        <KeysetPager next={next} prev={prev} />
      </section>
    </>
  );
}
