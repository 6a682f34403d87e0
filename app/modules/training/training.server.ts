import { sql } from 'kysely';
import type { Locale } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { bilingualDateTime, tokyoDate } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { tokyoInstant } from '~/modules/visits/visit-schema';
import { storeUpload } from '~/modules/files/files.server';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { BOLD, REGULAR, renderPdf } from '~/modules/pdf/pdf.server';
import { isUuid } from '~/modules/partners/partners.server';
import type { MailAttachment } from '../../../db/schema';
import { icsAttachment, organizer } from '~/modules/calendar/ics.server';
import { ATTENDANCE } from './training-schema';
import type { SessionInput } from './training-schema';

type Actor = { userId: string; ip?: string | null };

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
      starts_at: tokyoInstant(input.date, input.startTime),
      ends_at: tokyoInstant(input.date, input.endTime),
      venue: input.venue,
      online_url: input.onlineUrl,
      capacity: input.capacity,
      instructor: input.instructor,
      // Registration closes at the end of the deadline day, Tokyo time.
      registration_deadline: tokyoInstant(input.deadline, '23:59'),
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
      'r.user_id',
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

async function promote(
  tx: Tx,
  s: { id: string; title: string; starts_at: Date },
): Promise<boolean> {
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
  if (!next) return false;
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
  if (taken >= capacity) return false;
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
  return true;
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
    // Ordered by the indexed column: one index probe whatever the share of trained partners
    // (unordered, PostgreSQL walks the table until it meets one).
    .orderBy('trained_until', 'desc')
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

/** The session as an iCalendar event (UID stable across updates; SEQUENCE from the row). */
export function sessionEvent(s: IcsSession) {
  return {
    uid: `training-${s.id}@${new URL(appUrl()).hostname}`,
    sequence: s.sequence,
    start: s.starts_at,
    end: s.ends_at,
    summary: s.title,
    location: [s.venue, s.online_url].filter(Boolean).join(' / '),
    url: `${appUrl()}/partner/trainings`,
    organizer: organizer(getEnv().MAIL_FROM),
  };
}

/** The session as an .ics attachment for one person. */
const sessionIcs = (
  s: IcsSession,
  method: 'REQUEST' | 'CANCEL',
  attendee: { name: string; email: string },
): MailAttachment => icsAttachment({ ...sessionEvent(s), attendee }, method);

export type Audience = { all: true } | { partnerIds: string[] };

/**
 * Invites the active users of all active partners, or of the chosen ones, by email with an
 * iCalendar invitation; the link leads to registration. People already invited are not emailed
 * again. Returns how many were invited now.
 */
export async function invite(tx: Tx, sessionId: string, audience: Audience, actor: Actor) {
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
  if ('partnerIds' in audience && !audience.partnerIds.filter(isUuid).length)
    throw new DomainError('training.errors.noneChosen', 'partnerIds');
  let people = tx
    .selectFrom('app_user as u')
    .innerJoin('partner as p', 'p.id', 'u.partner_id')
    .select(['u.id', 'u.email', 'u.name', 'u.locale'])
    .where('u.role', '=', 'partner')
    .where('u.status', '=', 'active')
    .where('p.status', '=', 'active')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('training_invitation as i')
            .select('i.user_id')
            .where('i.session_id', '=', sessionId)
            .whereRef('i.user_id', '=', 'u.id'),
        ),
      ),
    );
  if ('partnerIds' in audience)
    people = people.where('p.id', 'in', audience.partnerIds.filter(isUuid));
  const list = await people.orderBy('u.id').execute();
  if (list.length)
    await tx
      .insertInto('training_invitation')
      .values(list.map((p) => ({ session_id: sessionId, user_id: p.id })))
      .execute();
  for (const p of list) {
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
    detail: {
      invited: list.length,
      audience: 'partnerIds' in audience ? audience.partnerIds.length : 'all',
    },
    ip: actor.ip,
  });
  return list.length;
}

/** Everyone who holds the event in a calendar: the invited and the registered or waiting. */
function eventHolders(tx: Tx, sessionId: string) {
  return tx
    .selectFrom('app_user as u')
    .select(['u.email', 'u.name', 'u.locale'])
    .where(({ or, exists, selectFrom }) =>
      or([
        exists(
          selectFrom('training_invitation as i')
            .select('i.user_id')
            .where('i.session_id', '=', sessionId)
            .whereRef('i.user_id', '=', 'u.id'),
        ),
        exists(
          selectFrom('training_registration as r')
            .select('r.user_id')
            .where('r.session_id', '=', sessionId)
            .where('r.status', 'in', ['registered', 'waitlisted'])
            .whereRef('r.user_id', '=', 'u.id'),
        ),
      ]),
    )
    .where('u.status', '=', 'active')
    .execute();
}

/**
 * Changes a scheduled session. When the time, place or title changes, everyone holding the
 * event gets the update as the same UID with the next SEQUENCE (METHOD:REQUEST), so calendars
 * move it. More places promote from the waiting list; fewer than already registered are refused.
 */
export async function updateSession(tx: Tx, sessionId: string, input: SessionInput, actor: Actor) {
  const before = await tx
    .selectFrom('training_session')
    .selectAll()
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) throw new DomainError('errors.notFound');
  if (before.status !== 'scheduled') throw new DomainError('training.errors.closed');
  const known = await tx
    .selectFrom('curriculum_module')
    .select('code')
    .where('code', 'in', input.modules)
    .execute();
  if (known.length !== new Set(input.modules).size)
    throw new DomainError('errors.invalidChoice', 'modules');
  const registered = Number(
    (
      await tx
        .selectFrom('training_registration')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('session_id', '=', sessionId)
        .where('status', '=', 'registered')
        .executeTakeFirstOrThrow()
    ).n,
  );
  if (input.capacity < registered)
    throw new DomainError('training.errors.capacityBelowRegistered', 'capacity');
  const starts = tokyoInstant(input.date, input.startTime);
  const ends = tokyoInstant(input.date, input.endTime);
  const changed =
    starts.getTime() !== before.starts_at.getTime() ||
    ends.getTime() !== before.ends_at.getTime() ||
    input.venue !== before.venue ||
    input.onlineUrl !== before.online_url ||
    input.title !== before.title;
  const s = await tx
    .updateTable('training_session')
    .set({
      title: input.title,
      starts_at: starts,
      ends_at: ends,
      venue: input.venue,
      online_url: input.onlineUrl,
      capacity: input.capacity,
      instructor: input.instructor,
      registration_deadline: tokyoInstant(input.deadline, '23:59'),
      sequence: changed ? sql`sequence + 1` : sql`sequence`,
      // A new date deserves a new reminder.
      reminder_sent_at: changed ? null : before.reminder_sent_at,
      updated_at: sql`now()`,
    })
    .where('id', '=', sessionId)
    .returning(['id', 'title', 'starts_at', 'ends_at', 'venue', 'online_url', 'sequence'])
    .executeTakeFirstOrThrow();
  await tx.deleteFrom('training_session_module').where('session_id', '=', sessionId).execute();
  await tx
    .insertInto('training_session_module')
    .values([...new Set(input.modules)].map((m) => ({ session_id: sessionId, module_code: m })))
    .execute();
  for (let i = registered; i < input.capacity; i++) if (!(await promote(tx, s))) break;
  let notified = 0;
  if (changed) {
    for (const p of await eventHolders(tx, sessionId)) {
      await enqueueEmail(tx, {
        template: 'training_updated',
        to: p.email,
        locale: p.locale as Locale,
        data: {
          name: p.name,
          title: s.title,
          when: bilingualDateTime(s.starts_at),
          place: [s.venue, s.online_url].filter(Boolean).join(' / '),
          url: `${appUrl()}/partner/trainings`,
        },
        attachments: [sessionIcs(s, 'REQUEST', { name: p.name, email: p.email })],
      });
      notified++;
    }
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.update',
    subjectType: 'training_session',
    subjectId: sessionId,
    detail: { changed, notified },
    ip: actor.ip,
  });
  return { changed, notified };
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
  const people = await eventHolders(tx, sessionId);
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

// ---------------------------------------------------------------------------------------------
// Materials (PDF handouts per session)

export function listMaterials(q: Queryable, sessionId: string) {
  return q
    .selectFrom('training_material as tm')
    .innerJoin('stored_file as f', 'f.id', 'tm.file_id')
    .select(['tm.id', 'tm.file_id', 'f.filename', 'f.size'])
    .where('tm.session_id', '=', sessionId)
    .orderBy('tm.created_at')
    .execute();
}

export async function addMaterial(
  tx: Tx,
  sessionId: string,
  file: { name: string; bytes: Uint8Array },
  actor: Actor,
) {
  const s = await tx
    .selectFrom('training_session')
    .select(['id', 'status'])
    .where('id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new DomainError('errors.notFound');
  if (s.status === 'cancelled') throw new DomainError('training.errors.cancelled', 'material');
  const fileId = await storeUpload(tx, file, {
    purpose: 'training_material',
    createdBy: actor.userId,
    field: 'material',
    allowed: ['pdf'],
    wrongTypeCode: 'errors.pdfOnly',
  });
  await tx
    .insertInto('training_material')
    .values({ session_id: sessionId, file_id: fileId, created_by: actor.userId })
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.material_add',
    subjectType: 'training_session',
    subjectId: sessionId,
    detail: { fileId },
    ip: actor.ip,
  });
}

export async function removeMaterial(tx: Tx, sessionId: string, materialId: string, actor: Actor) {
  if (!isUuid(materialId)) throw new DomainError('errors.notFound');
  const gone = await tx
    .deleteFrom('training_material')
    .where('id', '=', materialId)
    .where('session_id', '=', sessionId)
    .returning('file_id')
    .executeTakeFirst();
  if (!gone) throw new DomainError('errors.notFound');
  await audit(tx, {
    actorId: actor.userId,
    action: 'training.material_remove',
    subjectType: 'training_session',
    subjectId: sessionId,
    detail: { fileId: gone.file_id },
    ip: actor.ip,
  });
}

/** Materials go to the secretariat and to partner people invited to or registered for the session. */
export async function materialForViewer(
  q: Queryable,
  fileId: string,
  viewer: { id: string; role: string },
) {
  if (!isUuid(fileId)) return null;
  let query = q
    .selectFrom('training_material as tm')
    .select('tm.session_id as id')
    .where('tm.file_id', '=', fileId);
  if (viewer.role !== 'secretariat')
    query = query.where(({ or, exists, selectFrom }) =>
      or([
        exists(
          selectFrom('training_invitation as i')
            .select('i.user_id')
            .whereRef('i.session_id', '=', 'tm.session_id')
            .where('i.user_id', '=', viewer.id),
        ),
        exists(
          selectFrom('training_registration as r')
            .select('r.user_id')
            .whereRef('r.session_id', '=', 'tm.session_id')
            .where('r.user_id', '=', viewer.id)
            .where('r.status', 'in', ['registered', 'waitlisted']),
        ),
      ]),
    );
  return (await query.executeTakeFirst()) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Certificate of completion (per person)

/**
 * A person's record: for each module, the last held session they attended. Complete when every
 * required module was attended within the validity period; valid until the oldest of those
 * attendances plus the period — the same rule as the partner's trained status.
 */
export async function personCertificate(q: Queryable, userId: string, now = new Date()) {
  if (!isUuid(userId)) return null;
  const person = await q
    .selectFrom('app_user as u')
    .leftJoin('partner as p', 'p.id', 'u.partner_id')
    .select(['u.id', 'u.name', 'u.role', 'p.name as partner_name', 'u.partner_id'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!person) return null;
  const years = getEnv().TRAINING_VALIDITY_YEARS;
  const modules = await q
    .selectFrom('curriculum_module as cm')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('training_registration as r')
          .innerJoin('training_session as s', 's.id', 'r.session_id')
          .innerJoin('training_session_module as sm', 'sm.session_id', 's.id')
          .select([
            'sm.module_code',
            sql<string>`max((s.starts_at at time zone 'Asia/Tokyo')::date)::text`.as('last_date'),
          ])
          .where('r.user_id', '=', userId)
          .where('r.attendance', '=', 'attended')
          .where('s.status', '=', 'held')
          .groupBy('sm.module_code')
          .as('x'),
      (join) => join.onRef('x.module_code', '=', 'cm.code'),
    )
    .select(['cm.code', 'cm.name_ja', 'cm.name_en', 'cm.required', 'x.last_date'])
    .orderBy('cm.sort')
    .execute();
  const today = tokyoDate(now);
  // Like PostgreSQL's date + interval 'n years': 29 February becomes 28 February.
  const addYears = (d: string) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
    return `${y + years}-${String(m).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
  };
  const required = modules.filter((m) => m.required);
  const dates = required.map((m) => m.last_date);
  const validUntil =
    required.length && dates.every((d): d is string => !!d)
      ? addYears(dates.reduce((a, b) => (a < b ? a : b)))
      : null;
  return {
    ...person,
    modules: modules.map((m) => ({
      ...m,
      current: !!m.last_date && addYears(m.last_date) >= today,
    })),
    validUntil,
    complete: !!validUntil && validUntil >= today,
  };
}
export type PersonCertificate = NonNullable<Awaited<ReturnType<typeof personCertificate>>>;

/** The certificate of completion as a bilingual A4 PDF. */
export function certificatePdf(c: PersonCertificate, now = new Date()): Promise<Buffer> {
  const day = (iso: string) => {
    const [y, m, d] = iso.split('-');
    return `${y}年${Number(m)}月${Number(d)}日 (${iso})`;
  };
  const issued = tokyoDate(now);
  return renderPdf(
    (doc) => {
      const width = doc.page.width - 112;
      doc.font(BOLD).fontSize(30).text('修了証', { align: 'center' });
      doc.font(REGULAR).fontSize(14).text('Certificate of Completion', { align: 'center' });
      doc.moveDown(0.5);
      doc
        .fontSize(9)
        .fillColor('#555')
        .text(`No. ${c.id.slice(0, 8).toUpperCase()}-${issued.replaceAll('-', '')}`, {
          align: 'right',
        })
        .fillColor('#000');
      doc.moveDown(1.5);
      doc.font(BOLD).fontSize(22).text(`${c.name} 様`, { align: 'center' });
      if (c.partner_name) doc.font(REGULAR).fontSize(12).text(c.partner_name, { align: 'center' });
      doc.moveDown(1.5);
      doc
        .font(REGULAR)
        .fontSize(11)
        .text(
          'あなたは伴走連携ネットワークの伴走者研修において、下記の必須科目をすべて修了したことを証します。',
          { width },
        )
        .moveDown(0.3)
        .fontSize(10)
        .fillColor('#333')
        .text(
          'This certifies that the above-named person has completed every required module of the accompaniment partner training of the Accompaniment Partner Network.',
          { width },
        )
        .fillColor('#000');
      doc.moveDown(1.2);
      const x = 56;
      const col2 = x + width * 0.68;
      doc.font(BOLD).fontSize(10).text('科目 / Module', x, doc.y, { continued: false });
      const headY = doc.y - 14;
      doc.text('受講日 / Attended', col2, headY);
      doc
        .moveTo(x, doc.y + 2)
        .lineTo(x + width, doc.y + 2)
        .stroke();
      doc.moveDown(0.4);
      for (const m of c.modules.filter((m) => m.last_date)) {
        const y = doc.y;
        doc
          .font(m.required ? BOLD : REGULAR)
          .fontSize(10)
          .text(`${m.name_ja} / ${m.name_en}`, x, y, { width: width * 0.66 });
        const after = doc.y;
        doc.font(REGULAR).text(m.last_date!, col2, y);
        doc.y = Math.max(after, doc.y) + 3;
      }
      doc.moveDown(1.2);
      doc
        .font(BOLD)
        .fontSize(12)
        .text(`有効期限 / Valid until: ${c.validUntil ? day(c.validUntil) : '—'}`, x, doc.y, {
          width,
        });
      doc.moveDown(2.5);
      doc
        .font(REGULAR)
        .fontSize(11)
        .text(`発行日 / Issued: ${day(issued)}`, { align: 'right', width })
        .moveDown(0.3)
        .font(BOLD)
        .fontSize(13)
        .text('伴走連携ネットワーク 事務局', { align: 'right', width })
        .font(REGULAR)
        .fontSize(10)
        .text('Accompaniment Partner Network — Secretariat', { align: 'right', width });
    },
    { title: `修了証 / Certificate of Completion — ${c.name}`, author: '伴走連携ネットワーク' },
  );
}

/** Materials of the given sessions, grouped by session (a partner user's registered ones). */
export async function materialsOfSessions(q: Queryable, sessionIds: string[]) {
  if (!sessionIds.length) return {} as Record<string, { file_id: string; filename: string }[]>;
  const rows = await q
    .selectFrom('training_material as tm')
    .innerJoin('stored_file as f', 'f.id', 'tm.file_id')
    .select(['tm.session_id', 'tm.file_id', 'f.filename'])
    .where('tm.session_id', 'in', sessionIds)
    .orderBy('tm.created_at')
    .execute();
  const out: Record<string, { file_id: string; filename: string }[]> = {};
  for (const r of rows) (out[r.session_id] ??= []).push(r);
  return out;
}
