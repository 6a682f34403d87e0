import { type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { getUser, homePath } from '~/modules/auth/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  throw redirect(user ? homePath(user.role) : '/login');
}
