import { sql } from 'kysely';
import type { RequestStatus } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { keysetPage, type PageRequest, type SortKey } from '~/lib/keyset.server';
import { formatDateTime, formatTime } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { partnerRecipients, secretariatRecipients } from '~/modules/mail/recipients.server';
import { isUuid, tokyoToday, type Viewer } from '~/modules/partners/partners.server';
import { RESPOND_WITHIN_HOURS, type Category, type UrgencyCode } from './codes';
import { findCandidates, type MatchCriteria } from './matching.server';
import type { RequestInput } from './request-schema';
import { recordEvent } from './events.server';
import { trainingsExist } from '~/modules/training/training.server';
import { DEFAULT_CONSENT } from './consent';
import { grantConsent, hasDispatchConsent, sharedWithPartner } from './consent.server';

type Actor = { userId: string; ip?: string | null };

export const CASCADE_STEP_TASK = 'cascade_step';

/**
 * Queues the next step of a running cascade, in the caller's transaction (so a rolled-back
 * decline queues nothing). One job per request at a time (job key).
 */
export async function enqueueCascadeStep(tx: Tx, requestId: string) {
  await sql`select graphile_worker.add_job(
      ${CASCADE_STEP_TASK}::text,
      json_build_object('requestId', ${requestId}::text),
      max_attempts => 25,
      job_key => ${'cascade:' + requestId}::text
    )`.execute(tx);
}

export const OPEN_STATUSES: RequestStatus[] = [
  'draft',
  'offered',
  'needs_dispatch',
  'accepted',
  'in_progress',
];

export { recordEvent } from './events.server';

/** REQ-<fiscal year>-<6 digits>, gap-free per fiscal year (the counter row is locked by the upsert). */
async function nextReference(tx: Tx): Promise<string> {
  const today = tokyoToday();
  const [y, m] = today.split('-').map(Number);
  const fy = m >= 4 ? y : y - 1;
  const row = await tx
    .insertInto('request_counter')
    .values({ fiscal_year: fy, last_seq: 1 })
    .onConflict((oc) =>
      oc.column('fiscal_year').doUpdateSet({ last_seq: sql`request_counter.last_seq + 1` }),
    )
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return `REQ-${fy}-${String(row.last_seq).padStart(6, '0')}`;
}

export async function createRequest(tx: Tx, input: RequestInput, actor: Actor) {
  const muni = await tx
    .selectFrom('municipality')
    .select(['lat', 'lng'])
    .where('code', '=', input.municipalityCode)
    .executeTakeFirst();
  if (!muni) throw new DomainError('errors.municipalityUnknown', 'municipalityCode');
  const reference = await nextReference(tx);
  const { id } = await tx
    .insertInto('accompaniment_request')
    .values({
      reference,
      case_code: input.caseCode,
      created_by: actor.userId,
      category: input.category,
      worker_language: input.workerLanguage,
      interpreter_needed: input.interpreterNeeded,
      shelter_beds: input.shelterBeds,
      shelter_guest: input.shelterBeds > 0 ? (input.shelterGuest ?? null) : null,
      urgency: input.urgency,
      municipality_code: input.municipalityCode,
      lat: input.lat ?? muni.lat,
      lng: input.lng ?? muni.lng,
      window_start: input.windowStart,
      window_end: input.windowEnd,
      summary: input.summary,
      details: input.details,
      health_details: input.healthDetails,
      residence_details: input.residenceDetails,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEvent(
    tx,
    id,
    'created',
    { userId: actor.userId },
    { reference, urgency: input.urgency },
  );
  if (input.consent) await recordConsent(tx, id, actor, input.workerLanguage);
  return { id, reference };
}

/**
 * The counselor confirms the worker agreed to share the case with the partner that accepts:
 * the default scope (summary and contact details), given verbally, in the worker's language.
 * Finer choices and revocation: consent.server.ts.
 */
export async function recordConsent(tx: Tx, requestId: string, actor: Actor, language?: string) {
  if (await hasDispatchConsent(tx, requestId)) return;
  const r = await tx
    .selectFrom('accompaniment_request')
    .select('worker_language')
    .where('id', '=', requestId)
    .where('status', 'in', OPEN_STATUSES)
    .executeTakeFirst();
  if (!r) return;
  await grantConsent(
    tx,
    requestId,
    {
      categories: DEFAULT_CONSENT,
      recipients: ['accepting_partner'],
      method: 'verbal',
      language: (language ?? r.worker_language) as never,
    },
    actor,
  );
}

const criteriaOf = (r: {
  lat: number;
  lng: number;
  window_start: Date;
  category: string;
  worker_language: string;
  interpreter_needed: boolean;
  shelter_beds: number;
  shelter_guest: string | null;
}): MatchCriteria => ({
  lat: r.lat,
  lng: r.lng,
  date: tokyoToday(r.window_start),
  category: r.category as Category,
  language: r.worker_language,
  interpreterNeeded: r.interpreter_needed,
  shelterBeds: r.shelter_beds,
  shelterGuest: r.shelter_guest,
});

export async function getMatchCriteria(q: Queryable, requestId: string) {
  const r = await q
    .selectFrom('accompaniment_request')
    .select([
      'lat',
      'lng',
      'window_start',
      'category',
      'worker_language',
      'interpreter_needed',
      'shelter_beds',
      'shelter_guest',
      'require_trained',
    ])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  // ⚑ A partner is never offered the same request twice, whatever it answered.
  const offered = await q
    .selectFrom('offer')
    .select('partner_id')
    .where('request_id', '=', requestId)
    .execute();
  return {
    ...criteriaOf(r),
    excludePartnerIds: offered.map((p) => p.partner_id),
    requestId,
    requireTrained: r.require_trained && (await trainingsExist(q)),
  };
}

const URGENCY_LABEL: Record<UrgencyCode, { ja: string; en: string }> = {
  normal: { ja: '通常', en: 'Normal' },
  urgent: { ja: '至急', en: 'Urgent' },
  emergency: { ja: '緊急', en: 'Emergency' },
};

function windowText(start: Date, end: Date) {
  return {
    ja: `${formatDateTime(start, 'ja')}〜${formatTime(end, 'ja')}`,
    en: `${formatDateTime(start, 'en')}–${formatTime(end, 'en')}`,
  };
}

/**
 * Offers the request to one or several partners at once (first accept wins). Each partner is
 * checked against the matching rules again inside the transaction; consent is required.
 */
export async function sendOffers(
  tx: Tx,
  requestId: string,
  partnerIds: string[],
  actor: { userId: string | null },
  opts: { respondWithinHours?: number; now?: Date; byCascade?: boolean } = {},
) {
  const r = await tx
    .selectFrom('accompaniment_request as r')
    .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
    .selectAll('r')
    .select('m.name as municipality_name')
    .where('r.id', '=', requestId)
    .forUpdate('r')
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (!(await hasDispatchConsent(tx, requestId)))
    throw new DomainError('dispatch.consentRequired', 'consent');
  if (!['draft', 'offered', 'needs_dispatch'].includes(r.status))
    throw new DomainError('dispatch.notDispatchable');
  const unique = [...new Set(partnerIds)];
  if (!unique.length) throw new DomainError('dispatch.choosePartner', 'partnerIds');
  const criteria = await getMatchCriteria(tx, requestId);
  const eligible = await findCandidates(tx, criteria, 500);
  const byId = new Map(eligible.map((c) => [c.id, c]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length) throw new DomainError('dispatch.partnerNotEligible', 'partnerIds');

  const hours = opts.respondWithinHours ?? RESPOND_WITHIN_HOURS[r.urgency as UrgencyCode];
  const now = opts.now ?? new Date();
  const respondBy = new Date(
    Math.min(
      now.getTime() + hours * 3_600_000,
      Math.max(r.window_start.getTime(), now.getTime() + 15 * 60_000),
    ),
  );
  for (const partnerId of unique) {
    const c = byId.get(partnerId)!;
    const offer = await tx
      .insertInto('offer')
      .values({
        request_id: requestId,
        partner_id: partnerId,
        distance_km: c.distanceKm,
        estimated_fee: c.estimatedFee,
        sent_by: actor.userId,
        respond_by: respondBy,
        by_cascade: opts.byCascade ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordEvent(
      tx,
      requestId,
      'offered',
      { userId: actor.userId, partnerId },
      { offerId: offer.id, distanceKm: c.distanceKm, ...(opts.byCascade ? { cascade: true } : {}) },
    );
    for (const to of await partnerRecipients(tx, partnerId)) {
      await enqueueEmail(tx, {
        template: 'offer_received',
        to: to.email,
        locale: to.locale,
        data: {
          name: to.name,
          reference: r.reference,
          summary: r.summary,
          place: r.municipality_name,
          window: windowText(r.window_start, r.window_end),
          respondBy: { ja: formatDateTime(respondBy, 'ja'), en: formatDateTime(respondBy, 'en') },
          urgency: URGENCY_LABEL[r.urgency as UrgencyCode],
          url: `${appUrl()}/partner/offers/${offer.id}`,
        },
      });
    }
  }
  await tx
    .updateTable('accompaniment_request')
    .set({ status: 'offered', updated_at: sql`now()` })
    .where('id', '=', requestId)
    .execute();
  return { respondBy };
}

export type AcceptResult =
  { ok: true } | { ok: false; reason: 'taken' | 'cancelled' | 'expired' | 'not_pending' };

/**
 * ⚑ First accept wins. The request row is locked and its status checked; the partial unique
 * index `offer_one_accepted` guarantees it even if this code were wrong. The other pending offers
 * are withdrawn and everyone is told, in the same transaction.
 */
export async function acceptOffer(
  offerId: string,
  partnerUser: { id: string; partnerId: string },
): Promise<AcceptResult> {
  try {
    return await db.transaction().execute(async (tx) => {
      const offer = await tx
        .selectFrom('offer')
        .select(['id', 'request_id', 'status', 'respond_by', 'partner_id'])
        .where('id', '=', offerId)
        .where('partner_id', '=', partnerUser.partnerId)
        .executeTakeFirst();
      if (!offer) throw new DomainError('errors.notFound');
      const req = await tx
        .selectFrom('accompaniment_request')
        .select(['id', 'status', 'reference', 'created_by'])
        .where('id', '=', offer.request_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const current = await tx
        .selectFrom('offer')
        .select(['status', 'respond_by'])
        .where('id', '=', offerId)
        .executeTakeFirstOrThrow();
      if (req.status === 'cancelled') return { ok: false as const, reason: 'cancelled' as const };
      if (req.status !== 'offered') return { ok: false as const, reason: 'taken' as const };
      if (current.status !== 'pending')
        return { ok: false as const, reason: 'not_pending' as const };
      if (current.respond_by <= new Date())
        return { ok: false as const, reason: 'expired' as const };

      await tx
        .updateTable('offer')
        .set({ status: 'accepted', responded_at: sql`now()`, responded_by: partnerUser.id })
        .where('id', '=', offerId)
        .execute();
      await tx
        .updateTable('accompaniment_request')
        .set({
          status: 'accepted',
          accepted_partner_id: partnerUser.partnerId,
          accepted_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', req.id)
        .execute();
      await recordEvent(
        tx,
        req.id,
        'accepted',
        { userId: partnerUser.id, partnerId: partnerUser.partnerId },
        { offerId },
      );
      const cascade = await tx
        .updateTable('offer_cascade')
        .set({ status: 'accepted', ended_at: sql`now()`, updated_at: sql`now()` })
        .where('request_id', '=', req.id)
        .where('status', 'in', ['running', 'paused'])
        .returning('request_id')
        .executeTakeFirst();
      if (cascade)
        await recordEvent(tx, req.id, 'cascade_ended', { userId: null }, { outcome: 'accepted' });
      const others = await tx
        .updateTable('offer')
        .set({ status: 'withdrawn', responded_at: sql`now()`, reason: 'accepted_by_another' })
        .where('request_id', '=', req.id)
        .where('status', '=', 'pending')
        .returning(['id', 'partner_id'])
        .execute();
      const partnerName = (
        await tx
          .selectFrom('partner')
          .select('name')
          .where('id', '=', partnerUser.partnerId)
          .executeTakeFirstOrThrow()
      ).name;
      for (const o of others) {
        await recordEvent(
          tx,
          req.id,
          'withdrawn',
          { userId: null, partnerId: o.partner_id },
          { offerId: o.id, why: 'accepted_by_another' },
        );
        for (const to of await partnerRecipients(tx, o.partner_id)) {
          await enqueueEmail(tx, {
            template: 'offer_withdrawn',
            to: to.email,
            locale: to.locale,
            data: {
              name: to.name,
              reference: req.reference,
              why: { ja: 'ほかのパートナーが引き受けました', en: 'another partner accepted' },
            },
          });
        }
      }
      const counselor = await tx
        .selectFrom('app_user')
        .select(['email', 'name', 'locale'])
        .where('id', '=', req.created_by)
        .executeTakeFirstOrThrow();
      await enqueueEmail(tx, {
        template: 'offer_accepted',
        to: counselor.email,
        locale: counselor.locale,
        data: {
          name: counselor.name,
          reference: req.reference,
          partnerName,
          url: `${appUrl()}/requests/${req.id}`,
        },
      });
      return { ok: true as const };
    });
  } catch (e) {
    // The database's word is final: another accept committed first.
    if ((e as { constraint?: string }).constraint === 'offer_one_accepted')
      return { ok: false, reason: 'taken' };
    throw e;
  }
}

/** No offer is pending any more: the request goes back to the top of the board. */
export async function markNeedsDispatch(tx: Tx, requestId: string) {
  const r = await tx
    .updateTable('accompaniment_request')
    .set({ status: 'needs_dispatch', updated_at: sql`now()` })
    .where('id', '=', requestId)
    .where('status', '=', 'offered')
    .returning('id')
    .executeTakeFirst();
  if (r) await recordEvent(tx, requestId, 'needs_dispatch', { userId: null });
}

/** After a decline or expiry: with no offer pending any more, the request needs dispatch again. */
async function afterNoAnswer(
  tx: Tx,
  requestId: string,
  partnerId: string,
  outcome: 'declined' | 'expired',
) {
  const req = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'reference', 'status', 'created_by', 'urgency'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const pending = await tx
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', requestId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  // A running cascade offers the next partner itself (the request stays "offered" meanwhile),
  // and alerts the counselor only at its end.
  const cascade = await tx
    .selectFrom('offer_cascade')
    .select('status')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (cascade?.status === 'running') {
    await enqueueCascadeStep(tx, requestId);
    return;
  }
  const needsDispatch = req.status === 'offered' && !pending;
  if (needsDispatch) await markNeedsDispatch(tx, requestId);
  const partnerName = (
    await tx
      .selectFrom('partner')
      .select('name')
      .where('id', '=', partnerId)
      .executeTakeFirstOrThrow()
  ).name;
  const counselor = await tx
    .selectFrom('app_user')
    .select(['email', 'name', 'locale'])
    .where('id', '=', req.created_by)
    .executeTakeFirstOrThrow();
  await enqueueEmail(tx, {
    template: 'offer_unanswered',
    to: counselor.email,
    locale: counselor.locale,
    data: {
      name: counselor.name,
      reference: req.reference,
      partnerName,
      outcome:
        outcome === 'declined'
          ? { ja: '辞退しました', en: 'declined' }
          : { ja: '期限までに回答しませんでした', en: 'did not answer in time' },
      needsDispatch,
      url: `${appUrl()}/requests/${requestId}`,
    },
  });
  if (needsDispatch && req.urgency === 'emergency') {
    const secretariat = await secretariatRecipients(tx);
    const place = await tx
      .selectFrom('accompaniment_request as r')
      .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
      .select('m.name')
      .where('r.id', '=', requestId)
      .executeTakeFirstOrThrow();
    for (const s of secretariat) {
      await enqueueEmail(tx, {
        template: 'emergency_unanswered',
        to: s.email,
        locale: s.locale,
        data: {
          name: s.name,
          reference: req.reference,
          place: place.name,
          url: `${appUrl()}/requests/${requestId}`,
        },
      });
    }
  }
}

export async function declineOffer(
  offerId: string,
  partnerUser: { id: string; partnerId: string },
  reason: string,
) {
  return db.transaction().execute(async (tx) => {
    const o = await tx
      .updateTable('offer')
      .set({ status: 'declined', responded_at: sql`now()`, responded_by: partnerUser.id, reason })
      .where('id', '=', offerId)
      .where('partner_id', '=', partnerUser.partnerId)
      .where('status', '=', 'pending')
      .returning(['request_id'])
      .executeTakeFirst();
    if (!o) return false;
    await recordEvent(
      tx,
      o.request_id,
      'declined',
      { userId: partnerUser.id, partnerId: partnerUser.partnerId },
      { offerId, reason },
    );
    await afterNoAnswer(tx, o.request_id, partnerUser.partnerId, 'declined');
    return true;
  });
}

/** The scheduled job: offers past respond-by expire, one transaction each. */
export async function expireOffers(now: Date = new Date()): Promise<number> {
  const due = await db
    .selectFrom('offer')
    .select(['id'])
    .where('status', '=', 'pending')
    .where('respond_by', '<=', now)
    .orderBy('respond_by')
    .limit(1000)
    .execute();
  let n = 0;
  for (const { id } of due) {
    await db.transaction().execute(async (tx) => {
      const o = await tx
        .updateTable('offer')
        .set({ status: 'expired', responded_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returning(['request_id', 'partner_id'])
        .executeTakeFirst();
      if (!o) return;
      await recordEvent(
        tx,
        o.request_id,
        'expired',
        { userId: null, partnerId: o.partner_id },
        { offerId: id },
      );
      await afterNoAnswer(tx, o.request_id, o.partner_id, 'expired');
      n++;
    });
  }
  return n;
}

/** The counselor may switch the "trained only" rule off (or on again) for one request. */
export async function setRequireTrained(tx: Tx, requestId: string, on: boolean, actor: Actor) {
  const r = await tx
    .updateTable('accompaniment_request')
    .set({ require_trained: on, updated_at: sql`now()` })
    .where('id', '=', requestId)
    .where('status', 'in', OPEN_STATUSES)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw new DomainError('dispatch.notOpen');
  await recordEvent(tx, requestId, 'trained_rule', { userId: actor.userId }, { on });
}

export async function cancelRequest(tx: Tx, requestId: string, reason: string, actor: Actor) {
  const r = await tx
    .updateTable('accompaniment_request')
    .set({
      status: 'cancelled',
      cancel_reason: reason,
      cancelled_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where('id', '=', requestId)
    .where('status', 'in', OPEN_STATUSES)
    .returning(['reference', 'accepted_partner_id'])
    .executeTakeFirst();
  if (!r) throw new DomainError('dispatch.notCancellable');
  const withdrawn = await tx
    .updateTable('offer')
    .set({ status: 'withdrawn', responded_at: sql`now()`, reason: 'cancelled' })
    .where('request_id', '=', requestId)
    .where('status', '=', 'pending')
    .returning('partner_id')
    .execute();
  await recordEvent(tx, requestId, 'cancelled', { userId: actor.userId }, { reason });
  const cascade = await tx
    .updateTable('offer_cascade')
    .set({ status: 'stopped', ended_at: sql`now()`, updated_at: sql`now()` })
    .where('request_id', '=', requestId)
    .where('status', 'in', ['running', 'paused'])
    .returning('request_id')
    .executeTakeFirst();
  if (cascade)
    await recordEvent(tx, requestId, 'cascade_ended', { userId: null }, { outcome: 'stopped' });
  const tell = new Set([
    ...withdrawn.map((w) => w.partner_id),
    ...(r.accepted_partner_id ? [r.accepted_partner_id] : []),
  ]);
  for (const partnerId of tell) {
    for (const to of await partnerRecipients(tx, partnerId)) {
      await enqueueEmail(tx, {
        template: 'request_cancelled',
        to: to.email,
        locale: to.locale,
        data: { name: to.name, reference: r.reference, reason },
      });
    }
  }
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.cancel',
    subjectType: 'request',
    subjectId: requestId,
    ip: actor.ip,
  });
}

// ---- reading -------------------------------------------------------------------------------

/** Staff see every request; a partner only those offered to it, details only once it accepted. */
export async function getRequestForViewer(q: Queryable, id: string, viewer: Viewer) {
  if (!isUuid(id)) return null;
  const r = await q
    .selectFrom('accompaniment_request as r')
    .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
    .leftJoin('partner as p', 'p.id', 'r.accepted_partner_id')
    .selectAll('r')
    .select(['m.name as municipality_name', 'p.name as accepted_partner_name'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  if (viewer.role === 'partner') {
    const offered = await q
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', id)
      .where('partner_id', '=', viewer.partnerId!)
      .executeTakeFirst();
    if (!offered) return null;
    // Staff-only route today; kept safe for any partner use: only what consent shares.
    const shared = await q
      .selectFrom('accompaniment_request as r')
      .select([
        sharedWithPartner('summary').as('summary'),
        sharedWithPartner('contact').as('contact'),
        sharedWithPartner('health').as('health'),
        sharedWithPartner('residence').as('residence'),
      ])
      .where('r.id', '=', id)
      .executeTakeFirstOrThrow();
    const mine = r.accepted_partner_id === viewer.partnerId;
    return {
      ...r,
      case_code: '',
      summary: shared.summary ? r.summary : '',
      lat: mine ? r.lat : null,
      lng: mine ? r.lng : null,
      details: mine && shared.contact ? r.details : null,
      health_details: mine && shared.health ? r.health_details : '',
      residence_details: mine && shared.residence ? r.residence_details : '',
      closing_note: '',
      completion_report: '',
    };
  }
  return r;
}

export async function requestTimeline(q: Queryable, requestId: string) {
  return q
    .selectFrom('request_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .leftJoin('partner as p', 'p.id', 'e.partner_id')
    .select([
      'e.id',
      'e.at',
      'e.type',
      'e.detail',
      'u.name as actor_name',
      'p.name as partner_name',
    ])
    .where('e.request_id', '=', requestId)
    .orderBy('e.at')
    .orderBy('e.id')
    .execute();
}

export async function requestOffers(q: Queryable, requestId: string) {
  return q
    .selectFrom('offer as o')
    .innerJoin('partner as p', 'p.id', 'o.partner_id')
    .select([
      'o.id',
      'o.status',
      'o.distance_km',
      'o.estimated_fee',
      'o.sent_at',
      'o.respond_by',
      'o.reason',
      'p.id as partner_id',
      'p.name as partner_name',
    ])
    .where('o.request_id', '=', requestId)
    .orderBy('o.sent_at')
    .execute();
}

const BOARD_PAGE_SIZE = 50;

/**
 * Board order: cascades that ran out and "needs dispatch" first, then by urgency, then time.
 * The first two keys are one column, `board_rank`, kept by triggers (migration 2900) so the
 * order is an index range read instead of a sort of every open request.
 */
const BOARD_KEYS: SortKey[] = [
  { expr: sql`r.board_rank`, dir: 'asc', type: 'int' },
  { expr: sql`r.window_start`, dir: 'asc', type: 'timestamptz' },
  { expr: sql`r.id`, dir: 'asc', type: 'uuid' },
];

/**
 * Counselors' board: open requests, "needs dispatch" and emergencies first, with the next
 * deadline; one page (keyset) in one query.
 */
export async function listBoard(q: Queryable, page: PageRequest = {}) {
  const query = q
    .selectFrom('accompaniment_request as r')
    .select([
      sql<string | null>`(select c.status from offer_cascade c where c.request_id = r.id)`.as(
        'cascade_status',
      ),
      'r.id',
      'r.reference',
      'r.status',
      'r.urgency',
      'r.category',
      'r.worker_language',
      'r.created_at',
      'r.window_start',
      'r.consent_at',
      // Looked up for the page's rows only (after the sort and limit), not for every open
      // request: a join here made PostgreSQL read all 100,000 partners for each board load.
      sql<string>`(select m.name from municipality m where m.code = r.municipality_code)`.as(
        'municipality_name',
      ),
      sql<string | null>`(select p.name from partner p where p.id = r.accepted_partner_id)`.as(
        'accepted_partner_name',
      ),
      sql<Date | null>`(select min(respond_by) from offer o where o.request_id = r.id and o.status = 'pending')`.as(
        'next_deadline',
      ),
      // The accompanier did not check in (or out) in time and the counselor was alerted.
      // A scalar subquery, like the names above, so it runs for the page's rows only.
      sql<boolean>`coalesce((select true from accompaniment_checkin c where c.request_id = r.id
        and ((c.arrival_alerted_at is not null and c.arrived_at is null)
          or (c.finish_alerted_at is not null and c.finished_at is null))), false)`.as(
        'checkin_overdue',
      ),
    ])
    .where('r.status', 'in', OPEN_STATUSES);
  return keysetPage(query, BOARD_KEYS, page, BOARD_PAGE_SIZE);
}

const INBOX_PAGE_SIZE = 50;

/** Inbox order: pending offers first, then accepted ones, then the rest; newest first. */
const INBOX_KEYS: SortKey[] = [
  {
    expr: sql`case o.status when 'pending' then 0 when 'accepted' then 1 else 2 end`,
    dir: 'asc',
    type: 'int',
  },
  { expr: sql`o.sent_at`, dir: 'desc', type: 'timestamptz' },
  { expr: sql`o.id`, dir: 'desc', type: 'uuid' },
];

/** A partner's inbox: its offers, pending first; one page (keyset) in one query. */
export async function partnerInbox(q: Queryable, partnerId: string, page: PageRequest = {}) {
  const query = q
    .selectFrom('offer as o')
    .innerJoin('accompaniment_request as r', 'r.id', 'o.request_id')
    .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
    .select([
      'o.id',
      'o.status',
      'o.distance_km',
      'o.estimated_fee',
      'o.respond_by',
      'o.sent_at',
      'r.id as request_id',
      'r.reference',
      sql<string | null>`case when ${sharedWithPartner('summary')} then r.summary end`.as(
        'summary',
      ),
      'r.category',
      'r.urgency',
      'r.window_start',
      'r.window_end',
      'r.status as request_status',
      'r.accepted_partner_id',
      'm.name as municipality_name',
    ])
    .where('o.partner_id', '=', partnerId);
  return keysetPage(query, INBOX_KEYS, page, INBOX_PAGE_SIZE);
}

export async function getOfferForPartner(q: Queryable, offerId: string, partnerId: string) {
  if (!isUuid(offerId)) return null;
  return (
    (await q
      .selectFrom('offer as o')
      .innerJoin('accompaniment_request as r', 'r.id', 'o.request_id')
      .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
      .select([
        'o.id',
        'o.status',
        'o.distance_km',
        'o.estimated_fee',
        'o.respond_by',
        'o.reason',
        'r.id as request_id',
        'r.reference',
        sql<string | null>`case when ${sharedWithPartner('summary')} then r.summary end`.as(
          'summary',
        ),
        'r.category',
        'r.urgency',
        'r.worker_language',
        'r.interpreter_needed',
        'r.shelter_beds',
        'r.window_start',
        'r.window_end',
        'r.status as request_status',
        'r.accepted_partner_id',
        'm.name as municipality_name',
        // Details and the exact place only for the partner that accepted.
        sql<string | null>`case when r.accepted_partner_id = ${partnerId}
          and ${sharedWithPartner('contact')} then r.details end`.as('details'),
        sql<number | null>`case when r.accepted_partner_id = ${partnerId} then r.lat end`.as('lat'),
        sql<number | null>`case when r.accepted_partner_id = ${partnerId} then r.lng end`.as('lng'),
      ])
      .where('o.id', '=', offerId)
      .where('o.partner_id', '=', partnerId)
      .executeTakeFirst()) ?? null
  );
}
