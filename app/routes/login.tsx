import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '~/components/auth-card';
import { Notice, SubmitButton, TextField } from '~/components/forms';
import { formatTime } from '~/lib/format';
import { getUser, homePath, safeRedirect } from '~/modules/auth/auth.server';
import { loginSchema } from '~/modules/auth/schemas';
import { login } from '~/modules/auth/users.server';

export const meta: MetaFunction = () => [{ title: 'ログイン / Log in' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homePath(user.role));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: ['password'] }), lockedUntil: null }, 400);
  }
  const { email, password, redirectTo } = submission.value;
  const result = await login(email, password, context.clientIp);
  if (!result.ok) {
    const locked = result.reason === 'locked';
    return data(
      {
        result: submission.reply({
          formErrors: [locked ? 'login.locked' : 'login.invalid'],
          hideFields: ['password'],
        }),
        lockedUntil: locked ? result.until.toISOString() : null,
      },
      locked ? 429 : 401,
    );
  }
  return redirect(safeRedirect(redirectTo, homePath(result.role)), {
    headers: { 'Set-Cookie': result.cookie },
  });
}

export default function LoginPage() {
  const { t, i18n } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    id: 'login',
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
  });
  const formError = form.errors?.[0];
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  return (
    <AuthCard title={t('login.title')}>
      {formError ? (
        <Notice kind="error">
          <span id={form.errorId}>
            {formError === 'login.locked' && actionData?.lockedUntil
              ? t('login.locked', { time: formatTime(actionData.lockedUntil, locale) })
              : t('login.invalid')}
          </span>
        </Notice>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <TextField
          field={fields.email}
          label={t('login.email')}
          type="email"
          autoComplete="username"
          required
        />
        <TextField
          field={fields.password}
          label={t('login.password')}
          type="password"
          autoComplete="current-password"
          required
        />
        <SubmitButton>{t('login.submit')}</SubmitButton>
      </Form>
      <p className="auth-links">
        <Link to="/forgot-password">{t('login.forgot')}</Link>
      </p>
      <p className="hint">{t('login.noSignup')}</p>
    </AuthCard>
  );
}
