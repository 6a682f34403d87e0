import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import { explainExclusions, findCandidates } from '~/modules/dispatch/matching.server';
import { getMatchCriteria, setRequireTrained } from '~/modules/dispatch/requests.server';
import { listPartners } from '~/modules/partners/partners.server';
import { sessionSchema } from '~/modules/training/training-schema';
import ICAL from 'ical.js';
import {
  cancelRegistration,
  cancelSession,
  createSession,
  invite,
  sendTrainingReminders,
  recordAttendance,
  register,
} from '~/modules/training/training.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';

let secretariat: { id: string };
let counselor: { id: string };
const REQUIRED = [
  'case_work',
  'residence_status',
  'labour_law',
  'medical_social_security',
  'children_youth',
];

beforeAll(async () => {
  secretariat = (await makeUser(db, { role: 'secretariat' }))!;
  counselor = (await makeUser(db, { role: 'counselor' }))!;
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

async function session(over: Record<string, unknown> = {}) {
  return db.transaction().execute((tx) =>
    createSession(
      tx,
      sessionSchema.parse({
        title: '伴走者研修 基礎',
        modules: REQUIRED,
        date: inDays(10),
        startTime: '13:30',
        endTime: '16:30',
        venue: '熊本市国際交流会館',
        capacity: 5,
        deadline: inDays(9),
        ...over,
      }),
      { userId: secretariat.id },
    ),
  );
}

const regs = (sessionId: string) =>
  db
    .selectFrom('training_registration')
    .select(['id', 'user_id', 'partner_id', 'status'])
    .where('session_id', '=', sessionId)
    .orderBy('registered_at')
    .execute();

describe('registration', () => {
  it('concurrent registrations fill the capacity exactly; the rest wait in order; a cancellation promotes the first, by email', async () => {
    const s = await session();
    const partner = await makeDispatchablePartner('TRAIN-REG');
    const users: { id: string; email: string }[] = [];
    for (let i = 0; i < 12; i++)
      users.push(
        (await makeUser(db, {
          role: 'partner',
          partnerId: partner.id,
          email: `trainee${i}@example.org`,
        }))!,
      );
    const results = await Promise.all(
      users.map((u) =>
        db.transaction().execute((tx) => register(tx, s, { id: u.id, partnerId: partner.id })),
      ),
    );
    expect(results.filter((r) => r === 'registered')).toHaveLength(5);
    expect(results.filter((r) => r === 'waitlisted')).toHaveLength(7);
    // Registering again changes nothing.
    expect(
      await db
        .transaction()
        .execute((tx) => register(tx, s, { id: users[0].id, partnerId: partner.id })),
    ).toBe(results[0]);

    const before = await regs(s);
    const firstWaiting = before.find((r) => r.status === 'waitlisted')!;
    const aRegistered = before.find((r) => r.status === 'registered')!;
    await db.transaction().execute((tx) => cancelRegistration(tx, s, aRegistered.user_id));
    const after = await regs(s);
    expect(after.find((r) => r.id === firstWaiting.id)?.status).toBe('registered');
    expect(after.filter((r) => r.status === 'registered')).toHaveLength(5);
    const promotedEmail = users.find((u) => u.id === firstWaiting.user_id)!.email;
    const mail = await db
      .selectFrom('outgoing_mail')
      .select('template')
      .where('to_address', '=', promotedEmail)
      .execute();
    expect(mail).toEqual([{ template: 'training_promoted' }]);
  });

  it('refuses registration after the deadline', async () => {
    const s = await session({ date: inDays(3), deadline: inDays(1) });
    const partner = await makeDispatchablePartner('TRAIN-LATE');
    await expect(
      db
        .transaction()
        .execute((tx) =>
          register(
            tx,
            s,
            { id: partner.userId, partnerId: partner.id },
            new Date(Date.now() + 2 * 86_400_000),
          ),
        ),
    ).rejects.toMatchObject({ code: 'training.errors.closed' });
  });
});

async function attend(partner: { id: string; userId: string }, modules: string[], daysAgo: number) {
  const s = await session({ modules, date: inDays(10), deadline: inDays(9), capacity: 50 });
  await db
    .transaction()
    .execute((tx) => register(tx, s, { id: partner.userId, partnerId: partner.id }));
  // The session took place `daysAgo` days ago.
  await sql`update training_session set starts_at = now() - make_interval(days => ${daysAgo}::int),
    ends_at = now() - make_interval(days => ${daysAgo}::int) + interval '3 hours' where id = ${s}`.execute(
    db,
  );
  const reg = await db
    .selectFrom('training_registration')
    .select('id')
    .where('session_id', '=', s)
    .where('user_id', '=', partner.userId)
    .executeTakeFirstOrThrow();
  await db.transaction().execute((tx) =>
    recordAttendance(tx, s, [{ registrationId: reg.id, attendance: 'attended' }], {
      userId: secretariat.id,
    }),
  );
}

const trainedUntil = async (partnerId: string) =>
  (
    await db
      .selectFrom('partner')
      .select('trained_until')
      .where('id', '=', partnerId)
      .executeTakeFirstOrThrow()
  ).trained_until;

describe('trained status and dispatch', () => {
  it('counts only when every required module was attended within the validity period', async () => {
    const full = await makeDispatchablePartner('TRAIN-FULL', 1);
    const partial = await makeDispatchablePartner('TRAIN-PARTIAL', 2);
    const expired = await makeDispatchablePartner('TRAIN-OLD', 3);
    await attend(full, REQUIRED.slice(0, 3), 100);
    expect(await trainedUntil(full.id)).toBe(null);
    await attend(full, REQUIRED.slice(3), 10);
    // Valid until the oldest of the latest attendances + 3 years.
    const expected = new Date(Date.now() - 100 * 86_400_000 + 9 * 3_600_000);
    expected.setUTCFullYear(expected.getUTCFullYear() + 3);
    expect(await trainedUntil(full.id)).toBe(expected.toISOString().slice(0, 10));

    await attend(partial, REQUIRED.slice(1), 5);
    expect(await trainedUntil(partial.id)).toBe(null);

    // Attended everything, but more than 3 years ago: the status has lapsed.
    await attend(expired, REQUIRED, 3 * 366 + 2);
    const lapsed = await trainedUntil(expired.id);
    expect(lapsed).not.toBe(null);
    expect(lapsed! < new Date().toISOString().slice(0, 10)).toBe(true);

    // The registry filters by it.
    const page = async (trained: 'yes' | 'no') =>
      (
        await listPartners(db, {
          filters: { trained, q: 'テスト団体 TRAIN-' },
          sort: 'name',
          dir: 'asc',
          page: { limit: 50 },
        })
      ).rows.map((p) => p.id);
    expect(await page('yes')).toEqual([full.id]);
    const untrained = await page('no');
    expect(untrained).toEqual(expect.arrayContaining([partial.id, expired.id]));
    expect(untrained).not.toContain(full.id);

    // Once anyone is trained, matching requires it (reason shown), unless switched off.
    const r = await makeRequest(counselor.id);
    const criteria = await getMatchCriteria(db, r.id);
    expect(criteria.requireTrained).toBe(true);
    const found = (await findCandidates(db, criteria, 50)).map((c) => c.id);
    expect(found).toContain(full.id);
    expect(found).not.toContain(partial.id);
    expect(found).not.toContain(expired.id);
    const excluded = await explainExclusions(db, criteria, { withinKm: 80, limit: 50 });
    expect(excluded.find((e) => e.id === partial.id)?.reasons).toEqual(['untrained']);
    await db
      .transaction()
      .execute((tx) => setRequireTrained(tx, r.id, false, { userId: counselor.id }));
    const all = (await findCandidates(db, await getMatchCriteria(db, r.id), 50)).map((c) => c.id);
    expect(all).toEqual(expect.arrayContaining([full.id, partial.id, expired.id]));
  });
});

describe('invitations', () => {
  const icsOf = async (to: string, template: string) => {
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['attachments'])
      .where('to_address', '=', to)
      .where('template', '=', template)
      .executeTakeFirstOrThrow();
    const [att] = mail.attachments;
    const cal = new ICAL.Component(ICAL.parse(Buffer.from(att.content, 'base64').toString('utf8')));
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    return { att, method: cal.getFirstPropertyValue('method'), event };
  };

  it('emails every user of an active partner an .ics invitation; a cancellation is the same event, next sequence', async () => {
    const partner = await makeDispatchablePartner('TRAIN-INVITE');
    const s = await session({ title: '招待テスト研修' });
    const n = await db
      .transaction()
      .execute((tx) => invite(tx, s, { all: true }, { userId: secretariat.id }));
    const partnerUsers = await db
      .selectFrom('app_user as u')
      .innerJoin('partner as p', 'p.id', 'u.partner_id')
      .select('u.id')
      .where('u.role', '=', 'partner')
      .where('u.status', '=', 'active')
      .where('p.status', '=', 'active')
      .execute();
    expect(n).toBe(partnerUsers.length);
    const sent = await icsOf(partner.email, 'training_invitation');
    expect(sent.att.contentType).toContain('method=REQUEST');
    expect(sent.method).toBe('REQUEST');
    expect(sent.event.summary).toBe('招待テスト研修');
    expect(sent.event.sequence).toBe(0);

    await db
      .transaction()
      .execute((tx) => register(tx, s, { id: partner.userId, partnerId: partner.id }));
    await db.transaction().execute((tx) => cancelSession(tx, s, { userId: secretariat.id }));
    const cancel = await icsOf(partner.email, 'training_cancelled');
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.event.uid).toBe(sent.event.uid);
    expect(cancel.event.sequence).toBe(1);
  });
});

describe('reminders', () => {
  it('the day before, the registered (not the waiting) are reminded, once', async () => {
    const date = inDays(5);
    const s = await session({
      title: 'リマインダー研修',
      capacity: 1,
      date,
      deadline: inDays(4),
    });
    const a = await makeDispatchablePartner('TRAIN-REMIND-A');
    const b = await makeDispatchablePartner('TRAIN-REMIND-B');
    await db.transaction().execute((tx) => register(tx, s, { id: a.userId, partnerId: a.id }));
    await db.transaction().execute((tx) => register(tx, s, { id: b.userId, partnerId: b.id }));
    const reminders = (to: string) =>
      db
        .selectFrom('outgoing_mail')
        .select('subject')
        .where('to_address', '=', to)
        .where('template', '=', 'training_reminder')
        .execute();
    // Three days before: nothing yet.
    const noonTokyo = new Date(`${date}T12:00:00+09:00`).getTime();
    await sendTrainingReminders(new Date(noonTokyo - 3 * 86_400_000));
    expect(await reminders(a.email)).toHaveLength(0);
    const dayBefore = new Date(noonTokyo - 86_400_000);
    await sendTrainingReminders(dayBefore);
    await sendTrainingReminders(dayBefore);
    expect(await reminders(a.email)).toHaveLength(1);
    expect(await reminders(b.email)).toHaveLength(0);
  });
});
