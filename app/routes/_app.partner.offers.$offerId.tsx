import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { Notice, SubmitButton } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatNumber } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { acceptOffer, declineOffer, getOfferForPartner } from '~/modules/dispatch/requests.server';

export const meta: MetaFunction = () => [{ title: '伴走依頼 / Offer' }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const offer = await getOfferForPartner(db, params.offerId ?? '', me.partnerId!);
  // Another partner's offer, or none: not found, never a hint that it exists.
  if (!offer) throw new Response('Not Found', { status: 404 });
  if (offer.details !== null) {
    await audit(db, {
      actorId: me.id,
      action: 'request.read_details',
      subjectType: 'request',
      subjectId: offer.request_id,
      ip: context.clientIp,
    });
  }
  return { offer };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const offerId = params.offerId ?? '';
  if (!(await getOfferForPartner(db, offerId, me.partnerId!)))
    throw new Response('Not Found', { status: 404 });
  const form = await request.formData();
  const who = { id: me.id, partnerId: me.partnerId! };
  if (form.get('intent') === 'accept') {
    const r = await acceptOffer(offerId, who);
    return r.ok ? { outcome: 'accepted' as const } : data({ outcome: r.reason }, 409);
  }
  if (form.get('intent') === 'decline') {
    const reason = z
      .string()
      .trim()
      .max(500)
      // PostgreSQL text cannot hold NUL: such a reason is dropped like any other invalid one.
      .refine((v) => !v.includes('\u0000'))
      .safeParse(form.get('reason') ?? '');
    const ok = await declineOffer(offerId, who, reason.success ? reason.data : '');
    return ok ? { outcome: 'declined' as const } : data({ outcome: 'not_pending' as const }, 409);
  }
  return data({ outcome: 'invalid' as const }, 400);
}

export default function OfferPage() {
  const { offer: o } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const tr = (k: string) => tKey(t, k);
  const outcome = actionData?.outcome;
  const pending = o.status === 'pending' && o.request_status === 'offered';
  return (
    <>
      <p>
        <Link to="/partner">← {t('dispatch.inboxTitle')}</Link>
      </p>
      <h1>
        {tr(`dispatch.categories.${o.category}`)} · {o.municipality_name}
      </h1>
      {outcome === 'accepted' ? <Notice kind="success">{t('dispatch.accepted')}</Notice> : null}
      {outcome === 'declined' ? <Notice kind="success">{t('dispatch.declined')}</Notice> : null}
      {outcome === 'taken' ? <Notice kind="error">{t('dispatch.taken')}</Notice> : null}
      {outcome === 'cancelled' || (!outcome && o.request_status === 'cancelled') ? (
        <Notice kind="info">{t('dispatch.requestCancelled')}</Notice>
      ) : null}
      {outcome === 'expired' ? <Notice kind="error">{t('dispatch.expired')}</Notice> : null}
      {outcome === 'not_pending' ? <Notice kind="error">{t('dispatch.notPending')}</Notice> : null}
      {!outcome && o.status === 'withdrawn' && o.reason === 'withdrawn_by_counselor' ? (
        <Notice kind="info">{t('dispatch.withdrawnByCounselor')}</Notice>
      ) : null}
      {!outcome &&
      o.status === 'withdrawn' &&
      o.request_status !== 'cancelled' &&
      o.reason !== 'withdrawn_by_counselor' ? (
        <Notice kind="info">{t('dispatch.taken')}</Notice>
      ) : null}
      <section className="card" aria-labelledby="offer-info">
        <h2 id="offer-info">
          {t('dispatch.yourOffer')} ·{' '}
          <span className="status">{tr(`dispatch.offerStatuses.${o.status}`)}</span>
        </h2>
        <dl className="meta-list">
          <dt>{t('dispatch.reference')}</dt>
          <dd>{o.reference}</dd>
          <dt>{t('dispatch.urgency')}</dt>
          <dd>{tr(`dispatch.urgencies.${o.urgency}`)}</dd>
          <dt>{t('dispatch.windowStart')}</dt>
          <dd>
            {formatDateTime(o.window_start, locale)} – {formatDateTime(o.window_end, locale)}
          </dd>
          <dt>{t('dispatch.workerLanguage')}</dt>
          <dd>
            {tr(`languages.${o.worker_language}`)}
            {o.interpreter_needed ? ` · ${t('dispatch.interpreterNeeded')}` : ''}
          </dd>
          <dt>{t('dispatch.summary')}</dt>
          <dd className="pre-line">{o.summary ?? t('consent.notShared')}</dd>
          <dt>{t('dispatch.distanceLabel')}</dt>
          <dd>
            {Number(o.distance_km)} km
            {o.estimated_fee !== null
              ? ` · ${t('dispatch.estimatedFee', { fee: formatNumber(o.estimated_fee) })}`
              : ''}
          </dd>
          {pending ? (
            <>
              <dt>{t('dispatch.respondByLabel')}</dt>
              <dd>{formatDateTime(o.respond_by, locale)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      {o.details !== null ? (
        <section className="card section" aria-labelledby="details">
          <h2 id="details">{t('dispatch.detailsTitle')}</h2>
          <p className="pre-line">{o.details || '—'}</p>
          {o.lat !== null ? (
            <p>
              <a
                href={`https://www.openstreetmap.org/?mlat=${o.lat}&mlon=${o.lng}#map=16/${o.lat}/${o.lng}`}
                rel="noreferrer"
                target="_blank"
              >
                {o.lat}, {o.lng}
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
      {pending && !outcome ? (
        <section className="section form-section">
          <Form method="post">
            <SubmitButton intent="accept">{t('dispatch.accept')}</SubmitButton>
          </Form>
          <Form method="post" className="action-row section">
            <div className="field" style={{ flex: 1 }}>
              <label htmlFor="reason">{t('dispatch.declineReason')}</label>
              <input id="reason" name="reason" type="text" maxLength={500} />
            </div>
            <SubmitButton intent="decline" className="button">
              {t('dispatch.decline')}
            </SubmitButton>
          </Form>
        </section>
      ) : null}
    </>
  );
}
