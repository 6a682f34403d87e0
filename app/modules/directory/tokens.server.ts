import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Queryable, Tx } from '~/lib/db.server';
import { getEnv } from '~/lib/env.server';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { isUuid } from '~/modules/partners/partners.server';

// Bearer tokens for the public directory API. The token is shown once; only its SHA-256 is kept.

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createApiToken(
  tx: Tx,
  name: string,
  actor: { userId: string | null; ip?: string | null },
) {
  const clean = name.trim();
  if (!clean) throw new DomainError('errors.required', 'name');
  if (clean.length > 100) throw new DomainError('errors.tooLong', 'name');
  if (clean.includes('\u0000')) throw new DomainError('errors.invalidCharacters', 'name');
  const token = `bn_${randomBytes(32).toString('base64url')}`;
  const { id } = await tx
    .insertInto('api_token')
    .values({
      name: clean,
      token_hash: hash(token),
      prefix: token.slice(0, 7),
      created_by: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(tx, {
    actorId: actor.userId,
    action: 'api_token.create',
    subjectType: 'api_token',
    subjectId: id,
    detail: { name: clean },
    ip: actor.ip,
  });
  return { id, token };
}

export async function revokeApiToken(
  tx: Tx,
  id: string,
  actor: { userId: string; ip?: string | null },
) {
  if (!isUuid(id)) throw new DomainError('errors.notFound');
  const row = await tx
    .updateTable('api_token')
    .set({ revoked_at: sql`now()`, revoked_by: actor.userId })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new DomainError('errors.notFound');
  await audit(tx, {
    actorId: actor.userId,
    action: 'api_token.revoke',
    subjectType: 'api_token',
    subjectId: id,
    ip: actor.ip,
  });
}

export function listApiTokens(q: Queryable) {
  return q
    .selectFrom('api_token')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('revoked_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
}

/** The live token behind an `Authorization: Bearer …` header, or null. */
export async function authenticate(q: Queryable, header: string | null) {
  const m = /^bearer\s+(bn_[A-Za-z0-9_-]{43})$/i.exec(header ?? '');
  if (!m) return null;
  const row = await q
    .selectFrom('api_token')
    .select(['id', 'name', 'last_used_at'])
    .where('token_hash', '=', hash(m[1]!))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  // Last use is kept to the minute, so busy tokens do not write on every request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)
    await q
      .updateTable('api_token')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', row.id)
      .execute();
  return row;
}

// Per-token rate limit: a one-minute window per token and process (the app serves the API from
// one process; with several behind a balancer each allows the limit — see docs/directory.md).
const windows = new Map<string, { start: number; count: number }>();

/** Whether this request is allowed, and when to retry if not. */
export function takeRequest(tokenId: string, now = Date.now()) {
  const limit = getEnv().API_RATE_LIMIT_PER_MINUTE;
  let w = windows.get(tokenId);
  if (!w || now - w.start >= 60_000) {
    w = { start: now, count: 0 };
    windows.set(tokenId, w);
  }
  if (w.count >= limit)
    return {
      ok: false as const,
      limit,
      remaining: 0,
      retryAfter: Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)),
    };
  w.count++;
  return { ok: true as const, limit, remaining: limit - w.count };
}

/** Tests: start every token's window afresh. */
export function resetRateLimits() {
  windows.clear();
}
