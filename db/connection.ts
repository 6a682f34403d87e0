import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigint (int8) columns are ids and counts that fit in JS numbers only up to 2^53: keep strings
// for ids, and let callers convert counts explicitly.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
}

export function createDb(connectionString: string, max = 10): DbHandle {
  const pool = new pg.Pool({ connectionString, max, application_name: 'banso' });
  // An idle client losing its connection must not crash the process.
  pool.on('error', (err) => console.warn('[db] idle client error:', err.message));
  pool.on('connect', (client) => {
    client.on('error', (err) => console.warn('[db] client error:', err.message));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
