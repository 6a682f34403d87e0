import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MailAttachment } from '../../db/schema';
import { db, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import {
  buildUserFeed,
  createFeed,
  eventIcs,
  feedOwner,
  revokeFeed,
} from '~/modules/calendar/calendar.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { contactSchema, meetingSchema, quarterRange } from '~/modules/meetings/meeting-schema';
import {
  answerRsvp,
  cancelMeeting,
  createContact,
  createNextFour,
  inviteToMeeting,
  listInvitees,
  minutesForViewer,
  readRsvp,
  recordMeetingAttendance,
  saveMinutes,
  setContactActive,
  updateMeeting,
} from '~/modules/meetings/meetings.server';
import { sessionSchema } from '~/modules/training/training-schema';
import { createSession, register } from '~/modules/training/training.server';
import { makeDispatchablePartner } from '../support/dispatch';

let actor: { userId: string };
let secretariat: { id: string; role: string };

beforeAll(async () => {
  const user = (await makeUser(db, { role: 'secretariat' }))!;
  secretariat = { id: user.id, role: 'secretariat' };
  actor = { userId: user.id };
});

const inTx = <T>(fn: (tx: Tx) => Promise<T>) => db.transaction().execute(fn);

/**
 * The four meetings of fiscal year `fy` (Q1 first), made as the secretariat makes them. Each test
 * takes its own far-future fiscal year, so the quarters never clash.
 */
async function meetingsOfYear(fy: number) {
  const ids = await inTx((tx) => createNextFour(tx, actor, new Date(`${fy}-04-01T09:00:00+09:00`)));
  expect(ids).toHaveLength(4);
  return ids;
}

const edit = (over: Record<string, unknown>) =>
  meetingSchema.parse({
    title: '連絡会議',
    startTime: '14:00',
    endTime: '16:00',
    venue: '熊本県庁 会議室',
    ...over,
  });

const meetingRow = (id: string) =>
  db.selectFrom('liaison_meeting').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const mails = (to: string, template?: string) => {
  let q = db
    .selectFrom('outgoing_mail')
    .select(['template', 'subject', 'text_body', 'locale', 'attachments'])
    .where('to_address', '=', to)
    .orderBy('created_at');
  if (template) q = q.where('template', '=', template);
  return q.execute();
};

async function onlyMail(to: string, template: string) {
  const found = await mails(to, template);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The signed token of the RSVP link in a mail's text body. */
function rsvpToken(text: string) {
  const m = /\/rsvp\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(text);
  expect(m, 'an RSVP link in the mail').not.toBeNull();
  expect(text).toContain(`${appUrl()}/rsvp/${m![1]}`);
  return m![1];
}

function parseIcs(att: MailAttachment) {
  const cal = new ICAL.Component(ICAL.parse(Buffer.from(att.content, 'base64').toString('utf8')));
  ICAL.TimezoneService.register(
    new ICAL.Timezone(cal.getFirstSubcomponent('vtimezone')!),
    'Asia/Tokyo',
  );
  const vevent = cal.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  const dtstart = vevent.getFirstProperty('dtstart')!;
  return {
    method: cal.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue('status'),
    tzid: dtstart.getParameter('tzid'),
    /** Wall-clock time as written, e.g. 2082-06-10T10:30:00. */
    wallClock: String(dtstart.getFirstValue()),
    startUtc: event.startDate.toJSDate().toISOString(),
    attendee: String(vevent.getFirstPropertyValue('attendee')),
  };
}

const inviteeId = async (meetingId: string, userId: string) =>
  (
    await db
      .selectFrom('meeting_invitee')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
  ).id;

const tokyoDay = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

describe('one liaison meeting per fiscal quarter', () => {
  it('createNextFour makes the next four quarters, each dated inside it; called again, nothing more until time moves on', async () => {
    const key = (r: { fiscal_year: number; quarter: number }) => r.fiscal_year * 4 + r.quarter - 1;
    const first = await meetingsOfYear(2090);
    // A second click in the same quarter: the four are there, nothing is created.
    expect(
      await inTx((tx) => createNextFour(tx, actor, new Date('2090-04-02T09:00:00+09:00'))),
    ).toEqual([]);
    // A year on, the next four quarters are FY2091's.
    const second = await inTx((tx) =>
      createNextFour(tx, actor, new Date('2091-04-01T09:00:00+09:00')),
    );
    expect(second).toHaveLength(4);
    const rows = await db
      .selectFrom('liaison_meeting')
      .select(['id', 'fiscal_year', 'quarter', 'starts_at', 'ends_at', 'status'])
      .where('fiscal_year', '>=', 2090)
      .where('fiscal_year', '<=', 2091)
      .orderBy('fiscal_year')
      .orderBy('quarter')
      .execute();
    // FY2090 Q1 … FY2091 Q4 without a gap: the first call made FY2090, the last FY2091.
    expect(rows.map(key)).toEqual(Array.from({ length: 8 }, (_, i) => 2090 * 4 + i));
    expect(rows.slice(0, 4).map((r) => r.id)).toEqual(first);
    expect(rows.slice(4).map((r) => r.id)).toEqual(second);
    for (const r of rows) {
      const { from, to } = quarterRange(r.fiscal_year, r.quarter);
      const day = tokyoDay(r.starts_at);
      expect(day >= from && day <= to, `${day} in FY${r.fiscal_year} Q${r.quarter}`).toBe(true);
      expect(r.ends_at > r.starts_at).toBe(true);
      expect(r.status).toBe('scheduled');
    }
    // Q4 runs January–March of the next calendar year.
    expect(tokyoDay(rows[3].starts_at).slice(0, 7)).toBe('2091-02');
  });

  it('two calls at once create each quarter once', async () => {
    const now = new Date('2096-04-01T09:00:00+09:00');
    const both = await Promise.all([
      inTx((tx) => createNextFour(tx, actor, now)),
      inTx((tx) => createNextFour(tx, actor, now)),
    ]);
    expect(both.map((ids) => ids.length).sort()).toEqual([0, 4]);
    const rows = await db
      .selectFrom('liaison_meeting')
      .select(['fiscal_year', 'quarter'])
      .where('fiscal_year', '=', 2096)
      .orderBy('quarter')
      .execute();
    expect(rows.map((r) => `${r.fiscal_year}-${r.quarter}`)).toEqual([
      '2096-1',
      '2096-2',
      '2096-3',
      '2096-4',
    ]);
  });

  it('skips the current quarter once its default date has passed', async () => {
    const ids = await inTx((tx) =>
      createNextFour(tx, actor, new Date('2094-06-01T09:00:00+09:00')),
    );
    const rows = await db
      .selectFrom('liaison_meeting')
      .select(['fiscal_year', 'quarter'])
      .where('id', 'in', ids)
      .orderBy('fiscal_year')
      .orderBy('quarter')
      .execute();
    expect(rows).toEqual([
      { fiscal_year: 2094, quarter: 2 },
      { fiscal_year: 2094, quarter: 3 },
      { fiscal_year: 2094, quarter: 4 },
      { fiscal_year: 2095, quarter: 1 },
    ]);
  });

  it('the database refuses a meeting outside its quarter (in Tokyo time) or a second one in a quarter; updates must stay in the quarter', async () => {
    const insert = (fiscalYear: number, quarter: number, startsAt: string) =>
      db
        .insertInto('liaison_meeting')
        .values({
          fiscal_year: fiscalYear,
          quarter,
          title: `FY${fiscalYear} Q${quarter}`,
          starts_at: new Date(startsAt),
          ends_at: new Date(new Date(startsAt).getTime() + 2 * 3_600_000),
          venue: '会議室',
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();

    // 1 July 08:00 in Tokyo is still 30 June in UTC: it belongs to Q2, not Q1.
    await expect(insert(2079, 1, '2079-07-01T08:00:00+09:00')).rejects.toMatchObject({
      constraint: 'meeting_in_quarter',
    });
    const q2 = await insert(2079, 2, '2079-07-01T08:00:00+09:00');
    // Q4 of FY2079 is January–March 2080; 1 April 2080 is FY2080.
    await expect(insert(2079, 4, '2080-04-01T08:00:00+09:00')).rejects.toMatchObject({
      constraint: 'meeting_in_quarter',
    });
    await insert(2079, 4, '2080-03-31T23:00:00+09:00');
    await expect(insert(2079, 3, '2080-11-10T10:00:00+09:00')).rejects.toMatchObject({
      constraint: 'meeting_in_quarter',
    });
    // A second meeting for the same quarter.
    await expect(insert(2079, 2, '2079-08-20T10:00:00+09:00')).rejects.toMatchObject({
      code: '23505',
    });

    await expect(
      inTx((tx) => updateMeeting(tx, q2.id, edit({ date: '2079-10-01' }), actor)),
    ).rejects.toMatchObject({ code: 'meetings.errors.outsideQuarter' });
    await expect(
      inTx((tx) => updateMeeting(tx, q2.id, edit({ date: '2079-06-30' }), actor)),
    ).rejects.toMatchObject({ code: 'meetings.errors.outsideQuarter' });
    const before = await meetingRow(q2.id);
    expect(before.starts_at.toISOString()).toBe('2079-06-30T23:00:00.000Z');
    // Inside the quarter it moves; nobody was invited, so the event is still at SEQUENCE 0.
    await inTx((tx) => updateMeeting(tx, q2.id, edit({ date: '2079-09-30' }), actor));
    const after = await meetingRow(q2.id);
    expect(after.starts_at.toISOString()).toBe('2079-09-30T05:00:00.000Z');
    expect(after.sequence).toBe(0);
  });
});

describe('RSVP by signed link', () => {
  it('answers once; altered links do nothing; an update replaces the links and resets the answers; closes at the start', async () => {
    const [meetingId] = await meetingsOfYear(2081);
    const a = await makeDispatchablePartner('MTG-RSVP-A');
    const b = await makeDispatchablePartner('MTG-RSVP-B');
    expect(
      await inTx((tx) =>
        inviteToMeeting(tx, meetingId, { partners: [a.id, b.id], contacts: 'none' }, actor),
      ),
    ).toBe(2);
    const tokenA = rsvpToken((await onlyMail(a.email, 'meeting_invitation')).text_body);
    const tokenB = rsvpToken((await onlyMail(b.email, 'meeting_invitation')).text_body);
    expect(tokenA).not.toBe(tokenB);

    const view = await readRsvp(db, tokenA);
    expect(view).toMatchObject({ state: 'open', rsvp: 'needs_action', name: 'partner user' });
    expect(view!.meeting.title).toBe((await meetingRow(meetingId)).title);

    await inTx((tx) => answerRsvp(tx, tokenA, 'accepted', '203.0.113.7'));
    const inviteeA = await inviteeId(meetingId, a.userId);
    const inviteeB = await inviteeId(meetingId, b.userId);
    const rsvpOf = (id: string) =>
      db
        .selectFrom('meeting_invitee')
        .select(['rsvp', 'rsvp_at', 'rsvp_nonce_used_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    expect((await rsvpOf(inviteeA)).rsvp).toBe('accepted');
    expect((await rsvpOf(inviteeB)).rsvp).toBe('needs_action');
    expect(await readRsvp(db, tokenA)).toMatchObject({ state: 'answered', rsvp: 'accepted' });
    // The link is used up: a second answer (even a different one) is refused and changes nothing.
    await expect(inTx((tx) => answerRsvp(tx, tokenA, 'declined', null))).rejects.toMatchObject({
      code: 'meetings.errors.linkUsed',
    });
    expect((await rsvpOf(inviteeA)).rsvp).toBe('accepted');

    // Altered links: a flipped character in the signature or the payload, or A's signed
    // payload with B's invitee id swapped in.
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const [payloadA, signatureA] = tokenA.split('.');
    const [payloadB, signatureB] = tokenB.split('.');
    const nonceA = Buffer.from(payloadA, 'base64url').toString('utf8').split('\n')[1];
    expect(Buffer.from(payloadA, 'base64url').toString('utf8').split('\n')[0]).toBe(inviteeA);
    const swapped = Buffer.from(`${inviteeB}\n${nonceA}`, 'utf8').toString('base64url');
    const forged = [
      `${payloadB}.${flip(signatureB, 20)}`,
      `${flip(payloadB, 10)}.${signatureB}`,
      `${swapped}.${signatureA}`,
      `${payloadB}.${signatureA}`,
      `${payloadB}.`,
      payloadB,
      '',
    ];
    for (const token of forged) {
      expect(await readRsvp(db, token), token).toBeNull();
      await expect(
        inTx((tx) => answerRsvp(tx, token, 'accepted', null)),
        token,
      ).rejects.toMatchObject({ code: 'meetings.errors.linkInvalid' });
    }
    expect(await rsvpOf(inviteeB)).toMatchObject({
      rsvp: 'needs_action',
      rsvp_nonce_used_at: null,
    });
    expect(await readRsvp(db, tokenB)).toMatchObject({ state: 'open' });

    // The time changes: every earlier link stops working, answers are reset, new links work.
    const { title } = await meetingRow(meetingId);
    const { notified } = await inTx((tx) =>
      updateMeeting(
        tx,
        meetingId,
        edit({ title, date: '2081-06-12', startTime: '10:00', endTime: '12:00' }),
        actor,
      ),
    );
    expect(notified).toBe(2);
    expect(await rsvpOf(inviteeA)).toMatchObject({
      rsvp: 'needs_action',
      rsvp_at: null,
      rsvp_nonce_used_at: null,
    });
    for (const old of [tokenA, tokenB]) {
      expect(await readRsvp(db, old)).toBeNull();
      await expect(inTx((tx) => answerRsvp(tx, old, 'accepted', null))).rejects.toMatchObject({
        code: 'meetings.errors.linkInvalid',
      });
    }
    const newA = rsvpToken((await onlyMail(a.email, 'meeting_updated')).text_body);
    const newB = rsvpToken((await onlyMail(b.email, 'meeting_updated')).text_body);
    expect(newA).not.toBe(tokenA);
    expect(await readRsvp(db, newA)).toMatchObject({ state: 'open', rsvp: 'needs_action' });
    await inTx((tx) => answerRsvp(tx, newA, 'declined', null));
    expect((await rsvpOf(inviteeA)).rsvp).toBe('declined');
    await expect(inTx((tx) => answerRsvp(tx, newA, 'accepted', null))).rejects.toMatchObject({
      code: 'meetings.errors.linkUsed',
    });

    // Once the meeting has started, the (unused) link no longer answers.
    const start = new Date('2081-06-12T10:00:00+09:00');
    expect((await meetingRow(meetingId)).starts_at.getTime()).toBe(start.getTime());
    const justBefore = new Date(start.getTime() - 60_000);
    const justAfter = new Date(start.getTime() + 60_000);
    expect(await readRsvp(db, newB, justBefore)).toMatchObject({ state: 'open' });
    expect(await readRsvp(db, newB, justAfter)).toMatchObject({ state: 'closed' });
    await expect(
      inTx((tx) => answerRsvp(tx, newB, 'accepted', null, justAfter)),
    ).rejects.toMatchObject({ code: 'meetings.errors.rsvpClosed' });
    expect((await rsvpOf(inviteeB)).rsvp).toBe('needs_action');
  });
});

describe('iCalendar across invitation, update and cancellation', () => {
  it('REQUEST, REQUEST, CANCEL of one UID with SEQUENCE 0, 1, 2 in Tokyo time, to partner people and outside contacts in their language', async () => {
    const [meetingId] = await meetingsOfYear(2082);
    const partner = await makeDispatchablePartner('MTG-ICS');
    const [en, ja] = await Promise.all([
      inTx((tx) =>
        createContact(
          tx,
          contactSchema.parse({
            organisation: 'FRESC 熊本',
            personName: 'Alex Turner',
            email: 'alex.turner@fre-ical.example.org',
            locale: 'en',
          }),
          actor,
        ),
      ),
      inTx((tx) =>
        createContact(
          tx,
          contactSchema.parse({
            organisation: '熊本労働局',
            personName: '加藤 一郎',
            email: 'kato@roudou-ical.example.go.jp',
            locale: 'ja',
          }),
          actor,
        ),
      ),
    ]);
    expect(
      await inTx((tx) =>
        inviteToMeeting(tx, meetingId, { partners: [partner.id], contacts: [en, ja] }, actor),
      ),
    ).toBe(3);
    const uid = `meeting-${meetingId}@${new URL(appUrl()).hostname}`;
    const people = [
      partner.email,
      'alex.turner@fre-ical.example.org',
      'kato@roudou-ical.example.go.jp',
    ];

    for (const to of people) {
      const mail = await onlyMail(to, 'meeting_invitation');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].contentType).toContain('method=REQUEST');
      const ics = parseIcs(mail.attachments[0]);
      expect(ics).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 0,
        status: 'CONFIRMED',
        tzid: 'Asia/Tokyo',
        attendee: `mailto:${to}`,
      });
      // The default: 14:00 Tokyo time, in the middle month of Q1 (May).
      expect(ics.wallClock).toMatch(/^2082-05-\d\dT14:00:00$/);
      expect(ics.startUtc).toBe((await meetingRow(meetingId)).starts_at.toISOString());
    }

    const enMail = await onlyMail('alex.turner@fre-ical.example.org', 'meeting_invitation');
    expect(enMail.locale).toBe('en');
    expect(enMail.subject).toMatch(/^\[Liaison meeting\]/);
    expect(enMail.text_body).toContain('Dear Alex Turner,');
    const jaMail = await onlyMail('kato@roudou-ical.example.go.jp', 'meeting_invitation');
    expect(jaMail.locale).toBe('ja');
    expect(jaMail.subject).toMatch(/^【連絡会議のご案内】/);
    expect(jaMail.text_body).toContain('加藤 一郎 様');

    await inTx((tx) =>
      updateMeeting(
        tx,
        meetingId,
        edit({
          title: '第1四半期 連絡会議',
          date: '2082-06-10',
          startTime: '10:30',
          endTime: '12:00',
          venue: '熊本市国際交流会館',
        }),
        actor,
      ),
    );
    for (const to of people) {
      const mail = await onlyMail(to, 'meeting_updated');
      expect(mail.attachments[0].contentType).toContain('method=REQUEST');
      expect(parseIcs(mail.attachments[0])).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 1,
        status: 'CONFIRMED',
        tzid: 'Asia/Tokyo',
        wallClock: '2082-06-10T10:30:00',
        startUtc: '2082-06-10T01:30:00.000Z',
      });
    }
    expect((await onlyMail('alex.turner@fre-ical.example.org', 'meeting_updated')).subject).toBe(
      '[Liaison meeting] Changed: 第1四半期 連絡会議',
    );

    const lastLink = rsvpToken((await onlyMail(partner.email, 'meeting_updated')).text_body);
    await inTx((tx) => cancelMeeting(tx, meetingId, actor));
    for (const to of people) {
      const mail = await onlyMail(to, 'meeting_cancelled');
      expect(mail.attachments[0].contentType).toContain('method=CANCEL');
      expect(parseIcs(mail.attachments[0])).toMatchObject({
        method: 'CANCEL',
        uid,
        sequence: 2,
        status: 'CANCELLED',
        wallClock: '2082-06-10T10:30:00',
      });
    }
    expect((await onlyMail('kato@roudou-ical.example.go.jp', 'meeting_cancelled')).subject).toBe(
      '【連絡会議】中止のお知らせ：第1四半期 連絡会議',
    );
    // A cancelled meeting takes no more answers, and cannot be cancelled twice.
    await expect(inTx((tx) => answerRsvp(tx, lastLink, 'accepted', null))).rejects.toMatchObject({
      code: 'meetings.errors.rsvpClosed',
    });
    await expect(inTx((tx) => cancelMeeting(tx, meetingId, actor))).rejects.toMatchObject({
      code: 'meetings.errors.notScheduled',
    });
    expect(await mails(partner.email, 'meeting_cancelled')).toHaveLength(1);
  });
});

describe('who is invited', () => {
  it('an external contact may have any valid address, e.g. one with an "s" in it', async () => {
    const input = contactSchema.parse({
      organisation: 'FRESC 熊本',
      personName: 'Suzuki Sachiko',
      email: 'suzuki.sachiko@fresc-kumamoto.example.org',
      locale: 'en',
    });
    const id = await inTx((tx) => createContact(tx, input, actor));
    expect(
      await db.selectFrom('external_contact').select('email').where('id', '=', id).execute(),
    ).toEqual([{ email: 'suzuki.sachiko@fresc-kumamoto.example.org' }]);
  });

  it('only the chosen contacts (active ones) and the people of the chosen partners; never twice', async () => {
    const [meetingId] = await meetingsOfYear(2083);
    const contact = (name: string) =>
      inTx((tx) =>
        createContact(
          tx,
          contactSchema.parse({
            organisation: 'OTIT 熊本事務所',
            personName: name,
            email: `${name.toLowerCase()}@otit-invite.example.org`,
            locale: 'ja',
          }),
          actor,
        ),
      );
    const c1 = await contact('Picked');
    const c2 = await contact('Later');
    const c3 = await contact('Dormant');
    await inTx((tx) => setContactActive(tx, c3, false, actor));
    await expect(
      inTx((tx) =>
        createContact(
          tx,
          contactSchema.parse({
            organisation: '別組織',
            personName: '重複',
            email: 'PICKED@otit-invite.example.org',
            locale: 'en',
          }),
          actor,
        ),
      ),
    ).rejects.toMatchObject({ code: 'meetings.errors.contactExists' });

    const p1 = await makeDispatchablePartner('MTG-SUB-1');
    const p1second = (await makeUser(db, {
      role: 'partner',
      partnerId: p1.id,
      email: 'second@mtg-sub-1.example.org',
    }))!;
    const p2 = await makeDispatchablePartner('MTG-SUB-2');
    const prospective = await makePartner(db, { status: 'prospective' });
    const prospectiveUser = (await makeUser(db, {
      role: 'partner',
      partnerId: prospective.id,
      email: 'someone@mtg-sub-prospective.example.org',
    }))!;

    const added = await inTx((tx) =>
      inviteToMeeting(
        tx,
        meetingId,
        { partners: [p1.id, prospective.id], contacts: [c1, c3] },
        actor,
      ),
    );
    expect(added).toBe(3);
    const invitation = async (to: string) => (await mails(to, 'meeting_invitation')).length;
    expect(await invitation(p1.email)).toBe(1);
    expect(await invitation(p1second.email)).toBe(1);
    expect(await invitation('picked@otit-invite.example.org')).toBe(1);
    expect(await invitation(p2.email)).toBe(0);
    expect(await invitation('later@otit-invite.example.org')).toBe(0);
    expect(await invitation('dormant@otit-invite.example.org')).toBe(0);
    expect(await invitation(prospectiveUser.email)).toBe(0);
    const names = async () => (await listInvitees(db, meetingId)).map((i) => i.name).sort();
    expect(await names()).toEqual(['Picked', 'partner user', 'partner user']);

    // Inviting the same people again adds and emails nobody.
    expect(
      await inTx((tx) =>
        inviteToMeeting(tx, meetingId, { partners: [p1.id], contacts: [c1] }, actor),
      ),
    ).toBe(0);
    // Widening the audience emails only the newcomers.
    const more = await inTx((tx) =>
      inviteToMeeting(tx, meetingId, { partners: [p1.id, p2.id], contacts: [c1, c2, c3] }, actor),
    );
    expect(more).toBe(2);
    expect(await invitation(p1.email)).toBe(1);
    expect(await invitation(p1second.email)).toBe(1);
    expect(await invitation('picked@otit-invite.example.org')).toBe(1);
    expect(await invitation(p2.email)).toBe(1);
    expect(await invitation('later@otit-invite.example.org')).toBe(1);
    expect(await invitation('dormant@otit-invite.example.org')).toBe(0);
    expect(await names()).toEqual([
      'Later',
      'Picked',
      'partner user',
      'partner user',
      'partner user',
    ]);

    await expect(
      inTx((tx) => inviteToMeeting(tx, meetingId, { partners: 'none', contacts: [] }, actor)),
    ).rejects.toMatchObject({ code: 'meetings.errors.noneChosen' });
  });
});

describe('minutes and attendance', () => {
  it('attendance only once started; minutes are PDF only and visible to the secretariat and the invited', async () => {
    const [meetingId] = await meetingsOfYear(2085);
    const invited = await makeDispatchablePartner('MTG-MIN-IN');
    const outsider = await makeDispatchablePartner('MTG-MIN-OUT');
    await inTx((tx) =>
      inviteToMeeting(tx, meetingId, { partners: [invited.id], contacts: 'none' }, actor),
    );
    const invitee = await inviteeId(meetingId, invited.userId);
    const start = (await meetingRow(meetingId)).starts_at;
    const marks = [{ inviteeId: invitee, attendance: 'attended' as const }];
    await expect(
      inTx((tx) =>
        recordMeetingAttendance(tx, meetingId, marks, actor, new Date(start.getTime() - 60_000)),
      ),
    ).rejects.toMatchObject({ code: 'meetings.errors.notStarted' });
    await inTx((tx) =>
      recordMeetingAttendance(tx, meetingId, marks, actor, new Date(start.getTime() + 60_000)),
    );
    expect((await meetingRow(meetingId)).status).toBe('held');
    expect((await listInvitees(db, meetingId))[0]).toMatchObject({ attendance: 'attended' });

    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    for (const file of [
      { name: 'minutes.png', bytes: png },
      { name: 'minutes.pdf', bytes: new TextEncoder().encode('議事録（テキスト）') },
    ])
      await expect(
        inTx((tx) => saveMinutes(tx, meetingId, { text: '議事録', file }, actor)),
      ).rejects.toMatchObject({ code: 'errors.pdfOnly' });
    expect((await meetingRow(meetingId)).minutes_file_id).toBeNull();

    const pdf = new TextEncoder().encode('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\n%%EOF\n');
    await inTx((tx) =>
      saveMinutes(
        tx,
        meetingId,
        { text: '議事録本文', file: { name: '議事録.pdf', bytes: pdf } },
        actor,
      ),
    );
    const saved = await meetingRow(meetingId);
    expect(saved.minutes).toBe('議事録本文');
    const fileId = saved.minutes_file_id!;
    expect(fileId).not.toBeNull();
    expect(await minutesForViewer(db, fileId, secretariat)).toEqual({ id: meetingId });
    expect(await minutesForViewer(db, fileId, { id: invited.userId, role: 'partner' })).toEqual({
      id: meetingId,
    });
    expect(await minutesForViewer(db, fileId, { id: outsider.userId, role: 'partner' })).toBeNull();
  });
});

describe('personal calendar feed', () => {
  it('lists the meetings a person is invited to and the trainings they registered for; revoking or renewing kills the old URL', async () => {
    const [mine, notMine] = await meetingsOfYear(2084);
    const person = await makeDispatchablePartner('MTG-FEED');
    const other = await makeDispatchablePartner('MTG-FEED-OTHER');
    await inTx((tx) =>
      inviteToMeeting(tx, mine, { partners: [person.id], contacts: 'none' }, actor),
    );
    await inTx((tx) =>
      inviteToMeeting(tx, notMine, { partners: [other.id], contacts: 'none' }, actor),
    );
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const session = (title: string) =>
      inTx((tx) =>
        createSession(
          tx,
          sessionSchema.parse({
            title,
            modules: ['case_work'],
            date: inDays(30),
            startTime: '13:30',
            endTime: '16:30',
            venue: '熊本市国際交流会館',
            capacity: 10,
            deadline: inDays(29),
          }),
          actor,
        ),
      );
    const training = await session('フィード研修');
    const otherTraining = await session('無関係の研修');
    await inTx((tx) => register(tx, training, { id: person.userId, partnerId: person.id }));

    const url = await inTx((tx) => createFeed(tx, person.userId, '198.51.100.4'));
    const m = /^(.*)\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics$/.exec(url);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(appUrl());
    const token = m![2];
    const owner = await feedOwner(db, token);
    expect(owner).toMatchObject({ id: person.userId, role: 'partner' });
    expect(await feedOwner(db, `${token}.ics`)).toMatchObject({ id: person.userId });

    const host = new URL(appUrl()).hostname;
    const feedEvents = async () => {
      const cal = new ICAL.Component(ICAL.parse(await buildUserFeed(db, owner!)));
      expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
      return new Map(
        cal
          .getAllSubcomponents('vevent')
          .map((v) => [
            String(v.getFirstPropertyValue('uid')),
            String(v.getFirstPropertyValue('status')),
          ]),
      );
    };
    const events = await feedEvents();
    expect(events.get(`meeting-${mine}@${host}`)).toBe('CONFIRMED');
    expect(events.get(`training-${training}@${host}`)).toBe('CONFIRMED');
    expect(events.has(`meeting-${notMine}@${host}`)).toBe(false);
    expect(events.has(`training-${otherTraining}@${host}`)).toBe(false);
    expect(events.size).toBe(2);

    // The single-event download follows the same rule.
    expect(await eventIcs(db, owner!, 'meeting', mine)).toContain(`UID:meeting-${mine}@${host}`);
    expect(await eventIcs(db, owner!, 'meeting', notMine)).toBeNull();
    expect(await eventIcs(db, secretariat, 'meeting', notMine)).toContain('METHOD:PUBLISH');

    // A cancelled meeting stays in the feed, marked cancelled, so calendars remove it.
    await inTx((tx) => cancelMeeting(tx, mine, actor));
    expect((await feedEvents()).get(`meeting-${mine}@${host}`)).toBe('CANCELLED');

    await inTx((tx) => revokeFeed(tx, person.userId, null));
    expect(await feedOwner(db, token)).toBeNull();

    const renewed = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics$/.exec(
      await inTx((tx) => createFeed(tx, person.userId, null)),
    )![1];
    const again = /\/calendar\/feed\/([A-Za-z0-9_-]+)\.ics$/.exec(
      await inTx((tx) => createFeed(tx, person.userId, null)),
    )![1];
    expect(again).not.toBe(renewed);
    expect(await feedOwner(db, renewed)).toBeNull();
    expect(await feedOwner(db, again)).toMatchObject({ id: person.userId });
    expect(await feedOwner(db, token)).toBeNull();
  });
});
