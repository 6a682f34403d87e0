import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import { findCandidates } from '~/modules/dispatch/matching.server';
import { requestSchema } from '~/modules/dispatch/request-schema';
import {
  acceptOffer,
  cancelRequest,
  createRequest,
  getMatchCriteria,
  requestTimeline,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { storeUpload } from '~/modules/files/files.server';
import { adversePartySchema } from '~/modules/dispatch/parties';
import { addAdverseParty } from '~/modules/dispatch/parties.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { visitSchema } from '~/modules/visits/visit-schema';
import {
  closeRequest,
  completeRequest,
  endStay,
  logVisit,
  purgeExpiredCaseText,
  readVisit,
  reviewVisit,
  startStay,
  updateVisit,
  withdrawVisit,
} from '~/modules/visits/visits.server';
import { action as newVisitAction } from '~/routes/_app.partner.requests.$id.visits.new';
import { loader as caseLoader } from '~/routes/_app.partner.requests.$id._index';
import { loader as partnerVisitLoader } from '~/routes/_app.partner.visits.$visitId';
import { loader as fileLoader } from '~/routes/files.$fileId';
import { makeDispatchablePartner } from '../support/dispatch';
import { ctx, requestWithSession, settle } from '../support/requests';

type P = { id: string; userId: string; email: string; password: string };
let counselor: { id: string };
let a: P;
let b: P;
let shelterId: string;

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

const makeActivePartner = (i: number): Promise<P> =>
  makeDispatchablePartner(`VISITS${i}`, i * 0.1, 50);

beforeAll(async () => {
  counselor = (await makeUser(db, { role: 'counselor', email: 'visits-counselor@example.org' }))!;
  a = await makeActivePartner(1);
  b = await makeActivePartner(2);
  shelterId = (
    await db
      .insertInto('shelter')
      .values({
        partner_id: a.id,
        name: 'テストシェルター',
        capacity: 3,
        accepts: ['women', 'men', 'families'],
        municipality_code: '432156',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
});

const local = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);

async function newRequest(over: Record<string, unknown> = {}) {
  const input = requestSchema.parse({
    caseCode: 'CASE-VISIT-01',
    category: 'hospital',
    workerLanguage: 'vi',
    urgency: 'normal',
    municipalityCode: '432156',
    windowStart: local(new Date(Date.now() + 3_600_000)),
    windowEnd: local(new Date(Date.now() + 3 * 3_600_000)),
    summary: '病院への同行',
    details: '勤務先：△△工業。本人の携帯 090-0000-0000。',
    consent: true,
    ...over,
  });
  return db.transaction().execute((tx) => createRequest(tx, input, { userId: counselor.id }));
}

/** A request offered to and accepted by the partner. */
async function acceptedRequest(p: P, over: Record<string, unknown> = {}) {
  const r = await newRequest(over);
  await db.transaction().execute((tx) => sendOffers(tx, r.id, [p.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', r.id)
    .executeTakeFirstOrThrow();
  expect(await acceptOffer(offer.id, { id: p.userId, partnerId: p.id })).toEqual({ ok: true });
  return r;
}

const visitInput = (over: Record<string, unknown> = {}) =>
  visitSchema.parse({
    visitDate: tokyoToday(),
    startTime: '09:30',
    endTime: '12:00',
    place: '天草中央総合病院',
    activities: '受付と診察に同行し、医師の説明を通訳した。',
    outcome: '次回の受診日が決まった。',
    travelKm: 12.5,
    interpreterMinutes: 90,
    confidentialNote: 'NOTE-本人は職場での暴言を訴えている',
    ...over,
  });

const actorOf = (p: P) => ({ userId: p.userId, partnerId: p.id });
const tx = <T>(fn: Parameters<ReturnType<typeof db.transaction>['execute']>[0]) =>
  db.transaction().execute(fn) as Promise<T>;

async function session(p: { email: string; password: string }) {
  const r = await login(p.email, p.password, ctx.clientIp);
  if (!r.ok) throw new Error('login');
  return r.cookie;
}

describe('visit validation', () => {
  it('rejects an end before the start, negative amounts and fractions of a yen', () => {
    const r = visitSchema.safeParse({
      visitDate: '2026-11-20',
      startTime: '10:00',
      endTime: '09:00',
      place: 'x',
      activities: 'y',
      travelKm: -1,
      travelCost: 10.5,
      interpreterMinutes: -5,
    });
    expect(r.success).toBe(false);
    const byField = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(byField).toMatchObject({
      endTime: 'visits.errors.endBeforeStart',
      travelKm: 'errors.notNegative',
      travelCost: 'errors.wholeYen',
      interpreterMinutes: 'errors.notNegative',
    });
  });

  it('refuses a date in the future, a receipt that is not an image or PDF, and a cost without receipt', async () => {
    const r = await acceptedRequest(a);
    const tomorrow = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    await expect(
      tx(async (t) => logVisit(t, r.id, visitInput({ visitDate: tomorrow }), null, actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.dateInFuture', field: 'visitDate' });
    await expect(
      tx(async (t) =>
        logVisit(
          t,
          r.id,
          visitInput({ travelCost: 1200 }),
          { name: 'receipt.jpg', bytes: new TextEncoder().encode('<html>not a photo</html>') },
          actorOf(a),
        ),
      ),
    ).rejects.toMatchObject({ code: 'visits.errors.receiptType', field: 'receipt' });
    await expect(
      tx(async (t) => logVisit(t, r.id, visitInput({ travelCost: 1200 }), null, actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.receiptRequired', field: 'receipt' });
    // Nothing of the failed attempts was kept: no visit, no stored file.
    expect(await db.selectFrom('visit').where('request_id', '=', r.id).execute()).toEqual([]);
    expect(
      await db.selectFrom('stored_file').where('purpose', '=', 'receipt').select('id').execute(),
    ).toEqual([]);
  });

  it('refuses a receipt over 10 MB and accepts a photo under it', async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(JPEG);
    await expect(
      tx(async (t) =>
        storeUpload(
          t,
          { name: 'big.jpg', bytes: big },
          {
            purpose: 'receipt',
            createdBy: null,
            field: 'receipt',
            allowed: ['jpeg'],
            wrongTypeCode: 'x',
          },
        ),
      ),
    ).rejects.toMatchObject({ code: 'errors.fileTooLarge' });
    const r = await acceptedRequest(a);
    const id = await tx<string>((t) =>
      logVisit(
        t,
        r.id,
        visitInput({ travelCost: 1200 }),
        { name: 'レシート', bytes: JPEG },
        actorOf(a),
      ),
    );
    const v = await db
      .selectFrom('visit as v')
      .innerJoin('stored_file as f', 'f.id', 'v.receipt_file_id')
      .select(['f.content_type', 'f.filename', 'v.status'])
      .where('v.id', '=', id)
      .executeTakeFirstOrThrow();
    expect(v).toEqual({
      content_type: 'image/jpeg',
      filename: 'レシート.jpg',
      status: 'submitted',
    });
    const req = await db
      .selectFrom('accompaniment_request')
      .select('status')
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(req.status).toBe('in_progress');
  });
});

describe('who may log and read', () => {
  it('a partner cannot log on a request it does not hold: 404 from the page, not found from the module', async () => {
    const r = await acceptedRequest(a);
    await expect(
      tx(async (t) => logVisit(t, r.id, visitInput(), null, actorOf(b))),
    ).rejects.toMatchObject({ code: 'errors.notFound' });
    const cookieB = await session(b);
    const page = await settle(() =>
      caseLoader({
        request: requestWithSession(`/partner/requests/${r.id}`, cookieB),
        params: { id: r.id },
        context: ctx,
      }),
    );
    expect((page as Response).status).toBe(404);
    const body = new FormData();
    for (const [k, v] of Object.entries({
      visitDate: tokyoToday(),
      startTime: '10:00',
      endTime: '11:00',
      place: 'x',
      activities: 'y',
    }))
      body.set(k, v);
    const posted = await settle(() =>
      newVisitAction({
        request: requestWithSession(`/partner/requests/${r.id}/visits/new`, cookieB, {
          method: 'POST',
          body,
        }),
        params: { id: r.id },
        context: ctx,
      }),
    );
    expect((posted as Response).status).toBe(404);
    expect(await db.selectFrom('visit').where('request_id', '=', r.id).execute()).toEqual([]);
  });

  it('another partner gets 404 for the visit and its receipt; every read of the note is audited', async () => {
    const r = await acceptedRequest(a);
    const visitId = await tx<string>((t) =>
      logVisit(
        t,
        r.id,
        visitInput({ travelCost: 800 }),
        { name: 'r.jpg', bytes: JPEG },
        actorOf(a),
      ),
    );
    const fileId = (
      await db
        .selectFrom('visit')
        .select('receipt_file_id')
        .where('id', '=', visitId)
        .executeTakeFirstOrThrow()
    ).receipt_file_id!;
    const cookieB = await session(b);
    const otherVisit = await settle(() =>
      partnerVisitLoader({
        request: requestWithSession(`/partner/visits/${visitId}`, cookieB),
        params: { visitId },
        context: ctx,
      }),
    );
    expect((otherVisit as Response).status).toBe(404);
    const otherFile = await settle(() =>
      fileLoader({
        request: requestWithSession(`/files/${fileId}`, cookieB),
        params: { fileId },
        context: ctx,
      }),
    );
    expect((otherFile as Response).status).toBe(404);

    const cookieA = await session(a);
    const ownFile = (await fileLoader({
      request: requestWithSession(`/files/${fileId}`, cookieA),
      params: { fileId },
      context: ctx,
    })) as Response;
    expect(ownFile.status).toBe(200);
    expect(ownFile.headers.get('Content-Type')).toBe('image/jpeg');
    expect(ownFile.headers.get('Content-Disposition')).toMatch(/^attachment;/);

    const reads = async () =>
      db
        .selectFrom('audit_log')
        .select(['actor_user_id'])
        .where('action', '=', 'visit.read_note')
        .where('subject_id', '=', visitId)
        .execute();
    expect(await reads()).toEqual([]);
    const staff = await readVisit(db, visitId, {
      id: counselor.id,
      role: 'counselor',
      partnerId: null,
    });
    expect(staff?.confidential_note).toContain('NOTE-');
    await partnerVisitLoader({
      request: requestWithSession(`/partner/visits/${visitId}`, cookieA),
      params: { visitId },
      context: ctx,
    });
    expect((await reads()).map((x) => x.actor_user_id).sort()).toEqual(
      [counselor.id, a.userId].sort(),
    );
    // Partner B's direct read returns nothing and leaves no trace of the note.
    expect(await readVisit(db, visitId, { id: b.userId, role: 'partner', partnerId: b.id })).toBe(
      null,
    );
    expect(await reads()).toHaveLength(2);
  });
});

describe('review', () => {
  it('returns with a comment (partner emailed), the partner corrects, approval freezes the facts', async () => {
    const r = await acceptedRequest(a);
    const id = await tx<string>((t) => logVisit(t, r.id, visitInput(), null, actorOf(a)));
    const staff = { userId: counselor.id };
    await expect(
      tx((t) =>
        reviewVisit(t, id, { intent: 'return', comment: '時間を確認', version: 99 }, staff),
      ),
    ).rejects.toMatchObject({ code: 'errors.staleEdit' });
    await tx((t) =>
      reviewVisit(
        t,
        id,
        { intent: 'return', comment: '終了時刻を確認してください', version: 1 },
        staff,
      ),
    );
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['subject', 'text_body'])
      .where('template', '=', 'visit_returned')
      .where('to_address', '=', a.email)
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0].text_body).toContain(`/partner/visits/${id}`);
    // The email names the request, never the comment or the case.
    expect(mail[0].text_body).not.toContain('終了時刻を確認');

    await tx((t) =>
      updateVisit(t, id, visitInput({ endTime: '12:30', version: 2 }), null, actorOf(a)),
    );
    const back = await db
      .selectFrom('visit')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(back).toEqual({ status: 'submitted', version: 3 });

    await tx((t) => reviewVisit(t, id, { intent: 'approve', comment: '', version: 3 }, staff));
    await expect(
      tx((t) => updateVisit(t, id, visitInput({ version: 4 }), null, actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.notEditable' });
    await expect(tx((t) => withdrawVisit(t, id, actorOf(a)))).rejects.toMatchObject({
      code: 'visits.errors.notEditable',
    });
    // Even a direct UPDATE cannot change what gets paid once approved.
    await expect(
      sql`update visit set travel_km = 99 where id = ${id}`.execute(db),
    ).rejects.toMatchObject({ constraint: 'visit_approved_frozen' });
    await expect(sql`delete from visit where id = ${id}`.execute(db)).rejects.toMatchObject({
      constraint: 'visit_no_delete',
    });

    const types = (await requestTimeline(db, r.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'visit_submitted',
        'visit_returned',
        'visit_resubmitted',
        'visit_approved',
      ]),
    );
  });
});

describe('shelter stays', () => {
  it('concurrent check-ins never overbook the shelter; free beds show in matching at once', async () => {
    const requests = [];
    for (let i = 0; i < 6; i++) requests.push(await acceptedRequest(a));
    const results = await Promise.allSettled(
      requests.map((r) =>
        tx((t) => startStay(t, r.id, { shelterId, beds: 1, checkIn: tokyoToday() }, actorOf(a))),
      ),
    );
    const ok = results.filter((x) => x.status === 'fulfilled');
    const refused = results.filter((x) => x.status === 'rejected');
    expect(ok).toHaveLength(3);
    for (const x of refused)
      expect((x as PromiseRejectedResult).reason).toMatchObject({
        code: 'visits.errors.shelterFull',
      });
    const shelter = await db
      .selectFrom('shelter')
      .select(['beds_occupied', 'capacity'])
      .where('id', '=', shelterId)
      .executeTakeFirstOrThrow();
    expect(shelter).toEqual({ beds_occupied: 3, capacity: 3 });

    // A request needing a bed no longer finds partner A; after a check-out it does again.
    const needsBed = await newRequest({ shelterBeds: 1, shelterGuest: 'women' });
    const criteria = { ...(await getMatchCriteria(db, needsBed.id)), excludePartnerIds: [] };
    expect((await findCandidates(db, criteria, 50)).map((c) => c.id)).not.toContain(a.id);
    const stay = await db
      .selectFrom('shelter_stay')
      .select(['id', 'request_id'])
      .where('shelter_id', '=', shelterId)
      .where('check_out', 'is', null)
      .executeTakeFirstOrThrow();
    await tx((t) => endStay(t, stay.request_id, stay.id, tokyoToday(), actorOf(a)));
    expect((await findCandidates(db, criteria, 50)).map((c) => c.id)).toContain(a.id);
    await expect(
      tx((t) => endStay(t, stay.request_id, stay.id, tokyoToday(), actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.stayEnded' });
  });

  it("partner B cannot use partner A's shelter, and a stay can still end after a cancellation", async () => {
    const rb = await acceptedRequest(b);
    await expect(
      tx((t) => startStay(t, rb.id, { shelterId, beds: 1, checkIn: tokyoToday() }, actorOf(b))),
    ).rejects.toMatchObject({ code: 'errors.invalidChoice', field: 'shelterId' });

    // Free every bed first so this test does not depend on the one before.
    const open = await db
      .selectFrom('shelter_stay')
      .select(['id', 'request_id'])
      .where('shelter_id', '=', shelterId)
      .where('check_out', 'is', null)
      .execute();
    for (const s of open) await tx((t) => endStay(t, s.request_id, s.id, tokyoToday(), actorOf(a)));
    const ra = await acceptedRequest(a);
    const stayId = await tx<string>((t) =>
      startStay(t, ra.id, { shelterId, beds: 2, checkIn: tokyoToday() }, actorOf(a)),
    );
    await tx((t) => cancelRequest(t, ra.id, '本人の希望', { userId: counselor.id }));
    await expect(
      tx((t) => logVisit(t, ra.id, visitInput(), null, actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.caseNotOpen' });
    await tx((t) => endStay(t, ra.id, stayId, tokyoToday(), actorOf(a)));
    const s = await db
      .selectFrom('shelter')
      .select('beds_occupied')
      .where('id', '=', shelterId)
      .executeTakeFirstOrThrow();
    expect(s.beds_occupied).toBe(0);
  });
});

describe('completion, closing and retention', () => {
  it('completes with a report, closes only when all is reviewed and checked out', async () => {
    const r = await acceptedRequest(a);
    await expect(tx((t) => completeRequest(t, r.id, '完了', actorOf(a)))).rejects.toMatchObject({
      code: 'visits.errors.noVisits',
    });
    const id = await tx<string>((t) => logVisit(t, r.id, visitInput(), null, actorOf(a)));
    await tx((t) => completeRequest(t, r.id, '受診に同行し、次回予約まで支援した。', actorOf(a)));
    expect(
      await db
        .selectFrom('outgoing_mail')
        .select('template')
        .where('template', '=', 'request_completed')
        .where('to_address', '=', 'visits-counselor@example.org')
        .execute(),
    ).not.toHaveLength(0);
    const staff = { userId: counselor.id };
    await expect(
      tx((t) => closeRequest(t, r.id, { closingNote: '終了', followUpNeeded: false }, staff)),
    ).rejects.toMatchObject({ code: 'visits.errors.unreviewedVisits' });
    await tx((t) => reviewVisit(t, id, { intent: 'approve', comment: '', version: 1 }, staff));
    await tx((t) => closeRequest(t, r.id, { closingNote: '終了', followUpNeeded: true }, staff));
    const closed = await db
      .selectFrom('accompaniment_request')
      .select(['status', 'follow_up_needed'])
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(closed).toEqual({ status: 'closed', follow_up_needed: true });
    await expect(
      tx((t) => logVisit(t, r.id, visitInput(), null, actorOf(a))),
    ).rejects.toMatchObject({ code: 'visits.errors.caseNotOpen' });
  });

  it('the retention purge removes the confidential text of old closed cases and keeps the payment facts', async () => {
    const old = await acceptedRequest(a);
    await tx((t) =>
      addAdverseParty(
        t,
        old.id,
        adversePartySchema.parse({
          kind: 'employer',
          name: '株式会社 秘密工業',
          corporateNumber: '1180301018771',
        }),
        { userId: counselor.id },
      ),
    );
    const recent = await acceptedRequest(a);
    const ids: string[] = [];
    for (const r of [old, recent]) {
      const v = await tx<string>((t) =>
        logVisit(
          t,
          r.id,
          visitInput({ travelCost: 640 }),
          { name: 'r.jpg', bytes: JPEG },
          actorOf(a),
        ),
      );
      ids.push(v);
      await tx((t) =>
        reviewVisit(
          t,
          v,
          { intent: 'approve', comment: 'OK', version: 1 },
          { userId: counselor.id },
        ),
      );
      await tx((t) => completeRequest(t, r.id, '完了報告の本文', actorOf(a)));
      await tx((t) =>
        closeRequest(
          t,
          r.id,
          { closingNote: 'クローズの本文', followUpNeeded: false },
          { userId: counselor.id },
        ),
      );
    }
    await sql`update accompaniment_request set closed_at = now() - interval '3 years 1 day' where id = ${old.id}`.execute(
      db,
    );

    expect(await purgeExpiredCaseText(3)).toBe(1);
    expect(
      await db
        .selectFrom('request_adverse_party')
        .select(['kind', 'name', 'corporate_number'])
        .where('request_id', '=', old.id)
        .execute(),
    ).toEqual([{ kind: 'employer', name: '—', corporate_number: null }]);
    const [req, keep] = await Promise.all(
      [old.id, recent.id].map((id) =>
        db
          .selectFrom('accompaniment_request')
          .select([
            'details',
            'completion_report',
            'closing_note',
            'case_code',
            'category',
            'purged_at',
          ])
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
      ),
    );
    expect(req).toMatchObject({
      details: '',
      completion_report: '',
      closing_note: '',
      category: 'hospital',
    });
    expect(req.purged_at).not.toBeNull();
    expect(keep.details).toContain('△△工業');
    expect(keep.purged_at).toBeNull();
    const [purgedVisit, keptVisit] = await Promise.all(
      ids.map((id) =>
        db
          .selectFrom('visit')
          .select([
            'confidential_note',
            'activities',
            'place',
            'status',
            'travel_cost',
            'travel_km',
            'interpreter_minutes',
            'starts_at',
            'ends_at',
            'receipt_file_id',
          ])
          .where('id', '=', id)
          .executeTakeFirstOrThrow(),
      ),
    );
    expect(purgedVisit).toMatchObject({
      confidential_note: '',
      activities: '',
      place: '',
      status: 'approved',
      travel_cost: 640,
      travel_km: '12.5',
      interpreter_minutes: 90,
    });
    expect(purgedVisit.receipt_file_id).not.toBeNull();
    expect(purgedVisit.ends_at.getTime() - purgedVisit.starts_at.getTime()).toBe(150 * 60_000);
    expect(keptVisit.confidential_note).toContain('NOTE-');
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'request.purge_text')
      .where('subject_id', '=', old.id)
      .execute();
    expect(audit).toHaveLength(1);
    // Running it again finds nothing more to do.
    expect(await purgeExpiredCaseText(3)).toBe(0);
  });
});
