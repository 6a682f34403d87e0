import { sql } from 'kysely';
import type { Locale, VisitStatus } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { formatDate } from '~/lib/format';
import { keysetPage, type PageRequest, type SortKey } from '~/lib/keyset.server';
import { audit } from '~/modules/audit/audit.server';
import { sharedWithPartner } from '~/modules/dispatch/consent.server';
import { recordEvent } from '~/modules/dispatch/requests.server';
import { DomainError } from '~/modules/errors';
import { storeUpload } from '~/modules/files/files.server';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { partnerRecipients } from '~/modules/mail/recipients.server';
import { isUuid, tokyoToday, type Viewer } from '~/modules/partners/partners.server';
import { REVIEW_PAGE_SIZE, WORKING_STATUSES } from './codes';
import { tokyoInstant, type StayStartInput, type VisitInput } from './visit-schema';

const EDITABLE: VisitStatus[] = ['submitted', 'returned'];

type PartnerActor = { userId: string; partnerId: string; ip?: string | null };
type StaffActor = { userId: string; ip?: string | null };
type Upload = { name: string; bytes: Uint8Array } | null;

/**
 * Locks the request a partner is working on. Anything else — another partner's request, an
 * unknown id — is "not found", never a hint that it exists.
 */
async function lockCaseForPartner(
  tx: Tx,
  requestId: string,
  partnerId: string,
  allowed: readonly string[] = WORKING_STATUSES,
) {
  if (!isUuid(requestId)) throw new DomainError('errors.notFound');
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'reference', 'status', 'created_at', 'created_by', 'shelter_guest'])
    .where('id', '=', requestId)
    .where('accepted_partner_id', '=', partnerId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (!allowed.includes(r.status)) throw new DomainError('visits.errors.caseNotOpen');
  return r;
}

/** accepted → in_progress once the first work is recorded. */
async function markInProgress(tx: Tx, requestId: string) {
  await tx
    .updateTable('accompaniment_request')
    .set({ status: 'in_progress', updated_at: sql`now()` })
    .where('id', '=', requestId)
    .where('status', '=', 'accepted')
    .execute();
}

function checkVisitDate(visitDate: string, requestCreatedAt: Date) {
  if (visitDate > tokyoToday()) throw new DomainError('visits.errors.dateInFuture', 'visitDate');
  if (visitDate < tokyoToday(requestCreatedAt))
    throw new DomainError('visits.errors.dateBeforeRequest', 'visitDate');
}

async function storeReceipt(tx: Tx, receipt: Upload, userId: string) {
  if (!receipt) return null;
  return storeUpload(tx, receipt, {
    purpose: 'receipt',
    createdBy: userId,
    field: 'receipt',
    allowed: ['jpeg', 'png', 'webp', 'heic', 'pdf'],
    wrongTypeCode: 'visits.errors.receiptType',
  });
}

function visitRow(input: VisitInput) {
  return {
    visit_date: input.visitDate,
    starts_at: tokyoInstant(input.visitDate, input.startTime),
    ends_at: tokyoInstant(input.visitDate, input.endTime),
    place: input.place,
    activities: input.activities,
    outcome: input.outcome,
    follow_up_needed: input.followUpNeeded,
    follow_up: input.followUpNeeded ? input.followUp : '',
    travel_km: input.travelKm ?? null,
    travel_cost: input.travelCost ?? null,
    interpreter_minutes: input.interpreterMinutes,
    confidential_note: input.confidentialNote,
  };
}

export async function logVisit(
  tx: Tx,
  requestId: string,
  input: VisitInput,
  receipt: Upload,
  actor: PartnerActor,
) {
  const r = await lockCaseForPartner(tx, requestId, actor.partnerId);
  checkVisitDate(input.visitDate, r.created_at);
  const receiptId = await storeReceipt(tx, receipt, actor.userId);
  if ((input.travelCost ?? 0) > 0 && !receiptId)
    throw new DomainError('visits.errors.receiptRequired', 'receipt');
  const { id } = await tx
    .insertInto('visit')
    .values({
      ...visitRow(input),
      request_id: requestId,
      partner_id: actor.partnerId,
      receipt_file_id: receiptId,
      submitted_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await markInProgress(tx, requestId);
  await recordEvent(
    tx,
    requestId,
    'visit_submitted',
    { userId: actor.userId, partnerId: actor.partnerId },
    { visitId: id, date: input.visitDate },
  );
  return id;
}

/** The partner's own visit on one of its requests, for editing (with the locked request). */
async function lockVisitForPartner(tx: Tx, visitId: string, partnerId: string) {
  if (!isUuid(visitId)) throw new DomainError('errors.notFound');
  const v = await tx
    .selectFrom('visit')
    .select(['id', 'request_id', 'status', 'version', 'receipt_file_id'])
    .where('id', '=', visitId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  if (!v) throw new DomainError('errors.notFound');
  const r = await lockCaseForPartner(tx, v.request_id, partnerId);
  const current = await tx
    .selectFrom('visit')
    .select(['status', 'version'])
    .where('id', '=', visitId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (!EDITABLE.includes(current.status)) throw new DomainError('visits.errors.notEditable');
  return { visit: { ...v, ...current }, request: r };
}

/** Edits a submitted or returned visit; a returned one goes back to the review queue. */
export async function updateVisit(
  tx: Tx,
  visitId: string,
  input: VisitInput,
  receipt: Upload,
  actor: PartnerActor,
) {
  const { visit, request } = await lockVisitForPartner(tx, visitId, actor.partnerId);
  if (input.version !== undefined && input.version !== visit.version)
    throw new DomainError('errors.staleEdit');
  checkVisitDate(input.visitDate, request.created_at);
  const receiptId = (await storeReceipt(tx, receipt, actor.userId)) ?? visit.receipt_file_id;
  if ((input.travelCost ?? 0) > 0 && !receiptId)
    throw new DomainError('visits.errors.receiptRequired', 'receipt');
  await tx
    .updateTable('visit')
    .set({
      ...visitRow(input),
      receipt_file_id: receiptId,
      status: 'submitted',
      submitted_at: sql`now()`,
      submitted_by: actor.userId,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', visitId)
    .execute();
  await recordEvent(
    tx,
    visit.request_id,
    visit.status === 'returned' ? 'visit_resubmitted' : 'visit_updated',
    { userId: actor.userId, partnerId: actor.partnerId },
    { visitId, date: input.visitDate },
  );
  return visit.request_id;
}

export async function withdrawVisit(tx: Tx, visitId: string, actor: PartnerActor) {
  const { visit } = await lockVisitForPartner(tx, visitId, actor.partnerId);
  await tx
    .updateTable('visit')
    .set({ status: 'withdrawn', version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', visitId)
    .execute();
  await recordEvent(
    tx,
    visit.request_id,
    'visit_withdrawn',
    { userId: actor.userId, partnerId: actor.partnerId },
    { visitId },
  );
  return visit.request_id;
}

/** Counselor or secretariat: approve (its facts are then frozen) or return with a comment. */
export async function reviewVisit(
  tx: Tx,
  visitId: string,
  decision: { intent: 'approve' | 'return'; comment: string; version: number },
  actor: StaffActor,
) {
  if (!isUuid(visitId)) throw new DomainError('errors.notFound');
  const v = await tx
    .selectFrom('visit as v')
    .innerJoin('accompaniment_request as r', 'r.id', 'v.request_id')
    .select([
      'v.id',
      'v.status',
      'v.version',
      'v.partner_id',
      'v.request_id',
      'v.visit_date',
      'r.reference',
    ])
    .where('v.id', '=', visitId)
    .forUpdate('v')
    .executeTakeFirst();
  if (!v) throw new DomainError('errors.notFound');
  if (v.version !== decision.version) throw new DomainError('errors.staleEdit');
  if (v.status !== 'submitted') throw new DomainError('visits.errors.notAwaitingReview');
  const approve = decision.intent === 'approve';
  await tx
    .updateTable('visit')
    .set({
      status: approve ? 'approved' : 'returned',
      reviewed_by: actor.userId,
      reviewed_at: sql`now()`,
      review_comment: decision.comment,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', visitId)
    .execute();
  await recordEvent(
    tx,
    v.request_id,
    approve ? 'visit_approved' : 'visit_returned',
    { userId: actor.userId, partnerId: v.partner_id },
    { visitId, date: v.visit_date },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: approve ? 'visit.approve' : 'visit.return',
    subjectType: 'visit',
    subjectId: visitId,
    ip: actor.ip,
  });
  if (!approve) {
    for (const to of await partnerRecipients(tx, v.partner_id)) {
      await enqueueEmail(tx, {
        template: 'visit_returned',
        to: to.email,
        locale: to.locale as Locale,
        data: {
          name: to.name,
          reference: v.reference,
          visitDate: { ja: formatDate(v.visit_date, 'ja'), en: formatDate(v.visit_date, 'en') },
          url: `${appUrl()}/partner/visits/${visitId}`,
        },
      });
    }
  }
  return v.request_id;
}

// ---- shelter stays ---------------------------------------------------------------------------

/**
 * ⚑ A stay holds its beds from check-in: the database trigger adds them to the shelter under its
 * row lock and the capacity check refuses an overbooking, however many check in at once.
 */
export async function startStay(
  tx: Tx,
  requestId: string,
  input: StayStartInput,
  actor: PartnerActor,
) {
  const r = await lockCaseForPartner(tx, requestId, actor.partnerId);
  if (r.status === 'completed') throw new DomainError('visits.errors.caseNotOpen');
  if (input.checkIn > tokyoToday()) throw new DomainError('visits.errors.dateInFuture', 'checkIn');
  if (input.checkIn < tokyoToday(r.created_at))
    throw new DomainError('visits.errors.dateBeforeRequest', 'checkIn');
  const shelter = await tx
    .selectFrom('shelter')
    .select(['id', 'name', 'active', 'accepts'])
    .where('id', '=', input.shelterId)
    .where('partner_id', '=', actor.partnerId)
    .executeTakeFirst();
  if (!shelter || !shelter.active) throw new DomainError('errors.invalidChoice', 'shelterId');
  if (r.shelter_guest && !shelter.accepts.includes(r.shelter_guest))
    throw new DomainError('visits.errors.shelterDoesNotAccept', 'shelterId');
  let id: string;
  try {
    ({ id } = await tx
      .insertInto('shelter_stay')
      .values({
        shelter_id: shelter.id,
        request_id: requestId,
        partner_id: actor.partnerId,
        beds: input.beds,
        check_in: input.checkIn,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  } catch (e) {
    if ((e as { constraint?: string }).constraint === 'shelter_occupancy')
      throw new DomainError('visits.errors.shelterFull', 'beds');
    throw e;
  }
  await markInProgress(tx, requestId);
  await recordEvent(
    tx,
    requestId,
    'stay_started',
    { userId: actor.userId, partnerId: actor.partnerId },
    { stayId: id, shelter: shelter.name, beds: input.beds, checkIn: input.checkIn },
  );
  return id;
}

export async function endStay(
  tx: Tx,
  requestId: string,
  stayId: string,
  checkOut: string,
  actor: PartnerActor,
) {
  // A stay can still be ended after a cancellation: the beds must come free.
  await lockCaseForPartner(tx, requestId, actor.partnerId, [...WORKING_STATUSES, 'cancelled']);
  if (!isUuid(stayId)) throw new DomainError('errors.notFound');
  const stay = await tx
    .selectFrom('shelter_stay')
    .select(['id', 'check_in', 'check_out'])
    .where('id', '=', stayId)
    .where('request_id', '=', requestId)
    .where('partner_id', '=', actor.partnerId)
    .forUpdate()
    .executeTakeFirst();
  if (!stay) throw new DomainError('errors.notFound');
  if (stay.check_out) throw new DomainError('visits.errors.stayEnded');
  if (checkOut > tokyoToday()) throw new DomainError('visits.errors.dateInFuture', 'checkOut');
  if (checkOut < stay.check_in) throw new DomainError('visits.errors.checkOutBeforeIn', 'checkOut');
  await tx
    .updateTable('shelter_stay')
    .set({ check_out: checkOut, checked_out_by: actor.userId, updated_at: sql`now()` })
    .where('id', '=', stayId)
    .execute();
  await recordEvent(
    tx,
    requestId,
    'stay_ended',
    { userId: actor.userId, partnerId: actor.partnerId },
    { stayId, checkOut },
  );
}

// ---- completion and closing ------------------------------------------------------------------

export async function completeRequest(
  tx: Tx,
  requestId: string,
  report: string,
  actor: PartnerActor,
) {
  const r = await lockCaseForPartner(tx, requestId, actor.partnerId);
  if (r.status === 'completed') throw new DomainError('visits.errors.alreadyCompleted');
  const visits = await tx
    .selectFrom('visit')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('request_id', '=', requestId)
    .where('status', '!=', 'withdrawn')
    .executeTakeFirstOrThrow();
  if (visits.n === 0) throw new DomainError('visits.errors.noVisits', 'report');
  await tx
    .updateTable('accompaniment_request')
    .set({
      status: 'completed',
      completed_at: sql`now()`,
      completed_by: actor.userId,
      completion_report: report,
      updated_at: sql`now()`,
    })
    .where('id', '=', requestId)
    .execute();
  await recordEvent(tx, requestId, 'completed', {
    userId: actor.userId,
    partnerId: actor.partnerId,
  });
  const [counselor, partner] = await Promise.all([
    tx
      .selectFrom('app_user')
      .select(['email', 'name', 'locale'])
      .where('id', '=', r.created_by)
      .executeTakeFirstOrThrow(),
    tx
      .selectFrom('partner')
      .select('name')
      .where('id', '=', actor.partnerId)
      .executeTakeFirstOrThrow(),
  ]);
  await enqueueEmail(tx, {
    template: 'request_completed',
    to: counselor.email,
    locale: counselor.locale as Locale,
    data: {
      name: counselor.name,
      reference: r.reference,
      partnerName: partner.name,
      url: `${appUrl()}/requests/${requestId}`,
    },
  });
}

/** What still stands between a completed request and closing it. */
export async function closeBlockers(q: Queryable, requestId: string) {
  const row = await q
    .selectFrom('accompaniment_request as r')
    .select([
      sql<number>`(select count(*)::int from visit v where v.request_id = r.id and v.status in ('submitted','returned'))`.as(
        'unreviewed',
      ),
      sql<number>`(select count(*)::int from shelter_stay s where s.request_id = r.id and s.check_out is null)`.as(
        'openStays',
      ),
    ])
    .where('r.id', '=', requestId)
    .executeTakeFirstOrThrow();
  return row;
}

export async function closeRequest(
  tx: Tx,
  requestId: string,
  input: { closingNote: string; followUpNeeded: boolean },
  actor: StaffActor,
) {
  if (!isUuid(requestId)) throw new DomainError('errors.notFound');
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'status'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (r.status !== 'completed') throw new DomainError('visits.errors.notCompleted');
  const b = await closeBlockers(tx, requestId);
  if (b.unreviewed > 0) throw new DomainError('visits.errors.unreviewedVisits', 'closingNote');
  if (b.openStays > 0) throw new DomainError('visits.errors.openStays', 'closingNote');
  await tx
    .updateTable('accompaniment_request')
    .set({
      status: 'closed',
      closed_at: sql`now()`,
      closed_by: actor.userId,
      closing_note: input.closingNote,
      follow_up_needed: input.followUpNeeded,
      updated_at: sql`now()`,
    })
    .where('id', '=', requestId)
    .execute();
  await recordEvent(
    tx,
    requestId,
    'closed',
    { userId: actor.userId },
    { followUpNeeded: input.followUpNeeded },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.close',
    subjectType: 'request',
    subjectId: requestId,
    ip: actor.ip,
  });
}

// ---- reading ---------------------------------------------------------------------------------

/** The partner's view of a request it accepted (details included; the case code never). */
export async function getCaseForPartner(q: Queryable, requestId: string, partnerId: string) {
  if (!isUuid(requestId)) return null;
  return (
    (await q
      .selectFrom('accompaniment_request as r')
      .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
      .innerJoin('app_user as u', 'u.id', 'r.created_by')
      .select([
        'r.id',
        'r.reference',
        'r.status',
        'r.category',
        'r.urgency',
        'r.worker_language',
        'r.interpreter_needed',
        'r.shelter_beds',
        'r.shelter_guest',
        'r.window_start',
        'r.window_end',
        // Only what the worker's consent shares with the accepting partner, at this moment.
        sql<string | null>`case when ${sharedWithPartner('summary')} then r.summary end`.as(
          'summary',
        ),
        sql<string | null>`case when ${sharedWithPartner('contact')} then r.details end`.as(
          'details',
        ),
        sql<string | null>`case when ${sharedWithPartner('health')} then r.health_details end`.as(
          'health_details',
        ),
        sql<
          string | null
        >`case when ${sharedWithPartner('residence')} then r.residence_details end`.as(
          'residence_details',
        ),
        sharedWithPartner('adverse_parties').as('adverse_parties_shared'),
        'r.lat',
        'r.lng',
        'r.completion_report',
        'r.completed_at',
        'r.purged_at',
        'm.name as municipality_name',
        'u.name as counselor_name',
        'u.email as counselor_email',
      ])
      .where('r.id', '=', requestId)
      .where('r.accepted_partner_id', '=', partnerId)
      .executeTakeFirst()) ?? null
  );
}

/** Visits of a request without their confidential notes (those are read one at a time, audited). */
export async function listVisits(q: Queryable, requestId: string) {
  return q
    .selectFrom('visit')
    .select([
      'id',
      'visit_date',
      'starts_at',
      'ends_at',
      'place',
      'status',
      'travel_km',
      'travel_cost',
      'interpreter_minutes',
      'review_comment',
      'version',
      sql<boolean>`receipt_file_id is not null`.as('has_receipt'),
      sql<boolean>`confidential_note <> ''`.as('has_note'),
    ])
    .where('request_id', '=', requestId)
    .orderBy('visit_date')
    .orderBy('starts_at')
    .execute();
}

const VISIT_COLUMNS = [
  'v.id',
  'v.request_id',
  'v.partner_id',
  'v.visit_date',
  'v.starts_at',
  'v.ends_at',
  'v.place',
  'v.activities',
  'v.outcome',
  'v.follow_up_needed',
  'v.follow_up',
  'v.travel_km',
  'v.travel_cost',
  'v.receipt_file_id',
  'v.interpreter_minutes',
  'v.confidential_note',
  'v.status',
  'v.submitted_at',
  'v.reviewed_at',
  'v.review_comment',
  'v.version',
  'v.purged_at',
  'r.reference',
  'r.status as request_status',
  'p.name as partner_name',
] as const;

/**
 * One visit with its confidential note, for the partner that logged it or for staff; any other
 * viewer gets null (404). Reading the note is written to the audit log.
 */
export async function readVisit(q: Queryable, visitId: string, viewer: Viewer, ip?: string | null) {
  if (!isUuid(visitId)) return null;
  let query = q
    .selectFrom('visit as v')
    .innerJoin('accompaniment_request as r', 'r.id', 'v.request_id')
    .innerJoin('partner as p', 'p.id', 'v.partner_id')
    .leftJoin('app_user as rv', 'rv.id', 'v.reviewed_by')
    .leftJoin('stored_file as f', 'f.id', 'v.receipt_file_id')
    .select(VISIT_COLUMNS)
    .select(['rv.name as reviewer_name', 'f.filename as receipt_name'])
    .where('v.id', '=', visitId);
  if (viewer.role === 'partner') {
    if (!viewer.partnerId) return null;
    query = query.where('v.partner_id', '=', viewer.partnerId);
  }
  const v = await query.executeTakeFirst();
  if (!v) return null;
  if (v.confidential_note) {
    await audit(q, {
      actorId: viewer.id,
      action: 'visit.read_note',
      subjectType: 'visit',
      subjectId: v.id,
      detail: { requestId: v.request_id },
      ip,
    });
  }
  return v;
}

export async function listStays(q: Queryable, requestId: string) {
  return q
    .selectFrom('shelter_stay as s')
    .innerJoin('shelter as sh', 'sh.id', 's.shelter_id')
    .innerJoin('municipality as m', 'm.code', 'sh.municipality_code')
    .select([
      's.id',
      's.beds',
      's.check_in',
      's.check_out',
      'sh.name as shelter_name',
      'm.name as municipality_name',
      sql<number | null>`case when s.check_out is not null then s.check_out - s.check_in end`.as(
        'nights',
      ),
    ])
    .where('s.request_id', '=', requestId)
    .orderBy('s.check_in')
    .execute();
}

/** The partner's own active shelters with their free beds, for recording a stay. */
export async function ownShelters(q: Queryable, partnerId: string) {
  return q
    .selectFrom('shelter')
    .select(['id', 'name', 'capacity', 'beds_occupied', 'accepts'])
    .where('partner_id', '=', partnerId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

/** Review order: oldest submission first (index visit_review_order_idx). */
const REVIEW_KEYS: SortKey[] = [
  { expr: sql`v.submitted_at`, dir: 'asc', type: 'timestamptz' },
  { expr: sql`v.id`, dir: 'asc', type: 'uuid' },
];

/** Counselors' and secretariat's queue: submitted visits, oldest first; one keyset page. */
export async function reviewQueue(q: Queryable, page: PageRequest = {}) {
  const [list, total] = await Promise.all([
    keysetPage(
      q
        .selectFrom('visit as v')
        .innerJoin('accompaniment_request as r', 'r.id', 'v.request_id')
        .innerJoin('partner as p', 'p.id', 'v.partner_id')
        .select([
          'v.id',
          'v.visit_date',
          'v.starts_at',
          'v.ends_at',
          'v.travel_km',
          'v.travel_cost',
          'v.interpreter_minutes',
          'v.submitted_at',
          'r.id as request_id',
          'r.reference',
          'r.urgency',
          'p.name as partner_name',
        ])
        .where('v.status', '=', 'submitted'),
      REVIEW_KEYS,
      page,
      REVIEW_PAGE_SIZE,
    ),
    q
      .selectFrom('visit')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('status', '=', 'submitted')
      .executeTakeFirstOrThrow(),
  ]);
  return { ...list, total: total.n };
}

/** Whether the visit is this partner's own (reads nothing confidential, so nothing is audited). */
export async function isOwnVisit(q: Queryable, visitId: string, partnerId: string) {
  if (!isUuid(visitId)) return false;
  const row = await q
    .selectFrom('visit')
    .select('id')
    .where('id', '=', visitId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return Boolean(row);
}

/** A receipt may be downloaded by staff and by the partner whose visit it belongs to. */
export async function receiptForViewer(q: Queryable, fileId: string, viewer: Viewer) {
  if (!isUuid(fileId)) return null;
  let query = q
    .selectFrom('visit')
    .select(['id', 'partner_id'])
    .where('receipt_file_id', '=', fileId);
  if (viewer.role === 'partner') query = query.where('partner_id', '=', viewer.partnerId ?? '');
  return (await query.executeTakeFirst()) ?? null;
}

// ---- retention -------------------------------------------------------------------------------

/**
 * Requests closed or cancelled longer ago than the retention period lose their confidential and
 * free text (details, notes, reports, what was done); dates, times, distances, amounts and
 * statuses stay for statistics and payments. One transaction per request; returns how many.
 */
export async function purgeExpiredCaseText(
  retentionYears: number,
  now: Date = new Date(),
): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setFullYear(cutoff.getFullYear() - retentionYears);
  let purged = 0;
  for (;;) {
    const due = await db
      .selectFrom('accompaniment_request')
      .select('id')
      .where('purged_at', 'is', null)
      .where('status', 'in', ['closed', 'cancelled'])
      .where(sql<Date>`coalesce(closed_at, cancelled_at)`, '<', cutoff)
      .limit(500)
      .execute();
    purged += due.length;
    for (const { id } of due) {
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('accompaniment_request')
          .set({
            summary: '—',
            details: '',
            completion_report: '',
            closing_note: '',
            cancel_reason: null,
            purged_at: sql`now()`,
          })
          .where('id', '=', id)
          .where('purged_at', 'is', null)
          .execute();
        const visits = await tx
          .updateTable('visit')
          .set({
            place: '',
            activities: '',
            outcome: '',
            follow_up: '',
            confidential_note: '',
            review_comment: '',
            purged_at: sql`now()`,
          })
          .where('request_id', '=', id)
          .where('purged_at', 'is', null)
          .returning('id')
          .execute();
        // The employer and intermediaries are identifying: their kinds stay, names go.
        await tx
          .updateTable('request_adverse_party')
          .set({ name: '—', corporate_number: null, name_key: '' })
          .where('request_id', '=', id)
          .execute();
        // Free text typed into cancellations and declines goes too; reason codes stay.
        await sql`update request_event set detail = detail - 'reason' where request_id = ${id}`.execute(
          tx,
        );
        await tx
          .updateTable('offer')
          .set({ reason: null })
          .where('request_id', '=', id)
          .where('reason', 'not in', ['accepted_by_another', 'cancelled'])
          .execute();
        await recordEvent(tx, id, 'purged', { userId: null }, { visits: visits.length });
        await audit(tx, {
          actorId: null,
          action: 'request.purge_text',
          subjectType: 'request',
          subjectId: id,
          detail: { visits: visits.length, retentionYears },
        });
      });
    }
    if (due.length < 500) break;
  }
  // Delivered emails older than the period keep who, when and the subject, not the body.
  await db
    .updateTable('outgoing_mail')
    .set({ text_body: '', html_body: '', updated_at: sql`now()` })
    .where('status', '=', 'sent')
    .where('created_at', '<', cutoff)
    .where('text_body', '!=', '')
    .execute();
  return purged;
}
