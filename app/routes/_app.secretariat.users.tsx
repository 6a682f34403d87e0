import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Notice, SelectField, SubmitButton, TextField } from '~/components/forms';
import { pageParam, Pagination } from '~/components/pagination';
import { db } from '~/lib/db.server';
import { formatDate } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { inviteSchema } from '~/modules/auth/schemas';
import { inviteUser, listUsers, resendInvitation } from '~/modules/auth/users.server';
import { DomainError } from '~/modules/errors';
import { listPartnerOptions } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: 'ユーザー / Users' }];

const PAGE_SIZE = 25;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const url = new URL(request.url);
  const page = pageParam(url);
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const [list, partners] = await Promise.all([
    listUsers({ page, pageSize: PAGE_SIZE, q: q || undefined }),
    listPartnerOptions(db),
  ]);
  return { ...list, page, pageSize: PAGE_SIZE, q, partners };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const formData = await request.formData();
  const by = { userId: me.id, name: me.name, ip: context.clientIp };

  if (formData.get('intent') === 'resend') {
    const parsed = z
      .object({ userId: z.string().uuid() })
      .safeParse({ userId: formData.get('userId') });
    if (!parsed.success) throw new Response('Bad Request', { status: 400 });
    try {
      await db.transaction().execute((tx) => resendInvitation(tx, parsed.data.userId, by));
    } catch (e) {
      if (e instanceof DomainError)
        return data(
          { intent: 'resend' as const, error: e.code, result: undefined, email: null },
          400,
        );
      throw e;
    }
    return { intent: 'resend' as const, error: null, result: undefined, email: null };
  }

  const submission = parseWithZod(formData, { schema: inviteSchema });
  if (submission.status !== 'success') {
    return data(
      { intent: 'invite' as const, result: submission.reply(), error: null, email: null },
      400,
    );
  }
  try {
    await db.transaction().execute((tx) => inviteUser(tx, submission.value, by));
  } catch (e) {
    if (e instanceof DomainError) {
      return data(
        {
          intent: 'invite' as const,
          result: submission.reply({ fieldErrors: { [e.field ?? 'email']: [e.code] } }),
          error: null,
          email: null,
        },
        400,
      );
    }
    throw e;
  }
  return {
    intent: 'invite' as const,
    result: submission.reply({ resetForm: true }),
    error: null,
    email: submission.value.email,
  };
}

export default function UsersPage() {
  const { rows, total, page, pageSize, q, partners } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    id: 'invite',
    lastResult: actionData?.intent === 'invite' ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { locale },
  });

  return (
    <>
      <h1>{t('users.title')}</h1>
      {actionData?.email ? (
        <Notice kind="success">{t('users.invited', { email: actionData.email })}</Notice>
      ) : null}
      {actionData?.intent === 'resend' && !actionData.error ? (
        <Notice kind="success">{t('users.resent')}</Notice>
      ) : null}
      {actionData?.error ? (
        <Notice kind="error">{t(actionData.error as 'errors.notFound')}</Notice>
      ) : null}

      <div className="two-col">
        <section aria-labelledby="user-list">
          <h2 id="user-list" className="visually-hidden">
            {t('users.title')}
          </h2>
          <Form method="get" className="search-row" role="search">
            <label htmlFor="q" className="visually-hidden">
              {t('users.searchLabel')}
            </label>
            <input
              id="q"
              name="q"
              type="search"
              defaultValue={q}
              placeholder={t('users.searchLabel')}
            />
            <button type="submit" className="button">
              {t('common.search')}
            </button>
          </Form>
          {rows.length === 0 ? (
            <p className="empty">{t('users.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('users.email')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('users.status')}</th>
                    <th scope="col">{t('users.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((u) => (
                    <tr key={u.id}>
                      <td>
                        {u.name}
                        {u.partnerName ? <div className="muted">{u.partnerName}</div> : null}
                      </td>
                      <td>{u.email}</td>
                      <td>{t(`roles.${u.role}`)}</td>
                      <td>
                        {t(`userStatus.${u.status}`)}
                        {u.status === 'invited' ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="userId" value={u.id} />
                            <SubmitButton intent="resend" className="link-button">
                              {t('users.resend')}
                            </SubmitButton>
                          </Form>
                        ) : null}
                      </td>
                      <td>{formatDate(u.created_at, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination key={params.toString()} page={page} pageSize={pageSize} total={total} />
        </section>

        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title">{t('users.inviteTitle')}</h2>
          <p className="hint">{t('users.inviteIntro')}</p>
          <Form method="post" {...getFormProps(form)}>
            <TextField field={fields.name} label={t('users.name')} autoComplete="off" required />
            <TextField
              field={fields.email}
              label={t('users.email')}
              type="email"
              autoComplete="off"
              required
            />
            <SelectField
              field={fields.role}
              label={t('users.role')}
              placeholder=""
              required
              options={(['secretariat', 'counselor', 'partner'] as const).map((r) => ({
                value: r,
                label: t(`roles.${r}`),
              }))}
            />
            <SelectField
              field={fields.partnerId}
              label={t('users.partner')}
              placeholder={t('users.partnerPlaceholder')}
              options={partners.map((p) => ({ value: p.id, label: p.name }))}
            />
            <SelectField
              field={fields.locale}
              label={t('users.locale')}
              options={[
                { value: 'ja', label: t('language.ja') },
                { value: 'en', label: t('language.en') },
              ]}
            />
            <SubmitButton intent="invite">{t('users.submit')}</SubmitButton>
          </Form>
        </section>
      </div>
    </>
  );
}
