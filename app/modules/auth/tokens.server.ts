import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { TokenPurpose } from '../../../db/schema';
import type { Queryable, Tx } from '~/lib/db.server';

export const INVITATION_TTL_HOURS = 72;
export const RESET_TTL_HOURS = 1;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a single-use token; only its hash is stored. Earlier unused tokens of the same purpose die. */
export async function issueToken(
  tx: Tx,
  opts: { userId: string; purpose: TokenPurpose; ttlHours: number; createdBy?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  await tx
    .updateTable('user_token')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', opts.userId)
    .where('purpose', '=', opts.purpose)
    .where('used_at', 'is', null)
    .execute();
  const token = randomBytes(32).toString('base64url');
  const row = await tx
    .insertInto('user_token')
    .values({
      user_id: opts.userId,
      purpose: opts.purpose,
      token_hash: hashToken(token),
      expires_at: sql<Date>`now() + make_interval(hours => ${opts.ttlHours})`,
      created_by: opts.createdBy ?? null,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return { token, expiresAt: row.expires_at };
}

export type TokenState =
  { state: 'valid'; userId: string; expiresAt: Date } | { state: 'expired' | 'used' | 'invalid' };

export async function inspectToken(
  q: Queryable,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenState> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: 'invalid' };
  const row = await q
    .selectFrom('user_token')
    .select(['user_id', 'expires_at', 'used_at', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return { state: 'invalid' };
  if (row.used_at) return { state: 'used' };
  if (row.expired) return { state: 'expired' };
  return { state: 'valid', userId: row.user_id, expiresAt: row.expires_at };
}

/** Marks the token used, atomically: two concurrent uses cannot both succeed. */
export async function consumeToken(
  tx: Tx,
  token: string,
  purpose: TokenPurpose,
): Promise<TokenState> {
  const state = await inspectToken(tx, token, purpose);
  if (state.state !== 'valid') return state;
  const used = await tx
    .updateTable('user_token')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return used ? state : { state: 'used' };
}
