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
  materialsOfSessions,
  personCertificate,
  register,
} from '~/modules/training/training.server';
import { answerAsUser, meetingsOfUser } from '~/modules/meetings/meetings.server';
import { RSVP_ANSWERS, type RsvpAnswer } from '~/modules/meetings/meeting-schema';

export const meta: MetaFunction = () => [{ title: '研修 / Training' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, ['partner']);
  const [sessions, mine, modules, partner, certificate, meetings] = await Promise.all([
    listSessions(db, { upcomingOnly: true }),
    myRegistrations(db, me.id),
    listModules(db),
    db
      .selectFrom('partner')
      .select('trained_until')
      .where('id', '=', me.partnerId!)
      .executeTakeFirstOrThrow(),
    personCertificate(db, me.id),
    meetingsOfUser(db, me.id),
  ]);
  const materials = await materialsOfSessions(db, Object.keys(mine));
  return {
    sessions,
    materials,
    meetings,
    userId: me.id,
    certificate: certificate && {
      complete: certificate.complete,
      validUntil: certificate.validUntil,
      modules: certificate.modules.filter((m) => m.required),
    },
    mine,
    modules,
    trainedUntil: partner.trained_until,
    today: tokyoToday(),
    now: new Date().toISOString(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
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
    if (intent === 'rsvp') {
      const answer = String(form.get('answer') ?? '');
      if (!(RSVP_ANSWERS as readonly string[]).includes(answer))
        throw new DomainError('errors.invalidChoice');
      await db
        .transaction()
        .execute((tx) =>
          answerAsUser(
            tx,
            String(form.get('meetingId') ?? ''),
            me.id,
            answer as RsvpAnswer,
            context.clientIp ?? null,
          ),
        );
      return { outcome: 'replied' as const, error: null };
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
  const {
    sessions,
    mine,
    modules,
    trainedUntil,
    today,
    now,
    materials,
    meetings,
    certificate,
    userId,
  } = useLoaderData<typeof loader>();
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
      {certificate ? (
        <section className="card" aria-labelledby="cert-h">
          <h2 id="cert-h">{t('training.myRecord')}</h2>
          <ul className="plain-list">
            {certificate.modules.map((m) => (
              <li key={m.code}>
                {locale === 'en' ? m.name_en : m.name_ja}:{' '}
                {m.last_date && m.current
                  ? t('training.attendedOn', { date: formatDate(m.last_date, locale) })
                  : t('training.notYetAttended')}
              </li>
            ))}
          </ul>
          {certificate.complete ? (
            <p>
              <a className="button" href={`/certificates/${userId}`} download>
                {t('training.certificateDownload')}
              </a>{' '}
              <span className="hint">
                {t('training.validUntil', { date: formatDate(certificate.validUntil!, locale) })}
              </span>
            </p>
          ) : (
            <p className="hint">{t('training.certificateNotYet')}</p>
          )}
        </section>
      ) : null}
      {reply?.outcome === 'registered' ? (
        <Notice kind="success">{t('training.registeredNotice')}</Notice>
      ) : null}
      {reply?.outcome === 'waitlisted' ? (
        <Notice kind="info">{t('training.waitlistedNotice')}</Notice>
      ) : null}
      {reply?.outcome === 'replied' ? (
        <Notice kind="success">{t('meetings.replied')}</Notice>
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
              {my && materials[s.id]?.length ? (
                <ul className="plain-list" aria-label={t('training.materials')}>
                  {materials[s.id]!.map((f) => (
                    <li key={f.file_id}>
                      <a href={`/files/${f.file_id}`}>{f.filename}</a>
                    </li>
                  ))}
                </ul>
              ) : null}
              <p>
                <a href={`/calendar/training/${s.id}.ics`} download>
                  {t('calendar.download')}
                </a>
              </p>
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
      <section className="section" aria-labelledby="meetings-h">
        <h2 id="meetings-h">{t('meetings.title')}</h2>
        {meetings.length === 0 ? (
          <p className="empty">{t('meetings.noneForYou')}</p>
        ) : (
          meetings.map((m) => (
            <article key={m.id} className="card">
              <h3>{m.title}</h3>
              <p>
                {formatDateTime(m.starts_at, locale)}–{formatTime(m.ends_at, locale)} ·{' '}
                {[m.venue, m.online_url].filter(Boolean).join(' / ')}
              </p>
              <p>
                <span className="status">{tKey(t, `meetings.statuses.${m.status}`)}</span>{' '}
                {t('meetings.yourReply')}: {tKey(t, `meetings.rsvpValues.${m.rsvp}`)}
              </p>
              {m.agenda ? <p className="pre-wrap">{m.agenda}</p> : null}
              {m.status === 'scheduled' && new Date(m.starts_at) > new Date(now) ? (
                <Form method="post" className="action-row">
                  <input type="hidden" name="intent" value="rsvp" />
                  <input type="hidden" name="meetingId" value={m.id} />
                  {RSVP_ANSWERS.map((a) => (
                    <button
                      key={a}
                      type="submit"
                      name="answer"
                      value={a}
                      className={m.rsvp === a ? 'button primary' : 'button'}
                      aria-pressed={m.rsvp === a}
                    >
                      {tKey(t, `rsvp.answers.${a}`)}
                    </button>
                  ))}
                </Form>
              ) : null}
              <p className="action-row">
                <a href={`/calendar/meeting/${m.id}.ics`} download>
                  {t('calendar.download')}
                </a>
                <a href={`/meetings/${m.id}/report.pdf`} download>
                  {t('meetings.quarterReport')}
                </a>
                {m.minutes_file_id ? (
                  <a href={`/files/${m.minutes_file_id}`}>{t('meetings.minutesFile')}</a>
                ) : null}
              </p>
              {m.minutes ? (
                <details>
                  <summary>{t('meetings.minutes')}</summary>
                  <p className="pre-wrap">{m.minutes}</p>
                </details>
              ) : null}
            </article>
          ))
        )}
      </section>
    </>
  );
}
