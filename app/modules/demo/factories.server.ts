import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Locale, PartnerKind, Role } from '../../../db/schema';
import type { Queryable } from '~/lib/db.server';
import { hashPassword } from '~/modules/auth/password.server';

// Shared by the demo seed and the tests: one way to make a valid partner or user.

export async function makePartner(
  q: Queryable,
  p: {
    name?: string;
    nameKana?: string;
    kind?: PartnerKind;
    status?: 'prospective' | 'active';
  } = {},
) {
  return q
    .insertInto('partner')
    .values({
      kind: p.kind ?? 'npo',
      name: p.name ?? `テスト団体 ${randomBytes(3).toString('hex')}`,
      name_kana: p.nameKana ?? 'てすとだんたい',
      status: p.status ?? 'active',
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
}

const hashes = new Map<string, Promise<string>>();

/** An active account that can log in with `password`. */
export async function makeUser(
  q: Queryable,
  u: {
    role: Role;
    partnerId?: string | null;
    email?: string;
    name?: string;
    password?: string;
    locale?: Locale;
  },
) {
  const password = u.password ?? 'correct horse battery staple';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const email = (
    u.email ?? `${u.role}-${randomBytes(4).toString('hex')}@test.example`
  ).toLowerCase();
  const row = await q
    .insertInto('app_user')
    .values({
      email,
      name: u.name ?? `${u.role} user`,
      role: u.role,
      partner_id: u.partnerId ?? null,
      locale: u.locale ?? 'ja',
      password_hash: await hashes.get(password)!,
      status: 'active',
      password_changed_at: sql`now()`,
    })
    .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
    .returning(['id', 'email', 'role'])
    .executeTakeFirst();
  return row ? { ...row, password } : null;
}
