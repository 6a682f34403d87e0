import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { type ActionFunctionArgs, data, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '~/components/auth-card';
import { Notice, SubmitButton, TextField } from '~/components/forms';
import { forgotSchema } from '~/modules/auth/schemas';
import { requestPasswordReset } from '~/modules/auth/users.server';

export const meta: MetaFunction = () => [{ title: 'パスワードの再設定 / Reset password' }];

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: forgotSchema });
  if (submission.status !== 'success')
    return data({ result: submission.reply(), sent: false }, 400);
  await requestPasswordReset(submission.value.email, context.clientIp);
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: 'forgot',
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotSchema }),
    shouldValidate: 'onBlur',
  });
  return (
    <AuthCard title={t('forgot.title')}>
      {actionData?.sent ? <Notice kind="success">{t('forgot.sent')}</Notice> : null}
      <p>{t('forgot.intro')}</p>
      <Form method="post" {...getFormProps(form)}>
        <TextField
          field={fields.email}
          label={t('login.email')}
          type="email"
          autoComplete="email"
          required
        />
        <SubmitButton>{t('forgot.submit')}</SubmitButton>
      </Form>
      <p className="auth-links">
        <Link to="/login">{t('forgot.backToLogin')}</Link>
      </p>
    </AuthCard>
  );
}
