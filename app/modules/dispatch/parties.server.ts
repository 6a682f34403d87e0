import { sql } from 'kysely';
import type { Queryable, Tx } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { partnerRecipients } from '~/modules/mail/recipients.server';
import { isUuid } from '~/modules/partners/partners.server';
import { type AdversePartyInput, orgNameKey, type TieInput } from './parties';
import { recordEvent } from './requests.server';

type Actor = { userId: string; ip?: string | null };

/** Partners tied to any adverse party of the request (by corporate number or normalised name). */
export async function conflictedPartnerIds(q: Queryable, requestId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('partner_tie as t')
    .innerJoin('request_adverse_party as a', (j) =>
      j
        .on('a.request_id', '=', requestId)
        .on((eb) =>
          eb.or([
            eb('t.name_key', '=', eb.ref('a.name_key')),
            eb('t.corporate_number', '=', eb.ref('a.corporate_number')),
          ]),
        ),
    )
    .select('t.partner_id')
    .distinct()
    .execute();
  return rows.map((r) => r.partner_id);
}

/**
 * Records a party the worker may be in conflict with. Pending offers to partners tied to it are
 * withdrawn at once, without telling them why; the counselor is warned if the partner that
 * already accepted is tied to it.
 */
export async function addAdverseParty(
  tx: Tx,
  requestId: string,
  input: AdversePartyInput,
  actor: Actor,
) {
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'reference', 'status', 'accepted_partner_id'])
    .where('id', '=', requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (['closed', 'cancelled'].includes(r.status)) throw new DomainError('dispatch.notOpen');
  const { id } = await tx
    .insertInto('request_adverse_party')
    .values({
      request_id: requestId,
      kind: input.kind,
      name: input.name,
      corporate_number: input.corporateNumber,
      name_key: orgNameKey(input.name),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordEvent(
    tx,
    requestId,
    'adverse_party_added',
    { userId: actor.userId },
    { kind: input.kind },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.adverse_party_add',
    subjectType: 'request',
    subjectId: requestId,
    detail: { partyId: id },
    ip: actor.ip,
  });
  const conflicted = await conflictedPartnerIds(tx, requestId);
  if (conflicted.length) {
    const withdrawn = await tx
      .updateTable('offer')
      .set({ status: 'withdrawn', responded_at: sql`now()`, reason: 'withdrawn_by_counselor' })
      .where('request_id', '=', requestId)
      .where('status', '=', 'pending')
      .where('partner_id', 'in', conflicted)
      .returning(['id', 'partner_id'])
      .execute();
    for (const o of withdrawn) {
      await recordEvent(
        tx,
        requestId,
        'withdrawn',
        { userId: actor.userId, partnerId: o.partner_id },
        { offerId: o.id, why: 'conflict_of_interest' },
      );
      const users = await partnerRecipients(tx, o.partner_id);
      for (const to of users) {
        await enqueueEmail(tx, {
          template: 'offer_withdrawn',
          to: to.email,
          locale: to.locale,
          data: {
            name: to.name,
            reference: r.reference,
            // Neutral on purpose: the partner must not learn of the conflict or the parties.
            why: { ja: '相談員が打診を取り下げました', en: 'the counselor withdrew the offer' },
          },
        });
      }
    }
    const pendingLeft = await tx
      .selectFrom('offer')
      .select('id')
      .where('request_id', '=', requestId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (r.status === 'offered' && !pendingLeft) {
      await tx
        .updateTable('accompaniment_request')
        .set({ status: 'needs_dispatch', updated_at: sql`now()` })
        .where('id', '=', requestId)
        .execute();
      await recordEvent(tx, requestId, 'needs_dispatch', { userId: null });
    }
  }
  return {
    acceptedPartnerConflicted:
      !!r.accepted_partner_id && conflicted.includes(r.accepted_partner_id),
  };
}

export async function removeAdverseParty(tx: Tx, requestId: string, partyId: string, actor: Actor) {
  if (!isUuid(partyId)) throw new DomainError('errors.notFound');
  const gone = await tx
    .deleteFrom('request_adverse_party')
    .where('id', '=', partyId)
    .where('request_id', '=', requestId)
    .returning('kind')
    .executeTakeFirst();
  if (!gone) throw new DomainError('errors.notFound');
  await recordEvent(
    tx,
    requestId,
    'adverse_party_removed',
    { userId: actor.userId },
    { kind: gone.kind },
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'request.adverse_party_remove',
    subjectType: 'request',
    subjectId: requestId,
    detail: { partyId },
    ip: actor.ip,
  });
}

/** Staff only: the adverse parties are never shown to a partner. */
export async function listAdverseParties(q: Queryable, requestId: string) {
  return q
    .selectFrom('request_adverse_party')
    .select(['id', 'kind', 'name', 'corporate_number'])
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .execute();
}

// ---- partner ties ----------------------------------------------------------------------------

export async function addTie(tx: Tx, partnerId: string, input: TieInput, actor: Actor) {
  const { id } = await tx
    .insertInto('partner_tie')
    .values({
      partner_id: partnerId,
      relation: input.relation,
      name: input.name,
      corporate_number: input.corporateNumber,
      name_key: orgNameKey(input.name),
      valid_from: input.validFrom,
      valid_until: input.validUntil,
      note: input.note,
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, {
    actorId: actor.userId,
    action: 'partner.tie_add',
    subjectType: 'partner',
    subjectId: partnerId,
    detail: { tieId: id, relation: input.relation, name: input.name },
    ip: actor.ip,
  });
  return id;
}

export async function updateTie(
  tx: Tx,
  partnerId: string,
  tieId: string,
  input: TieInput,
  actor: Actor,
) {
  if (!isUuid(tieId)) throw new DomainError('errors.notFound');
  const row = await tx
    .updateTable('partner_tie')
    .set({
      relation: input.relation,
      name: input.name,
      corporate_number: input.corporateNumber,
      name_key: orgNameKey(input.name),
      valid_from: input.validFrom,
      valid_until: input.validUntil,
      note: input.note,
      updated_at: sql`now()`,
    })
    .where('id', '=', tieId)
    .where('partner_id', '=', partnerId)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new DomainError('errors.notFound');
  await audit(tx, {
    actorId: actor.userId,
    action: 'partner.tie_update',
    subjectType: 'partner',
    subjectId: partnerId,
    detail: { tieId, relation: input.relation, name: input.name },
    ip: actor.ip,
  });
}

export async function removeTie(tx: Tx, partnerId: string, tieId: string, actor: Actor) {
  if (!isUuid(tieId)) throw new DomainError('errors.notFound');
  const row = await tx
    .deleteFrom('partner_tie')
    .where('id', '=', tieId)
    .where('partner_id', '=', partnerId)
    .returning(['name', 'relation'])
    .executeTakeFirst();
  if (!row) throw new DomainError('errors.notFound');
  await audit(tx, {
    actorId: actor.userId,
    action: 'partner.tie_remove',
    subjectType: 'partner',
    subjectId: partnerId,
    detail: { tieId, ...row },
    ip: actor.ip,
  });
}

export async function listTies(q: Queryable, partnerId: string) {
  return q
    .selectFrom('partner_tie')
    .select(['id', 'relation', 'name', 'corporate_number', 'valid_from', 'valid_until', 'note'])
    .where('partner_id', '=', partnerId)
    .orderBy('name')
    .execute();
}
