import type { Locale } from '../../../db/schema';
import type { Queryable } from '~/lib/db.server';

export interface Recipient {
  email: string;
  name: string;
  locale: Locale;
}

/** Who to tell about a partner's work: its active users, else its contact address. */
export async function partnerRecipients(q: Queryable, partnerId: string): Promise<Recipient[]> {
  const users = await q
    .selectFrom('app_user')
    .select(['email', 'name', 'locale'])
    .where('partner_id', '=', partnerId)
    .where('status', '=', 'active')
    .execute();
  if (users.length) return users;
  const p = await q
    .selectFrom('partner')
    .select(['contact_email', 'contact_name', 'name'])
    .where('id', '=', partnerId)
    .executeTakeFirstOrThrow();
  return p.contact_email
    ? [{ email: p.contact_email, name: p.contact_name || p.name, locale: 'ja' }]
    : [];
}

/** Every active secretariat user (escalations). */
export async function secretariatRecipients(q: Queryable): Promise<Recipient[]> {
  return q
    .selectFrom('app_user')
    .select(['email', 'name', 'locale'])
    .where('role', '=', 'secretariat')
    .where('status', '=', 'active')
    .execute();
}
