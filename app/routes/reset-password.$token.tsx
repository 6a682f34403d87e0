import type { MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SetPasswordPage } from '~/components/set-password-form';
import { setPasswordAction, setPasswordLoader } from '~/modules/auth/set-password-route.server';

export const meta: MetaFunction = () => [
  { title: 'パスワードの再設定 / Reset password' },
  { name: 'referrer', content: 'no-referrer' },
];

export const loader = setPasswordLoader('password_reset');
export const action = setPasswordAction('password_reset');

export default function ResetPasswordPage() {
  const { link } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <SetPasswordPage purpose="password_reset" link={link} lastResult={actionData?.result} />;
}
