import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '~/lib/db.server';
import { getEnv } from '~/lib/env.server';

// Signed links that work without logging in (meeting RSVP). The payload is readable but cannot
// be changed or forged without the key; being single-use is the caller's job (a stored nonce).

let cachedKey: string | undefined;

async function key(q: Queryable): Promise<string> {
  if (cachedKey) return cachedKey;
  const fromEnv = getEnv().APP_SECRET;
  if (fromEnv) return (cachedKey = fromEnv);
  const row = await q
    .selectFrom('app_secret')
    .select('value')
    .where('name', '=', 'link_signing')
    .executeTakeFirstOrThrow();
  return (cachedKey = row.value);
}

const mac = (k: string, purpose: string, payload: string) =>
  createHmac('sha256', k).update(`${purpose}\n${payload}`).digest();

/** `<payload>.<signature>`, both base64url; `purpose` keeps one kind of link from passing for another. */
export async function sign(q: Queryable, purpose: string, parts: string[]): Promise<string> {
  const payload = Buffer.from(parts.join('\n'), 'utf8').toString('base64url');
  return `${payload}.${mac(await key(q), purpose, payload).toString('base64url')}`;
}

/** The signed parts, or null for anything altered, truncated or made up. */
export async function verify(
  q: Queryable,
  purpose: string,
  token: string,
  count: number,
): Promise<string[] | null> {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const expected = mac(await key(q), purpose, m[1]!);
  const given = Buffer.from(m[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const parts = Buffer.from(m[1]!, 'base64url').toString('utf8').split('\n');
  return parts.length === count ? parts : null;
}
