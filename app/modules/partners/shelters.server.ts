import { sql } from 'kysely';
import type { Queryable, Tx } from '~/lib/db.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { isUuid, type Viewer } from './partners.server';
import type { ShelterInput } from './shelter-schema';

type Actor = { userId: string | null; ip?: string | null };

function toRow(input: ShelterInput) {
  return {
    name: input.name,
    capacity: input.capacity,
    accepts: input.accepts,
    active: input.active,
    municipality_code: input.municipalityCode,
    address: input.address,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    notes: input.notes,
  };
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const c = (e as { constraint?: string }).constraint;
    if (c === 'shelter_occupancy')
      throw new DomainError('shelter.capacityBelowOccupied', 'capacity');
    if (c === 'shelter_municipality_code_fkey')
      throw new DomainError('errors.municipalityUnknown', 'municipalityCode');
    throw e;
  }
}

export async function createShelter(tx: Tx, partnerId: string, input: ShelterInput, actor: Actor) {
  const { id } = await guard(() =>
    tx
      .insertInto('shelter')
      .values({ ...toRow(input), partner_id: partnerId })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'shelter.create',
    subjectType: 'shelter',
    subjectId: id,
    ip: actor.ip,
  });
  return id;
}

export async function updateShelter(tx: Tx, shelterId: string, input: ShelterInput, actor: Actor) {
  await guard(() =>
    tx
      .updateTable('shelter')
      .set({ ...toRow(input), updated_at: sql`now()` })
      .where('id', '=', shelterId)
      .execute(),
  );
  await audit(tx, {
    actorId: actor.userId,
    action: 'shelter.update',
    subjectType: 'shelter',
    subjectId: shelterId,
    ip: actor.ip,
  });
}

/**
 * Shown a shelter's exact location although not its owner (the secretariat): one audit row per
 * shelter, so "who saw where this shelter is" is one query on the subject.
 */
export async function auditShelterLocationRead(
  q: Queryable,
  viewer: Viewer,
  shelters: { id: string; partnerId: string }[],
  ip?: string | null,
) {
  for (const s of shelters) {
    if (viewer.partnerId === s.partnerId) continue;
    await audit(q, {
      actorId: viewer.id,
      action: 'shelter.read_location',
      subjectType: 'shelter',
      subjectId: s.id,
      detail: { partnerId: s.partnerId },
      ip,
    });
  }
}

/** ⚑ The exact location only for the secretariat and the owning partner. */
export async function getShelter(q: Queryable, shelterId: string, viewer: Viewer) {
  if (!isUuid(shelterId)) return null;
  const s = await q
    .selectFrom('shelter as s')
    .innerJoin('municipality as m', 'm.code', 's.municipality_code')
    .selectAll('s')
    .select(['m.name as municipality_name', 'm.prefecture_code'])
    .where('s.id', '=', shelterId)
    .executeTakeFirst();
  if (!s) return null;
  const exact = viewer.role === 'secretariat' || viewer.partnerId === s.partner_id;
  if (viewer.role === 'partner' && !exact) return null;
  return exact ? s : { ...s, address: null, lat: null, lng: null, notes: '' };
}
