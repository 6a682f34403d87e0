import { parseWithZod } from '@conform-to/zod';
import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { requireRole, safeRedirect } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { tieSchema } from '~/modules/dispatch/parties';
import { addTie, removeTie } from '~/modules/dispatch/parties.server';
import { partnerExists } from '~/modules/partners/partners.server';

export const loader = () => {
  throw new Response('Not Found', { status: 404 });
};

/**
 * The partner's ties, from the secretariat's partner page or the partner's own organisation
 * page; the result goes back to the page it came from (`?tie=…` or `?tieError=…`).
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat', 'partner']);
  const partnerId = params.partnerId ?? '';
  // A partner edits its own ties only; anyone else's is "not found".
  if (me.role === 'partner' && me.partnerId !== partnerId)
    throw new Response('Not Found', { status: 404 });
  if (!(await partnerExists(db, partnerId))) throw new Response('Not Found', { status: 404 });
  const form = await request.formData();
  const back = safeRedirect(form.get('redirectTo'), '/');
  const to = (key: string, value: string) => {
    const url = new URL(back, 'http://x');
    url.searchParams.set(key, value);
    return redirect(`${url.pathname}?${url.searchParams.toString()}#ties`);
  };
  const actor = { userId: me.id, ip: context.clientIp };
  const intent = form.get('intent');
  try {
    if (intent === 'addTie') {
      const s = parseWithZod(form, { schema: tieSchema });
      if (s.status !== 'success') {
        const first = Object.values(s.error ?? {}).find((v) => v?.length)?.[0];
        return to('tieError', first ?? 'errors.badRequest');
      }
      await db.transaction().execute((tx) => addTie(tx, partnerId, s.value, actor));
      return to('tie', 'added');
    }
    if (intent === 'removeTie') {
      await db
        .transaction()
        .execute((tx) => removeTie(tx, partnerId, String(form.get('tieId') ?? ''), actor));
      return to('tie', 'removed');
    }
  } catch (e) {
    if (e instanceof DomainError && e.code === 'errors.notFound')
      throw new Response('Not Found', { status: 404 });
    throw e;
  }
  return to('tieError', 'errors.badRequest');
}
