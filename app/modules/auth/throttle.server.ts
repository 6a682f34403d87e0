import { sql } from 'kysely';
import type { Queryable } from '~/lib/db.server';

export const MAX_FAILURES = 10;
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

const emailKey = (email: string) => `email:${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

/**
 * Returns when the account or the address is locked until, or null. State lives in PostgreSQL so
 * the lock holds across app instances. `now` is a parameter so the window can be tested.
 */
export async function lockedUntil(
  q: Queryable,
  email: string,
  ip: string,
  now: Date = new Date(),
): Promise<Date | null> {
  const row = await q
    .selectFrom('login_lockout')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', [emailKey(email), ipKey(ip)])
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : null;
}

/** Records one attempt; after MAX_FAILURES failures within the window, locks that key. */
export async function recordLoginAttempt(
  q: Queryable,
  opts: { email: string; ip: string; succeeded: boolean; now?: Date },
): Promise<void> {
  const now = opts.now ?? new Date();
  const email = opts.email.trim().toLowerCase().slice(0, 320);
  await q
    .insertInto('login_attempt')
    .values({ email, ip: opts.ip, succeeded: opts.succeeded, attempted_at: now })
    .execute();
  if (opts.succeeded) return;

  for (const [key, column, value] of [
    [emailKey(email), 'email', email],
    [ipKey(opts.ip), 'ip', opts.ip],
  ] as const) {
    // Failures count from the later of: the window start, the last success for this key, the
    // end of its previous lock.
    const { n } = await q
      .selectFrom('login_attempt')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(column, '=', value)
      .where('succeeded', '=', false)
      .where('attempted_at', '<=', now)
      .where(
        'attempted_at',
        '>',
        sql<Date>`greatest(
          ${now}::timestamptz - make_interval(mins => ${WINDOW_MINUTES}),
          coalesce((select max(attempted_at) from login_attempt s
                    where s.succeeded and ${sql.ref(`s.${column}`)} = ${value}
                      and s.attempted_at <= ${now}), '-infinity'),
          coalesce((select locked_until from login_lockout where key = ${key}), '-infinity'))`,
      )
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_FAILURES) {
      const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      await q
        .insertInto('login_lockout')
        .values({ key, locked_at: now, locked_until: until })
        .onConflict((oc) => oc.column('key').doUpdateSet({ locked_at: now, locked_until: until }))
        .execute();
    }
  }
}

export async function pruneLoginAttempts(q: Queryable, olderThanDays = 90) {
  await q
    .deleteFrom('login_attempt')
    .where('attempted_at', '<', sql<Date>`now() - make_interval(days => ${olderThanDays})`)
    .execute();
  await q
    .deleteFrom('login_lockout')
    .where('locked_until', '<', sql<Date>`now()`)
    .execute();
}
