import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { migrations } from './migrations';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date: the app's Kysely migrations, then graphile-worker's own schema
 * (so jobs can be enqueued even before a worker has ever started). Safe to run concurrently:
 * both migrators take a lock.
 */
export async function migrateToLatest(
  db: Kysely<any>,
  pool: pg.Pool,
  log: (line: string) => void = () => {},
): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    log(`migration ${r.migrationName}: ${r.status}`);
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
  await runWorkerMigrations({ pgPool: pool });
}
