import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { Notice, SubmitButton } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatTime } from '~/lib/format';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { ATTENDANCE } from '~/modules/training/training-schema';
import {
  cancelSession,
  getSession,
  inviteAll,
  listModules,
  listRegistrations,
  recordAttendance,
} from '~/modules/training/training.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.session.title ?? '研修 / Training' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  const [registrations, modules] = await Promise.all([
    listRegistrations(db, session.id),
    listModules(db),
  ]);
  return { session, registrations, modules };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  const form = await request.formData();
  const intent = form.get('intent');
  const actor = { userId: me.id, ip: context.clientIp };
  try {
    if (intent === 'attendance') {
      // One radio group per registration: attendance-<registration id>.
      const marks = [...form.entries()]
        .filter(([k]) => k.startsWith('attendance-'))
        .map(([k, v]) => ({ registrationId: k.slice('attendance-'.length), attendance: String(v) }))
        .filter(
          (m): m is { registrationId: string; attendance: (typeof ATTENDANCE)[number] } =>
            /^[0-9a-f-]{36}$/i.test(m.registrationId) &&
            (ATTENDANCE as readonly string[]).includes(m.attendance),
        );
      await db.transaction().execute((tx) => recordAttendance(tx, session.id, marks, actor));
      return { intent, error: null, saved: true };
    }
    if (intent === 'invite') {
      const invited = await db.transaction().execute((tx) => inviteAll(tx, session.id, actor));
      return { intent, error: null, saved: false, invited };
    }
    if (intent === 'cancelSession') {
      await db.transaction().execute((tx) => cancelSession(tx, session.id, actor));
      return redirect('/trainings?cancelled=1');
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data({ intent, error: e.code, saved: false }, 400);
  }
  return data({ intent, error: 'errors.badRequest', saved: false }, 400);
}

export default function TrainingSession() {
  const { session: s, registrations, modules } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const name = (code: string) => {
    const m = modules.find((x) => x.code === code);
    return m ? (locale === 'en' ? m.name_en : m.name_ja) : code;
  };
  return (
    <>
      <p className="no-print">
        <Link to="/trainings">← {t('training.title')}</Link>
      </p>
      <h1>
        {s.title} <span className="status">{tKey(t, `training.statuses.${s.status}`)}</span>
      </h1>
      {params.get('created') ? <Notice kind="success">{t('training.created')}</Notice> : null}
      {reply?.saved ? <Notice kind="success">{t('training.attendanceSaved')}</Notice> : null}
      {reply && 'invited' in reply ? (
        <Notice kind="success">{t('training.invitedNotice', { n: reply.invited })}</Notice>
      ) : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      <dl className="meta-list card">
        <dt>{t('training.date')}</dt>
        <dd>
          {formatDateTime(s.starts_at, locale)}–{formatTime(s.ends_at, locale)}
        </dd>
        <dt>{t('training.modules')}</dt>
        <dd>{s.modules.map(name).join('、')}</dd>
        <dt>{t('training.venue')}</dt>
        <dd>
          {s.venue || '—'}
          {s.online_url ? (
            <>
              {' · '}
              <a href={s.online_url}>{s.online_url}</a>
            </>
          ) : null}
        </dd>
        <dt>{t('training.instructor')}</dt>
        <dd>{s.instructor || '—'}</dd>
        <dt>{t('training.capacity')}</dt>
        <dd>
          {t('training.seats', {
            registered: s.registered,
            capacity: s.capacity,
            waitlisted: s.waitlisted,
          })}
        </dd>
        <dt>{t('training.deadline')}</dt>
        <dd>{formatDateTime(s.registration_deadline, locale)}</dd>
      </dl>

      {s.status === 'scheduled' ? (
        <Form method="post" className="section no-print action-row">
          <SubmitButton intent="invite" className="button primary">
            {t('training.invite')}
          </SubmitButton>
          <span className="hint">
            {s.invited_at
              ? t('training.invitedAt', { time: formatDateTime(s.invited_at, locale) })
              : t('training.inviteHint')}
          </span>
        </Form>
      ) : null}

      <section className="section" aria-labelledby="roster">
        <div className="page-head">
          <h2 id="roster">{t('training.roster')}</h2>
          <button type="button" className="button no-print" onClick={() => window.print()}>
            {t('training.print')}
          </button>
        </div>
        {registrations.length === 0 ? (
          <p className="empty">{t('training.rosterNone')}</p>
        ) : (
          <Form method="post" className="roster-form">
            <div className="table-wrap">
              <table className="stack-on-phone roster">
                <thead>
                  <tr>
                    <th scope="col">{t('training.person')}</th>
                    <th scope="col">{t('training.organisation')}</th>
                    <th scope="col">{t('training.status')}</th>
                    <th scope="col">{t('training.attendance')}</th>
                  </tr>
                </thead>
                <tbody>
                  {registrations.map((r) => (
                    <tr key={r.id}>
                      <td data-label={t('training.person')}>{r.user_name}</td>
                      <td data-label={t('training.organisation')}>{r.partner_name}</td>
                      <td data-label={t('training.status')}>
                        {r.status === 'registered'
                          ? t('training.registered')
                          : t('training.waitlisted')}
                      </td>
                      <td data-label={t('training.attendance')}>
                        {r.status === 'registered' && s.status !== 'cancelled' ? (
                          <fieldset className="attendance">
                            <legend className="visually-hidden">
                              {t('training.attendance')}: {r.user_name}
                            </legend>
                            {ATTENDANCE.map((a) => (
                              <label key={a} className="check">
                                <input
                                  type="radio"
                                  name={`attendance-${r.id}`}
                                  value={a}
                                  defaultChecked={r.attendance === a}
                                />
                                {tKey(t, `training.attendanceValues.${a}`)}
                              </label>
                            ))}
                          </fieldset>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {s.status !== 'cancelled' ? (
              <div className="sticky-actions no-print">
                <SubmitButton intent="attendance">{t('training.saveAttendance')}</SubmitButton>
              </div>
            ) : null}
          </Form>
        )}
      </section>
      {s.status === 'scheduled' ? (
        <Form method="post" className="section no-print">
          <SubmitButton
            intent="cancelSession"
            className="button danger"
            confirm={t('training.cancelSessionConfirm')}
          >
            {t('training.cancelSession')}
          </SubmitButton>
        </Form>
      ) : null}
    </>
  );
}
