import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makeUser } from '~/modules/demo/factories.server';
import {
  acceptOffer,
  cancelRequest,
  declineOffer,
  expireOffers,
  sendOffers,
} from '~/modules/dispatch/requests.server';
import { parsePeriod, quarterKeyOf, SMALL_CELL } from '~/modules/reports/period';
import {
  type ActivityReport,
  activityReport,
  publicReport,
  suppress,
  suppressCells,
} from '~/modules/reports/reports.server';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';

// Anonymous activity reports, against a hand-computed fixture in the far future (fiscal year
// 2081 = April 2081 – March 2082, plus a few rows just outside it), so nothing else in the test
// database — other files' rows, demo data — can fall into the periods asserted here. Every
// expected figure below is worked out by hand in the comments, never by re-running the report's
// own SQL.

/** A Tokyo wall-clock time, "2081-06-30T23:30", as an instant. */
const tokyo = (local: string) => new Date(`${local}:00+09:00`);
const plusMinutes = (d: Date, n: number) => new Date(d.getTime() + n * 60_000);

function period(key: string) {
  const p = parsePeriod(key);
  if (!p) throw new Error(`not a period: ${key}`);
  return p;
}
const report = (key: string) => activityReport(db, period(key));

// Municipalities: two in Kumamoto (熊本県), one in Nagasaki (長崎県); all within 100 km of the
// partners, which sit in Amakusa.
const AMAKUSA = '432156';
const KUMAMOTO_CITY = '431001';
const NAGASAKI_CITY = '422011';

type PartnerKey = 'A' | 'B';
type Partner = Awaited<ReturnType<typeof makeDispatchablePartner>>;

interface Round {
  /** minutes after the request's creation at which these offers were sent */
  after: number;
  to: PartnerKey[];
  /** what happens to one of them before the next round */
  then?: ['accept' | 'decline' | 'expire', PartnerKey];
}

interface Spec {
  key: string;
  /** creation, Tokyo wall clock */
  at: string;
  category: string;
  language: string;
  urgency: 'normal' | 'urgent' | 'emergency';
  muni: string;
  rounds: Round[];
  /** minutes from creation to acceptance */
  acceptedAfter?: number;
  end?: 'completed' | 'closed' | 'in_progress' | 'cancelled';
}

// The twelve requests of FY2081 and two just outside it.
//
//  key  created (Tokyo)     category  lang urgency    prefecture  first offer  accepted  end
//  R01  2081-04-01 00:00    hospital  vi   normal     熊本 Amakusa    +10          +30     completed
//  R02  2081-04-10 09:00    hospital  vi   urgent     熊本 Kumamoto   +5 (A decl)  +45     closed
//                                                                  +20 (B acc)
//  R03  2081-05-12 10:00    police    ne   normal     長崎           +30 (A exp)   —       needs dispatch
//                                                                  +90 (B decl)
//  R04  2081-05-25 14:00    hospital  vi   normal     熊本 Amakusa    +40 (A+B)    +60     completed (B withdrawn)
//  R05  2081-06-10 11:00    school    tl   urgent     長崎           —             —       cancelled
//  R06  2081-06-30 23:30    hospital  ne   emergency  熊本 Kumamoto   +15          +90     accepted
//  ---- Q1 ends (2081-07-01 00:00 Tokyo = 2081-06-30 15:00 UTC)
//  R07  2081-07-01 00:10    police    vi   normal     長崎           +60 (B)       +120    completed
//  R08  2081-08-03 11:00    hospital  ne   urgent     熊本 Amakusa    +120 pending  —       offered
//  R09  2081-09-20 15:00    school    tl   urgent     長崎           +240 (A)      —       cancelled (offer withdrawn)
//  R10  2081-11-11 16:00    hospital  vi   normal     熊本 Kumamoto   +20 (B)       +180    completed
//  R11  2082-02-14 13:00    police    ne   urgent     長崎           +90 (B exp)   +600    in progress
//                                                                  +150 (A acc)
//  R12  2082-03-31 23:59    hospital  vi   normal     熊本 Amakusa    —             —       draft
//  outside FY2081:
//  X01  2081-03-31 23:59    immigration pt emergency  熊本 Amakusa    +1 (A)        +3      accepted
//  X02  2082-04-01 00:00    labor_office zh emergency 熊本 Amakusa    +2 (A decl)   —       needs dispatch
const SPECS: Spec[] = [
  {
    key: 'R01',
    at: '2081-04-01T00:00',
    category: 'hospital',
    language: 'vi',
    urgency: 'normal',
    muni: AMAKUSA,
    rounds: [{ after: 10, to: ['A'], then: ['accept', 'A'] }],
    acceptedAfter: 30,
    end: 'completed',
  },
  {
    key: 'R02',
    at: '2081-04-10T09:00',
    category: 'hospital',
    language: 'vi',
    urgency: 'urgent',
    muni: KUMAMOTO_CITY,
    rounds: [
      { after: 5, to: ['A'], then: ['decline', 'A'] },
      { after: 20, to: ['B'], then: ['accept', 'B'] },
    ],
    acceptedAfter: 45,
    end: 'closed',
  },
  {
    key: 'R03',
    at: '2081-05-12T10:00',
    category: 'police',
    language: 'ne',
    urgency: 'normal',
    muni: NAGASAKI_CITY,
    rounds: [
      { after: 30, to: ['A'], then: ['expire', 'A'] },
      { after: 90, to: ['B'], then: ['decline', 'B'] },
    ],
  },
  {
    key: 'R04',
    at: '2081-05-25T14:00',
    category: 'hospital',
    language: 'vi',
    urgency: 'normal',
    muni: AMAKUSA,
    rounds: [{ after: 40, to: ['A', 'B'], then: ['accept', 'A'] }],
    acceptedAfter: 60,
    end: 'completed',
  },
  {
    key: 'R05',
    at: '2081-06-10T11:00',
    category: 'school',
    language: 'tl',
    urgency: 'urgent',
    muni: NAGASAKI_CITY,
    rounds: [],
    end: 'cancelled',
  },
  {
    key: 'R06',
    at: '2081-06-30T23:30',
    category: 'hospital',
    language: 'ne',
    urgency: 'emergency',
    muni: KUMAMOTO_CITY,
    rounds: [{ after: 15, to: ['A'], then: ['accept', 'A'] }],
    acceptedAfter: 90,
  },
  {
    key: 'R07',
    at: '2081-07-01T00:10',
    category: 'police',
    language: 'vi',
    urgency: 'normal',
    muni: NAGASAKI_CITY,
    rounds: [{ after: 60, to: ['B'], then: ['accept', 'B'] }],
    acceptedAfter: 120,
    end: 'completed',
  },
  {
    key: 'R08',
    at: '2081-08-03T11:00',
    category: 'hospital',
    language: 'ne',
    urgency: 'urgent',
    muni: AMAKUSA,
    rounds: [{ after: 120, to: ['A'] }],
  },
  {
    key: 'R09',
    at: '2081-09-20T15:00',
    category: 'school',
    language: 'tl',
    urgency: 'urgent',
    muni: NAGASAKI_CITY,
    rounds: [{ after: 240, to: ['A'] }],
    end: 'cancelled',
  },
  {
    key: 'R10',
    at: '2081-11-11T16:00',
    category: 'hospital',
    language: 'vi',
    urgency: 'normal',
    muni: KUMAMOTO_CITY,
    rounds: [{ after: 20, to: ['B'], then: ['accept', 'B'] }],
    acceptedAfter: 180,
    end: 'completed',
  },
  {
    key: 'R11',
    at: '2082-02-14T13:00',
    category: 'police',
    language: 'ne',
    urgency: 'urgent',
    muni: NAGASAKI_CITY,
    rounds: [
      { after: 90, to: ['B'], then: ['expire', 'B'] },
      { after: 150, to: ['A'], then: ['accept', 'A'] },
    ],
    acceptedAfter: 600,
    end: 'in_progress',
  },
  {
    key: 'R12',
    at: '2082-03-31T23:59',
    category: 'hospital',
    language: 'vi',
    urgency: 'normal',
    muni: AMAKUSA,
    rounds: [],
  },
  {
    key: 'X01',
    at: '2081-03-31T23:59',
    category: 'immigration',
    language: 'pt',
    urgency: 'emergency',
    muni: AMAKUSA,
    rounds: [{ after: 1, to: ['A'], then: ['accept', 'A'] }],
    acceptedAfter: 3,
  },
  {
    key: 'X02',
    at: '2082-04-01T00:00',
    category: 'labor_office',
    language: 'zh',
    urgency: 'emergency',
    muni: AMAKUSA,
    rounds: [{ after: 2, to: ['A'], then: ['decline', 'A'] }],
  },
];

// Free text of the fixture: none of it may ever appear in a report.
const caseCode = (key: string) => `RPT-CASE-${key}`;
const summaryOf = (key: string) =>
  `RPT-SUMMARY-${key} 技能実習生の通院同行（グエン・ヴァン・アン）`;
const detailsOf = (key: string) => `RPT-DETAILS-${key} 勤務先：○○食品、本人携帯 090-1234-5678`;
const healthOf = (key: string) => `RPT-HEALTH-${key} 持病あり`;
const residenceOf = (key: string) => `RPT-RESIDENCE-${key} 在留期限 2082-01-31`;
const DECLINE_REASON = 'RPT-DECLINE-REASON 担当者が不在';
const CANCEL_REASON = 'RPT-CANCEL-REASON 本人が帰国';
const COUNSELOR_NAME = 'RPT-COUNSELOR 山田花子';
const SHELTER_NAME = 'RPT-SHELTER 天草の家';
const TRAINING_TITLE = 'RPT-TRAINING 在留資格の基礎';

let counselor: { id: string; email: string };
const partners = {} as Record<'A' | 'B' | 'D' | 'E', Partner>;
let partnerA2: { id: string; email: string };
const requestIds: Record<string, string> = {};
const references: string[] = [];
const baseline: { fy2081?: ActivityReport; fy2082?: ActivityReport } = {};

async function offerOf(requestId: string, partnerId: string) {
  return (
    await db
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', requestId)
      .where('partner_id', '=', partnerId)
      .executeTakeFirstOrThrow()
  ).id;
}

/** Creates the request through the app, dispatches it as the spec says, then dates it. */
async function build(spec: Spec) {
  const r = await makeRequest(counselor.id, {
    caseCode: caseCode(spec.key),
    category: spec.category,
    workerLanguage: spec.language,
    urgency: spec.urgency,
    municipalityCode: spec.muni,
    summary: summaryOf(spec.key),
    details: detailsOf(spec.key),
    healthDetails: healthOf(spec.key),
    residenceDetails: residenceOf(spec.key),
  });
  requestIds[spec.key] = r.id;
  references.push(r.reference);

  for (const round of spec.rounds) {
    await db.transaction().execute((tx) =>
      sendOffers(
        tx,
        r.id,
        round.to.map((k) => partners[k].id),
        { userId: counselor.id },
      ),
    );
    if (!round.then) continue;
    const [action, k] = round.then;
    const p = partners[k];
    const offerId = await offerOf(r.id, p.id);
    if (action === 'accept') {
      expect(await acceptOffer(offerId, { id: p.userId, partnerId: p.id })).toEqual({ ok: true });
    } else if (action === 'decline') {
      expect(await declineOffer(offerId, { id: p.userId, partnerId: p.id }, DECLINE_REASON)).toBe(
        true,
      );
    } else {
      await sql`update offer set respond_by = now() - interval '1 minute' where id = ${offerId}`.execute(
        db,
      );
      expect(await expireOffers()).toBe(1);
    }
  }
  if (spec.end === 'cancelled') {
    await db
      .transaction()
      .execute((tx) => cancelRequest(tx, r.id, CANCEL_REASON, { userId: counselor.id }));
  }

  // Now the fixed, far-future timestamps.
  const created = tokyo(spec.at);
  await sql`update accompaniment_request set created_at = ${created}, updated_at = ${created}
    where id = ${r.id}`.execute(db);
  for (const round of spec.rounds) {
    for (const k of round.to) {
      await sql`update offer set sent_at = ${plusMinutes(created, round.after)}
        where request_id = ${r.id} and partner_id = ${partners[k].id}`.execute(db);
    }
  }
  if (spec.acceptedAfter !== undefined) {
    await sql`update accompaniment_request set accepted_at = ${plusMinutes(created, spec.acceptedAfter)}
      where id = ${r.id}`.execute(db);
  }
  const twoDaysLater = plusMinutes(created, 2 * 24 * 60);
  if (spec.end === 'completed') {
    await sql`update accompaniment_request set status = 'completed', completed_at = ${twoDaysLater}
      where id = ${r.id}`.execute(db);
  } else if (spec.end === 'closed') {
    await sql`update accompaniment_request set status = 'closed', completed_at = ${twoDaysLater},
      closed_at = ${plusMinutes(twoDaysLater, 60)} where id = ${r.id}`.execute(db);
  } else if (spec.end === 'in_progress') {
    await sql`update accompaniment_request set status = 'in_progress' where id = ${r.id}`.execute(
      db,
    );
  } else if (spec.end === 'cancelled') {
    await sql`update accompaniment_request set cancelled_at = ${plusMinutes(created, 24 * 60)}
      where id = ${r.id}`.execute(db);
  }
}

/** An approved (or other) visit, on a Tokyo date between two Tokyo times. */
async function visit(
  partner: 'A' | 'B',
  request: string,
  date: string,
  start: string,
  end: string,
  status: 'approved' | 'submitted' | 'withdrawn' = 'approved',
) {
  await db
    .insertInto('visit')
    .values({
      request_id: requestIds[request],
      partner_id: partners[partner].id,
      visit_date: date,
      starts_at: tokyo(`${date}T${start}`),
      ends_at: tokyo(`${date}T${end}`),
      place: `RPT-PLACE-${request} 天草中央総合病院`,
      activities: `RPT-ACTIVITIES-${request} 診察に同行し通訳した`,
      outcome: `RPT-OUTCOME-${request} 次回受診日が決まった`,
      confidential_note: `RPT-NOTE-${request} 職場での暴言`,
      status,
      reviewed_by: status === 'approved' ? counselor.id : null,
      reviewed_at: status === 'approved' ? new Date() : null,
    })
    .execute();
}

let shelterId: string;
async function stay(request: string, checkIn: string, checkOut: string, beds: number) {
  await db
    .insertInto('shelter_stay')
    .values({
      shelter_id: shelterId,
      request_id: requestIds[request],
      partner_id: partners.A.id,
      beds,
      check_in: checkIn,
      check_out: checkOut,
    })
    .execute();
}

let statementSeq = 0;
async function statement(
  partner: 'A' | 'B' | 'E',
  month: string,
  status: 'paid' | 'approved' | 'draft' | 'void',
  paidOn: string | null,
  transfer: number,
) {
  statementSeq += 1;
  await db
    .insertInto('payment_statement')
    .values({
      reference: `RPT-STMT-${String(statementSeq).padStart(3, '0')}`,
      partner_id: partners[partner].id,
      month,
      status,
      withholding_applies: false,
      // No tax and no withholding: total = transfer, so "amount paid" is unambiguous.
      subtotal: transfer,
      taxable_base: transfer,
      total: transfer,
      transfer,
      approved_at: status === 'paid' || status === 'approved' ? tokyo(`${month}-28T10:00`) : null,
      voided_at: status === 'void' ? new Date() : null,
      void_reason: status === 'void' ? 'RPT-VOID-REASON' : null,
      paid_on: paidOn,
      payment_result: status === 'paid' ? 'paid' : null,
    })
    .execute();
}

async function trainingSession(
  startsAt: string,
  status: 'held' | 'cancelled' | 'scheduled',
  registrations: {
    user: { id: string };
    partner: 'A' | 'B' | 'D' | 'E';
    attendance: 'attended' | 'absent' | 'excused' | null;
    cancelled?: boolean;
  }[],
) {
  const start = tokyo(startsAt);
  const { id } = await db
    .insertInto('training_session')
    .values({
      title: TRAINING_TITLE,
      starts_at: start,
      ends_at: plusMinutes(start, 180),
      venue: 'RPT-VENUE 天草市民センター',
      instructor: 'RPT-INSTRUCTOR 佐藤',
      capacity: 30,
      registration_deadline: plusMinutes(start, -24 * 60),
      status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const r of registrations) {
    await db
      .insertInto('training_registration')
      .values({
        session_id: id,
        user_id: r.user.id,
        partner_id: partners[r.partner].id,
        status: r.cancelled ? 'cancelled' : 'registered',
        attendance: r.attendance,
      })
      .execute();
  }
}

beforeAll(async () => {
  // Whatever partners already exist count in "active"/"trained" (these are not period-bound):
  // measure them first, and the periods' emptiness.
  baseline.fy2081 = await report('FY2081');
  baseline.fy2082 = await report('FY2082');

  counselor = (await makeUser(db, {
    role: 'counselor',
    email: 'rpt-counselor@example.org',
    name: COUNSELOR_NAME,
  }))!;
  partners.A = await makeDispatchablePartner('RPT-A', 0);
  partners.B = await makeDispatchablePartner('RPT-B', 1);
  partners.D = await makeDispatchablePartner('RPT-D', 2);
  partners.E = await makeDispatchablePartner('RPT-E', 3);
  partnerA2 = (await makeUser(db, {
    role: 'partner',
    partnerId: partners.A.id,
    email: 'rpt-a2@partner.example.org',
    name: 'RPT-A2 鈴木一郎',
  }))!;
  // A and B can take every request of the fixture (languages, specialties).
  await sql`update partner set
      languages = array['ja','vi','ne','tl','pt','zh'],
      specialties = array['hospital','police','school','immigration','labor']
    where id in (${partners.A.id}, ${partners.B.id})`.execute(db);

  for (const spec of SPECS) await build(spec);

  // Kinds, statuses and training (set last: a trained partner switches the "trained only"
  // dispatch rule on, which the offers above do not need).
  //   A npo, active, trained until 2090-03-31                → active, trained
  //   B lawyer, active, trained until 2082-03-31 (the last day of FY2081)
  //                                                          → active, trained through FY2081
  //   D individual, suspended, trained until 2090-03-31      → neither (not active)
  //   E international_association, active, trained until 2030-03-31 (long lapsed)
  //                                                          → active, not trained
  const setPartner = (k: 'A' | 'B' | 'D' | 'E', kind: string, status: string, until: string) =>
    sql`update partner set kind = ${kind}, status = ${status}, trained_until = ${until}::date
      where id = ${partners[k].id}`.execute(db);
  await setPartner('A', 'npo', 'active', '2090-03-31');
  await setPartner('B', 'lawyer', 'active', '2082-03-31');
  await setPartner('D', 'individual', 'suspended', '2090-03-31');
  await setPartner('E', 'international_association', 'active', '2030-03-31');

  // Visits (hours = ends − starts):
  //   V1 A R01 2081-04-01 10:00–12:00 approved  2 h       FY2081 Q1, month 2081-04
  //   V2 A R04 2081-05-26 09:30–12:00 approved  2.5 h     Q1
  //   V3 A R06 2081-06-30 13:00–14:30 approved  1.5 h     Q1, month 2081-06
  //   V4 B R07 2081-07-02 10:00–11:00 approved  1 h       Q2
  //   V5 B R10 2082-03-31 09:00–12:20 approved  3 h 20 m  Q4
  //   V6 A R08 2081-08-05 10:00–14:00 submitted           (not approved: excluded)
  //   V7 A R06 2081-09-01 10:00–13:00 withdrawn           (excluded)
  //   V8 A X01 2081-03-31 10:00–12:00 approved  2 h       FY2080 only
  //   V9 B R10 2082-04-01 10:00–12:00 approved  2 h       FY2082 only
  // FY2081: 5 approved, 2 + 2.5 + 1.5 + 1 + 3.333… = 10.333… h → 10.3
  // Q1: 3 approved, 2 + 2.5 + 1.5 = 6 h
  await visit('A', 'R01', '2081-04-01', '10:00', '12:00');
  await visit('A', 'R04', '2081-05-26', '09:30', '12:00');
  await visit('A', 'R06', '2081-06-30', '13:00', '14:30');
  await visit('B', 'R07', '2081-07-02', '10:00', '11:00');
  await visit('B', 'R10', '2082-03-31', '09:00', '12:20');
  await visit('A', 'R08', '2081-08-05', '10:00', '14:00', 'submitted');
  await visit('A', 'R06', '2081-09-01', '10:00', '13:00', 'withdrawn');
  await visit('A', 'X01', '2081-03-31', '10:00', '12:00');
  await visit('B', 'R10', '2082-04-01', '10:00', '12:00');

  // Shelter stays (a night is the date slept; check-out day not a night):
  //   S1 R01 2081-03-29 → 2081-04-03, 2 beds: nights 03-29, 03-30, 03-31 | 04-01, 04-02
  //        FY2080: 3 × 2 = 6; FY2081 (and Q1, month 2081-04): 2 × 2 = 4
  //   S2 R06 2081-06-29 → 2081-07-02, 3 beds: nights 06-29, 06-30 | 07-01
  //        FY2081: 3 × 3 = 9; Q1 (and month 2081-06): 2 × 3 = 6; Q2: 1 × 3 = 3
  //   S3 R12 2082-03-30 → 2082-04-02, 1 bed: nights 03-30, 03-31 | 04-01
  //        FY2081 (and Q4): 2 × 1 = 2; FY2082: 1
  //   S4 X02 2082-04-05 → 2082-04-07, 4 beds: FY2082 only, 2 × 4 = 8
  //   S5 X01 2081-02-01 → 2081-04-01, 5 beds: last night 03-31; FY2080: (28 + 31) × 5 = 295
  // FY2081: 4 + 9 + 2 = 15; Q1: 4 + 6 = 10; Q2: 3; Q3: 0; Q4: 2
  // FY2080: 6 + 295 = 301; FY2082: 1 + 8 = 9
  shelterId = (
    await db
      .insertInto('shelter')
      .values({
        partner_id: partners.A.id,
        name: SHELTER_NAME,
        capacity: 10,
        accepts: ['women', 'men', 'families'],
        municipality_code: AMAKUSA,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await stay('R01', '2081-03-29', '2081-04-03', 2);
  await stay('R06', '2081-06-29', '2081-07-02', 3);
  await stay('R12', '2082-03-30', '2082-04-02', 1);
  await stay('X02', '2082-04-05', '2082-04-07', 4);
  await stay('X01', '2081-02-01', '2081-04-01', 5);

  // Payment statements, counted by paid_on:
  //   A (npo)    2080-12 paid 2081-03-31   1,111   FY2080
  //   A          2081-03 paid 2081-04-25  12,000   Q1   (an earlier month, paid in the period)
  //   A          2081-04 paid 2081-05-26  15,500   Q1
  //   A          2081-05 paid 2081-06-25   8,000   Q1
  //   A          2081-06 paid 2081-07-25  20,000   Q2
  //   A          2081-07 approved, unpaid  3,333   (excluded)
  //   A          2082-02 paid 2082-03-31   9,500   Q4
  //   A          2082-03 paid 2082-04-01   7,777   FY2082
  //   B (lawyer) 2081-08 paid 2081-09-25  30,000   Q2
  //   B          2081-09 paid 2081-10-25  45,000   Q3
  //   B          2081-10 draft             4,444   (excluded)
  //   E (intl.)  2081-05 void              5,555   (excluded)
  // FY2081: npo 12,000 + 15,500 + 8,000 + 20,000 + 9,500 = 65,000 in 5 statements;
  //         lawyer 30,000 + 45,000 = 75,000 in 2 → ordered lawyer, npo (amount desc)
  // Q1: npo 12,000 + 15,500 + 8,000 = 35,500 in 3. Q2: lawyer 30,000 (1), npo 20,000 (1).
  await statement('A', '2080-12', 'paid', '2081-03-31', 1111);
  await statement('A', '2081-03', 'paid', '2081-04-25', 12000);
  await statement('A', '2081-04', 'paid', '2081-05-26', 15500);
  await statement('A', '2081-05', 'paid', '2081-06-25', 8000);
  await statement('A', '2081-06', 'paid', '2081-07-25', 20000);
  await statement('A', '2081-07', 'approved', null, 3333);
  await statement('A', '2082-02', 'paid', '2082-03-31', 9500);
  await statement('A', '2082-03', 'paid', '2082-04-01', 7777);
  await statement('B', '2081-08', 'paid', '2081-09-25', 30000);
  await statement('B', '2081-09', 'paid', '2081-10-25', 45000);
  await statement('B', '2081-10', 'draft', null, 4444);
  await statement('E', '2081-05', 'void', null, 5555);

  // Training sessions (Tokyo start):
  //   T1 2081-04-01 00:30 held: A attended, B attended, E absent, D cancelled → FY2081 Q1
  //      (2081-03-31 15:30 UTC: a UTC reading would put it in FY2080)
  //   T2 2081-10-20 13:30 held: A attended, A's second user attended, D excused → Q3
  //   T3 2081-11-01 10:00 cancelled (an "attended" row on it must not count)
  //   T4 2081-12-01 10:00 scheduled (registered, no attendance yet)
  //   T5 2082-04-01 00:30 held: B attended → FY2082
  //   T6 2081-03-31 23:30 held: E attended → FY2080
  // FY2081: held 2 (T1, T2); attended 2 + 2 = 4; partners attending {A, B} = 2
  // Q1: held 1, attended 2, partners 2. Q3: held 1, attended 2, partners 1 (A).
  const u = (k: 'A' | 'B' | 'D' | 'E') => ({ id: partners[k].userId });
  await trainingSession('2081-04-01T00:30', 'held', [
    { user: u('A'), partner: 'A', attendance: 'attended' },
    { user: u('B'), partner: 'B', attendance: 'attended' },
    { user: u('E'), partner: 'E', attendance: 'absent' },
    { user: u('D'), partner: 'D', attendance: null, cancelled: true },
  ]);
  await trainingSession('2081-10-20T13:30', 'held', [
    { user: u('A'), partner: 'A', attendance: 'attended' },
    { user: partnerA2, partner: 'A', attendance: 'attended' },
    { user: u('D'), partner: 'D', attendance: 'excused' },
  ]);
  await trainingSession('2081-11-01T10:00', 'cancelled', [
    { user: u('A'), partner: 'A', attendance: 'attended' },
  ]);
  await trainingSession('2081-12-01T10:00', 'scheduled', [
    { user: u('B'), partner: 'B', attendance: null },
  ]);
  await trainingSession('2082-04-01T00:30', 'held', [
    { user: u('B'), partner: 'B', attendance: 'attended' },
  ]);
  await trainingSession('2081-03-31T23:30', 'held', [
    { user: u('E'), partner: 'E', attendance: 'attended' },
  ]);
}, 120_000);

describe('parsePeriod', () => {
  it('reads a month, with `to` the first day of the next month', () => {
    expect(parsePeriod('2081-06')).toEqual({
      kind: 'month',
      key: '2081-06',
      from: '2081-06-01',
      to: '2081-07-01',
      label: { ja: '2081年6月', en: '2081-06' },
    });
    expect(parsePeriod('2081-12')).toMatchObject({ from: '2081-12-01', to: '2082-01-01' });
    expect(parsePeriod('2081-01')).toMatchObject({ from: '2081-01-01', to: '2081-02-01' });
  });

  it('reads fiscal quarters: Q1 is April–June, Q4 is January–March of the next year', () => {
    expect(parsePeriod('FY2081-Q1')).toEqual({
      kind: 'quarter',
      key: 'FY2081-Q1',
      from: '2081-04-01',
      to: '2081-07-01',
      label: { ja: '2081年度 第1四半期', en: 'FY2081 Q1' },
    });
    expect(parsePeriod('FY2081-Q2')).toMatchObject({ from: '2081-07-01', to: '2081-10-01' });
    expect(parsePeriod('FY2081-Q3')).toMatchObject({ from: '2081-10-01', to: '2082-01-01' });
    expect(parsePeriod('FY2081-Q4')).toMatchObject({
      kind: 'quarter',
      from: '2082-01-01',
      to: '2082-04-01',
      label: { ja: '2081年度 第4四半期', en: 'FY2081 Q4' },
    });
  });

  it('reads a fiscal year, April to April', () => {
    expect(parsePeriod('FY2081')).toEqual({
      kind: 'year',
      key: 'FY2081',
      from: '2081-04-01',
      to: '2082-04-01',
      label: { ja: '2081年度', en: 'FY2081' },
    });
  });

  it.each([
    '',
    '2081',
    '2081-13',
    '2081-00',
    '2081-6',
    '2081/06',
    ' 2081-06',
    '2081-06 ',
    '2081-06-01',
    'FY2081-Q0',
    'FY2081-Q5',
    'FY2081Q1',
    'FY2081-q1',
    'fy2081',
    'FY81',
    'FY2081-',
    'FY2081-Q1x',
    'Q1-FY2081',
  ])('refuses %j', (key) => {
    expect(parsePeriod(key)).toBeNull();
  });

  it('names the fiscal quarter of a Tokyo date', () => {
    expect(quarterKeyOf('2081-04-01')).toBe('FY2081-Q1');
    expect(quarterKeyOf('2081-06-30')).toBe('FY2081-Q1');
    expect(quarterKeyOf('2081-07-01')).toBe('FY2081-Q2');
    expect(quarterKeyOf('2081-12-31')).toBe('FY2081-Q3');
    expect(quarterKeyOf('2082-01-01')).toBe('FY2081-Q4');
    expect(quarterKeyOf('2082-03-31')).toBe('FY2081-Q4');
    expect(quarterKeyOf('2082-04-01')).toBe('FY2082-Q1');
  });
});

describe('activityReport (internal, exact figures)', () => {
  it('had nothing in the fixture periods before the fixture', () => {
    expect(baseline.fy2081!.requests.total).toBe(0);
    expect(baseline.fy2082!.requests.total).toBe(0);
  });

  it('gives the exact figures of fiscal year 2081', async () => {
    const r = await report('FY2081');
    expect(r.period).toEqual(period('FY2081'));
    expect(r.requests).toEqual({
      // R01–R12; X01 (2081-03-31 23:59) and X02 (2082-04-01 00:00) are outside.
      total: 12,
      // hospital R01 R02 R04 R06 R08 R10 R12 = 7; police R03 R07 R11 = 3; school R05 R09 = 2
      byCategory: [
        { key: 'hospital', n: 7 },
        { key: 'police', n: 3 },
        { key: 'school', n: 2 },
      ],
      // vi R01 R02 R04 R07 R10 R12 = 6; ne R03 R06 R08 R11 = 4; tl R05 R09 = 2
      byLanguage: [
        { key: 'vi', n: 6 },
        { key: 'ne', n: 4 },
        { key: 'tl', n: 2 },
      ],
      // normal R01 R03 R04 R07 R10 R12 = 6; urgent R02 R05 R08 R09 R11 = 5; emergency R06 = 1
      byUrgency: [
        { key: 'normal', n: 6 },
        { key: 'urgent', n: 5 },
        { key: 'emergency', n: 1 },
      ],
      // 熊本県 (Amakusa R01 R04 R08 R12, Kumamoto city R02 R06 R10) = 7;
      // 長崎県 R03 R05 R07 R09 R11 = 5
      byPrefecture: [
        { key: '熊本県', n: 7 },
        { key: '長崎県', n: 5 },
      ],
      outcomes: {
        // every request but R05 and R12 got an offer: 12 − 2 = 10
        dispatched: 10,
        // R01 R02 R04 R06 R07 R10 R11 = 7
        accepted: 7,
        // completed R01 R04 R07 R10 + closed R02 = 5
        completed: 5,
        // R05 R09 = 2
        cancelled: 2,
      },
    });
    expect(r.timing).toEqual({
      // First offers (min sent_at − created_at), minutes: R01 10, R02 5, R03 30, R04 40, R06 15,
      // R07 60, R08 120, R09 240, R10 20, R11 90 → sorted 5 10 15 20 30 40 60 90 120 240 (n 10).
      // percentile_cont(0.5): position 1 + 0.5 × 9 = 5.5 → (30 + 40) / 2 = 35
      // percentile_cont(0.9): position 1 + 0.9 × 9 = 9.1 → 120 + 0.1 × (240 − 120) = 132
      toFirstOffer: { n: 10, medianMinutes: 35, p90Minutes: 132 },
      // Acceptance: R01 30, R02 45, R04 60, R06 90, R07 120, R10 180, R11 600 (n 7)
      // median: position 4 → 90; p90: position 1 + 0.9 × 6 = 6.4 → 180 + 0.4 × 420 = 348
      toAcceptance: { n: 7, medianMinutes: 90, p90Minutes: 348 },
    });
    expect(r.offers).toEqual({
      // R01 1, R02 2, R03 2, R04 2, R06 1, R07 1, R08 1, R09 1, R10 1, R11 2 = 14
      total: 14,
      // R01A R02B R04A R06A R07B R10B R11A
      accepted: 7,
      // R02A R03B
      declined: 2,
      // R03A R11B
      expired: 2,
      // R04B (another partner accepted), R09A (request cancelled)
      withdrawn: 2,
      // R08A
      pending: 1,
    });
    expect(r.visits).toEqual({ approved: 5, hours: 10.3, shelterNights: 15 });
    expect(r.paid).toEqual([
      { kind: 'lawyer', amount: 75000, statements: 2 },
      { kind: 'npo', amount: 65000, statements: 5 },
    ]);
    expect(r.partners).toEqual({
      // A, B, E active (D suspended)
      active: baseline.fy2081!.partners.active + 3,
      // A (until 2090), B (until 2082-03-31, the last day); not E (lapsed 2030), not D (suspended)
      trained: baseline.fy2081!.partners.trained + 2,
      // accepted partners of FY2081 requests: A (R01 R04 R06 R11), B (R02 R07 R10)
      withRequests: 2,
    });
    expect(r.training).toEqual({ sessionsHeld: 2, attended: 4, partnersAttending: 2 });
    // By Tokyo creation month, accepted = accepted_at set:
    //   04: R01 R02 (both accepted); 05: R03 R04 (R04); 06: R05 R06 (R06); 07: R07 (R07);
    //   08: R08; 09: R09; 11: R10 (R10); 2082-02: R11 (R11); 2082-03: R12
    expect(r.monthly).toEqual([
      { month: '2081-04', requests: 2, accepted: 2 },
      { month: '2081-05', requests: 2, accepted: 1 },
      { month: '2081-06', requests: 2, accepted: 1 },
      { month: '2081-07', requests: 1, accepted: 1 },
      { month: '2081-08', requests: 1, accepted: 0 },
      { month: '2081-09', requests: 1, accepted: 0 },
      { month: '2081-11', requests: 1, accepted: 1 },
      { month: '2082-02', requests: 1, accepted: 1 },
      { month: '2082-03', requests: 1, accepted: 0 },
    ]);
  });

  it('gives the exact figures of the first quarter (to 2081-06-30 23:59 Tokyo)', async () => {
    const r = await report('FY2081-Q1');
    expect(r.requests).toEqual({
      // R01–R06: R06 at 2081-06-30 23:30 Tokyo (14:30 UTC) is in; R07 at 2081-07-01 00:10 Tokyo
      // (2081-06-30 15:10 UTC) is not.
      total: 6,
      // hospital R01 R02 R04 R06; police R03; school R05
      byCategory: [
        { key: 'hospital', n: 4 },
        { key: 'police', n: 1 },
        { key: 'school', n: 1 },
      ],
      // vi R01 R02 R04; ne R03 R06; tl R05
      byLanguage: [
        { key: 'vi', n: 3 },
        { key: 'ne', n: 2 },
        { key: 'tl', n: 1 },
      ],
      // normal R01 R03 R04; urgent R02 R05; emergency R06
      byUrgency: [
        { key: 'normal', n: 3 },
        { key: 'urgent', n: 2 },
        { key: 'emergency', n: 1 },
      ],
      // 熊本県 R01 R02 R04 R06; 長崎県 R03 R05
      byPrefecture: [
        { key: '熊本県', n: 4 },
        { key: '長崎県', n: 2 },
      ],
      // dispatched all but R05; accepted R01 R02 R04 R06; completed R01 R02 R04; cancelled R05
      outcomes: { dispatched: 5, accepted: 4, completed: 3, cancelled: 1 },
    });
    expect(r.timing).toEqual({
      // 10, 5, 30, 40, 15 → 5 10 15 30 40: median 15; p90 position 4.6 → 30 + 0.6 × 10 = 36
      toFirstOffer: { n: 5, medianMinutes: 15, p90Minutes: 36 },
      // 30 45 60 90: median position 2.5 → 52.5 → rounded 53; p90 position 3.7 → 60 + 0.7 × 30 = 81
      toAcceptance: { n: 4, medianMinutes: 53, p90Minutes: 81 },
    });
    // R01A acc; R02A decl, R02B acc; R03A exp, R03B decl; R04A acc, R04B withdrawn; R06A acc
    expect(r.offers).toEqual({
      total: 8,
      accepted: 4,
      declined: 2,
      expired: 1,
      withdrawn: 1,
      pending: 0,
    });
    // V1 2 h + V2 2.5 h + V3 1.5 h; nights S1 4 + S2 6
    expect(r.visits).toEqual({ approved: 3, hours: 6, shelterNights: 10 });
    expect(r.paid).toEqual([{ kind: 'npo', amount: 35500, statements: 3 }]);
    // A (R01 R04 R06), B (R02)
    expect(r.partners.withRequests).toBe(2);
    // T1 only (2081-04-01 00:30 Tokyo)
    expect(r.training).toEqual({ sessionsHeld: 1, attended: 2, partnersAttending: 2 });
    expect(r.monthly).toEqual([
      { month: '2081-04', requests: 2, accepted: 2 },
      { month: '2081-05', requests: 2, accepted: 1 },
      { month: '2081-06', requests: 2, accepted: 1 },
    ]);
  });

  it('gives the second quarter from 2081-07-01 00:00 Tokyo', async () => {
    const r = await report('FY2081-Q2');
    // R07 (07-01 00:10), R08, R09
    expect(r.requests.total).toBe(3);
    expect(r.requests.byCategory).toEqual([
      { key: 'hospital', n: 1 },
      { key: 'police', n: 1 },
      { key: 'school', n: 1 },
    ]);
    expect(r.requests.byUrgency).toEqual([
      { key: 'urgent', n: 2 },
      { key: 'normal', n: 1 },
    ]);
    expect(r.requests.byPrefecture).toEqual([
      { key: '長崎県', n: 2 },
      { key: '熊本県', n: 1 },
    ]);
    expect(r.requests.outcomes).toEqual({ dispatched: 3, accepted: 1, completed: 1, cancelled: 1 });
    // 60 120 240: median 120; p90 position 2.8 → 120 + 0.8 × 120 = 216
    expect(r.timing.toFirstOffer).toEqual({ n: 3, medianMinutes: 120, p90Minutes: 216 });
    expect(r.timing.toAcceptance).toEqual({ n: 1, medianMinutes: 120, p90Minutes: 120 });
    expect(r.offers).toEqual({
      total: 3,
      accepted: 1,
      declined: 0,
      expired: 0,
      withdrawn: 1,
      pending: 1,
    });
    // V4 1 h (V6 submitted, V7 withdrawn); S2's night of 07-01 × 3 beds
    expect(r.visits).toEqual({ approved: 1, hours: 1, shelterNights: 3 });
    expect(r.paid).toEqual([
      { kind: 'lawyer', amount: 30000, statements: 1 },
      { kind: 'npo', amount: 20000, statements: 1 },
    ]);
    expect(r.training).toEqual({ sessionsHeld: 0, attended: 0, partnersAttending: 0 });
    expect(r.monthly.map((m) => m.month)).toEqual(['2081-07', '2081-08', '2081-09']);
  });

  it('gives the third and fourth quarters (Q4 = January–March 2082)', async () => {
    const q3 = await report('FY2081-Q3');
    expect(q3.requests.total).toBe(1); // R10
    expect(q3.paid).toEqual([{ kind: 'lawyer', amount: 45000, statements: 1 }]);
    // T2 (A twice; D excused); T3 cancelled, T4 scheduled
    expect(q3.training).toEqual({ sessionsHeld: 1, attended: 2, partnersAttending: 1 });
    expect(q3.visits).toEqual({ approved: 0, hours: 0, shelterNights: 0 });

    const q4 = await report('FY2081-Q4');
    expect(q4.requests.total).toBe(2); // R11, R12 (2082-03-31 23:59 Tokyo = 14:59 UTC)
    expect(q4.requests.byCategory).toEqual([
      { key: 'hospital', n: 1 },
      { key: 'police', n: 1 },
    ]);
    expect(q4.timing.toAcceptance).toEqual({ n: 1, medianMinutes: 600, p90Minutes: 600 });
    // V5 3 h 20 min → 3.3; S3 2 nights × 1 bed
    expect(q4.visits).toEqual({ approved: 1, hours: 3.3, shelterNights: 2 });
    expect(q4.paid).toEqual([{ kind: 'npo', amount: 9500, statements: 1 }]);
  });

  it('gives months by Tokyo date, at both edges', async () => {
    // R01 at 2081-04-01 00:00 Tokyo (2081-03-31 15:00 UTC) belongs to April
    const apr = await report('2081-04');
    expect(apr.requests.total).toBe(2);
    expect(apr.visits).toEqual({ approved: 1, hours: 2, shelterNights: 4 });
    expect(apr.paid).toEqual([{ kind: 'npo', amount: 12000, statements: 1 }]);
    expect(apr.training.sessionsHeld).toBe(1);

    // R05 and R06 (23:30 on the 30th); V3 only; S2's nights of 06-29 and 06-30 × 3 beds
    const jun = await report('2081-06');
    expect(jun.requests.total).toBe(2);
    expect(jun.requests.byUrgency).toEqual([
      { key: 'emergency', n: 1 },
      { key: 'urgent', n: 1 },
    ]);
    expect(jun.visits).toEqual({ approved: 1, hours: 1.5, shelterNights: 6 });

    // R07 only (00:10 on the 1st)
    const jul = await report('2081-07');
    expect(jul.requests.total).toBe(1);
    expect(jul.requests.byCategory).toEqual([{ key: 'police', n: 1 }]);
    expect(jul.monthly).toEqual([{ month: '2081-07', requests: 1, accepted: 1 }]);

    // X01 at 2081-03-31 23:59 Tokyo belongs to March 2081 (and FY2080), nothing else does
    const mar = await report('2081-03');
    expect(mar.requests.total).toBe(1);
    expect(mar.requests.byCategory).toEqual([{ key: 'immigration', n: 1 }]);
  });

  it('keeps the rows just outside FY2081 in the neighbouring years', async () => {
    const before = await report('FY2080');
    expect(before.requests.total).toBe(1); // X01
    expect(before.requests.byLanguage).toEqual([{ key: 'pt', n: 1 }]);
    expect(before.timing).toEqual({
      toFirstOffer: { n: 1, medianMinutes: 1, p90Minutes: 1 },
      toAcceptance: { n: 1, medianMinutes: 3, p90Minutes: 3 },
    });
    // V8; S1 6 + S5 295; A's 2080-12 statement; T6 (2081-03-31 23:30 Tokyo)
    expect(before.visits).toEqual({ approved: 1, hours: 2, shelterNights: 301 });
    expect(before.paid).toEqual([{ kind: 'npo', amount: 1111, statements: 1 }]);
    expect(before.training).toEqual({ sessionsHeld: 1, attended: 1, partnersAttending: 1 });

    const after = await report('FY2082');
    expect(after.requests.total).toBe(1); // X02
    expect(after.requests.byCategory).toEqual([{ key: 'labor_office', n: 1 }]);
    expect(after.offers).toMatchObject({ total: 1, declined: 1 });
    // V9; S3 1 + S4 8; A's 2082-03 statement; T5 (2082-04-01 00:30 Tokyo)
    expect(after.visits).toEqual({ approved: 1, hours: 2, shelterNights: 9 });
    expect(after.paid).toEqual([{ kind: 'npo', amount: 7777, statements: 1 }]);
    expect(after.training).toEqual({ sessionsHeld: 1, attended: 1, partnersAttending: 1 });
    // trained through 2083-03-31: A only (B's training ran out on 2082-03-31)
    expect(after.partners.trained).toBe(baseline.fy2082!.partners.trained + 1);
  });

  it('reports an empty period as zeros, without timings', async () => {
    const r = await report('2083-01');
    expect(r.requests).toEqual({
      total: 0,
      byCategory: [],
      byLanguage: [],
      byUrgency: [],
      byPrefecture: [],
      outcomes: { dispatched: 0, accepted: 0, completed: 0, cancelled: 0 },
    });
    expect(r.timing).toEqual({
      toFirstOffer: { n: 0, medianMinutes: null, p90Minutes: null },
      toAcceptance: { n: 0, medianMinutes: null, p90Minutes: null },
    });
    expect(r.visits).toEqual({ approved: 0, hours: 0, shelterNights: 0 });
    expect(r.paid).toEqual([]);
    expect(r.monthly).toEqual([]);
  });

  it('does not depend on the database session time zone', async () => {
    const expected = await report('FY2081');
    for (const zone of ['UTC', 'Pacific/Honolulu', 'Asia/Tokyo']) {
      const r = await db.transaction().execute(async (tx) => {
        await sql`select set_config('TimeZone', ${zone}, true)`.execute(tx);
        return activityReport(tx, period('FY2081'));
      });
      expect(r, zone).toEqual(expected);
    }
  });
});

describe('⚑ anonymity', () => {
  it('never carries a case code, name, reference, id or free text', async () => {
    const rows = await db
      .selectFrom('accompaniment_request')
      .select([
        'id',
        'reference',
        'case_code',
        'summary',
        'details',
        'health_details',
        'residence_details',
        'cancel_reason',
      ])
      .where('case_code', 'like', 'RPT-%')
      .execute();
    expect(rows).toHaveLength(SPECS.length);
    const partnerRows = await db
      .selectFrom('partner')
      .select(['id', 'name'])
      .where(
        'id',
        'in',
        Object.values(partners).map((p) => p.id),
      )
      .execute();
    const forbidden = [
      ...rows.flatMap((r) => [
        r.id,
        r.reference,
        r.case_code,
        r.summary,
        r.details,
        r.health_details,
        r.residence_details,
        r.cancel_reason ?? CANCEL_REASON,
      ]),
      ...references,
      ...partnerRows.flatMap((p) => [p.id, p.name]),
      ...Object.values(partners).map((p) => p.email),
      counselor.email,
      COUNSELOR_NAME,
      partnerA2.email,
      'RPT-A2 鈴木一郎',
      DECLINE_REASON,
      SHELTER_NAME,
      TRAINING_TITLE,
      'グエン',
      '090-1234-5678',
      // every free text of the fixture starts so: visits' place, notes, statements' references …
      'RPT',
      'REQ-',
    ];
    for (const key of ['FY2081', 'FY2081-Q1', '2081-06', 'FY2080', 'FY2082']) {
      const internal = await report(key);
      for (const [form, value] of [
        ['internal', internal],
        ['public', publicReport(internal)],
      ] as const) {
        const json = JSON.stringify(value);
        for (const s of forbidden) {
          expect(json.includes(s), `${form} ${key} report contains ${JSON.stringify(s)}`).toBe(
            false,
          );
        }
      }
    }
  });
});

describe('⚑ small cells: suppress and suppressCells', () => {
  it('hides counts 0–4 and shows 5 and more', () => {
    expect(SMALL_CELL).toBe(5);
    for (const n of [0, 1, 2, 3, 4]) expect(suppress(n)).toBe('<5');
    for (const n of [5, 6, 120]) expect(suppress(n)).toBe(n);
  });

  it('hides the next smallest cell when exactly one is hidden', () => {
    // d (2) is hidden; c (6) is the smallest of the rest, so it goes too: the total minus the
    // shown cells would otherwise give d away.
    expect(
      suppressCells([
        { key: 'a', n: 10 },
        { key: 'b', n: 7 },
        { key: 'c', n: 6 },
        { key: 'd', n: 2 },
      ]),
    ).toEqual([
      { key: 'a', n: 10 },
      { key: 'b', n: 7 },
      { key: 'c', n: '<5' },
      { key: 'd', n: '<5' },
    ]);
    // a zero is a small cell too
    expect(
      suppressCells([
        { key: 'a', n: 8 },
        { key: 'b', n: 0 },
      ]),
    ).toEqual([
      { key: 'a', n: '<5' },
      { key: 'b', n: '<5' },
    ]);
  });

  it('hides exactly one more cell on a tie, whatever the order of the input', () => {
    const cells = [
      { key: 'b', n: 6 },
      { key: 'a', n: 6 },
      { key: 'z', n: 9 },
      { key: 'c', n: 1 },
    ];
    const copy = structuredClone(cells);
    const out = suppressCells(cells);
    expect(cells).toEqual(copy); // the input is left alone
    expect(out.map((c) => c.key)).toEqual(['b', 'a', 'z', 'c']);
    expect(out.find((c) => c.key === 'c')!.n).toBe('<5');
    expect(out.find((c) => c.key === 'z')!.n).toBe(9);
    expect(out.filter((c) => c.n === '<5')).toHaveLength(2);
    const reversed = suppressCells([...cells].reverse());
    expect(new Set(reversed.filter((c) => c.n === '<5').map((c) => c.key))).toEqual(
      new Set(out.filter((c) => c.n === '<5').map((c) => c.key)),
    );
  });

  it('adds nothing when two or more cells are hidden already, or none', () => {
    expect(
      suppressCells([
        { key: 'a', n: 9 },
        { key: 'b', n: 4 },
        { key: 'c', n: 1 },
      ]),
    ).toEqual([
      { key: 'a', n: 9 },
      { key: 'b', n: '<5' },
      { key: 'c', n: '<5' },
    ]);
    expect(
      suppressCells([
        { key: 'a', n: 9 },
        { key: 'b', n: 5 },
      ]),
    ).toEqual([
      { key: 'a', n: 9 },
      { key: 'b', n: 5 },
    ]);
    expect(suppressCells([{ key: 'a', n: 3 }])).toEqual([{ key: 'a', n: '<5' }]);
    expect(suppressCells([])).toEqual([]);
  });
});

describe('⚑ publicReport (leaving the secretariat)', () => {
  it('shows fiscal year 2081 with small cells hidden, secondary suppression applied', async () => {
    const internal = await report('FY2081');
    const p = publicReport(internal);
    expect(p.period).toEqual(period('FY2081'));
    expect(p.requests).toEqual({
      total: 12,
      // police 3 and school 2 hidden: two cells, nothing more to hide
      byCategory: [
        { key: 'hospital', n: 7 },
        { key: 'police', n: '<5' },
        { key: 'school', n: '<5' },
      ],
      byLanguage: [
        { key: 'vi', n: 6 },
        { key: 'ne', n: '<5' },
        { key: 'tl', n: '<5' },
      ],
      // emergency 1 is the only small cell: urgent (5, the next smallest) is hidden too,
      // or 12 − 6 − 5 would give it away
      byUrgency: [
        { key: 'normal', n: 6 },
        { key: 'urgent', n: '<5' },
        { key: 'emergency', n: '<5' },
      ],
      // 7 and 5: nothing hidden
      byPrefecture: [
        { key: '熊本県', n: 7 },
        { key: '長崎県', n: 5 },
      ],
      // cancelled 2 is the only small cell: completed (5, next smallest) is hidden too
      outcomes: { dispatched: 10, accepted: 7, completed: '<5', cancelled: '<5' },
    });
    expect(p.timing).toEqual({
      toFirstOffer: { n: 10, medianMinutes: 35, p90Minutes: 132 },
      toAcceptance: { n: 7, medianMinutes: 90, p90Minutes: 348 },
    });
    expect(p.offers).toEqual({
      total: 14,
      accepted: 7,
      declined: '<5',
      expired: '<5',
      withdrawn: '<5',
      pending: '<5',
    });
    expect(p.visits).toEqual({ approved: 5, hours: 10.3, shelterNights: 15 });
    // lawyer: 2 statements → neither count nor amount; npo: 5 → both
    expect(p.paid).toEqual([
      { kind: 'lawyer', statements: '<5', amount: null },
      { kind: 'npo', statements: 5, amount: 65000 },
    ]);
    // partners and training are not request counts: exact
    expect(p.partners).toEqual(internal.partners);
    expect(p.training).toEqual({ sessionsHeld: 2, attended: 4, partnersAttending: 2 });
    expect(p.monthly).toEqual(
      internal.monthly.map((m) => ({ month: m.month, requests: '<5', accepted: '<5' })),
    );
  });

  it('hides timings based on fewer than 5 and amounts of fewer than 5 statements (Q1)', async () => {
    const internal = await report('FY2081-Q1');
    const p = publicReport(internal);
    expect(p.requests).toEqual({
      total: 6,
      byCategory: [
        { key: 'hospital', n: '<5' },
        { key: 'police', n: '<5' },
        { key: 'school', n: '<5' },
      ],
      byLanguage: [
        { key: 'vi', n: '<5' },
        { key: 'ne', n: '<5' },
        { key: 'tl', n: '<5' },
      ],
      byUrgency: [
        { key: 'normal', n: '<5' },
        { key: 'urgent', n: '<5' },
        { key: 'emergency', n: '<5' },
      ],
      byPrefecture: [
        { key: '熊本県', n: '<5' },
        { key: '長崎県', n: '<5' },
      ],
      outcomes: { dispatched: 5, accepted: '<5', completed: '<5', cancelled: '<5' },
    });
    expect(p.timing).toEqual({
      // n = 5: shown
      toFirstOffer: { n: 5, medianMinutes: 15, p90Minutes: 36 },
      // n = 4: hidden with its median and p90
      toAcceptance: { n: '<5', medianMinutes: null, p90Minutes: null },
    });
    expect(p.offers).toEqual({
      total: 8,
      accepted: '<5',
      declined: '<5',
      expired: '<5',
      withdrawn: '<5',
      pending: '<5', // 0
    });
    // 3 visits: count and hours hidden; 10 nights shown
    expect(p.visits).toEqual({ approved: '<5', hours: null, shelterNights: 10 });
    expect(p.paid).toEqual([{ kind: 'npo', statements: '<5', amount: null }]);

    // the internal report keeps the exact figures
    expect(internal.timing.toAcceptance).toEqual({ n: 4, medianMinutes: 53, p90Minutes: 81 });
    expect(internal.visits).toEqual({ approved: 3, hours: 6, shelterNights: 10 });
    expect(internal.paid).toEqual([{ kind: 'npo', amount: 35500, statements: 3 }]);
    expect(internal.requests.byCategory[0]).toEqual({ key: 'hospital', n: 4 });
  });

  it('turns zeros into "<5" too', async () => {
    const p = publicReport(await report('2083-01'));
    expect(p.requests.total).toBe('<5');
    expect(p.requests.outcomes).toEqual({
      dispatched: '<5',
      accepted: '<5',
      completed: '<5',
      cancelled: '<5',
    });
    expect(p.timing.toFirstOffer).toEqual({ n: '<5', medianMinutes: null, p90Minutes: null });
    expect(p.visits).toEqual({ approved: '<5', hours: null, shelterNights: '<5' });
  });

  it('applies the boundary at exactly 5 everywhere', () => {
    const base: ActivityReport = {
      period: period('FY2081'),
      requests: {
        total: 5,
        byCategory: [{ key: 'hospital', n: 5 }],
        byLanguage: [{ key: 'vi', n: 5 }],
        byUrgency: [{ key: 'normal', n: 5 }],
        byPrefecture: [{ key: '熊本県', n: 5 }],
        outcomes: { dispatched: 5, accepted: 5, completed: 5, cancelled: 5 },
      },
      timing: {
        toFirstOffer: { n: 5, medianMinutes: 12, p90Minutes: 30 },
        toAcceptance: { n: 4, medianMinutes: 40, p90Minutes: 70 },
      },
      offers: { total: 5, accepted: 5, declined: 4, expired: 0, withdrawn: 1, pending: 5 },
      visits: { approved: 4, hours: 7.5, shelterNights: 5 },
      paid: [
        { kind: 'npo', amount: 50000, statements: 5 },
        { kind: 'lawyer', amount: 40000, statements: 4 },
      ],
      partners: { active: 3, trained: 1, withRequests: 2 },
      training: { sessionsHeld: 1, attended: 2, partnersAttending: 1 },
      monthly: [{ month: '2081-04', requests: 5, accepted: 5 }],
    };
    const p = publicReport(base);
    expect(p.requests.total).toBe(5);
    expect(p.requests.byCategory).toEqual([{ key: 'hospital', n: 5 }]);
    expect(p.requests.outcomes).toEqual({ dispatched: 5, accepted: 5, completed: 5, cancelled: 5 });
    expect(p.timing.toFirstOffer).toEqual({ n: 5, medianMinutes: 12, p90Minutes: 30 });
    expect(p.timing.toAcceptance).toEqual({ n: '<5', medianMinutes: null, p90Minutes: null });
    expect(p.offers).toEqual({
      total: 5,
      accepted: 5,
      declined: '<5',
      expired: '<5',
      withdrawn: '<5',
      pending: 5,
    });
    expect(p.visits).toEqual({ approved: '<5', hours: null, shelterNights: 5 });
    expect(p.paid).toEqual([
      { kind: 'npo', statements: 5, amount: 50000 },
      { kind: 'lawyer', statements: '<5', amount: null },
    ]);
    expect(p.monthly).toEqual([{ month: '2081-04', requests: 5, accepted: 5 }]);
    // the input report is not altered
    expect(base.visits.hours).toBe(7.5);
    expect(base.timing.toAcceptance.medianMinutes).toBe(40);
  });

  it('does not let the shown offer total give a single hidden status away', async () => {
    const internal = await report('FY2081');
    // 27 offers: 9 accepted, 6 declined, 5 expired, 5 withdrawn, 2 pending. Only "pending" is
    // small; with the total shown, 27 − (9 + 6 + 5 + 5) = 2 would disclose it, so (as in every
    // breakdown) one more status has to be hidden — or the total.
    const p = publicReport({
      ...internal,
      offers: { total: 27, accepted: 9, declined: 6, expired: 5, withdrawn: 5, pending: 2 },
    });
    expect(p.offers.pending).toBe('<5');
    const statuses = ['accepted', 'declined', 'expired', 'withdrawn', 'pending'] as const;
    const hidden = statuses.filter((s) => p.offers[s] === '<5');
    expect(
      p.offers.total === '<5' || hidden.length >= 2,
      `offers shown as ${JSON.stringify(p.offers)}`,
    ).toBe(true);
  });
});

describe('⚑ publicReport: the monthly breakdown', () => {
  // FY2083 Q1: six requests in April 2083 and one in May 2083, none accepted.
  beforeAll(async () => {
    const dates = [
      '2083-04-02T10:00',
      '2083-04-05T10:00',
      '2083-04-09T10:00',
      '2083-04-15T10:00',
      '2083-04-20T10:00',
      '2083-04-30T23:45',
      '2083-05-10T10:00',
    ];
    for (const [i, at] of dates.entries()) {
      const key = `M${String(i + 1).padStart(2, '0')}`;
      const r = await makeRequest(counselor.id, {
        caseCode: caseCode(key),
        summary: summaryOf(key),
        details: detailsOf(key),
      });
      await sql`update accompaniment_request set created_at = ${tokyo(at)} where id = ${r.id}`.execute(
        db,
      );
    }
  });

  it('hides a second month when exactly one month is hidden', async () => {
    const internal = await report('FY2083-Q1');
    expect(internal.requests.total).toBe(7);
    expect(internal.monthly).toEqual([
      { month: '2083-04', requests: 6, accepted: 0 },
      { month: '2083-05', requests: 1, accepted: 0 },
    ]);
    const p = publicReport(internal);
    // The total (7) is shown, so showing April's 6 would give May's single request away:
    // the monthly breakdown is a breakdown of requests like any other, and May being the only
    // hidden month, April (the next smallest) must be hidden too.
    expect(p.requests.total).toBe(7);
    expect(p.monthly).toEqual([
      { month: '2083-04', requests: '<5', accepted: '<5' },
      { month: '2083-05', requests: '<5', accepted: '<5' },
    ]);
  });
});
