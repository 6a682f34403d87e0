import { sql } from 'kysely';
import type { CascadeStatus, Locale, RequestStatus } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { secretariatRecipients } from '~/modules/mail/recipients.server';
import { hasDispatchConsent } from './consent.server';
import { findCandidates } from './matching.server';
import { getMatchCriteria, markNeedsDispatch, recordEvent, sendOffers } from './requests.server';

type Actor = { userId: string; ip?: string | null };

const DISPATCHABLE: RequestStatus[] = ['draft', 'offered', 'needs_dispatch'];

/**
 * Starts (or resumes, or re-sizes) the cascade and takes its first step in the same transaction.
 * Consent and every matching rule apply as for manual offers.
 */
export async function startCascade(tx: Tx, requestId: string, k: number, actor: Actor) {
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'status', 'consent_at'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (!(await hasDispatchConsent(tx, requestId)))
    throw new DomainError('dispatch.consentRequired', 'consent');
  if (!DISPATCHABLE.includes(r.status)) throw new DomainError('dispatch.notDispatchable');
  await tx
    .insertInto('offer_cascade')
    .values({ request_id: requestId, k, status: 'running', started_by: actor.userId })
    .onConflict((oc) =>
      oc.column('request_id').doUpdateSet({
        k,
        status: 'running',
        started_by: actor.userId,
        ended_at: null,
        alerted_at: null,
        escalated_at: null,
        updated_at: sql`now()`,
      }),
    )
    .execute();
  await recordEvent(tx, requestId, 'cascade_started', { userId: actor.userId }, { k });
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.cascade_start',
    subjectType: 'request',
    subjectId: requestId,
    detail: { k },
    ip: actor.ip,
  });
  return advanceCascadeIn(tx, requestId);
}

/** Pause (no new offers; pending ones stay), or stop so the counselor takes over by hand. */
export async function setCascadeStatus(
  tx: Tx,
  requestId: string,
  status: 'paused' | 'stopped',
  actor: Actor,
) {
  const row = await tx
    .updateTable('offer_cascade')
    .set({
      status,
      updated_at: sql`now()`,
      ended_at: status === 'stopped' ? sql`now()` : null,
    })
    .where('request_id', '=', requestId)
    .where('status', 'in', status === 'paused' ? ['running'] : ['running', 'paused'])
    .returning('request_id')
    .executeTakeFirst();
  if (!row) throw new DomainError('dispatch.cascadeNotRunning');
  await recordEvent(tx, requestId, status === 'paused' ? 'cascade_paused' : 'cascade_stopped', {
    userId: actor.userId,
  });
}

async function endCascade(
  tx: Tx,
  requestId: string,
  outcome: Extract<CascadeStatus, 'accepted' | 'exhausted' | 'deadline' | 'stopped'>,
) {
  const alert = outcome === 'exhausted' || outcome === 'deadline';
  await tx
    .updateTable('offer_cascade')
    .set({
      status: outcome,
      ended_at: sql`now()`,
      updated_at: sql`now()`,
      ...(alert ? { alerted_at: sql`now()` } : {}),
    })
    .where('request_id', '=', requestId)
    .execute();
  await recordEvent(tx, requestId, 'cascade_ended', { userId: null }, { outcome });
  if (!alert) return;
  const pending = await tx
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', requestId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!pending) await markNeedsDispatch(tx, requestId);
  const r = await tx
    .selectFrom('accompaniment_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.created_by')
    .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
    .select(['r.reference', 'u.email', 'u.name', 'u.locale', 'm.name as place'])
    .where('r.id', '=', requestId)
    .executeTakeFirstOrThrow();
  await enqueueEmail(tx, {
    template: 'cascade_ended',
    to: r.email,
    locale: r.locale as Locale,
    data: {
      name: r.name,
      reference: r.reference,
      place: r.place,
      deadline: outcome === 'deadline',
      escalated: false,
      url: `${appUrl()}/requests/${requestId}`,
    },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One step, in the caller's transaction under the request's row lock: keep k offers open by
 * offering the next eligible partners (never one already offered), or end the cascade. A crash
 * anywhere rolls the whole step back, so a retried step neither skips nor repeats a partner.
 */
async function advanceCascadeIn(tx: Tx, requestId: string, now = new Date()) {
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'status', 'window_start'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  const c = await tx
    .selectFrom('offer_cascade')
    .select(['k', 'status'])
    .where('request_id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r || !c || c.status !== 'running') return 'idle' as const;
  if (['accepted', 'in_progress', 'completed', 'closed'].includes(r.status)) {
    await endCascade(tx, requestId, 'accepted');
    return 'accepted' as const;
  }
  if (r.status === 'cancelled') {
    await endCascade(tx, requestId, 'stopped');
    return 'stopped' as const;
  }
  // The need-by time: once the accompaniment should have started, offering more is pointless.
  if (r.window_start <= now) {
    // Pending offers expire by themselves (respond-by is never later than the start).
    await endCascade(tx, requestId, 'deadline');
    return 'deadline' as const;
  }
  const pending = Number(
    (
      await tx
        .selectFrom('offer')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('request_id', '=', requestId)
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow()
    ).n,
  );
  const need = c.k - pending;
  if (need <= 0) return 'waiting' as const;
  const next = await findCandidates(tx, await getMatchCriteria(tx, requestId), need);
  if (next.length) {
    await sendOffers(
      tx,
      requestId,
      next.map((p) => p.id),
      { userId: null },
      { byCascade: true, now },
    );
    const delay = getEnv().CASCADE_STEP_DELAY_MS;
    if (delay) await sleep(delay);
    return 'offered' as const;
  }
  if (pending === 0) {
    await endCascade(tx, requestId, 'exhausted');
    return 'exhausted' as const;
  }
  return 'waiting' as const;
}

export function advanceCascade(requestId: string, now = new Date()) {
  return db.transaction().execute((tx) => advanceCascadeIn(tx, requestId, now));
}

/**
 * Every minute (and when a worker starts): step every running cascade — this is what resumes a
 * cascade whose job died with a worker — and tell the secretariat, once, about cascades that ran
 * out with nobody acting since the counselor was alerted.
 */
export async function sweepCascades(
  now = new Date(),
): Promise<{ stepped: number; escalated: number }> {
  const running = await db
    .selectFrom('offer_cascade')
    .select('request_id')
    .where('status', '=', 'running')
    .orderBy('started_at')
    .limit(1000)
    .execute();
  for (const { request_id } of running) await advanceCascade(request_id, now);

  const minutes = getEnv().CASCADE_ESCALATE_MINUTES;
  const due = await db
    .selectFrom('offer_cascade as c')
    .innerJoin('accompaniment_request as r', 'r.id', 'c.request_id')
    .select(['c.request_id', 'c.alerted_at'])
    .where('c.alerted_at', '<=', new Date(now.getTime() - minutes * 60_000))
    .where('c.escalated_at', 'is', null)
    .where('r.status', 'in', DISPATCHABLE)
    .execute();
  let escalated = 0;
  for (const d of due) {
    await db.transaction().execute(async (tx) => {
      const c = await tx
        .selectFrom('offer_cascade')
        .select(['escalated_at', 'alerted_at'])
        .where('request_id', '=', d.request_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (c.escalated_at) return;
      // Acting means offering again by hand (or restarting the cascade) after the alert.
      const acted = await tx
        .selectFrom('offer')
        .select('id')
        .where('request_id', '=', d.request_id)
        .where('sent_at', '>', c.alerted_at!)
        .executeTakeFirst();
      await tx
        .updateTable('offer_cascade')
        .set({ escalated_at: sql`now()` })
        .where('request_id', '=', d.request_id)
        .execute();
      if (acted) return;
      const r = await tx
        .selectFrom('accompaniment_request as r')
        .innerJoin('municipality as m', 'm.code', 'r.municipality_code')
        .select(['r.reference', 'm.name as place'])
        .where('r.id', '=', d.request_id)
        .executeTakeFirstOrThrow();
      const secretariat = await secretariatRecipients(tx);
      for (const s of secretariat) {
        await enqueueEmail(tx, {
          template: 'cascade_ended',
          to: s.email,
          locale: s.locale,
          data: {
            name: s.name,
            reference: r.reference,
            place: r.place,
            deadline: false,
            escalated: true,
            url: `${appUrl()}/requests/${d.request_id}`,
          },
        });
      }
      await recordEvent(tx, d.request_id, 'cascade_escalated', { userId: null });
      escalated++;
    });
  }
  return { stepped: running.length, escalated };
}

export async function getCascade(q: Queryable, requestId: string) {
  return (
    (await q
      .selectFrom('offer_cascade')
      .select(['k', 'status', 'started_at', 'ended_at', 'alerted_at', 'escalated_at'])
      .where('request_id', '=', requestId)
      .executeTakeFirst()) ?? null
  );
}
