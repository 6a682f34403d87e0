import { parseWithZod } from '@conform-to/zod';
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors, Notice, SubmitButton } from '~/components/forms';
import { VisitDetails } from '~/components/visit-details';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { reviewSchema } from '~/modules/visits/visit-schema';
import { readVisit, reviewVisit } from '~/modules/visits/visits.server';

export const meta: MetaFunction = () => [{ title: '活動記録の確認 / Review visit log' }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['counselor', 'secretariat']);
  // Reading the confidential note is audited inside readVisit.
  const v = await readVisit(db, params.visitId ?? '', me, context.clientIp);
  if (!v) throw new Response('Not Found', { status: 404 });
  return { visit: v };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['counselor', 'secretariat']);
  const form = await request.formData();
  const s = parseWithZod(form, { schema: reviewSchema });
  const intent = String(form.get('intent') ?? '');
  if (s.status !== 'success') {
    const errors = s.error ?? {};
    return data(
      { intent, field: 'comment', error: errors.comment?.[0] ?? 'errors.badRequest' },
      400,
    );
  }
  try {
    const requestId = await db
      .transaction()
      .execute((tx) =>
        reviewVisit(tx, params.visitId ?? '', s.value, { userId: me.id, ip: context.clientIp }),
      );
    return redirect(`/visits?reviewed=${s.value.intent}&request=${requestId}`);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    if (e.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
    return data({ intent, field: null, error: e.code }, e.code === 'errors.staleEdit' ? 409 : 400);
  }
}

export default function ReviewVisit() {
  const { visit: v } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t } = useTranslation();
  const fieldError = (intent: string) =>
    reply?.intent === intent && reply.field ? [reply.error] : undefined;
  return (
    <>
      <p>
        <Link to="/visits">← {t('visits.queueTitle')}</Link> ·{' '}
        <Link to={`/requests/${v.request_id}`}>{v.reference}</Link>
      </p>
      <h1>{t('visits.reviewTitle')}</h1>
      {reply && !reply.field ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      {v.status === 'approved' ? <Notice kind="info">{t('visits.frozen')}</Notice> : null}
      <VisitDetails visit={v} />
      {v.status === 'submitted' ? (
        <div className="cards section">
          <Form method="post" className="card form-section" aria-labelledby="approve-h">
            <h2 id="approve-h">{t('visits.approve')}</h2>
            <input type="hidden" name="version" value={v.version} />
            <div className="field">
              <label htmlFor="approve-comment">{t('visits.approveComment')}</label>
              <textarea id="approve-comment" name="comment" rows={2} maxLength={2000} />
            </div>
            <SubmitButton intent="approve">{t('visits.approve')}</SubmitButton>
          </Form>
          <Form method="post" className="card form-section" aria-labelledby="return-h">
            <h2 id="return-h">{t('visits.return')}</h2>
            <input type="hidden" name="version" value={v.version} />
            <div className="field">
              <label htmlFor="return-comment">{t('visits.returnComment')}</label>
              <textarea
                id="return-comment"
                name="comment"
                rows={3}
                maxLength={2000}
                required
                aria-describedby="return-comment-error"
              />
              <FieldErrors id="return-comment-error" errors={fieldError('return')} />
            </div>
            <SubmitButton intent="return" className="button danger">
              {t('visits.return')}
            </SubmitButton>
          </Form>
        </div>
      ) : null}
    </>
  );
}
