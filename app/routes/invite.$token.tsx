import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SetPasswordPage } from '~/components/set-password-form';
import { setPasswordAction, setPasswordLoader } from '~/modules/auth/set-password-route.server';

export const meta: MetaFunction = () => [
  { title: 'ご招待 / Invitation' },
  // same-origin (not no-referrer): the token stays out of other sites' logs, and form posts
  // keep their Origin so the CSRF check accepts them.
  { name: 'referrer', content: 'same-origin' },
];

// Declared as functions, not `const loader = factory()`: the browser build drops loader/action
// exports, but a top-level call would stay and fail there (the server module is empty in it).
export function loader(args: LoaderFunctionArgs) {
  return setPasswordLoader('invitation')(args);
}
export function action(args: ActionFunctionArgs) {
  return setPasswordAction('invitation')(args);
}

export default function InvitationPage() {
  const { link } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <SetPasswordPage purpose="invitation" link={link} lastResult={actionData?.result} />;
}
