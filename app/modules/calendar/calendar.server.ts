import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Queryable, Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { audit } from '~/modules/audit/audit.server';
import { meetingEvent } from '~/modules/meetings/meetings.server';
import { isUuid } from '~/modules/partners/partners.server';
import { sessionEvent } from '~/modules/training/training.server';
import { buildFeed, buildIcs } from './ics.server';

// Personal calendar feeds: a secret URL per user (only its hash is stored), revocable, listing
// the trainings and meetings that concern them. Calendar programs poll it without logging in.

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function feedStatus(q: Queryable, userId: string) {
  return (
    (await q
      .selectFrom('calendar_feed')
      .select('created_at')
      .where('user_id', '=', userId)
      .executeTakeFirst()) ?? null
  );
}

/** A new secret URL (any earlier one stops working). The token is shown once. */
export async function createFeed(tx: Tx, userId: string, ip: string | null) {
  const token = randomBytes(32).toString('base64url');
  await tx
    .insertInto('calendar_feed')
    .values({ user_id: userId, token_hash: hash(token) })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ token_hash: hash(token), created_at: sql`now()` }),
    )
    .execute();
  await audit(tx, {
    actorId: userId,
    action: 'calendar.feed_create',
    subjectType: 'app_user',
    subjectId: userId,
    ip,
  });
  return `${appUrl()}/calendar/feed/${token}.ics`;
}

export async function revokeFeed(tx: Tx, userId: string, ip: string | null) {
  await tx.deleteFrom('calendar_feed').where('user_id', '=', userId).execute();
  await audit(tx, {
    actorId: userId,
    action: 'calendar.feed_revoke',
    subjectType: 'app_user',
    subjectId: userId,
    ip,
  });
}

/** The active user a feed token belongs to, or null. */
export async function feedOwner(q: Queryable, token: string) {
  const clean = token.replace(/\.ics$/, '');
  if (!/^[A-Za-z0-9_-]{43}$/.test(clean)) return null;
  return (
    (await q
      .selectFrom('calendar_feed as f')
      .innerJoin('app_user as u', 'u.id', 'f.user_id')
      .select(['u.id', 'u.role', 'u.name'])
      .where('f.token_hash', '=', hash(clean))
      .where('u.status', '=', 'active')
      .executeTakeFirst()) ?? null
  );
}

type Viewer = { id: string; role: string };

/**
 * Training sessions in a user's calendar: the secretariat sees all; partner people those they
 * are invited to or registered (or waiting) for. Cancelled ones stay, marked cancelled, so
 * calendars drop them.
 */
function trainingsFor(q: Queryable, viewer: Viewer, since: Date, onlyId?: string) {
  let query = q
    .selectFrom('training_session as s')
    .select([
      's.id',
      's.title',
      's.starts_at',
      's.ends_at',
      's.venue',
      's.online_url',
      's.sequence',
      's.status',
    ])
    .where('s.ends_at', '>=', since);
  if (onlyId) query = query.where('s.id', '=', onlyId);
  if (viewer.role !== 'secretariat')
    query = query.where(({ or, exists, selectFrom }) =>
      or([
        exists(
          selectFrom('training_invitation as i')
            .select('i.user_id')
            .whereRef('i.session_id', '=', 's.id')
            .where('i.user_id', '=', viewer.id),
        ),
        exists(
          selectFrom('training_registration as r')
            .select('r.user_id')
            .whereRef('r.session_id', '=', 's.id')
            .where('r.user_id', '=', viewer.id)
            .where('r.status', 'in', ['registered', 'waitlisted']),
        ),
      ]),
    );
  return query.orderBy('s.starts_at').limit(500).execute();
}

function meetingsFor(q: Queryable, viewer: Viewer, since: Date, onlyId?: string) {
  let query = q
    .selectFrom('liaison_meeting as m')
    .select([
      'm.id',
      'm.title',
      'm.starts_at',
      'm.ends_at',
      'm.venue',
      'm.online_url',
      'm.sequence',
      'm.status',
      'm.agenda',
    ])
    .where('m.ends_at', '>=', since);
  if (onlyId) query = query.where('m.id', '=', onlyId);
  if (viewer.role !== 'secretariat')
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('meeting_invitee as i')
          .select('i.id')
          .whereRef('i.meeting_id', '=', 'm.id')
          .where('i.user_id', '=', viewer.id),
      ),
    );
  return query.orderBy('m.starts_at').limit(100).execute();
}

/** The feed: a year back and everything ahead. */
export async function buildUserFeed(q: Queryable, viewer: Viewer & { name: string }) {
  const since = new Date(Date.now() - 365 * 86_400_000);
  const [trainings, meetings] = await Promise.all([
    trainingsFor(q, viewer, since),
    meetingsFor(q, viewer, since),
  ]);
  return buildFeed(`伴走連携ネットワーク — ${viewer.name}`, [
    ...trainings.map((s) => ({ ...sessionEvent(s), cancelled: s.status === 'cancelled' })),
    ...meetings.map((m) => ({
      ...meetingEvent(m),
      url: `${appUrl()}/meetings/${m.id}`,
      cancelled: m.status === 'cancelled',
    })),
  ]);
}

/** One event as an .ics download, for someone allowed to see it (else null). */
export async function eventIcs(q: Queryable, viewer: Viewer, kind: string, id: string) {
  if (!isUuid(id)) return null;
  const since = new Date(0);
  if (kind === 'training') {
    let s: Awaited<ReturnType<typeof trainingsFor>>[number] | undefined = (
      await trainingsFor(q, viewer, since, id)
    )[0];
    // Partner people may add any scheduled session they can see on their training page.
    if (!s && viewer.role === 'partner')
      s = await q
        .selectFrom('training_session as s')
        .select([
          's.id',
          's.title',
          's.starts_at',
          's.ends_at',
          's.venue',
          's.online_url',
          's.sequence',
          's.status',
        ])
        .where('s.id', '=', id)
        .where('s.status', '=', 'scheduled')
        .executeTakeFirst();
    if (!s) return null;
    return buildIcs({
      ...sessionEvent(s),
      method: s.status === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    });
  }
  if (kind === 'meeting') {
    const m = (await meetingsFor(q, viewer, since, id))[0];
    if (!m) return null;
    return buildIcs({
      ...meetingEvent(m),
      method: m.status === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    });
  }
  return null;
}
