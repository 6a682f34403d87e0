import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { VisitDetails } from '~/components/visit-details';
import { VisitForm } from '~/components/visit-form';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatTime } from '~/lib/format';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { readVisitForm } from '~/modules/visits/visit-route.server';
import { isOwnVisit, readVisit, updateVisit, withdrawVisit } from '~/modules/visits/visits.server';
import { WORKING_STATUSES } from '~/modules/visits/codes';

export const meta: MetaFunction = () => [{ title: '活動記録 / Visit log' }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  // Only the partner that logged it; reading the confidential note is audited.
  const v = await readVisit(db, params.visitId ?? '', me, context.clientIp);
  if (!v) throw new Response('Not Found', { status: 404 });
  const editable =
    (v.status === 'submitted' || v.status === 'returned') &&
    (WORKING_STATUSES as readonly string[]).includes(v.request_status);
  return {
    visit: v,
    editable,
    defaults: {
      visitDate: v.visit_date,
      startTime: formatTime(v.starts_at, 'ja'),
      endTime: formatTime(v.ends_at, 'ja'),
      place: v.place,
      activities: v.activities,
      outcome: v.outcome,
      followUpNeeded: v.follow_up_needed,
      followUp: v.follow_up,
      travelKm: v.travel_km !== null ? Number(v.travel_km) : undefined,
      travelCost: v.travel_cost ?? undefined,
      interpreterMinutes: v.interpreter_minutes,
      confidentialNote: v.confidential_note,
      version: v.version,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const visitId = params.visitId ?? '';
  // Another partner's visit is "not found" whatever the form says.
  if (!(await isOwnVisit(db, visitId, me.partnerId!)))
    throw new Response('Not Found', { status: 404 });
  const actor = { userId: me.id, partnerId: me.partnerId!, ip: context.clientIp };
  const contentType = request.headers.get('Content-Type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    // The withdraw button posts a plain form.
    const form = await request.formData();
    if (form.get('intent') !== 'withdraw')
      return data({ result: undefined, error: 'errors.badRequest' }, 400);
    try {
      const requestId = await db.transaction().execute((tx) => withdrawVisit(tx, visitId, actor));
      return redirect(`/partner/requests/${requestId}?withdrawn=1#visits`);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      if (e.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
      return data({ result: undefined, error: e.code }, 400);
    }
  }
  const form = await readVisitForm(request);
  if (form.reply) return form.reply;
  const { submission, receipt } = form;
  const saved = await submitInTransaction(submission, 'place', (tx) =>
    updateVisit(tx, visitId, submission.value, receipt, actor),
  );
  if (!saved.ok) {
    if (saved.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
    return saved.response;
  }
  return redirect(`/partner/requests/${saved.value}?saved=1#visits`);
}

export default function PartnerVisit() {
  const { visit: v, editable, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const error = actionData && 'error' in actionData ? actionData.error : null;
  return (
    <>
      <p>
        <Link to={`/partner/requests/${v.request_id}`}>← {v.reference}</Link>
      </p>
      <h1>{editable ? t('visits.editTitle') : t('visits.sectionTitle')}</h1>
      {error ? <Notice kind="error">{tKey(t, error)}</Notice> : null}
      {v.status === 'returned' && v.review_comment ? (
        <Notice kind="error">
          <strong>{t('visits.reviewComment')}</strong>
          <span className="pre-line"> {v.review_comment}</span>
        </Notice>
      ) : null}
      {editable ? (
        <>
          <VisitForm
            defaults={defaults}
            lastResult={actionData && 'result' in actionData ? actionData.result : undefined}
            currentReceipt={v.receipt_name}
            submitLabel={t('visits.save')}
          />
          <Form method="post" className="section">
            <SubmitButton
              intent="withdraw"
              className="button danger"
              confirm={t('visits.withdrawConfirm')}
            >
              {t('visits.withdraw')}
            </SubmitButton>
          </Form>
        </>
      ) : (
        <VisitDetails visit={v} />
      )}
    </>
  );
}
