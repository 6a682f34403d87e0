import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { isLocale } from '~/i18n/i18n';
import { localeCookie } from '~/i18n/locale.server';
import { getUser, safeRedirect } from '~/modules/auth/auth.server';
import { setUserLocale } from '~/modules/auth/users.server';
import { db } from '~/lib/db.server';

/** Switch language: stored on the user when signed in, in a cookie before login. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lng = form.get('lng');
  const to = safeRedirect(form.get('redirectTo'), '/');
  if (!isLocale(lng)) return redirect(to);
  const user = await getUser(request);
  if (user) await setUserLocale(db, user.id, lng);
  return redirect(to, { headers: { 'Set-Cookie': localeCookie(lng) } });
}

export async function loader() {
  return redirect('/');
}
