import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SetPasswordPage } from '~/components/set-password-form';
import { setPasswordAction, setPasswordLoader } from '~/modules/auth/set-password-route.server';

export const meta: MetaFunction = () => [
  { title: 'パスワードの再設定 / Reset password' },
  // same-origin (not no-referrer): the token stays out of other sites' logs, and form posts
  // keep their Origin so the CSRF check accepts them.
  { name: 'referrer', content: 'same-origin' },
];

// Declared as functions, not `const loader = factory()`: the browser build drops loader/action
// exports, but a top-level call would stay and fail there (the server module is empty in it).
export function loader(args: LoaderFunctionArgs) {
  return setPasswordLoader('password_reset')(args);
}
export function action(args: ActionFunctionArgs) {
  return setPasswordAction('password_reset')(args);
}

export default function ResetPasswordPage() {
  const { link } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <SetPasswordPage purpose="password_reset" link={link} lastResult={actionData?.result} />;
}
