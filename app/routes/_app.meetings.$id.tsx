import { getFormProps, getTextareaProps, type SubmissionResult, useForm } from '@conform-to/react';
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
import { AttendanceRadios } from '~/components/attendance-radios';
import { FieldErrors, Notice, SubmitButton, TextField } from '~/components/forms';
import { ChooserFilter, PartnerCheckboxes } from '~/components/partner-chooser';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatTime, tokyoDate } from '~/lib/format';
import { fileOf, readAnyForm } from '~/lib/multipart.server';
import { submitInTransaction } from '~/lib/submit.server';
import { requireRole } from '~/modules/auth/auth.server';
import { DomainError } from '~/modules/errors';
import { meetingSchema, quarterRange } from '~/modules/meetings/meeting-schema';
import {
  cancelMeeting,
  getMeeting,
  inviteToMeeting,
  listContacts,
  listInvitees,
  recordMeetingAttendance,
  saveMinutes,
  updateMeeting,
} from '~/modules/meetings/meetings.server';
import { choiceFilters, listPrefectures, partnerChoices } from '~/modules/partners/partners.server';
import { ATTENDANCE } from '~/modules/training/training-schema';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.meeting.title ?? '連絡会議 / Liaison meeting' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, ['secretariat']);
  const meeting = await getMeeting(db, params.id ?? '');
  if (!meeting) throw new Response('Not Found', { status: 404 });
  const filters = choiceFilters(new URL(request.url));
  const [invitees, contacts, prefectures, choices] = await Promise.all([
    listInvitees(db, meeting.id),
    listContacts(db, { activeOnly: true }),
    listPrefectures(db),
    partnerChoices(db, filters),
  ]);
  return {
    meeting,
    invitees,
    contacts,
    prefectures,
    choices,
    filters,
    range: quarterRange(meeting.fiscal_year, meeting.quarter),
    started: new Date(meeting.starts_at) <= new Date(),
  };
}

type Reply = {
  intent: string;
  error: string | null;
  field?: string;
  done?: string;
  n?: number;
  result?: SubmissionResult<string[]>;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, ['secretariat']);
  const meeting = await getMeeting(db, params.id ?? '');
  if (!meeting) throw new Response('Not Found', { status: 404 });
  const read = await readAnyForm(request);
  if (read.tooLarge)
    return data<Reply>(
      { intent: 'minutes', error: 'errors.fileTooLarge', field: 'minutesFile' },
      400,
    );
  const form = read.formData;
  const intent = String(form.get('intent') ?? '');
  const actor = { userId: me.id, ip: context.clientIp };
  if (intent === 'update') {
    const submission = parseWithZod(form, { schema: meetingSchema });
    if (submission.status !== 'success')
      return data<Reply>({ intent, error: null, result: submission.reply() }, 400);
    const saved = await submitInTransaction(submission, 'title', (tx) =>
      updateMeeting(tx, meeting.id, submission.value, actor),
    );
    if (!saved.ok) return saved.response;
    return {
      intent,
      error: null,
      done: saved.value.notified ? 'meetings.updatedNotified' : 'meetings.updated',
      n: saved.value.notified,
      result: submission.reply(),
    } satisfies Reply;
  }
  try {
    if (intent === 'invite') {
      const mode = String(form.get('partners') ?? 'none');
      const partners =
        mode === 'all'
          ? ('all' as const)
          : mode === 'chosen'
            ? form.getAll('partnerIds').map(String)
            : ('none' as const);
      const contacts = form.getAll('contactIds').map(String);
      const n = await db
        .transaction()
        .execute((tx) =>
          inviteToMeeting(
            tx,
            meeting.id,
            { partners, contacts: contacts.length ? contacts : 'none' },
            actor,
          ),
        );
      return { intent, error: null, done: 'meetings.invitedNotice', n } satisfies Reply;
    }
    if (intent === 'attendance') {
      const marks = [...form.entries()]
        .filter(([k]) => k.startsWith('attendance-'))
        .map(([k, v]) => ({ inviteeId: k.slice('attendance-'.length), attendance: String(v) }))
        .filter(
          (m): m is { inviteeId: string; attendance: (typeof ATTENDANCE)[number] } =>
            /^[0-9a-f-]{36}$/i.test(m.inviteeId) &&
            (ATTENDANCE as readonly string[]).includes(m.attendance),
        );
      await db.transaction().execute((tx) => recordMeetingAttendance(tx, meeting.id, marks, actor));
      return { intent, error: null, done: 'meetings.attendanceSaved' } satisfies Reply;
    }
    if (intent === 'minutes') {
      const file = await fileOf(form, 'minutesFile');
      const text = String(form.get('minutes') ?? '').trim();
      await db.transaction().execute((tx) => saveMinutes(tx, meeting.id, { text, file }, actor));
      return { intent, error: null, done: 'meetings.minutesSaved' } satisfies Reply;
    }
    if (intent === 'cancel') {
      await db.transaction().execute((tx) => cancelMeeting(tx, meeting.id, actor));
      return redirect(`/meetings/${meeting.id}?cancelled=1`);
    }
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data<Reply>({ intent, error: e.code, field: e.field }, 400);
  }
  return data<Reply>({ intent, error: 'errors.badRequest' }, 400);
}

export default function Meeting() {
  const {
    meeting: m,
    invitees,
    contacts,
    prefectures,
    choices,
    filters,
    range,
    started,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>() as Reply | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  const scheduled = m.status === 'scheduled';
  const [form, fields] = useForm({
    id: 'meeting',
    // A refusal from the rules (e.g. a date outside the quarter) comes back without an intent.
    lastResult: !reply?.intent || reply.intent === 'update' ? reply?.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: meetingSchema }),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: {
      title: m.title,
      date: tokyoDate(new Date(m.starts_at)),
      startTime: formatTime(m.starts_at, 'en'),
      endTime: formatTime(m.ends_at, 'en'),
      venue: m.venue,
      onlineUrl: m.online_url,
      agenda: m.agenda,
    },
  });
  const chosen = filters.prefecture !== undefined || !!filters.name || filters.untrained;
  return (
    <>
      <p className="no-print">
        <Link to="/meetings">← {t('meetings.title')}</Link>
      </p>
      <div className="page-head">
        <h1>
          {m.title} <span className="status">{tKey(t, `meetings.statuses.${m.status}`)}</span>
        </h1>
        <div className="action-row no-print">
          <a className="button" href={`/meetings/${m.id}/report.pdf`} download>
            {t('meetings.quarterReport')}
          </a>
          <a className="button" href={`/calendar/meeting/${m.id}.ics`} download>
            {t('calendar.download')}
          </a>
        </div>
      </div>
      {reply?.done ? (
        <Notice kind="success">{tKey(t, reply.done, { n: reply.n ?? 0 })}</Notice>
      ) : null}
      {reply?.error ? <Notice kind="error">{tKey(t, reply.error)}</Notice> : null}
      <dl className="meta-list card">
        <dt>{t('meetings.quarter')}</dt>
        <dd>
          {t('meetings.fq', { year: m.fiscal_year, q: m.quarter })} ({range.from} – {range.to})
        </dd>
        <dt>{t('meetings.date')}</dt>
        <dd>
          {formatDateTime(m.starts_at, locale)}–{formatTime(m.ends_at, locale)}
        </dd>
        <dt>{t('meetings.venue')}</dt>
        <dd>
          {m.venue || '—'}
          {m.online_url ? (
            <>
              {' · '}
              <a href={m.online_url}>{m.online_url}</a>
            </>
          ) : null}
        </dd>
        <dt>{t('meetings.replies')}</dt>
        <dd>
          {m.invited
            ? t('meetings.replyCounts', {
                invited: m.invited,
                accepted: m.accepted,
                declined: m.declined,
              })
            : t('meetings.notInvited')}
        </dd>
      </dl>

      {scheduled ? (
        <section className="section" aria-labelledby="edit-h">
          <h2 id="edit-h">{t('meetings.editTitle')}</h2>
          <p className="hint">{t('meetings.editHint', { from: range.from, to: range.to })}</p>
          <Form method="post" className="form-section" {...getFormProps(form)}>
            <TextField field={fields.title} label={t('meetings.meetingTitle')} required />
            <div className="form-grid">
              <TextField
                field={fields.date}
                label={t('meetings.day')}
                type="date"
                required
                min={range.from}
                max={range.to}
              />
              <TextField
                field={fields.startTime}
                label={t('training.startTime')}
                type="time"
                required
              />
              <TextField
                field={fields.endTime}
                label={t('training.endTime')}
                type="time"
                required
              />
            </div>
            <TextField field={fields.venue} label={t('meetings.venue')} />
            <TextField field={fields.onlineUrl} label={t('training.onlineUrl')} type="url" />
            <div className="field">
              <label htmlFor={fields.agenda.id}>{t('meetings.agenda')}</label>
              <textarea {...getTextareaProps(fields.agenda)} rows={6} />
              <FieldErrors id={fields.agenda.errorId} errors={fields.agenda.errors} />
            </div>
            <SubmitButton intent="update">{t('meetings.save')}</SubmitButton>
          </Form>
        </section>
      ) : (
        <section className="section" aria-labelledby="agenda-h">
          <h2 id="agenda-h">{t('meetings.agenda')}</h2>
          <p className="pre-wrap">{m.agenda || '—'}</p>
        </section>
      )}

      {scheduled ? (
        <section className="section no-print" aria-labelledby="invite-h">
          <h2 id="invite-h">{t('meetings.inviteTitle')}</h2>
          <p className="hint">{t('meetings.inviteHint')}</p>
          <details open={chosen}>
            <summary>{t('meetings.narrowPartners')}</summary>
            <ChooserFilter filters={filters} prefectures={prefectures} />
          </details>
          <Form method="post" preventScrollReset className="form-section">
            <fieldset className="fieldset">
              <legend>{t('meetings.partnersLegend')}</legend>
              <label className="check">
                <input type="radio" name="partners" value="all" defaultChecked={!chosen} />
                {t('meetings.partnersAll')}
              </label>
              <label className="check">
                <input type="radio" name="partners" value="chosen" defaultChecked={chosen} />
                {t('meetings.partnersChosen')}
              </label>
              <label className="check">
                <input type="radio" name="partners" value="none" />
                {t('meetings.partnersNone')}
              </label>
            </fieldset>
            {chosen ? <PartnerCheckboxes rows={choices.rows} total={choices.total} /> : null}
            <fieldset className="fieldset">
              <legend>{t('meetings.contactsLegend')}</legend>
              {contacts.length === 0 ? (
                <p className="empty">
                  {t('meetings.contactsNone')}{' '}
                  <Link to="/meetings/contacts">{t('meetings.addContact')}</Link>
                </p>
              ) : (
                contacts.map((c) => (
                  <label key={c.id} className="check">
                    <input type="checkbox" name="contactIds" value={c.id} defaultChecked />
                    {c.organisation} — {c.person_name}
                  </label>
                ))
              )}
            </fieldset>
            <SubmitButton
              intent="invite"
              className="button primary"
              confirm={t('meetings.sendInvitationsConfirm')}
            >
              {t('meetings.sendInvitations')}
            </SubmitButton>
          </Form>
        </section>
      ) : null}

      <section className="section" aria-labelledby="invitees-h">
        <div className="page-head">
          <h2 id="invitees-h">{t('meetings.invitees')}</h2>
          <button type="button" className="button no-print" onClick={() => window.print()}>
            {t('training.print')}
          </button>
        </div>
        {invitees.length === 0 ? (
          <p className="empty">{t('meetings.inviteesNone')}</p>
        ) : (
          <Form method="post">
            <div className="table-wrap">
              <table className="stack-on-phone roster">
                <thead>
                  <tr>
                    <th scope="col">{t('meetings.person')}</th>
                    <th scope="col">{t('meetings.organisation')}</th>
                    <th scope="col">{t('meetings.rsvp')}</th>
                    <th scope="col">{t('training.attendance')}</th>
                  </tr>
                </thead>
                <tbody>
                  {invitees.map((i) => (
                    <tr key={i.id}>
                      <td data-label={t('meetings.person')}>{i.name}</td>
                      <td data-label={t('meetings.organisation')}>
                        {i.organisation}
                        {i.kind === 'external' ? (
                          <span className="tag"> {t('meetings.external')}</span>
                        ) : null}
                      </td>
                      <td data-label={t('meetings.rsvp')}>
                        {tKey(t, `meetings.rsvpValues.${i.rsvp}`)}
                      </td>
                      <td data-label={t('training.attendance')}>
                        {m.status !== 'cancelled' && started ? (
                          <AttendanceRadios id={i.id} person={i.name} value={i.attendance} />
                        ) : i.attendance ? (
                          tKey(t, `training.attendanceValues.${i.attendance}`)
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {m.status !== 'cancelled' && started ? (
              <div className="sticky-actions no-print">
                <SubmitButton intent="attendance">{t('training.saveAttendance')}</SubmitButton>
              </div>
            ) : (
              <p className="hint">{t('meetings.attendanceLater')}</p>
            )}
          </Form>
        )}
      </section>

      {m.status !== 'cancelled' ? (
        <section className="section" aria-labelledby="minutes-h">
          <h2 id="minutes-h">{t('meetings.minutes')}</h2>
          {m.minutes_file_id ? (
            <p>
              <a href={`/files/${m.minutes_file_id}`}>{t('meetings.minutesFile')}</a>
            </p>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="form-section">
            <div className="field">
              <label htmlFor="minutes">{t('meetings.minutesText')}</label>
              <textarea
                id="minutes"
                name="minutes"
                rows={8}
                defaultValue={m.minutes}
                maxLength={50000}
              />
            </div>
            <div className="field">
              <label htmlFor="minutesFile">{t('meetings.minutesUpload')}</label>
              <input
                id="minutesFile"
                type="file"
                name="minutesFile"
                accept="application/pdf,.pdf"
                aria-invalid={reply?.field === 'minutesFile' ? true : undefined}
              />
              <span className="hint">{t('training.materialHint')}</span>
            </div>
            <SubmitButton intent="minutes">{t('meetings.saveMinutes')}</SubmitButton>
          </Form>
        </section>
      ) : null}

      {scheduled ? (
        <Form method="post" className="section no-print">
          <SubmitButton
            intent="cancel"
            className="button danger"
            confirm={t('meetings.cancelConfirm')}
          >
            {t('meetings.cancel')}
          </SubmitButton>
        </Form>
      ) : null}
    </>
  );
}
