import type { Kysely, KyselyPlugin, Transaction } from 'kysely';
import { createDb, type DbHandle } from '../../db/connection';
import type { Database } from '../../db/schema';
import { DomainError } from '~/modules/errors';
import { getEnv } from './env.server';

export type DB = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Functions take this so they compose inside a caller's transaction. */
export type Queryable = Kysely<Database> | Transaction<Database>;

// Survives dev-mode rebuilds (the server bundle is re-imported; the pool must not be recreated).
const globalForDb = globalThis as unknown as { __bansoDb?: DbHandle & { url: string } };

function handle(): DbHandle {
  const url = getEnv().DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: the server entry must start the embedded PostgreSQL first',
    );
  }
  if (!globalForDb.__bansoDb || globalForDb.__bansoDb.url !== url) {
    // A different URL (tests switch databases): let the old pool finish and close.
    void globalForDb.__bansoDb?.db.destroy().catch(() => {});
    const h = createDb(url);
    globalForDb.__bansoDb = { ...h, db: h.db.withPlugin(refuseNul), url };
  }
  return globalForDb.__bansoDb;
}

/**
 * PostgreSQL text cannot hold a NUL character, and a hostile form can send one in any field:
 * such a value is refused as a user error (a 400 with a message, never a 500), in one place for
 * every query rather than in each schema.
 */
const hasNul = (v: unknown, depth = 0): boolean =>
  typeof v === 'string'
    ? v.includes('\u0000')
    : depth < 40 && typeof v === 'object' && v !== null && !(v instanceof Uint8Array)
      ? Object.values(v).some((x) => hasNul(x, depth + 1))
      : false;
const refuseNul: KyselyPlugin = {
  transformQuery({ node }) {
    if (hasNul(node)) throw new DomainError('errors.invalidCharacters');
    return node;
  },
  transformResult: async ({ result }) => result,
};

export const db = new Proxy({} as Kysely<Database>, {
  get(_t, prop) {
    const target = handle().db as unknown as Record<string | symbol, unknown>;
    const value = target[prop];
    return typeof value === 'function' ? (value as Function).bind(target) : value;
  },
});

export function pool() {
  return handle().pool;
}

export async function closeDb() {
  const h = globalForDb.__bansoDb;
  globalForDb.__bansoDb = undefined;
  if (h) await h.db.destroy();
}
