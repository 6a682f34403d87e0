import type { MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SetPasswordPage } from '~/components/set-password-form';
import { setPasswordAction, setPasswordLoader } from '~/modules/auth/set-password-route.server';

export const meta: MetaFunction = () => [
  { title: 'ご招待 / Invitation' },
  { name: 'referrer', content: 'no-referrer' },
];

export const loader = setPasswordLoader('invitation');
export const action = setPasswordAction('invitation');

export default function InvitationPage() {
  const { link } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <SetPasswordPage purpose="invitation" link={link} lastResult={actionData?.result} />;
}
