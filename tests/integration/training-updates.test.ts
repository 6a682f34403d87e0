import ICAL from 'ical.js';
import { sql } from 'kysely';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MailAttachment } from '../../db/schema';
import { db, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { makeUser } from '~/modules/demo/factories.server';
import { sessionSchema } from '~/modules/training/training-schema';
import {
  addMaterial,
  cancelRegistration,
  certificatePdf,
  createSession,
  invite,
  listMaterials,
  materialForViewer,
  personCertificate,
  recordAttendance,
  register,
  updateSession,
} from '~/modules/training/training.server';
import { makeDispatchablePartner } from '../support/dispatch';

let secretariat: { id: string; role: string };
let actor: { userId: string };
const REQUIRED = [
  'case_work',
  'residence_status',
  'labour_law',
  'medical_social_security',
  'children_youth',
];

beforeAll(async () => {
  const user = (await makeUser(db, { role: 'secretariat' }))!;
  secretariat = { id: user.id, role: 'secretariat' };
  actor = { userId: user.id };
});

const inTx = <T>(fn: (tx: Tx) => Promise<T>) => db.transaction().execute(fn);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

const form = (over: Record<string, unknown> = {}) =>
  sessionSchema.parse({
    title: '伴走者研修 基礎',
    modules: REQUIRED,
    date: inDays(20),
    startTime: '13:30',
    endTime: '16:30',
    venue: '熊本市国際交流会館',
    capacity: 5,
    deadline: inDays(19),
    ...over,
  });

const session = (over: Record<string, unknown> = {}) =>
  inTx((tx) => createSession(tx, form(over), actor));

const mails = (to: string, template: string) =>
  db
    .selectFrom('outgoing_mail')
    .select(['subject', 'attachments'])
    .where('to_address', '=', to)
    .where('template', '=', template)
    .orderBy('created_at')
    .execute();

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
    tzid: dtstart.getParameter('tzid'),
    wallClock: String(dtstart.getFirstValue()),
    startUtc: event.startDate.toJSDate().toISOString(),
  };
}

const registrationStatus = async (sessionId: string, userId: string) =>
  (
    await db
      .selectFrom('training_registration')
      .select('status')
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('status', '!=', 'cancelled')
      .executeTakeFirst()
  )?.status ?? null;

describe('invitations to chosen partners', () => {
  it('emails only the people of the chosen partners, and never the same person twice', async () => {
    const s = await session({ title: '選択招待研修' });
    const p1 = await makeDispatchablePartner('TRU-INV-1');
    const p1second = (await makeUser(db, {
      role: 'partner',
      partnerId: p1.id,
      email: 'second@tru-inv-1.example.org',
    }))!;
    const p2 = await makeDispatchablePartner('TRU-INV-2');
    const p3 = await makeDispatchablePartner('TRU-INV-3');
    const count = async (to: string) => (await mails(to, 'training_invitation')).length;

    expect(await inTx((tx) => invite(tx, s, { partnerIds: [p1.id, p2.id] }, actor))).toBe(3);
    expect(await count(p1.email)).toBe(1);
    expect(await count(p1second.email)).toBe(1);
    expect(await count(p2.email)).toBe(1);
    expect(await count(p3.email)).toBe(0);
    const [mail] = await mails(p1.email, 'training_invitation');
    expect(mail.attachments).toHaveLength(1);
    expect(parseIcs(mail.attachments[0])).toMatchObject({ method: 'REQUEST', sequence: 0 });

    // Again, with one more partner: only the newcomer is emailed.
    expect(await inTx((tx) => invite(tx, s, { partnerIds: [p1.id, p2.id, p3.id] }, actor))).toBe(1);
    expect(await inTx((tx) => invite(tx, s, { partnerIds: [p1.id] }, actor))).toBe(0);
    expect(await count(p1.email)).toBe(1);
    expect(await count(p1second.email)).toBe(1);
    expect(await count(p2.email)).toBe(1);
    expect(await count(p3.email)).toBe(1);
    const invited = await db
      .selectFrom('training_invitation')
      .select('user_id')
      .where('session_id', '=', s)
      .execute();
    expect(invited.map((i) => i.user_id).sort()).toEqual(
      [p1.userId, p1second.id, p2.userId, p3.userId].sort(),
    );

    await expect(inTx((tx) => invite(tx, s, { partnerIds: [] }, actor))).rejects.toMatchObject({
      code: 'training.errors.noneChosen',
    });
  });
});

describe('changing a session', () => {
  it('a new date goes to the invited, registered and waiting as the same event, next SEQUENCE; capacity rules hold', async () => {
    const s = await session({ title: '日程変更研修', capacity: 2 });
    const inv = await makeDispatchablePartner('TRU-UPD-INV');
    const r1 = await makeDispatchablePartner('TRU-UPD-R1');
    const r2 = await makeDispatchablePartner('TRU-UPD-R2');
    const w1 = await makeDispatchablePartner('TRU-UPD-W1');
    const w2 = await makeDispatchablePartner('TRU-UPD-W2');
    const outsider = await makeDispatchablePartner('TRU-UPD-OUT');
    await inTx((tx) => invite(tx, s, { partnerIds: [inv.id] }, actor));
    for (const p of [r1, r2, w1, w2])
      await inTx((tx) => register(tx, s, { id: p.userId, partnerId: p.id }));
    expect(await registrationStatus(s, r2.userId)).toBe('registered');
    expect(await registrationStatus(s, w1.userId)).toBe('waitlisted');
    const original = parseIcs((await mails(inv.email, 'training_invitation'))[0].attachments[0]);

    const newDate = inDays(25);
    const result = await inTx((tx) =>
      updateSession(
        tx,
        s,
        form({
          title: '日程変更研修',
          capacity: 2,
          date: newDate,
          deadline: inDays(24),
          startTime: '10:00',
          endTime: '12:00',
        }),
        actor,
      ),
    );
    expect(result).toEqual({ changed: true, notified: 5 });
    for (const p of [inv, r1, r2, w1, w2]) {
      const sent = await mails(p.email, 'training_updated');
      expect(sent, p.email).toHaveLength(1);
      expect(sent[0].attachments[0].contentType).toContain('method=REQUEST');
      expect(parseIcs(sent[0].attachments[0])).toEqual({
        method: 'REQUEST',
        uid: original.uid,
        sequence: original.sequence + 1,
        tzid: 'Asia/Tokyo',
        wallClock: `${newDate}T10:00:00`,
        startUtc: new Date(`${newDate}T10:00:00+09:00`).toISOString(),
      });
    }
    expect(original.uid).toBe(`training-${s}@${new URL(appUrl()).hostname}`);
    expect(await mails(outsider.email, 'training_updated')).toHaveLength(0);

    // Fewer places than people registered: refused, nothing changes.
    await expect(
      inTx((tx) =>
        updateSession(
          tx,
          s,
          form({ title: '日程変更研修', capacity: 1, date: newDate, deadline: inDays(24) }),
          actor,
        ),
      ),
    ).rejects.toMatchObject({ code: 'training.errors.capacityBelowRegistered' });
    const row = () =>
      db
        .selectFrom('training_session')
        .select(['capacity', 'sequence'])
        .where('id', '=', s)
        .executeTakeFirstOrThrow();
    expect(await row()).toEqual({ capacity: 2, sequence: 1 });

    // One more place: the first on the waiting list gets it, and is told.
    const more = await inTx((tx) =>
      updateSession(
        tx,
        s,
        form({
          title: '日程変更研修',
          capacity: 3,
          date: newDate,
          deadline: inDays(24),
          startTime: '10:00',
          endTime: '12:00',
        }),
        actor,
      ),
    );
    expect(more).toEqual({ changed: false, notified: 0 });
    expect(await row()).toEqual({ capacity: 3, sequence: 1 });
    expect(await registrationStatus(s, w1.userId)).toBe('registered');
    expect(await registrationStatus(s, w2.userId)).toBe('waitlisted');
    expect(await mails(w1.email, 'training_promoted')).toHaveLength(1);
    expect(await mails(w2.email, 'training_promoted')).toHaveLength(0);
    expect(await mails(w1.email, 'training_updated')).toHaveLength(1);
  });
});

describe('materials', () => {
  const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

  it('accepts PDFs only, and shows them to the secretariat and the session’s people only', async () => {
    const s = await session({ title: '資料研修' });
    for (const file of [
      { name: 'slides.png', bytes: png },
      { name: 'notes.txt', bytes: new TextEncoder().encode('研修資料') },
      // The name says PDF, the content does not.
      { name: 'handout.pdf', bytes: new TextEncoder().encode('not a pdf') },
    ])
      await expect(inTx((tx) => addMaterial(tx, s, file, actor))).rejects.toMatchObject({
        code: 'errors.pdfOnly',
      });
    expect(await listMaterials(db, s)).toHaveLength(0);

    await inTx((tx) => addMaterial(tx, s, { name: '配布資料.pdf', bytes: pdf }, actor));
    const [material] = await listMaterials(db, s);
    expect(material).toMatchObject({ filename: '配布資料.pdf', size: pdf.length });

    const registered = await makeDispatchablePartner('TRU-MAT-REG');
    const invited = await makeDispatchablePartner('TRU-MAT-INV');
    const unrelated = await makeDispatchablePartner('TRU-MAT-OUT');
    await inTx((tx) => register(tx, s, { id: registered.userId, partnerId: registered.id }));
    await inTx((tx) => invite(tx, s, { partnerIds: [invited.id] }, actor));
    const asPartner = (userId: string) =>
      materialForViewer(db, material.file_id, { id: userId, role: 'partner' });

    expect(await materialForViewer(db, material.file_id, secretariat)).toEqual({ id: s });
    expect(await asPartner(registered.userId)).toEqual({ id: s });
    expect(await asPartner(invited.userId)).toEqual({ id: s });
    expect(await asPartner(unrelated.userId)).toBeNull();
    // Cancelling the registration ends the access.
    await inTx((tx) => cancelRegistration(tx, s, registered.userId));
    expect(await asPartner(registered.userId)).toBeNull();
  });
});

describe('certificate of completion', () => {
  /** The person attended a held session on `date` (Tokyo) covering `modules`. */
  async function attended(
    person: { id: string; partnerId: string },
    modules: string[],
    date: string,
  ) {
    const s = await session({ modules, capacity: 50 });
    await inTx((tx) => register(tx, s, { id: person.id, partnerId: person.partnerId }));
    await sql`update training_session set starts_at = ${new Date(`${date}T13:30:00+09:00`)},
      ends_at = ${new Date(`${date}T16:30:00+09:00`)} where id = ${s}`.execute(db);
    const reg = await db
      .selectFrom('training_registration')
      .select('id')
      .where('session_id', '=', s)
      .where('user_id', '=', person.id)
      .executeTakeFirstOrThrow();
    await inTx((tx) =>
      recordAttendance(tx, s, [{ registrationId: reg.id, attendance: 'attended' }], actor),
    );
  }

  async function person(key: string, name: string) {
    const partner = await makeDispatchablePartner(key);
    const user = (await makeUser(db, {
      role: 'partner',
      partnerId: partner.id,
      name,
      email: `${key.toLowerCase()}-person@example.org`,
    }))!;
    return { id: user.id, partnerId: partner.id };
  }

  async function pdfText(buf: Buffer) {
    const doc = await getDocument({ data: new Uint8Array(buf) }).promise;
    let text = '';
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      text += content.items.map((item) => ('str' in item ? item.str : '')).join('') + '\n';
    }
    await doc.destroy();
    return text;
  }

  const daysAgo = (d: number) => {
    const t = new Date(Date.now() - d * 86_400_000 + 9 * 3_600_000);
    return t.toISOString().slice(0, 10);
  };
  const plusYears = (iso: string, years: number) =>
    `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;

  it('complete when every required module was attended; valid for three years from the oldest; the PDF says so', async () => {
    const hanako = await person('TRU-CERT-FULL', '山田 花子');
    await attended(hanako, REQUIRED.slice(0, 3), daysAgo(200));
    await attended(hanako, [...REQUIRED.slice(3), 'dv'], daysAgo(30));
    const cert = (await personCertificate(db, hanako.id))!;
    expect(cert.complete).toBe(true);
    expect(cert.validUntil).toBe(plusYears(daysAgo(200), 3));
    expect(cert.partner_name).toBe('テスト団体 TRU-CERT-FULL');
    expect(Object.fromEntries(cert.modules.map((m) => [m.code, m.last_date]))).toMatchObject({
      case_work: daysAgo(200),
      children_youth: daysAgo(30),
      dv: daysAgo(30),
      refugees: null,
    });
    // The same rule as the partner's trained status.
    const partner = await db
      .selectFrom('partner')
      .select('trained_until')
      .where('id', '=', hanako.partnerId)
      .executeTakeFirstOrThrow();
    expect(partner.trained_until).toBe(cert.validUntil);
    // After the validity period it is no longer current.
    const later = new Date(`${cert.validUntil}T12:00:00+09:00`);
    expect((await personCertificate(db, hanako.id, later))!.complete).toBe(true);
    later.setTime(later.getTime() + 86_400_000);
    expect((await personCertificate(db, hanako.id, later))!.complete).toBe(false);

    const text = await pdfText(await certificatePdf(cert));
    expect(text).toContain('修了証');
    expect(text).toContain('山田 花子');
    expect(text).toContain('テスト団体 TRU-CERT-FULL');
    for (const m of cert.modules.filter((m) => m.last_date)) expect(text).toContain(m.name_ja);
    expect(text).not.toContain('難民');
    expect(text).toContain(cert.validUntil!);
  });

  it('not complete when one required module is missing', async () => {
    const taro = await person('TRU-CERT-PART', '田中 太郎');
    await attended(taro, REQUIRED.slice(1), daysAgo(10));
    const cert = (await personCertificate(db, taro.id))!;
    expect(cert.complete).toBe(false);
    expect(cert.validUntil).toBeNull();
    expect(cert.modules.find((m) => m.code === 'case_work')).toMatchObject({
      last_date: null,
      current: false,
    });
    // Someone else's attendance does not count for them.
    const colleague = (await makeUser(db, {
      role: 'partner',
      partnerId: taro.partnerId,
      email: 'colleague@tru-cert-part.example.org',
    }))!;
    await attended({ id: colleague.id, partnerId: taro.partnerId }, ['case_work'], daysAgo(5));
    expect((await personCertificate(db, taro.id))!.complete).toBe(false);
  });

  it('a session on 29 February is valid until a real date, the same as the partner’s status', async () => {
    const leap = await person('TRU-CERT-LEAP', 'Nguyễn Thị Hương');
    await attended(leap, REQUIRED, '2024-02-29');
    const now = new Date('2026-11-23T12:00:00+09:00');
    const cert = (await personCertificate(db, leap.id, now))!;
    const partner = await db
      .selectFrom('partner')
      .select('trained_until')
      .where('id', '=', leap.partnerId)
      .executeTakeFirstOrThrow();
    expect(partner.trained_until).toBe('2027-02-28');
    expect(cert.validUntil).toBe(partner.trained_until);
    expect(cert.complete).toBe(true);
  });
});
