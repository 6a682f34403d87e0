import { sql } from 'kysely';
import type { Locale } from '../../../db/schema';
import type { Queryable, Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { partnerRecipients } from '~/modules/mail/recipients.server';
import type { ConsentCategory, GrantInput } from './consent';
import { recordEvent } from './events.server';

type Actor = { userId: string; ip?: string | null };

/**
 * SQL: true when the worker's consent currently lets the accepting partner (and, for the
 * summary, the partners it is offered to) see `category` of request `r`.
 */
export const sharedWithPartner = (category: ConsentCategory) =>
  sql<boolean>`exists (select 1 from consent_grant g where g.request_id = r.id
    and g.category = ${category} and g.recipient = 'accepting_partner' and g.revoked_at is null)`;

/** ⚑ Dispatch needs consent that covers the summary for partners. */
export async function hasDispatchConsent(q: Queryable, requestId: string) {
  const row = await q
    .selectFrom('consent_grant')
    .select('id')
    .where('request_id', '=', requestId)
    .where('category', '=', 'summary')
    .where('recipient', '=', 'accepting_partner')
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return !!row;
}

/** Keeps the request's `consent_at` (board, quick checks) in step with the grants. */
async function syncConsentAt(tx: Tx, requestId: string, userId: string | null) {
  const ok = await hasDispatchConsent(tx, requestId);
  await tx
    .updateTable('accompaniment_request')
    .set(
      ok
        ? {
            consent_at: sql`coalesce(consent_at, now())`,
            consent_recorded_by: sql`coalesce(consent_recorded_by, ${userId}::uuid)`,
          }
        : { consent_at: null, consent_recorded_by: null },
    )
    .where('id', '=', requestId)
    .execute();
  return ok;
}

export async function grantConsent(tx: Tx, requestId: string, input: GrantInput, actor: Actor) {
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'status'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (['closed', 'cancelled'].includes(r.status)) throw new DomainError('dispatch.notOpen');
  const rows = input.categories.flatMap((category) =>
    input.recipients.map((recipient) => ({
      request_id: requestId,
      category,
      recipient,
      method: input.method,
      language: input.language,
      recorded_by: actor.userId,
    })),
  );
  await tx
    .insertInto('consent_grant')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['request_id', 'category', 'recipient'])
        .where('revoked_at', 'is', null)
        .doNothing(),
    )
    .execute();
  await syncConsentAt(tx, requestId, actor.userId);
  await recordEvent(
    tx,
    requestId,
    'consent_recorded',
    { userId: actor.userId },
    {
      categories: input.categories,
      recipients: input.recipients,
      method: input.method,
      language: input.language,
    },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.consent_grant',
    subjectType: 'request',
    subjectId: requestId,
    detail: { ...input },
    ip: actor.ip,
  });
}

/**
 * Revocation takes effect at once: the next page a partner loads no longer shows the revoked
 * categories. Without consent for the summary, pending offers are withdrawn and a cascade stops.
 * The accepting partner is told which categories (never their content) are no longer shared.
 */
export async function revokeConsent(
  tx: Tx,
  requestId: string,
  categories: ConsentCategory[],
  actor: Actor,
) {
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'reference', 'status', 'accepted_partner_id'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  const revoked = await tx
    .updateTable('consent_grant')
    .set({ revoked_at: sql`now()`, revoked_by: actor.userId })
    .where('request_id', '=', requestId)
    .where('category', 'in', categories)
    .where('revoked_at', 'is', null)
    .returning(['category', 'recipient'])
    .execute();
  if (!revoked.length) throw new DomainError('dispatch.nothingToRevoke', 'categories');
  const stillDispatchable = await syncConsentAt(tx, requestId, actor.userId);
  const revokedCategories = [...new Set(revoked.map((g) => g.category))];
  await recordEvent(
    tx,
    requestId,
    'consent_revoked',
    { userId: actor.userId },
    {
      categories: revokedCategories,
    },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.consent_revoke',
    subjectType: 'request',
    subjectId: requestId,
    detail: { categories: revokedCategories },
    ip: actor.ip,
  });
  if (!stillDispatchable) {
    const withdrawn = await tx
      .updateTable('offer')
      .set({ status: 'withdrawn', responded_at: sql`now()`, reason: 'withdrawn_by_counselor' })
      .where('request_id', '=', requestId)
      .where('status', '=', 'pending')
      .returning(['id', 'partner_id'])
      .execute();
    for (const o of withdrawn)
      await recordEvent(
        tx,
        requestId,
        'withdrawn',
        { userId: actor.userId, partnerId: o.partner_id },
        { offerId: o.id, why: 'consent_revoked' },
      );
    if (withdrawn.length && r.status === 'offered') {
      await tx
        .updateTable('accompaniment_request')
        .set({ status: 'needs_dispatch', updated_at: sql`now()` })
        .where('id', '=', requestId)
        .execute();
    }
    await tx
      .updateTable('offer_cascade')
      .set({ status: 'stopped', ended_at: sql`now()`, updated_at: sql`now()` })
      .where('request_id', '=', requestId)
      .where('status', 'in', ['running', 'paused'])
      .execute();
  }
  if (r.accepted_partner_id && revoked.some((g) => g.recipient === 'accepting_partner')) {
    const users = await partnerRecipients(tx, r.accepted_partner_id);
    for (const to of users) {
      await enqueueEmail(tx, {
        template: 'consent_revoked',
        to: to.email,
        locale: to.locale as Locale,
        data: {
          name: to.name,
          reference: r.reference,
          categories: revokedCategories,
          url: `${appUrl()}/partner/requests/${requestId}`,
        },
      });
    }
  }
}

/** The grants of a request, newest first, for the counselor's consent panel. */
export async function listConsent(q: Queryable, requestId: string) {
  return q
    .selectFrom('consent_grant as g')
    .leftJoin('app_user as u', 'u.id', 'g.recorded_by')
    .select([
      'g.id',
      'g.category',
      'g.recipient',
      'g.method',
      'g.language',
      'g.recorded_at',
      'g.revoked_at',
      'u.name as recorded_by_name',
    ])
    .where('g.request_id', '=', requestId)
    .orderBy('g.recorded_at', 'desc')
    .execute();
}
