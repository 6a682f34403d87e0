import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice } from '~/components/forms';
import { VisitForm } from '~/components/visit-form';
import { db } from '~/lib/db.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { readVisitForm } from '~/modules/visits/visit-route.server';
import { formatTime } from '~/lib/format';
import { getCheckin } from '~/modules/visits/checkin.server';
import { getCaseForPartner, logVisit } from '~/modules/visits/visits.server';
import { WORKING_STATUSES } from '~/modules/visits/codes';

export const meta: MetaFunction = () => [{ title: '活動の記録 / Log a visit' }];

async function load(request: Request, id: string | undefined) {
  const me = await requireRole(request, ['partner']);
  const r = await getCaseForPartner(db, id ?? '', me.partnerId!);
  if (!r) throw new Response('Not Found', { status: 404 });
  return { me, r };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { r } = await load(request, params.id);
  // A check-out prefills the date and times from the taps.
  const c = await getCheckin(db, r.id);
  const tapped = c?.arrived_at && c.finished_at ? c : null;
  return {
    request: { id: r.id, reference: r.reference, status: r.status },
    open: (WORKING_STATUSES as readonly string[]).includes(r.status),
    defaults: {
      visitDate: tapped ? tokyoToday(tapped.arrived_at!) : tokyoToday(),
      ...(tapped
        ? {
            startTime: formatTime(tapped.arrived_at!, 'ja'),
            endTime: formatTime(tapped.finished_at!, 'ja'),
          }
        : {}),
      interpreterMinutes: 0,
      followUpNeeded: false,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { me, r } = await load(request, params.id);
  const form = await readVisitForm(request);
  if (form.reply) return form.reply;
  const { submission, receipt } = form;
  const saved = await submitInTransaction(submission, 'place', (tx) =>
    logVisit(tx, r.id, submission.value, receipt, {
      userId: me.id,
      partnerId: me.partnerId!,
      ip: context.clientIp,
    }),
  );
  if (!saved.ok) return saved.response;
  return redirect(`/partner/requests/${r.id}?saved=1#visits`);
}

export default function NewVisit() {
  const { request: r, open, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <>
      <p>
        <Link to={`/partner/requests/${r.id}`}>← {r.reference}</Link>
      </p>
      <h1>{t('visits.newTitle')}</h1>
      {open ? (
        <VisitForm
          defaults={defaults}
          lastResult={actionData?.result}
          submitLabel={t('visits.submit')}
        />
      ) : (
        <Notice kind="info">{t('visits.readOnly')}</Notice>
      )}
    </>
  );
}
