import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton, TextField } from '~/components/forms';
import { db } from '~/lib/db.server';
import { isLocale } from '~/i18n/i18n';
import { localeCookie } from '~/i18n/locale.server';
import { audit } from '~/modules/audit/audit.server';
import { blankSessionCookie, endAllSessions, requireUser } from '~/modules/auth/auth.server';
import { serverChangePasswordSchema } from '~/modules/auth/breached-passwords.server';
import { changePasswordSchema } from '~/modules/auth/schemas';
import { changePassword, setUserLocale } from '~/modules/auth/users.server';
import { createFeed, feedStatus, revokeFeed } from '~/modules/calendar/calendar.server';
import { formatDateTime } from '~/lib/format';

export const meta: MetaFunction = () => [{ title: 'アカウント / Account' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const feed = await feedStatus(db, user.id);
  return {
    user: { name: user.name, email: user.email, role: user.role, locale: user.locale },
    feedSince: feed?.created_at ?? null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const formData = await request.formData();
  const intent = formData.get('intent');

  if (intent === 'locale') {
    const lng = formData.get('locale');
    if (!isLocale(lng)) return data({ intent, result: undefined, done: false }, 400);
    await setUserLocale(db, user.id, lng);
    return data(
      { intent, result: undefined, done: true },
      { headers: { 'Set-Cookie': localeCookie(lng) } },
    );
  }

  if (intent === 'feed-create') {
    const url = await db
      .transaction()
      .execute((tx) => createFeed(tx, user.id, context.clientIp ?? null));
    return { intent: 'feed' as const, result: undefined, done: true, feedUrl: url };
  }
  if (intent === 'feed-revoke') {
    await db.transaction().execute((tx) => revokeFeed(tx, user.id, context.clientIp ?? null));
    return { intent: 'feed' as const, result: undefined, done: true, feedUrl: null };
  }

  if (intent === 'logout-all') {
    await endAllSessions(user.id);
    await audit(db, {
      actorId: user.id,
      action: 'auth.logout_all',
      subjectType: 'user',
      subjectId: user.id,
      ip: context.clientIp,
    });
    return redirect('/login', { headers: { 'Set-Cookie': blankSessionCookie() } });
  }

  const submission = parseWithZod(formData, { schema: serverChangePasswordSchema });
  if (submission.status !== 'success') {
    return data(
      {
        intent: 'password' as const,
        result: submission.reply({ hideFields: ['current', 'password', 'confirm'] }),
        done: false,
      },
      400,
    );
  }
  const changed = await changePassword(
    user.id,
    submission.value.current,
    submission.value.password,
    context.clientIp,
  );
  if (!changed.ok) {
    return data(
      {
        intent: 'password' as const,
        result: submission.reply({
          fieldErrors: { current: [changed.code] },
          hideFields: ['current', 'password', 'confirm'],
        }),
        done: false,
      },
      400,
    );
  }
  return data(
    { intent: 'password' as const, result: submission.reply({ resetForm: true }), done: true },
    { headers: { 'Set-Cookie': changed.cookie } },
  );
}

export default function AccountPage() {
  const { user, feedSince } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const feedUrl = actionData && 'feedUrl' in actionData ? actionData.feedUrl : undefined;
  const [form, fields] = useForm({
    id: 'change-password',
    lastResult: actionData?.intent === 'password' ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  });
  return (
    <>
      <h1>{t('account.title')}</h1>
      <div className="cards">
        <section className="card" aria-labelledby="profile">
          <h2 id="profile">{t('account.profile')}</h2>
          <dl className="meta-list">
            <dt>{t('account.name')}</dt>
            <dd>{user.name}</dd>
            <dt>{t('account.email')}</dt>
            <dd>{user.email}</dd>
            <dt>{t('account.role')}</dt>
            <dd>{t(`roles.${user.role}`)}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="lang">
          <h2 id="lang">{t('account.languageTitle')}</h2>
          {actionData?.intent === 'locale' && actionData.done ? (
            <Notice kind="success">{t('account.languageSaved')}</Notice>
          ) : null}
          <Form method="post">
            <fieldset>
              <legend className="visually-hidden">{t('account.languageTitle')}</legend>
              {(['ja', 'en'] as const).map((l) => (
                <label key={l} className="radio">
                  <input type="radio" name="locale" value={l} defaultChecked={user.locale === l} />{' '}
                  {t(`language.${l}`)}
                </label>
              ))}
            </fieldset>
            <SubmitButton intent="locale">{t('common.save')}</SubmitButton>
          </Form>
        </section>

        <section className="card" aria-labelledby="cal">
          <h2 id="cal">{t('calendar.feedTitle')}</h2>
          <p className="hint">{t('calendar.feedIntro')}</p>
          {feedUrl ? (
            <div className="notice notice-success" role="status">
              <p>{t('calendar.feedCreated')}</p>
              <label htmlFor="feed-url">{t('calendar.feedUrl')}</label>
              <input
                id="feed-url"
                type="text"
                readOnly
                value={feedUrl}
                onFocus={(e) => e.currentTarget.select()}
                className="feed-url"
              />
            </div>
          ) : feedUrl === null ? (
            <Notice kind="success">{t('calendar.feedRevoked')}</Notice>
          ) : null}
          {feedSince && feedUrl === undefined ? (
            <p>
              {t('calendar.feedActive', {
                time: formatDateTime(feedSince, i18n.language === 'en' ? 'en' : 'ja'),
              })}
            </p>
          ) : null}
          <Form method="post" className="action-row">
            <SubmitButton
              intent="feed-create"
              className="button"
              confirm={feedSince ? t('calendar.feedReplaceConfirm') : undefined}
            >
              {feedSince ? t('calendar.feedReplace') : t('calendar.feedCreate')}
            </SubmitButton>
            {feedSince || feedUrl ? (
              <SubmitButton
                intent="feed-revoke"
                className="button danger"
                confirm={t('calendar.feedRevokeConfirm')}
              >
                {t('calendar.feedRevoke')}
              </SubmitButton>
            ) : null}
          </Form>
        </section>

        <section className="card" aria-labelledby="pw">
          <h2 id="pw">{t('account.passwordTitle')}</h2>
          {actionData?.intent === 'password' && actionData.done ? (
            <Notice kind="success">{t('account.changed')}</Notice>
          ) : null}
          <Form method="post" {...getFormProps(form)}>
            <input
              type="email"
              name="username"
              value={user.email}
              autoComplete="username"
              readOnly
              hidden
            />
            <TextField
              field={fields.current}
              label={t('account.current')}
              type="password"
              autoComplete="current-password"
              required
            />
            <TextField
              field={fields.password}
              label={t('setPassword.password')}
              type="password"
              autoComplete="new-password"
              hint={t('setPassword.hint')}
              required
            />
            <TextField
              field={fields.confirm}
              label={t('setPassword.confirm')}
              type="password"
              autoComplete="new-password"
              required
            />
            <SubmitButton intent="password">{t('account.changeSubmit')}</SubmitButton>
          </Form>
        </section>

        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">{t('account.sessionsTitle')}</h2>
          <p>{t('account.sessionsIntro')}</p>
          <Form method="post">
            <SubmitButton
              intent="logout-all"
              className="button danger"
              confirm={t('account.logoutAllConfirm')}
            >
              {t('account.logoutAll')}
            </SubmitButton>
          </Form>
        </section>
      </div>
    </>
  );
}
