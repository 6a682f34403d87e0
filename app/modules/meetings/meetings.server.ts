import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Locale, MailAttachment, Rsvp } from '../../../db/schema';
import type { Queryable, Tx } from '~/lib/db.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { bilingualDateTime, tokyoDate } from '~/lib/format';
import { sign, verify } from '~/lib/signing.server';
import { audit } from '~/modules/audit/audit.server';
import { icsAttachment, organizer } from '~/modules/calendar/ics.server';
import { DomainError } from '~/modules/errors';
import { tokyoInstant } from '~/modules/visits/visit-schema';
import { storeUpload } from '~/modules/files/files.server';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { isUuid } from '~/modules/partners/partners.server';
import {
  type ContactInput,
  fiscalQuarter,
  type MeetingInput,
  quarterRange,
  type RsvpAnswer,
} from './meeting-schema';

type Actor = { userId: string; ip?: string | null };
const nonce = () => randomBytes(16).toString('base64url');

// ---------------------------------------------------------------------------------------------
// External contacts (public agencies: FRESC, OTIT, labour bureaus …)

export function listContacts(q: Queryable, opts: { activeOnly?: boolean } = {}) {
  let query = q
    .selectFrom('external_contact')
    .select(['id', 'organisation', 'person_name', 'email', 'locale', 'active'])
    .orderBy('organisation')
    .orderBy('person_name');
  if (opts.activeOnly) query = query.where('active', '=', true);
  return query.execute();
}

export async function createContact(tx: Tx, input: ContactInput, actor: Actor) {
  const clash = await tx
    .selectFrom('external_contact')
    .select('id')
    .where(sql`lower(email)`, '=', input.email.toLowerCase())
    .executeTakeFirst();
  if (clash) throw new DomainError('meetings.errors.contactExists', 'email');
  const { id } = await tx
    .insertInto('external_contact')
    .values({
      organisation: input.organisation,
      person_name: input.personName,
      email: input.email,
      locale: input.locale,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, {
    actorId: actor.userId,
    action: 'contact.create',
    subjectType: 'external_contact',
    subjectId: id,
    ip: actor.ip,
  });
  return id;
}

export async function setContactActive(tx: Tx, id: string, active: boolean, actor: Actor) {
  if (!isUuid(id)) throw new DomainError('errors.notFound');
  const row = await tx
    .updateTable('external_contact')
    .set({ active })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new DomainError('errors.notFound');
  await audit(tx, {
    actorId: actor.userId,
    action: active ? 'contact.activate' : 'contact.deactivate',
    subjectType: 'external_contact',
    subjectId: id,
    ip: actor.ip,
  });
}

// ---------------------------------------------------------------------------------------------
// Meetings

/** The default date of a quarter's meeting: the 15th of its middle month, or the Monday after. */
function defaultDate(fiscalYear: number, quarter: number): string {
  const { from } = quarterRange(fiscalYear, quarter);
  const [y, m] = from.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m, 15)); // month index m = the middle month (1-based m + 1)
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function defaultTitle(fiscalYear: number, quarter: number) {
  return `${fiscalYear}年度 第${quarter}四半期 連絡会議 / FY${fiscalYear} Q${quarter} liaison meeting`;
}

/**
 * Makes sure each of the next four fiscal quarters has its meeting: the current quarter while
 * its default date is still ahead, then the following ones. Missing meetings are created with a
 * default date and place that the secretariat adjusts before inviting; quarters that already
 * have one are left alone. Returns the created ids (none when all four exist).
 */
export async function createNextFour(tx: Tx, actor: Actor, now = new Date()) {
  // Serialise: two clicks at once must not both create the same quarters.
  await sql`select pg_advisory_xact_lock(hashtext('liaison_meeting.create_next_four'))`.execute(tx);
  const today = tokyoDate(now);
  let { fiscalYear, quarter } = fiscalQuarter(today);
  if (defaultDate(fiscalYear, quarter) <= today) {
    quarter = (quarter % 4) + 1;
    if (quarter === 1) fiscalYear++;
  }
  const existing = new Set(
    (await tx.selectFrom('liaison_meeting').select(['fiscal_year', 'quarter']).execute()).map(
      (r) => `${r.fiscal_year}-${r.quarter}`,
    ),
  );
  const created: string[] = [];
  for (let i = 0; i < 4; i++) {
    if (!existing.has(`${fiscalYear}-${quarter}`)) {
      const date = defaultDate(fiscalYear, quarter);
      const { id } = await tx
        .insertInto('liaison_meeting')
        .values({
          fiscal_year: fiscalYear,
          quarter,
          title: defaultTitle(fiscalYear, quarter),
          starts_at: tokyoInstant(date, '14:00'),
          ends_at: tokyoInstant(date, '16:00'),
          venue: '未定 / to be decided',
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      created.push(id);
    }
    quarter = (quarter % 4) + 1;
    if (quarter === 1) fiscalYear++;
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.create_next_four',
    subjectType: 'liaison_meeting',
    subjectId: created[0] ?? null,
    detail: { created: created.length },
    ip: actor.ip,
  });
  return created;
}

const MEETING_COLUMNS = [
  'm.id',
  'm.fiscal_year',
  'm.quarter',
  'm.title',
  'm.starts_at',
  'm.ends_at',
  'm.venue',
  'm.online_url',
  'm.agenda',
  'm.minutes',
  'm.minutes_file_id',
  'm.status',
  'm.sequence',
  'm.invited_at',
] as const;

function withCounts(q: Queryable) {
  return q
    .selectFrom('liaison_meeting as m')
    .select(MEETING_COLUMNS)
    .select([
      sql<number>`(select count(*)::int from meeting_invitee i where i.meeting_id = m.id)`.as(
        'invited',
      ),
      sql<number>`(select count(*)::int from meeting_invitee i where i.meeting_id = m.id and i.rsvp = 'accepted')`.as(
        'accepted',
      ),
      sql<number>`(select count(*)::int from meeting_invitee i where i.meeting_id = m.id and i.rsvp = 'declined')`.as(
        'declined',
      ),
      sql<number>`(select count(*)::int from meeting_invitee i where i.meeting_id = m.id and i.attendance = 'attended')`.as(
        'attended',
      ),
    ]);
}

export function listMeetings(q: Queryable) {
  return withCounts(q)
    .orderBy('m.fiscal_year', 'desc')
    .orderBy('m.quarter', 'desc')
    .limit(200)
    .execute();
}

export async function getMeeting(q: Queryable, id: string) {
  if (!isUuid(id)) return null;
  return (await withCounts(q).where('m.id', '=', id).executeTakeFirst()) ?? null;
}

/** Invitees with who they are: a partner person (and organisation) or an external contact. */
export function listInvitees(q: Queryable, meetingId: string) {
  return q
    .selectFrom('meeting_invitee as i')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .leftJoin('partner as p', 'p.id', 'u.partner_id')
    .leftJoin('external_contact as c', 'c.id', 'i.external_contact_id')
    .select([
      'i.id',
      'i.rsvp',
      'i.rsvp_at',
      'i.attendance',
      sql<string>`coalesce(u.name, c.person_name)`.as('name'),
      sql<string>`coalesce(p.name, c.organisation)`.as('organisation'),
      sql<
        'partner' | 'external'
      >`case when i.user_id is null then 'external' else 'partner' end`.as('kind'),
    ])
    .where('i.meeting_id', '=', meetingId)
    .orderBy(sql`case when i.user_id is null then 1 else 0 end`)
    .orderBy(sql`coalesce(p.name, c.organisation)`)
    .orderBy(sql`coalesce(u.name, c.person_name)`)
    .execute();
}

type MeetingRow = {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  venue: string;
  online_url: string;
  sequence: number;
  agenda: string;
};

export function meetingEvent(m: MeetingRow) {
  return {
    uid: `meeting-${m.id}@${new URL(appUrl()).hostname}`,
    sequence: m.sequence,
    start: m.starts_at,
    end: m.ends_at,
    summary: m.title,
    description: m.agenda || undefined,
    location: [m.venue, m.online_url].filter(Boolean).join(' / '),
    organizer: organizer(getEnv().MAIL_FROM),
  };
}

const meetingIcs = (
  m: MeetingRow,
  method: 'REQUEST' | 'CANCEL',
  attendee: { name: string; email: string },
): MailAttachment => icsAttachment({ ...meetingEvent(m), attendee }, method);

export const rsvpToken = (q: Queryable, invitee: { id: string; rsvp_nonce: string }) =>
  sign(q, 'rsvp', [invitee.id, invitee.rsvp_nonce]);

type Recipient = { id: string; rsvp_nonce: string; name: string; email: string; locale: Locale };

/** Invitees with a name, address and language to write to (inactive users are skipped). */
async function recipients(tx: Tx, meetingId: string, onlyIds?: string[]): Promise<Recipient[]> {
  let q = tx
    .selectFrom('meeting_invitee as i')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .leftJoin('external_contact as c', 'c.id', 'i.external_contact_id')
    .select([
      'i.id',
      'i.rsvp_nonce',
      sql<string>`coalesce(u.name, c.person_name)`.as('name'),
      sql<string>`coalesce(u.email, c.email)`.as('email'),
      sql<Locale>`coalesce(u.locale, c.locale)`.as('locale'),
    ])
    .where('i.meeting_id', '=', meetingId)
    .where(sql<boolean>`coalesce(u.status = 'active', c.active)`);
  if (onlyIds) {
    if (!onlyIds.length) return [];
    q = q.where('i.id', 'in', onlyIds);
  }
  return q.orderBy('i.id').execute();
}

async function mailInvitation(
  tx: Tx,
  m: MeetingRow,
  r: Recipient,
  template: 'meeting_invitation' | 'meeting_updated',
) {
  await enqueueEmail(tx, {
    template,
    to: r.email,
    locale: r.locale,
    data: {
      name: r.name,
      title: m.title,
      when: bilingualDateTime(m.starts_at),
      place: [m.venue, m.online_url].filter(Boolean).join(' / '),
      agenda: m.agenda,
      rsvpUrl: `${appUrl()}/rsvp/${await rsvpToken(tx, r)}`,
    },
    attachments: [meetingIcs(m, 'REQUEST', { name: r.name, email: r.email })],
  });
}

async function lockMeeting(tx: Tx, id: string) {
  if (!isUuid(id)) throw new DomainError('errors.notFound');
  const m = await tx
    .selectFrom('liaison_meeting')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!m) throw new DomainError('errors.notFound');
  return m;
}

/**
 * Invites partner people (every active user of all active partners, or of the chosen ones) and
 * external contacts (all active, or the chosen ones). Only people not yet invited are added
 * and emailed, each with the iCalendar invitation and their own RSVP link.
 */
export async function inviteToMeeting(
  tx: Tx,
  meetingId: string,
  audience: {
    partners: 'all' | 'none' | string[];
    contacts: 'all' | 'none' | string[];
  },
  actor: Actor,
) {
  const m = await lockMeeting(tx, meetingId);
  if (m.status !== 'scheduled') throw new DomainError('meetings.errors.notScheduled');
  const partnerIds = Array.isArray(audience.partners) ? audience.partners.filter(isUuid) : [];
  const contactIds = Array.isArray(audience.contacts) ? audience.contacts.filter(isUuid) : [];
  if (
    (audience.partners === 'none' || (Array.isArray(audience.partners) && !partnerIds.length)) &&
    (audience.contacts === 'none' || (Array.isArray(audience.contacts) && !contactIds.length))
  )
    throw new DomainError('meetings.errors.noneChosen');
  const added: string[] = [];
  if (audience.partners !== 'none' && (audience.partners === 'all' || partnerIds.length)) {
    let users = tx
      .selectFrom('app_user as u')
      .innerJoin('partner as p', 'p.id', 'u.partner_id')
      .select('u.id')
      .where('u.role', '=', 'partner')
      .where('u.status', '=', 'active')
      .where('p.status', '=', 'active');
    if (Array.isArray(audience.partners)) users = users.where('p.id', 'in', partnerIds);
    const ids = (await users.execute()).map((u) => u.id);
    if (ids.length) {
      const rows = await tx
        .insertInto('meeting_invitee')
        .values(ids.map((user_id) => ({ meeting_id: meetingId, user_id, rsvp_nonce: nonce() })))
        .onConflict((oc) =>
          oc.columns(['meeting_id', 'user_id']).where('user_id', 'is not', null).doNothing(),
        )
        .returning('id')
        .execute();
      added.push(...rows.map((r) => r.id));
    }
  }
  if (audience.contacts !== 'none' && (audience.contacts === 'all' || contactIds.length)) {
    let contacts = tx.selectFrom('external_contact').select('id').where('active', '=', true);
    if (Array.isArray(audience.contacts)) contacts = contacts.where('id', 'in', contactIds);
    const ids = (await contacts.execute()).map((c) => c.id);
    if (ids.length) {
      const rows = await tx
        .insertInto('meeting_invitee')
        .values(
          ids.map((external_contact_id) => ({
            meeting_id: meetingId,
            external_contact_id,
            rsvp_nonce: nonce(),
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['meeting_id', 'external_contact_id'])
            .where('external_contact_id', 'is not', null)
            .doNothing(),
        )
        .returning('id')
        .execute();
      added.push(...rows.map((r) => r.id));
    }
  }
  for (const r of await recipients(tx, meetingId, added))
    await mailInvitation(tx, m, r, 'meeting_invitation');
  await tx
    .updateTable('liaison_meeting')
    .set({ invited_at: sql`now()` })
    .where('id', '=', meetingId)
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.invite',
    subjectType: 'liaison_meeting',
    subjectId: meetingId,
    detail: { invited: added.length },
    ip: actor.ip,
  });
  return added.length;
}

/**
 * Changes a scheduled meeting; it must stay inside its fiscal quarter. When the time, place or
 * title changes and people were invited, each gets the update (same UID, next SEQUENCE,
 * METHOD:REQUEST) with a new RSVP link; their earlier answers and links no longer count.
 */
export async function updateMeeting(tx: Tx, id: string, input: MeetingInput, actor: Actor) {
  const before = await lockMeeting(tx, id);
  if (before.status !== 'scheduled') throw new DomainError('meetings.errors.notScheduled');
  const fq = fiscalQuarter(input.date);
  if (fq.fiscalYear !== before.fiscal_year || fq.quarter !== before.quarter)
    throw new DomainError('meetings.errors.outsideQuarter', 'date');
  const starts = tokyoInstant(input.date, input.startTime);
  const ends = tokyoInstant(input.date, input.endTime);
  const changed =
    starts.getTime() !== before.starts_at.getTime() ||
    ends.getTime() !== before.ends_at.getTime() ||
    input.venue !== before.venue ||
    input.onlineUrl !== before.online_url ||
    input.title !== before.title;
  const notify = changed && before.invited_at !== null;
  const m = await tx
    .updateTable('liaison_meeting')
    .set({
      title: input.title,
      starts_at: starts,
      ends_at: ends,
      venue: input.venue,
      online_url: input.onlineUrl,
      agenda: input.agenda,
      sequence: notify ? sql`sequence + 1` : sql`sequence`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  let notified = 0;
  if (notify) {
    await sql`update meeting_invitee set rsvp = 'needs_action', rsvp_at = null,
        rsvp_nonce = encode(sha256((gen_random_uuid()::text || id::text)::bytea), 'base64'),
        rsvp_nonce_used_at = null
      where meeting_id = ${id}`.execute(tx);
    for (const r of await recipients(tx, id)) {
      await mailInvitation(tx, m, r, 'meeting_updated');
      notified++;
    }
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.update',
    subjectType: 'liaison_meeting',
    subjectId: id,
    detail: { changed, notified },
    ip: actor.ip,
  });
  return { changed, notified };
}

/** Cancels: every invitee gets the same event as METHOD:CANCEL with the next SEQUENCE. */
export async function cancelMeeting(tx: Tx, id: string, actor: Actor) {
  const before = await lockMeeting(tx, id);
  if (before.status !== 'scheduled') throw new DomainError('meetings.errors.notScheduled');
  const m = await tx
    .updateTable('liaison_meeting')
    .set({ status: 'cancelled', sequence: sql`sequence + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const people = await recipients(tx, id);
  for (const r of people) {
    await enqueueEmail(tx, {
      template: 'meeting_cancelled',
      to: r.email,
      locale: r.locale,
      data: { name: r.name, title: m.title, when: bilingualDateTime(m.starts_at) },
      attachments: [meetingIcs(m, 'CANCEL', { name: r.name, email: r.email })],
    });
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.cancel',
    subjectType: 'liaison_meeting',
    subjectId: id,
    detail: { notified: people.length },
    ip: actor.ip,
  });
}

/** Attendance after (or during) the meeting; the meeting becomes held. */
export async function recordMeetingAttendance(
  tx: Tx,
  id: string,
  marks: { inviteeId: string; attendance: 'attended' | 'absent' | 'excused' }[],
  actor: Actor,
  now = new Date(),
) {
  const m = await lockMeeting(tx, id);
  if (m.status === 'cancelled') throw new DomainError('meetings.errors.notScheduled');
  if (m.starts_at > now) throw new DomainError('meetings.errors.notStarted');
  for (const mark of marks) {
    await tx
      .updateTable('meeting_invitee')
      .set({ attendance: mark.attendance })
      .where('id', '=', mark.inviteeId)
      .where('meeting_id', '=', id)
      .execute();
  }
  await tx
    .updateTable('liaison_meeting')
    .set({ status: 'held', updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.attendance',
    subjectType: 'liaison_meeting',
    subjectId: id,
    detail: { marks: marks.length },
    ip: actor.ip,
  });
}

/** Minutes: text and/or a PDF (replacing the previous file). */
export async function saveMinutes(
  tx: Tx,
  id: string,
  input: { text: string; file: { name: string; bytes: Uint8Array } | null },
  actor: Actor,
) {
  const m = await lockMeeting(tx, id);
  if (m.status === 'cancelled') throw new DomainError('meetings.errors.notScheduled');
  if (input.text.length > 50_000) throw new DomainError('errors.tooLong', 'minutes');
  const fileId = input.file
    ? await storeUpload(tx, input.file, {
        purpose: 'minutes',
        createdBy: actor.userId,
        field: 'minutesFile',
        allowed: ['pdf'],
        wrongTypeCode: 'errors.pdfOnly',
      })
    : m.minutes_file_id;
  await tx
    .updateTable('liaison_meeting')
    .set({ minutes: input.text, minutes_file_id: fileId, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await audit(tx, {
    actorId: actor.userId,
    action: 'meeting.minutes',
    subjectType: 'liaison_meeting',
    subjectId: id,
    detail: { file: !!input.file },
    ip: actor.ip,
  });
}

/** The minutes file, to the secretariat and to partner people invited to the meeting. */
export async function minutesForViewer(
  q: Queryable,
  fileId: string,
  viewer: { id: string; role: string },
) {
  if (!isUuid(fileId)) return null;
  let query = q
    .selectFrom('liaison_meeting as m')
    .select('m.id')
    .where('m.minutes_file_id', '=', fileId);
  if (viewer.role !== 'secretariat')
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('meeting_invitee as i')
          .select('i.id')
          .whereRef('i.meeting_id', '=', 'm.id')
          .where('i.user_id', '=', viewer.id),
      ),
    );
  return (await query.executeTakeFirst()) ?? null;
}

/** Meetings a user is invited to, for their own pages and calendar. */
export function meetingsOfUser(q: Queryable, userId: string) {
  return q
    .selectFrom('meeting_invitee as i')
    .innerJoin('liaison_meeting as m', 'm.id', 'i.meeting_id')
    .select([...MEETING_COLUMNS, 'i.rsvp', 'i.attendance'])
    .where('i.user_id', '=', userId)
    .orderBy('m.starts_at', 'desc')
    .limit(50)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// RSVP by link, without logging in

export type RsvpView = {
  state: 'open' | 'answered' | 'closed';
  rsvp: Rsvp;
  name: string;
  meeting: {
    title: string;
    starts_at: Date;
    ends_at: Date;
    venue: string;
    online_url: string;
    agenda: string;
    status: string;
  };
};

async function inviteeForToken(q: Queryable, token: string, lock: boolean) {
  const parts = await verify(q, 'rsvp', token, 2);
  if (!parts || !isUuid(parts[0]!)) return null;
  let query = q
    .selectFrom('meeting_invitee as i')
    .innerJoin('liaison_meeting as m', 'm.id', 'i.meeting_id')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .leftJoin('external_contact as c', 'c.id', 'i.external_contact_id')
    .select([
      'i.id',
      'i.meeting_id',
      'i.rsvp',
      'i.rsvp_nonce',
      'i.rsvp_nonce_used_at',
      sql<string>`coalesce(u.name, c.person_name)`.as('name'),
      'm.title',
      'm.starts_at',
      'm.ends_at',
      'm.venue',
      'm.online_url',
      'm.agenda',
      'm.status',
    ])
    .where('i.id', '=', parts[0]!);
  if (lock) query = query.forUpdate('i');
  const row = await query.executeTakeFirst();
  // A link from before an update carries an old nonce: it no longer answers.
  if (!row || row.rsvp_nonce !== parts[1]) return null;
  return row;
}

/** What the RSVP page shows for a link, or null when the link is not valid (altered or replaced). */
export async function readRsvp(q: Queryable, token: string, now = new Date()) {
  const row = await inviteeForToken(q, token, false);
  if (!row) return null;
  const view: RsvpView = {
    state:
      row.status !== 'scheduled' || row.starts_at <= now
        ? 'closed'
        : row.rsvp_nonce_used_at
          ? 'answered'
          : 'open',
    rsvp: row.rsvp,
    name: row.name,
    meeting: {
      title: row.title,
      starts_at: row.starts_at,
      ends_at: row.ends_at,
      venue: row.venue,
      online_url: row.online_url,
      agenda: row.agenda,
      status: row.status,
    },
  };
  return view;
}

/**
 * ⚑ Answers once: the invitee row is locked, the nonce in the link must be the current one and
 * unused, and answering uses it up.
 */
export async function answerRsvp(
  tx: Tx,
  token: string,
  answer: RsvpAnswer,
  ip: string | null,
  now = new Date(),
) {
  const row = await inviteeForToken(tx, token, true);
  if (!row) throw new DomainError('meetings.errors.linkInvalid');
  if (row.status !== 'scheduled' || row.starts_at <= now)
    throw new DomainError('meetings.errors.rsvpClosed');
  if (row.rsvp_nonce_used_at) throw new DomainError('meetings.errors.linkUsed');
  await tx
    .updateTable('meeting_invitee')
    .set({ rsvp: answer, rsvp_at: now, rsvp_nonce_used_at: now })
    .where('id', '=', row.id)
    .execute();
  await audit(tx, {
    actorId: null,
    action: 'meeting.rsvp',
    subjectType: 'liaison_meeting',
    subjectId: row.meeting_id,
    detail: { invitee: row.id, answer },
    ip,
  });
}

/** A signed-in partner user answers for themselves (no link needed; may change the answer). */
export async function answerAsUser(
  tx: Tx,
  meetingId: string,
  userId: string,
  answer: RsvpAnswer,
  ip: string | null,
  now = new Date(),
) {
  if (!isUuid(meetingId)) throw new DomainError('errors.notFound');
  const row = await tx
    .selectFrom('meeting_invitee as i')
    .innerJoin('liaison_meeting as m', 'm.id', 'i.meeting_id')
    .select(['i.id', 'm.status', 'm.starts_at'])
    .where('i.meeting_id', '=', meetingId)
    .where('i.user_id', '=', userId)
    .forUpdate('i')
    .executeTakeFirst();
  if (!row) throw new DomainError('errors.notFound');
  if (row.status !== 'scheduled' || row.starts_at <= now)
    throw new DomainError('meetings.errors.rsvpClosed');
  await tx
    .updateTable('meeting_invitee')
    .set({ rsvp: answer, rsvp_at: now })
    .where('id', '=', row.id)
    .execute();
  await audit(tx, {
    actorId: userId,
    action: 'meeting.rsvp',
    subjectType: 'liaison_meeting',
    subjectId: meetingId,
    detail: { invitee: row.id, answer },
    ip,
  });
}
