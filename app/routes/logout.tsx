import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { endSession } from '~/modules/auth/auth.server';

export async function action({ request }: ActionFunctionArgs) {
  const cookie = await endSession(request);
  return redirect('/login', { headers: { 'Set-Cookie': cookie } });
}

export async function loader() {
  return redirect('/');
}
