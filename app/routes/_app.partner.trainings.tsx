import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDate, formatDateTime, formatTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { tokyoToday } from '~/modules/partners/partners.server';
import {
  cancelRegistration,
  listModules,
  listSessions,
  myRegistrations,
  register,
} from '~/modules/training/training.server';

export const meta: MetaFunction = () => [{ title: '研修 / Training' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const [sessions, mine, modules, partner] = await Promise.all([
    listSessions(db, { upcomingOnly: true }),
    myRegistrations(db, me.id),
    listModules(db),
    db
      .selectFrom('partner')
      .select('trained_until')
      .where('id', '=', me.partnerId!)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    sessions,
    mine,
    modules,
    trainedUntil: partner.trained_until,
    today: tokyoToday(),
    now: new Date().toISOString(),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const form = await request.formData();
  const intent = form.get('intent');
  const sessionId = String(form.get('sessionId') ?? '');
  try {
    if (intent === 'register') {
      const status = await db
        .transaction()
        .execute((tx) => register(tx, sessionId, { id: me.id, partnerId: me.partnerId! }));
      return { outcome: status, error: null };
    }
    if (intent === 'cancel') {
      await db.transaction().execute((tx) => cancelRegistration(tx, sessionId, me.id));
      return { outcome: 'cancelled' as const, error: null };
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    if (e.code === 'errors.notFound') throw new Response('Not Found', { status: 404 });
    return data({ outcome: null, error: e.code }, 400);
  }
  return data({ outcome: null, error: 'errors.badRequest' }, 400);
}

export default function PartnerTrainings() {
  const { sessions, mine, modules, trainedUntil, today, now } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const name = (code: string) => {
    const m = modules.find((x) => x.code === code);
    return m ? (locale === 'en' ? m.name_en : m.name_ja) : code;
  };
  return (
    <>
      <h1>{t('training.partnerTitle')}</h1>
      <p className="card">
        {trainedUntil && trainedUntil >= today
          ? t('training.trainedUntil', { date: formatDate(trainedUntil, locale) })
          : t('training.notTrained')}
      </p>
      <p className="hint">{t('training.intro')}</p>
      {reply?.outcome === 'registered' ? (
        <Notice kind="success">{t('training.registeredNotice')}</Notice>
      ) : null}
      {reply?.outcome === 'waitlisted' ? (
        <Notice kind="info">{t('training.waitlistedNotice')}</Notice>
      ) : null}
      {reply?.outcome === 'cancelled' ? (
        <Notice kind="success">{t('training.cancelledNotice')}</Notice>
      ) : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      {sessions.length === 0 ? (
        <p className="empty">{t('training.upcomingNone')}</p>
      ) : (
        sessions.map((s) => {
          const my = mine[s.id];
          const open = new Date(s.registration_deadline) > new Date(now);
          return (
            <article key={s.id} className="card offer-card">
              <h2>{s.title}</h2>
              <p>
                {formatDateTime(s.starts_at, locale)}–{formatTime(s.ends_at, locale)}
                {s.venue ? ` · ${s.venue}` : ''}
                {s.online_url ? (
                  <>
                    {' · '}
                    <a href={s.online_url} rel="noreferrer" target="_blank">
                      {s.online_url}
                    </a>
                  </>
                ) : null}
              </p>
              <p className="muted">
                {s.modules.map(name).join('、')} ·{' '}
                {t('training.seats', {
                  registered: s.registered,
                  capacity: s.capacity,
                  waitlisted: s.waitlisted,
                })}{' '}
                ·{' '}
                {t('training.deadlineLabel', {
                  date: formatDateTime(s.registration_deadline, locale),
                })}
              </p>
              {my ? (
                <p>
                  <span className="status">
                    {my.status === 'registered'
                      ? t('training.registered')
                      : t('training.waitlisted')}
                  </span>
                </p>
              ) : null}
              {open ? (
                <Form method="post">
                  <input type="hidden" name="sessionId" value={s.id} />
                  {my ? (
                    <SubmitButton
                      intent="cancel"
                      className="button"
                      confirm={t('training.cancelConfirm')}
                    >
                      {t('training.cancelRegistration')}
                    </SubmitButton>
                  ) : (
                    <SubmitButton intent="register">{t('training.register')}</SubmitButton>
                  )}
                </Form>
              ) : null}
            </article>
          );
        })
      )}
    </>
  );
}
