import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { tKey } from '~/i18n/i18n';
import { KeysetPager } from '~/components/keyset-pager';
import { db } from '~/lib/db.server';
import { pageRequest } from '~/lib/keyset.server';
import { formatDateTime, formatNumber } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { partnerInbox } from '~/modules/dispatch/requests.server';
import { getPartnerName } from '~/modules/partners/partners.server';

export const meta: MetaFunction = () => [{ title: 'パートナー / Partner' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, ['partner']);
  const [org, inbox] = await Promise.all([
    getPartnerName(db, user.partnerId!),
    partnerInbox(db, user.partnerId!, pageRequest(new URL(request.url))),
  ]);
  return { name: user.name, org, offers: inbox.rows, next: inbox.next, prev: inbox.prev };
}

/** Mobile-first inbox: the offers waiting for an answer on top. */
export default function PartnerHome() {
  const { name, org, offers, next, prev } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const tr = (k: string) => tKey(t, k);
  return (
    <>
      <h1>{t('partner.title')}</h1>
      <p>{t('partner.welcome', { name, org })}</p>
      <section aria-labelledby="inbox">
        <h2 id="inbox">{t('dispatch.inboxTitle')}</h2>
        {offers.length === 0 ? (
          <p className="empty">{t('dispatch.inboxEmpty')}</p>
        ) : (
          offers.map((o) => (
            <article key={o.id} className={`offer-card ${o.status}`}>
              <h3>
                <Link to={`/partner/offers/${o.id}`}>
                  {tr(`dispatch.categories.${o.category}`)} · {o.municipality_name}
                </Link>{' '}
                <span className={`status urgency-${o.urgency}`}>
                  {tr(`dispatch.urgencies.${o.urgency}`)}
                </span>
              </h3>
              <p className="pre-line">{o.summary ?? t('consent.notShared')}</p>
              <p className="muted">
                {formatDateTime(o.window_start, locale)} · {Number(o.distance_km)} km
                {o.estimated_fee !== null ? ` · ¥${formatNumber(o.estimated_fee)}` : ''}
              </p>
              <p>
                <span className="status">
                  {o.request_status === 'cancelled'
                    ? tr('dispatch.statuses.cancelled')
                    : tr(`dispatch.offerStatuses.${o.status}`)}
                </span>{' '}
                {o.status === 'pending'
                  ? t('dispatch.respondBy', { time: formatDateTime(o.respond_by, locale) })
                  : null}
                {o.status === 'accepted' && o.request_status !== 'cancelled' ? (
                  <>
                    <span className={`status req-${o.request_status}`}>
                      {tr(`dispatch.statuses.${o.request_status}`)}
                    </span>{' '}
                    <Link to={`/partner/requests/${o.request_id}`} className="button small">
                      {t('visits.caseLink')}
                    </Link>
                  </>
                ) : null}
              </p>
            </article>
          ))
        )}
        <KeysetPager next={next} prev={prev} />
      </section>
    </>
  );
}
