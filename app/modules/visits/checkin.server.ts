import { sql } from 'kysely';
import type { Locale } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl, getEnv } from '~/lib/env.server';
import { formatTime } from '~/lib/format';
import { recordEvent } from '~/modules/dispatch/requests.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { secretariatRecipients } from '~/modules/mail/recipients.server';
import { isUuid } from '~/modules/partners/partners.server';

type PartnerActor = { userId: string; partnerId: string };

/**
 * "Arrived" / "finished", one tap each from the partner's phone. Repeating a tap (a retry on a
 * slow connection) changes nothing: the first time stands.
 */
export async function tapCheckin(
  tx: Tx,
  requestId: string,
  what: 'arrived' | 'finished',
  actor: PartnerActor,
  now = new Date(),
) {
  if (!isUuid(requestId)) throw new DomainError('errors.notFound');
  const r = await tx
    .selectFrom('accompaniment_request')
    .select(['id', 'status'])
    .where('id', '=', requestId)
    .where('accepted_partner_id', '=', actor.partnerId)
    .forUpdate()
    .executeTakeFirst();
  if (!r) throw new DomainError('errors.notFound');
  if (!['accepted', 'in_progress'].includes(r.status))
    throw new DomainError('visits.errors.caseNotOpen');
  const current = await tx
    .selectFrom('accompaniment_checkin')
    .select(['arrived_at', 'finished_at'])
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  if (what === 'arrived') {
    if (current?.arrived_at) return current;
    await tx
      .insertInto('accompaniment_checkin')
      .values({
        request_id: requestId,
        partner_id: actor.partnerId,
        arrived_at: now,
        arrived_by: actor.userId,
      })
      .onConflict((oc) =>
        oc.column('request_id').doUpdateSet({ arrived_at: now, arrived_by: actor.userId }),
      )
      .execute();
    await tx
      .updateTable('accompaniment_request')
      .set({ status: 'in_progress', updated_at: sql`now()` })
      .where('id', '=', requestId)
      .where('status', '=', 'accepted')
      .execute();
    await recordEvent(tx, requestId, 'checked_in', actor);
  } else {
    if (!current?.arrived_at) throw new DomainError('visits.errors.arriveFirst');
    if (current.finished_at) return current;
    await tx
      .updateTable('accompaniment_checkin')
      .set({ finished_at: now, finished_by: actor.userId })
      .where('request_id', '=', requestId)
      .execute();
    await recordEvent(tx, requestId, 'checked_out', actor);
  }
  return tx
    .selectFrom('accompaniment_checkin')
    .select(['arrived_at', 'finished_at'])
    .where('request_id', '=', requestId)
    .executeTakeFirstOrThrow();
}

export async function getCheckin(q: Queryable, requestId: string) {
  return (
    (await q
      .selectFrom('accompaniment_checkin')
      .select([
        'arrived_at',
        'finished_at',
        'arrival_alerted_at',
        'arrival_escalated_at',
        'finish_alerted_at',
        'finish_escalated_at',
      ])
      .where('request_id', '=', requestId)
      .executeTakeFirst()) ?? null
  );
}

type Stage = {
  kind: 'arrival' | 'finish';
  level: 'alerted' | 'escalated';
  column:
    'arrival_alerted_at' | 'arrival_escalated_at' | 'finish_alerted_at' | 'finish_escalated_at';
};

const STAGES: Stage[] = [
  { kind: 'arrival', level: 'alerted', column: 'arrival_alerted_at' },
  { kind: 'arrival', level: 'escalated', column: 'arrival_escalated_at' },
  { kind: 'finish', level: 'alerted', column: 'finish_alerted_at' },
  { kind: 'finish', level: 'escalated', column: 'finish_escalated_at' },
];

/**
 * Every minute: accepted requests whose accompanier has not tapped "arrived" some minutes after
 * the planned start, or "finished" after the planned end. The counselor is alerted once, the
 * secretariat once more after a further delay. Each alert is claimed by a conditional update in
 * the transaction that queues its emails, so two workers never send it twice.
 */
export async function watchCheckins(
  now = new Date(),
): Promise<{ requestId: string; stage: string }[]> {
  const env = getEnv();
  const sent: { requestId: string; stage: string }[] = [];
  for (const stage of STAGES) {
    const minutes =
      stage.level === 'alerted' ? env.CHECKIN_ALERT_MINUTES : env.CHECKIN_ESCALATE_MINUTES;
    const cutoff = new Date(now.getTime() - minutes * 60_000);
    // A request accepted after its planned time is counted from the acceptance.
    const planned =
      stage.kind === 'arrival'
        ? sql<Date>`greatest(r.window_start, r.accepted_at)`
        : sql<Date>`greatest(r.window_end, r.accepted_at)`;
    const due = await db
      .selectFrom('accompaniment_request as r')
      .leftJoin('accompaniment_checkin as c', 'c.request_id', 'r.id')
      .select('r.id')
      .where('r.status', 'in', ['accepted', 'in_progress'])
      .where(planned, '<=', cutoff)
      .where(sql.ref(`c.${stage.column}`), 'is', null)
      .where((eb) =>
        stage.kind === 'arrival'
          ? eb('c.arrived_at', 'is', null)
          : eb.and([eb('c.arrived_at', 'is not', null), eb('c.finished_at', 'is', null)]),
      )
      .limit(500)
      .execute();
    for (const { id } of due) {
      if (await alertOnce(id, stage)) sent.push({ requestId: id, stage: stage.column });
    }
  }
  return sent;
}

async function alertOnce(requestId: string, stage: Stage) {
  return db.transaction().execute(async (tx) => {
    const r = await tx
      .selectFrom('accompaniment_request as r')
      .innerJoin('partner as p', 'p.id', 'r.accepted_partner_id')
      .innerJoin('app_user as u', 'u.id', 'r.created_by')
      .select([
        'r.id',
        'r.reference',
        'r.accepted_partner_id',
        'r.window_start',
        'r.window_end',
        'p.name as partner_name',
        'p.contact_phone',
        'u.email',
        'u.name',
        'u.locale',
      ])
      .where('r.id', '=', requestId)
      .forUpdate('r')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('accompaniment_checkin')
      .values({ request_id: requestId, partner_id: r.accepted_partner_id })
      .onConflict((oc) => oc.column('request_id').doNothing())
      .execute();
    const claimed = await tx
      .updateTable('accompaniment_checkin')
      .set({ [stage.column]: sql`now()` })
      .where('request_id', '=', requestId)
      .where(stage.column, 'is', null)
      .where(stage.kind === 'arrival' ? 'arrived_at' : 'finished_at', 'is', null)
      .returning('request_id')
      .executeTakeFirst();
    if (!claimed) return false;
    const recipients =
      stage.level === 'alerted'
        ? [{ email: r.email, name: r.name, locale: r.locale as Locale }]
        : await secretariatRecipients(tx);
    const planned = stage.kind === 'arrival' ? r.window_start : r.window_end;
    for (const to of recipients) {
      await enqueueEmail(tx, {
        template: 'checkin_overdue',
        to: to.email,
        locale: to.locale,
        data: {
          name: to.name,
          reference: r.reference,
          partnerName: r.partner_name,
          partnerPhone: r.contact_phone ?? '',
          arrival: stage.kind === 'arrival',
          escalated: stage.level === 'escalated',
          planned: { ja: formatTime(planned, 'ja'), en: formatTime(planned, 'en') },
          url: `${appUrl()}/requests/${requestId}`,
        },
      });
    }
    await recordEvent(
      tx,
      requestId,
      stage.kind === 'arrival' ? 'arrival_overdue' : 'finish_overdue',
      { userId: null },
      { level: stage.level },
    );
    return true;
  });
}
