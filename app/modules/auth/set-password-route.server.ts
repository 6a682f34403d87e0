import { parseWithZod } from '@conform-to/zod';
import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { homePath } from './auth.server';
import { serverSetPasswordSchema } from './breached-passwords.server';
import { checkLink, completeLink } from './users.server';

type Purpose = 'invitation' | 'password_reset';

/** Loader and action shared by /invite/:token and /reset-password/:token. */
export function setPasswordLoader(purpose: Purpose) {
  return async ({ params }: LoaderFunctionArgs) => {
    const link = await checkLink(params.token ?? '', purpose);
    // The page explains an unusable link; 410 tells caches and crawlers it is gone.
    return data({ link, purpose }, link.state === 'valid' ? 200 : 410);
  };
}

export function setPasswordAction(purpose: Purpose) {
  return async ({ request, params, context }: ActionFunctionArgs) => {
    const submission = parseWithZod(await request.formData(), { schema: serverSetPasswordSchema });
    if (submission.status !== 'success') {
      return data({ result: submission.reply({ hideFields: ['password', 'confirm'] }) }, 400);
    }
    const done = await completeLink(
      params.token ?? '',
      purpose,
      submission.value.password,
      context.clientIp,
    );
    if (!done.ok) {
      return data(
        {
          result: submission.reply({
            formErrors: [`link.${done.reason}`],
            hideFields: ['password', 'confirm'],
          }),
        },
        410,
      );
    }
    return redirect(homePath(done.role), { headers: { 'Set-Cookie': done.cookie } });
  };
}
