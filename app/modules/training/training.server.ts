import { sql } from 'kysely';
import type { Locale } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { bilingualDateTime, tokyoDate } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { isUuid } from '~/modules/partners/partners.server';
import type { MailAttachment } from '../../../db/schema';
import { buildIcs } from './ics.server';
import { ATTENDANCE } from './training-schema';
import type { SessionInput } from './training-schema';

type Actor = { userId: string; ip?: string | null };
const tokyo = (date: string, time: string) => new Date(`${date}T${time}:00+09:00`);

export async function listModules(q: Queryable) {
  return q
    .selectFrom('curriculum_module')
    .select(['code', 'name_ja', 'name_en', 'required'])
    .orderBy('sort')
    .execute();
}

export async function createSession(tx: Tx, input: SessionInput, actor: Actor) {
  const known = await tx
    .selectFrom('curriculum_module')
    .select('code')
    .where('code', 'in', input.modules)
    .execute();
  if (known.length !== new Set(input.modules).size)
    throw new DomainError('errors.invalidChoice', 'modules');
  const { id } = await tx
    .insertInto('training_session')
    .values({
      title: input.title,
      starts_at: tokyo(input.date, input.startTime),
      ends_at: tokyo(input.date, input.endTime),
      venue: input.venue,
      online_url: input.onlineUrl,
      capacity: input.capacity,
      instructor: input.instructor,
      // Registration closes at the end of the deadline day, Tokyo time.
      registration_deadline: tokyo(input.deadline, '23:59'),
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('training_session_module')
    .values([...new Set(input.modules)].map((m) => ({ session_id: id, module_code: m })))
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.create',
    subjectType: 'training_session',
    subjectId: id,
    ip: actor.ip,
  });
  return id;
}

const SESSION_COLUMNS = [
  's.id',
  's.title',
  's.starts_at',
  's.ends_at',
  's.venue',
  's.online_url',
  's.capacity',
  's.instructor',
  's.registration_deadline',
  's.status',
  's.invited_at',
] as const;

function withCounts<T extends Queryable>(q: T) {
  return q
    .selectFrom('training_session as s')
    .select(SESSION_COLUMNS)
    .select([
      sql<number>`(select count(*)::int from training_registration r where r.session_id = s.id and r.status = 'registered')`.as(
        'registered',
      ),
      sql<number>`(select count(*)::int from training_registration r where r.session_id = s.id and r.status = 'waitlisted')`.as(
        'waitlisted',
      ),
      sql<
        string[]
      >`array(select module_code from training_session_module m where m.session_id = s.id order by module_code)`.as(
        'modules',
      ),
    ]);
}

export async function listSessions(q: Queryable, opts: { upcomingOnly?: boolean } = {}) {
  let query = withCounts(q);
  if (opts.upcomingOnly)
    query = query.where('s.ends_at', '>=', new Date()).where('s.status', '=', 'scheduled');
  return query
    .orderBy('s.starts_at', opts.upcomingOnly ? 'asc' : 'desc')
    .limit(200)
    .execute();
}

export async function getSession(q: Queryable, id: string) {
  if (!isUuid(id)) return null;
  return (await withCounts(q).where('s.id', '=', id).executeTakeFirst()) ?? null;
}

export async function listRegistrations(q: Queryable, sessionId: string) {
  return q
    .selectFrom('training_registration as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .innerJoin('partner as p', 'p.id', 'r.partner_id')
    .select([
      'r.id',
      'r.status',
      'r.attendance',
      'r.registered_at',
      'u.name as user_name',
      'p.name as partner_name',
    ])
    .where('r.session_id', '=', sessionId)
    .where('r.status', '!=', 'cancelled')
    .orderBy(sql`case r.status when 'registered' then 0 else 1 end`)
    .orderBy('r.registered_at')
    .execute();
}

/** The user's own registrations, keyed by session. */
export async function myRegistrations(q: Queryable, userId: string) {
  const rows = await q
    .selectFrom('training_registration')
    .select(['session_id', 'status', 'attendance'])
    .where('user_id', '=', userId)
    .where('status', '!=', 'cancelled')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.session_id, r]));
}

/**
 * A partner user registers. The session row is locked, so concurrent registrations are counted
 * one at a time: the first `capacity` are registered, the others wait in order.
 */
export async function register(
  tx: Tx,
  sessionId: string,
  user: { id: string; partnerId: string },
  now = new Date(),
) {
  if (!isUuid(sessionId)) throw new DomainError('errors.notFound');
  const s = await tx
    .selectFrom('training_session')
    .select(['id', 'status', 'capacity', 'registration_deadline'])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  if (s.status !== 'scheduled' || s.registration_deadline < now)
    throw new DomainError('training.errors.closed');
  const existing = await tx
    .selectFrom('training_registration')
    .select('status')
    .where('session_id', '=', sessionId)
    .where('user_id', '=', user.id)
    .where('status', '!=', 'cancelled')
    .executeTakeFirst();
  if (existing) return existing.status;
  const taken = Number(
    (
      await tx
        .selectFrom('training_registration')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('session_id', '=', sessionId)
        .where('status', '=', 'registered')
        .executeTakeFirstOrThrow()
    ).n,
  );
  const status = taken < s.capacity ? ('registered' as const) : ('waitlisted' as const);
  await tx
    .insertInto('training_registration')
    .values({ session_id: sessionId, user_id: user.id, partner_id: user.partnerId, status })
    .execute();
  return status;
}

/** Cancels until the deadline; a freed place goes to the first on the waiting list, who is emailed. */
export async function cancelRegistration(
  tx: Tx,
  sessionId: string,
  userId: string,
  now = new Date(),
) {
  if (!isUuid(sessionId)) throw new DomainError('errors.notFound');
  const s = await tx
    .selectFrom('training_session')
    .select(['id', 'title', 'starts_at', 'registration_deadline', 'status'])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  if (s.registration_deadline < now || s.status !== 'scheduled')
    throw new DomainError('training.errors.closed');
  const gone = await tx
    .updateTable('training_registration')
    .set({ status: 'cancelled', updated_at: sql`now()` })
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('status', '!=', 'cancelled')
    .returning('status')
    .executeTakeFirst();
  if (!gone) throw new DomainError('errors.notFound');
  await promote(tx, s);
}

async function promote(tx: Tx, s: { id: string; title: string; starts_at: Date }) {
  const next = await tx
    .selectFrom('training_registration as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.id', 'u.email', 'u.name', 'u.locale'])
    .where('r.session_id', '=', s.id)
    .where('r.status', '=', 'waitlisted')
    .orderBy('r.registered_at')
    .orderBy('r.id')
    .limit(1)
    .executeTakeFirst();
  if (!next) return;
  const capacity = (
    await tx
      .selectFrom('training_session')
      .select('capacity')
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow()
  ).capacity;
  const taken = Number(
    (
      await tx
        .selectFrom('training_registration')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('session_id', '=', s.id)
        .where('status', '=', 'registered')
        .executeTakeFirstOrThrow()
    ).n,
  );
  if (taken >= capacity) return;
  await tx
    .updateTable('training_registration')
    .set({ status: 'registered', updated_at: sql`now()` })
    .where('id', '=', next.id)
    .execute();
  await enqueueEmail(tx, {
    template: 'training_promoted',
    to: next.email,
    locale: next.locale as Locale,
    data: {
      name: next.name,
      title: s.title,
      when: bilingualDateTime(s.starts_at),
      url: `${appUrl()}/partner/trainings`,
    },
  });
}

/**
 * Attendance from the secretariat (a tablet in the room or the printed roster afterwards). The
 * session becomes "held" and the trained status of the partners concerned is recomputed in the
 * same transaction.
 */
export async function recordAttendance(
  tx: Tx,
  sessionId: string,
  marks: { registrationId: string; attendance: (typeof ATTENDANCE)[number] }[],
  actor: Actor,
) {
  const s = await tx
    .selectFrom('training_session')
    .select(['id', 'status', 'starts_at'])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  if (s.status === 'cancelled') throw new DomainError('training.errors.cancelled');
  const partners = new Set<string>();
  for (const m of marks) {
    const row = await tx
      .updateTable('training_registration')
      .set({ attendance: m.attendance, updated_at: sql`now()` })
      .where('id', '=', m.registrationId)
      .where('session_id', '=', sessionId)
      .where('status', '=', 'registered')
      .returning('partner_id')
      .executeTakeFirst();
    if (row) partners.add(row.partner_id);
  }
  await tx
    .updateTable('training_session')
    .set({ status: 'held', updated_at: sql`now()` })
    .where('id', '=', sessionId)
    .execute();
  await recomputeTrained(tx, [...partners]);
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.attendance',
    subjectType: 'training_session',
    subjectId: sessionId,
    detail: { marks: marks.length },
    ip: actor.ip,
  });
}

/**
 * ⚑ Trained = the partner's people attended held sessions covering every required module; the
 * status lasts until the oldest of those latest attendances plus the validity period.
 */
export async function recomputeTrained(q: Queryable, partnerIds?: string[]) {
  if (partnerIds && !partnerIds.length) return;
  const years = getEnv().TRAINING_VALIDITY_YEARS;
  await sql`update partner p set trained_until = (
      select case when count(*) = (select count(*) from curriculum_module where required)
          and count(*) > 0
        then (min(x.last_date) + make_interval(years => ${years}::int))::date end
      from (
        select cm.code, max((s.starts_at at time zone 'Asia/Tokyo')::date) as last_date
        from curriculum_module cm
        join training_session_module sm on sm.module_code = cm.code
        join training_session s on s.id = sm.session_id and s.status = 'held'
        join training_registration r on r.session_id = s.id and r.partner_id = p.id
          and r.attendance = 'attended'
        where cm.required
        group by cm.code
      ) x
    )
    ${partnerIds ? sql`where p.id in (${sql.join(partnerIds)})` : sql``}`.execute(q);
}

/** "Trained" becomes a dispatch rule once anyone has been trained. */
export async function trainingsExist(q: Queryable): Promise<boolean> {
  const row = await q
    .selectFrom('partner')
    .select('id')
    .where('trained_until', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** The people of a session with the given registration statuses, to email. */
function sessionPeople(tx: Tx, sessionId: string, statuses: ('registered' | 'waitlisted')[]) {
  return tx
    .selectFrom('training_registration as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['u.email', 'u.name', 'u.locale'])
    .where('r.session_id', '=', sessionId)
    .where('r.status', 'in', statuses)
    .execute();
}

type IcsSession = {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  venue: string;
  online_url: string;
  sequence: number;
};

/** The session as an .ics attachment for one person (the organiser is the sender address). */
function sessionIcs(
  s: IcsSession,
  method: 'REQUEST' | 'CANCEL',
  attendee: { name: string; email: string },
): MailAttachment {
  const from = getEnv().MAIL_FROM;
  const email = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const name = from.replace(/<[^>]*>/, '').trim() || email;
  const text = buildIcs({
    uid: `training-${s.id}@${new URL(appUrl()).hostname}`,
    sequence: s.sequence,
    method,
    start: s.starts_at,
    end: s.ends_at,
    summary: s.title,
    location: [s.venue, s.online_url].filter(Boolean).join(' / '),
    url: `${appUrl()}/partner/trainings`,
    organizer: { name, email },
    attendee,
  });
  return {
    filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: Buffer.from(text, 'utf8').toString('base64'),
  };
}

/**
 * Invites every active partner user by email, with an iCalendar invitation attached; the link
 * leads to registration. Returns how many were invited.
 */
export async function inviteAll(tx: Tx, sessionId: string, actor: Actor) {
  const s = await tx
    .selectFrom('training_session')
    .select([
      'id',
      'title',
      'starts_at',
      'ends_at',
      'venue',
      'online_url',
      'sequence',
      'status',
      'registration_deadline',
    ])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  if (s.status !== 'scheduled') throw new DomainError('training.errors.closed');
  const people = await tx
    .selectFrom('app_user')
    .select(['email', 'name', 'locale'])
    .where('role', '=', 'partner')
    .where('status', '=', 'active')
    .execute();
  for (const p of people) {
    await enqueueEmail(tx, {
      template: 'training_invitation',
      to: p.email,
      locale: p.locale as Locale,
      data: {
        name: p.name,
        title: s.title,
        when: bilingualDateTime(s.starts_at),
        place: [s.venue, s.online_url].filter(Boolean).join(' / '),
        registerBy: bilingualDateTime(s.registration_deadline),
        url: `${appUrl()}/partner/trainings`,
      },
      attachments: [sessionIcs(s, 'REQUEST', { name: p.name, email: p.email })],
    });
  }
  await tx
    .updateTable('training_session')
    .set({ invited_at: sql`now()` })
    .where('id', '=', sessionId)
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.invite',
    subjectType: 'training_session',
    subjectId: sessionId,
    detail: { invited: people.length },
    ip: actor.ip,
  });
  return people.length;
}

export async function cancelSession(tx: Tx, sessionId: string, actor: Actor) {
  // A cancellation is the event's next SEQUENCE, so calendars replace the invitation.
  const s = await tx
    .updateTable('training_session')
    .set({ status: 'cancelled', sequence: sql`sequence + 1`, updated_at: sql`now()` })
    .where('id', '=', sessionId)
    .where('status', '=', 'scheduled')
    .returning(['id', 'title', 'starts_at', 'ends_at', 'venue', 'online_url', 'sequence'])
    .executeTakeFirst();
  if (!s) throw new DomainError('training.errors.closed');
  const people = await sessionPeople(tx, sessionId, ['registered', 'waitlisted']);
  for (const p of people) {
    await enqueueEmail(tx, {
      template: 'training_cancelled',
      to: p.email,
      locale: p.locale as Locale,
      data: {
        name: p.name,
        title: s.title,
        when: bilingualDateTime(s.starts_at),
        url: `${appUrl()}/partner/trainings`,
      },
      attachments: [sessionIcs(s, 'CANCEL', { name: p.name, email: p.email })],
    });
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.cancel',
    subjectType: 'training_session',
    subjectId: sessionId,
    ip: actor.ip,
  });
}

/**
 * The day before (Tokyo dates): everyone registered for a session that starts tomorrow is
 * reminded, once — the session is claimed by a conditional update in the same transaction.
 */
export async function sendTrainingReminders(now = new Date()): Promise<number> {
  const tomorrow = tokyoDate(new Date(now.getTime() + 86_400_000));
  const due = await db
    .selectFrom('training_session')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('reminder_sent_at', 'is', null)
    .where(sql<string>`(starts_at at time zone 'Asia/Tokyo')::date::text`, '=', tomorrow)
    .execute();
  let sent = 0;
  for (const { id } of due) {
    await db.transaction().execute(async (tx) => {
      const s = await tx
        .updateTable('training_session')
        .set({ reminder_sent_at: sql`now()` })
        .where('id', '=', id)
        .where('reminder_sent_at', 'is', null)
        .returning(['title', 'starts_at', 'venue', 'online_url'])
        .executeTakeFirst();
      if (!s) return;
      const people = await sessionPeople(tx, id, ['registered']);
      for (const p of people) {
        await enqueueEmail(tx, {
          template: 'training_reminder',
          to: p.email,
          locale: p.locale as Locale,
          data: {
            name: p.name,
            title: s.title,
            when: bilingualDateTime(s.starts_at),
            place: [s.venue, s.online_url].filter(Boolean).join(' / '),
            url: `${appUrl()}/partner/trainings`,
          },
        });
        sent++;
      }
    });
  }
  return sent;
}

/** Nightly: the validity period moves on, so trained statuses are recomputed for everyone. */
export function recomputeAllTrained() {
  return db.transaction().execute((tx) => recomputeTrained(tx));
}
