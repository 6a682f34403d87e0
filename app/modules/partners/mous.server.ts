import { sql } from 'kysely';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { formatDate } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { storePdf } from '~/modules/files/files.server';
import { enqueueEmail } from '~/modules/mail/mail.server';
import type { MouInput } from './mou-schema';
import { isUuid, type Viewer } from './partners.server';

type Actor = { userId: string | null; ip?: string | null };
type Upload = { name: string; bytes: Uint8Array } | null;

function toRow(input: MouInput) {
  return {
    reference_no: input.referenceNo,
    status: input.status,
    valid_from: input.validFrom,
    valid_until: input.validUntil ?? null,
    signed_on: input.signedOn ?? null,
    conditions: input.conditions,
    visit_base_fee: input.visitBaseFee,
    base_hours: input.baseHours,
    hourly_fee: input.hourlyFee,
    travel_mode: input.travelMode,
    travel_per_km: input.travelMode === 'per_km' ? input.travelPerKm : 0,
    travel_cap: input.travelMode === 'none' ? null : (input.travelCap ?? null),
    interpreter_hourly: input.interpreterHourly,
    shelter_per_night: input.shelterPerNight,
    phone_support_fee: input.phoneSupportFee,
    consumption_tax: input.consumptionTax,
    max_concurrent_requests: input.maxConcurrentRequests,
  };
}

/** Database refusals that a person can fix, as field errors. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const c = (e as { constraint?: string }).constraint;
    if (c === 'mou_one_active_per_date') throw new DomainError('errors.mouOverlap', 'validFrom');
    if (c === 'mou_reference_no_key') throw new DomainError('errors.referenceTaken', 'referenceNo');
    throw e;
  }
}

export async function createMou(
  tx: Tx,
  partnerId: string,
  input: MouInput,
  pdf: Upload,
  actor: Actor,
) {
  const fileId = pdf
    ? await storePdf(tx, pdf, { purpose: 'mou', createdBy: actor.userId, field: 'signedPdf' })
    : null;
  const { id } = await guard(() =>
    tx
      .insertInto('mou')
      .values({
        ...toRow(input),
        partner_id: partnerId,
        signed_file_id: fileId,
        created_by: actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'mou.create',
    subjectType: 'mou',
    subjectId: id,
    detail: { partnerId, ...toRow(input), newPdf: Boolean(pdf) },
    ip: actor.ip,
  });
  return id;
}

export async function updateMou(tx: Tx, mouId: string, input: MouInput, pdf: Upload, actor: Actor) {
  const current = await tx
    .selectFrom('mou')
    .selectAll()
    .where('id', '=', mouId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw new DomainError('errors.notFound');
  const fileId = pdf
    ? await storePdf(tx, pdf, { purpose: 'mou', createdBy: actor.userId, field: 'signedPdf' })
    : current.signed_file_id;
  await guard(() =>
    tx
      .updateTable('mou')
      .set({ ...toRow(input), signed_file_id: fileId, updated_at: sql`now()` })
      .where('id', '=', mouId)
      .execute(),
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'mou.update',
    subjectType: 'mou',
    subjectId: mouId,
    detail: {
      before: { ...current, conditions: undefined },
      after: toRow(input),
      newPdf: Boolean(pdf),
    },
    ip: actor.ip,
  });
}

export async function getMou(q: Queryable, mouId: string, viewer: Viewer) {
  if (!isUuid(mouId)) return null;
  const row = await q
    .selectFrom('mou as m')
    .leftJoin('stored_file as f', 'f.id', 'm.signed_file_id')
    .selectAll('m')
    .select(['f.filename as pdf_name', 'f.size as pdf_size'])
    .where('m.id', '=', mouId)
    .executeTakeFirst();
  if (!row) return null;
  if (viewer.role === 'partner' && viewer.partnerId !== row.partner_id) return null;
  return row;
}

/** Who may download an MOU's signed PDF: the secretariat and the partner it belongs to. */
export async function mouFileForViewer(q: Queryable, fileId: string, viewer: Viewer) {
  if (!isUuid(fileId)) return null;
  const mou = await q
    .selectFrom('mou')
    .select(['id', 'partner_id'])
    .where('signed_file_id', '=', fileId)
    .executeTakeFirst();
  if (!mou) return null;
  if (viewer.role === 'counselor') return null;
  if (viewer.role === 'partner' && viewer.partnerId !== mou.partner_id) return null;
  return mou;
}

/** Active MOUs ending within `days` days (Tokyo date), soonest first. */
export async function expiringMous(q: Queryable, today: string, days = 60) {
  return q
    .selectFrom('mou as m')
    .innerJoin('partner as p', 'p.id', 'm.partner_id')
    .select([
      'm.id',
      'm.reference_no',
      'm.valid_until',
      'p.id as partner_id',
      'p.name as partner_name',
    ])
    .where('m.status', '=', 'active')
    .where('m.valid_until', 'is not', null)
    .where('m.valid_until', '>=', today)
    .where(sql<boolean>`m.valid_until <= ${today}::date + ${days}::int`)
    .orderBy('m.valid_until')
    .limit(500)
    .execute();
}

/**
 * Daily job: 30 days before an active MOU ends, email the secretariat and the partner (its users
 * and its contact address), once per MOU. Each MOU is handled in its own transaction with its
 * emails, so a crash never loses or repeats a reminder.
 */
export async function sendMouExpiryReminders(today: string): Promise<number> {
  // MOUs whose end date has passed read as expired everywhere (matching uses the dates anyway).
  await db
    .updateTable('mou')
    .set({ status: 'expired', updated_at: sql`now()` })
    .where('status', '=', 'active')
    .where('valid_until', '<', today)
    .execute();
  const due = await db
    .selectFrom('mou as m')
    .innerJoin('partner as p', 'p.id', 'm.partner_id')
    .select([
      'm.id',
      'm.reference_no',
      'm.valid_until',
      'p.id as partner_id',
      'p.name as partner_name',
      'p.contact_email',
    ])
    .where('m.status', '=', 'active')
    .where('m.reminder_sent_at', 'is', null)
    .where('m.valid_until', '>=', today)
    .where(sql<boolean>`m.valid_until <= ${today}::date + 30`)
    .execute();
  let sent = 0;
  for (const m of due) {
    await db.transaction().execute(async (tx) => {
      const claimed = await tx
        .updateTable('mou')
        .set({ reminder_sent_at: sql`now()` })
        .where('id', '=', m.id)
        .where('reminder_sent_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return;
      const people = await tx
        .selectFrom('app_user')
        .select(['email', 'name', 'locale'])
        .where('status', '=', 'active')
        .where((eb) => eb.or([eb('role', '=', 'secretariat'), eb('partner_id', '=', m.partner_id)]))
        .execute();
      const recipients = new Map(people.map((p) => [p.email.toLowerCase(), p]));
      if (m.contact_email && !recipients.has(m.contact_email.toLowerCase())) {
        recipients.set(m.contact_email.toLowerCase(), {
          email: m.contact_email,
          name: m.partner_name,
          locale: 'ja',
        });
      }
      for (const r of recipients.values()) {
        await enqueueEmail(tx, {
          template: 'mou_expiry',
          to: r.email,
          locale: r.locale,
          data: {
            name: r.name,
            partnerName: m.partner_name,
            referenceNo: m.reference_no,
            validUntil: {
              ja: formatDate(m.valid_until!, 'ja'),
              en: formatDate(m.valid_until!, 'en'),
            },
            url: `${appUrl()}/partners/${m.partner_id}`,
          },
        });
      }
      sent++;
    });
  }
  return sent;
}
