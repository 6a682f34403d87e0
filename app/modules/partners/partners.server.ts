import type { Queryable } from '~/lib/db.server';

export async function partnerExists(q: Queryable, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const row = await q.selectFrom('partner').select('id').where('id', '=', id).executeTakeFirst();
  return Boolean(row);
}

/** Organisations a partner user can be attached to (for the invitation form). */
export async function listPartnerOptions(q: Queryable) {
  return q
    .selectFrom('partner')
    .select(['id', 'name'])
    .where('status', '!=', 'retired')
    .orderBy('name_kana')
    .orderBy('name')
    .limit(1000)
    .execute();
}

export async function getPartnerName(q: Queryable, id: string): Promise<string> {
  const row = await q.selectFrom('partner').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? '';
}
