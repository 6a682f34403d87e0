import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AttendanceRadios } from '~/components/attendance-radios';
import { Notice, SubmitButton } from '~/components/forms';
import { ChooserFilter, PartnerCheckboxes } from '~/components/partner-chooser';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatTime } from '~/lib/format';
import { fileOf, readAnyForm } from '~/lib/multipart.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { choiceFilters, listPrefectures, partnerChoices } from '~/modules/partners/partners.server';
import { ATTENDANCE } from '~/modules/training/training-schema';
import {
  addMaterial,
  cancelSession,
  getSession,
  invite,
  listMaterials,
  listModules,
  listRegistrations,
  recordAttendance,
  removeMaterial,
} from '~/modules/training/training.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.session.title ?? '研修 / Training' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  const filters = choiceFilters(new URL(request.url));
  const [registrations, modules, materials, prefectures, choices] = await Promise.all([
    listRegistrations(db, session.id),
    listModules(db),
    listMaterials(db, session.id),
    listPrefectures(db),
    partnerChoices(db, filters),
  ]);
  return { session, registrations, modules, materials, prefectures, choices, filters };
}

type Reply = { intent: string; error: string | null; field?: string; done?: string; n?: number };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const session = await getSession(db, params.id ?? '');
  if (!session) throw new Response('Not Found', { status: 404 });
  const read = await readAnyForm(request);
  if (read.tooLarge)
    return data<Reply>(
      { intent: 'material', error: 'errors.fileTooLarge', field: 'material' },
      400,
    );
  const form = read.formData;
  const intent = String(form.get('intent') ?? '');
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
      return { intent, error: null, done: 'training.attendanceSaved' } satisfies Reply;
    }
    if (intent === 'invite') {
      const audience =
        form.get('audience') === 'chosen'
          ? { partnerIds: form.getAll('partnerIds').map(String) }
          : ({ all: true } as const);
      const n = await db.transaction().execute((tx) => invite(tx, session.id, audience, actor));
      return { intent, error: null, done: 'training.invitedNotice', n } satisfies Reply;
    }
    if (intent === 'material') {
      const file = await fileOf(form, 'material');
      if (!file) throw new DomainError('errors.fileRequired', 'material');
      await db.transaction().execute((tx) => addMaterial(tx, session.id, file, actor));
      return { intent, error: null, done: 'training.materialAdded' } satisfies Reply;
    }
    if (intent === 'removeMaterial') {
      const id = String(form.get('materialId') ?? '');
      await db.transaction().execute((tx) => removeMaterial(tx, session.id, id, actor));
      return { intent, error: null, done: 'training.materialRemoved' } satisfies Reply;
    }
    if (intent === 'cancelSession') {
      await db.transaction().execute((tx) => cancelSession(tx, session.id, actor));
      return redirect('/trainings?cancelled=1');
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data<Reply>({ intent, error: e.code, field: e.field }, 400);
  }
  return data<Reply>({ intent, error: 'errors.badRequest' }, 400);
}

export default function TrainingSession() {
  const {
    session: s,
    registrations,
    modules,
    materials,
    prefectures,
    choices,
    filters,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const name = (code: string) => {
    const m = modules.find((x) => x.code === code);
    return m ? (locale === 'en' ? m.name_en : m.name_ja) : code;
  };
  const updated = params.get('updated');
  const chosen = params.has('pref') || params.has('name') || params.has('untrained');
  return (
    <>
      <p className="no-print">
        <Link to="/trainings">← {t('training.title')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {s.title} <span className="status">{tKey(t, `training.statuses.${s.status}`)}</span>
        </h1>
        <div className="action-row no-print">
          <a className="button" href={`/calendar/training/${s.id}.ics`} download>
            {t('calendar.download')}
          </a>
          {s.status === 'scheduled' ? (
            <Link className="button" to={`/trainings/${s.id}/edit`}>
              {t('training.edit')}
            </Link>
          ) : null}
        </div>
      </div>
      {params.get('created') ? <Notice kind="success">{t('training.created')}</Notice> : null}
      {updated !== null ? (
        <Notice kind="success">{t('training.updatedNotice', { n: Number(updated) || 0 })}</Notice>
      ) : null}
      {reply?.done ? (
        <Notice kind="success">{tKey(t, reply.done, { n: reply.n ?? 0 })}</Notice>
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
        <section className="section no-print" aria-labelledby="invite-h">
          <h2 id="invite-h">{t('training.inviteTitle')}</h2>
          <p className="hint">
            {s.invited_at
              ? t('training.invitedAt', { time: formatDateTime(s.invited_at, locale) })
              : t('training.inviteHint')}
          </p>
          <details open={chosen}>
            <summary>{t('training.inviteChosen')}</summary>
            <ChooserFilter filters={filters} prefectures={prefectures} />
            <Form method="post" preventScrollReset>
              <input type="hidden" name="audience" value="chosen" />
              <PartnerCheckboxes rows={choices.rows} total={choices.total} />
              {choices.rows.length ? (
                <SubmitButton intent="invite" className="button primary">
                  {t('training.inviteChosenSubmit')}
                </SubmitButton>
              ) : null}
            </Form>
          </details>
          <Form method="post" className="action-row">
            <input type="hidden" name="audience" value="all" />
            <SubmitButton
              intent="invite"
              className="button"
              confirm={t('training.inviteAllConfirm')}
            >
              {t('training.invite')}
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      <section className="section" aria-labelledby="materials-h">
        <h2 id="materials-h">{t('training.materials')}</h2>
        {materials.length === 0 ? (
          <p className="empty">{t('training.materialsNone')}</p>
        ) : (
          <ul className="plain-list">
            {materials.map((m) => (
              <li key={m.id}>
                <a href={`/files/${m.file_id}`}>{m.filename}</a>{' '}
                <span className="hint">({Math.ceil(m.size / 1024)} KB)</span>
                <Form method="post" className="inline no-print">
                  <input type="hidden" name="materialId" value={m.id} />
                  <SubmitButton
                    intent="removeMaterial"
                    className="button small danger"
                    confirm={t('training.materialRemoveConfirm', { name: m.filename })}
                  >
                    {t('training.materialRemove')}
                  </SubmitButton>
                </Form>
              </li>
            ))}
          </ul>
        )}
        {s.status !== 'cancelled' ? (
          <Form method="post" encType="multipart/form-data" className="action-row no-print">
            <label>
              {t('training.materialUpload')}
              <input
                type="file"
                name="material"
                accept="application/pdf,.pdf"
                required
                aria-invalid={reply?.field === 'material' ? true : undefined}
                aria-describedby="material-hint"
              />
            </label>
            <span id="material-hint" className="hint">
              {t('training.materialHint')}
            </span>
            <SubmitButton intent="material">{t('training.materialAdd')}</SubmitButton>
          </Form>
        ) : null}
      </section>

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
                      <td data-label={t('training.person')}>
                        {r.user_name}
                        {r.attendance === 'attended' ? (
                          <>
                            {' '}
                            <a className="no-print hint" href={`/certificates/${r.user_id}`}>
                              {t('training.certificate')}
                            </a>
                          </>
                        ) : null}
                      </td>
                      <td data-label={t('training.organisation')}>{r.partner_name}</td>
                      <td data-label={t('training.status')}>
                        {r.status === 'registered'
                          ? t('training.registered')
                          : t('training.waitlisted')}
                      </td>
                      <td data-label={t('training.attendance')}>
                        {r.status === 'registered' && s.status !== 'cancelled' ? (
                          <AttendanceRadios id={r.id} person={r.user_name} value={r.attendance} />
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
