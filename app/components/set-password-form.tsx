import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { setPasswordSchema } from '~/modules/auth/password-policy';
import { AuthCard } from './auth-card';
import { Notice, SubmitButton, TextField } from './forms';

type LinkState =
  { state: 'valid'; name: string; email: string } | { state: 'expired' | 'used' | 'invalid' };

export function SetPasswordPage({
  purpose,
  link,
  lastResult,
}: {
  purpose: 'invitation' | 'password_reset';
  link: LinkState;
  lastResult?: SubmissionResult<string[]>;
}) {
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: 'set-password',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: setPasswordSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
  });
  const linkError = (state: string) =>
    state === 'expired'
      ? purpose === 'invitation'
        ? t('setPassword.linkExpired')
        : t('setPassword.resetLinkExpired')
      : state === 'used'
        ? t('setPassword.linkUsed')
        : t('setPassword.linkInvalid');

  if (link.state !== 'valid') {
    return (
      <AuthCard title={t('setPassword.invalidTitle')}>
        <Notice kind="error">{linkError(link.state)}</Notice>
        <p className="auth-links">
          <Link to="/login">{t('forgot.backToLogin')}</Link>
          {' · '}
          <Link to="/forgot-password">{t('login.forgot')}</Link>
        </p>
      </AuthCard>
    );
  }
  const formError = form.errors?.[0];
  return (
    <AuthCard
      title={
        purpose === 'invitation'
          ? t('setPassword.inviteTitle', { name: link.name })
          : t('setPassword.resetTitle')
      }
    >
      <p>
        {purpose === 'invitation'
          ? t('setPassword.inviteIntro', { email: link.email })
          : t('setPassword.resetIntro', { email: link.email })}
      </p>
      {formError ? <Notice kind="error">{linkError(formError.replace('link.', ''))}</Notice> : null}
      <Form method="post" {...getFormProps(form)}>
        <input
          type="email"
          name="username"
          value={link.email}
          autoComplete="username"
          readOnly
          hidden
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
        <SubmitButton>{t('setPassword.submit')}</SubmitButton>
      </Form>
    </AuthCard>
  );
}
