import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { createApiToken, listApiTokens, revokeApiToken } from '~/modules/directory/tokens.server';
import { DomainError } from '~/modules/errors';

export const meta: MetaFunction = () => [{ title: 'API トークン / API tokens' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  return { tokens: await listApiTokens(db) };
}

type Reply = { intent: string; error: string | null; token?: string; revoked?: boolean };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const actor = { userId: me.id, ip: context.clientIp };
  try {
    if (intent === 'create') {
      const { token } = await db
        .transaction()
        .execute((tx) => createApiToken(tx, String(form.get('name') ?? ''), actor));
      return { intent, error: null, token } satisfies Reply;
    }
    if (intent === 'revoke') {
      await db
        .transaction()
        .execute((tx) => revokeApiToken(tx, String(form.get('id') ?? ''), actor));
      return { intent, error: null, revoked: true } satisfies Reply;
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data<Reply>({ intent, error: e.code }, 400);
  }
  return data<Reply>({ intent, error: 'errors.badRequest' }, 400);
}

export default function ApiTokens() {
  const { tokens } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <>
      <h1>{t('apiTokens.title')}</h1>
      <p>{t('apiTokens.intro')}</p>
      <p>
        <a href="/api/openapi.json">{t('apiTokens.openapi')}</a>
      </p>
      {reply?.token ? (
        <div className="notice notice-success" role="status">
          <p>{t('apiTokens.created')}</p>
          <label htmlFor="new-token">{t('apiTokens.token')}</label>
          <input
            id="new-token"
            type="text"
            readOnly
            value={reply.token}
            className="feed-url"
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      ) : null}
      {reply?.revoked ? <Notice kind="success">{t('apiTokens.revoked')}</Notice> : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      <Form method="post" className="action-row section" key={reply?.token ?? 'new'}>
        <label>
          {t('apiTokens.name')}
          <input
            name="name"
            required
            maxLength={100}
            placeholder={t('apiTokens.namePlaceholder')}
          />
        </label>
        <SubmitButton intent="create">{t('apiTokens.create')}</SubmitButton>
      </Form>
      {tokens.length === 0 ? (
        <p className="empty">{t('apiTokens.none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone">
            <thead>
              <tr>
                <th scope="col">{t('apiTokens.name')}</th>
                <th scope="col">{t('apiTokens.prefix')}</th>
                <th scope="col">{t('apiTokens.createdAt')}</th>
                <th scope="col">{t('apiTokens.lastUsed')}</th>
                <th scope="col">{t('apiTokens.state')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tk) => (
                <tr key={tk.id} className={tk.revoked_at ? 'muted' : undefined}>
                  <td data-label={t('apiTokens.name')}>{tk.name}</td>
                  <td data-label={t('apiTokens.prefix')}>
                    <code>{tk.prefix}…</code>
                  </td>
                  <td data-label={t('apiTokens.createdAt')}>
                    {formatDateTime(tk.created_at, locale)}
                  </td>
                  <td data-label={t('apiTokens.lastUsed')}>
                    {tk.last_used_at ? formatDateTime(tk.last_used_at, locale) : '—'}
                  </td>
                  <td data-label={t('apiTokens.state')}>
                    {tk.revoked_at ? (
                      t('apiTokens.revokedAt', { time: formatDateTime(tk.revoked_at, locale) })
                    ) : (
                      <Form method="post" className="inline">
                        <input type="hidden" name="id" value={tk.id} />
                        <SubmitButton
                          intent="revoke"
                          className="button small danger"
                          ariaLabel={`${t('apiTokens.revoke')}: ${tk.name}`}
                          confirm={t('apiTokens.revokeConfirm', { name: tk.name })}
                        >
                          {t('apiTokens.revoke')}
                        </SubmitButton>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
