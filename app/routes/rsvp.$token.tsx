import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '~/components/auth-card';
import { Notice } from '~/components/forms';
import { tKey } from '~/i18n/i18n';
import { db } from '~/lib/db.server';
import { formatDateTime, formatTime } from '~/lib/format';
import { DomainError } from '~/modules/errors';
import { RSVP_ANSWERS, type RsvpAnswer } from '~/modules/meetings/meeting-schema';
import { answerRsvp, readRsvp } from '~/modules/meetings/meetings.server';

export const meta: MetaFunction = () => [
  { title: '出欠の回答 / Reply to the invitation' },
  { name: 'referrer', content: 'same-origin' },
  { name: 'robots', content: 'noindex' },
];

// Opening the link only shows the meeting (mail scanners open links too); answering is a POST.
export async function loader({ params }: LoaderFunctionArgs) {
  const view = await readRsvp(db, params.token ?? '');
  if (!view) return data({ view: null }, 404);
  return { view };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const answer = String(form.get('answer') ?? '');
  if (!(RSVP_ANSWERS as readonly string[]).includes(answer))
    return data({ error: 'errors.invalidChoice', answered: null }, 400);
  try {
    await db
      .transaction()
      .execute((tx) =>
        answerRsvp(tx, params.token ?? '', answer as RsvpAnswer, context.clientIp ?? null),
      );
    return { error: null, answered: answer };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return data({ error: e.code, answered: null }, 400);
  }
}

export default function Rsvp() {
  const { view } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const busy = useNavigation().state === 'submitting';
  const locale = i18n.language === 'en' ? 'en' : 'ja';
  if (!view)
    return (
      <AuthCard title={t('rsvp.title')}>
        <Notice kind="error">{t('meetings.errors.linkInvalid')}</Notice>
      </AuthCard>
    );
  const m = view.meeting;
  return (
    <AuthCard title={t('rsvp.title')}>
      <p>{t('rsvp.greeting', { name: view.name })}</p>
      <dl className="meta-list">
        <dt>{t('meetings.meetingTitle')}</dt>
        <dd>{m.title}</dd>
        <dt>{t('meetings.date')}</dt>
        <dd>
          {formatDateTime(m.starts_at, locale)}–{formatTime(m.ends_at, locale)}
        </dd>
        <dt>{t('meetings.venue')}</dt>
        <dd>{[m.venue, m.online_url].filter(Boolean).join(' / ')}</dd>
        {m.agenda ? (
          <>
            <dt>{t('meetings.agenda')}</dt>
            <dd className="pre-wrap">{m.agenda}</dd>
          </>
        ) : null}
      </dl>
      {reply?.answered ? (
        <Notice kind="success">
          {t('rsvp.thanks', { answer: tKey(t, `meetings.rsvpValues.${reply.answered}`) })}
        </Notice>
      ) : reply?.error ? (
        <Notice kind="error">{tKey(t, reply.error)}</Notice>
      ) : null}
      {!reply?.answered && view.state === 'open' ? (
        <Form method="post" className="rsvp-form">
          <fieldset className="fieldset">
            <legend>{t('rsvp.question')}</legend>
            <div className="action-row">
              {RSVP_ANSWERS.map((a) => (
                <button
                  key={a}
                  type="submit"
                  name="answer"
                  value={a}
                  disabled={busy}
                  aria-busy={busy || undefined}
                  className={a === 'accepted' ? 'button primary' : 'button'}
                >
                  {tKey(t, `rsvp.answers.${a}`)}
                </button>
              ))}
            </div>
          </fieldset>
          <p className="hint">{t('rsvp.once')}</p>
        </Form>
      ) : null}
      {!reply && view.state === 'answered' ? (
        <Notice kind="info">
          {t('rsvp.alreadyAnswered', { answer: tKey(t, `meetings.rsvpValues.${view.rsvp}`) })}
        </Notice>
      ) : null}
      {!reply && view.state === 'closed' ? (
        <Notice kind="info">{t('meetings.errors.rsvpClosed')}</Notice>
      ) : null}
    </AuthCard>
  );
}
