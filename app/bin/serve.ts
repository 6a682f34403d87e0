import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { broadcastDevReady, installGlobals, type ServerBuild } from '@remix-run/node';
import { getEnv } from '~/lib/env.server';
import { pool } from '~/lib/db.server';
import { createApp } from '~/lib/express-app.server';
import { startWorker } from '~/lib/worker.server';
import { seedDemoIfEmpty } from '~/modules/demo/seed.server';
import { log, prepareDatabase } from './bootstrap';

installGlobals({ nativeFetch: true });

const BUILD_PATH = path.resolve('build/index.js');

async function main() {
  const { shutdown: closeDatabase } = await prepareDatabase({ migrate: true });
  const env = getEnv();
  if (env.SEED_DEMO ?? env.NODE_ENV !== 'production') await seedDemoIfEmpty(log);

  const worker = env.RUN_WORKER
    ? await startWorker({ pool: pool(), concurrency: env.WORKER_CONCURRENCY })
    : null;
  if (worker) log('job worker running in-process (RUN_WORKER=false to run it separately)');

  if (!existsSync(BUILD_PATH)) {
    console.error('[banso] build/index.js is missing: run `npm run build` first.');
    process.exit(1);
  }
  let build = (await importBuild()) as ServerBuild;
  const isDev = env.NODE_ENV === 'development';

  const app = createApp({ getBuild: () => build, dev: isDev });

  const server = app.listen(env.PORT, env.HOST, () => {
    log(`app listening on http://localhost:${env.PORT}`);
    if (isDev) broadcastDevReady(build);
  });

  if (isDev) {
    const chokidar = await import('chokidar');
    chokidar
      .watch(path.resolve('build/version.txt'), { ignoreInitial: true })
      .on('all', async () => {
        build = (await importBuild()) as ServerBuild;
        broadcastDevReady(build);
      });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close();
    await worker?.stop().catch(() => {});
    await closeDatabase().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function importBuild() {
  const stat = statSync(BUILD_PATH);
  return import(pathToFileURL(BUILD_PATH).href + '?t=' + stat.mtimeMs);
}

main().catch((err) => {
  console.error('[banso] failed to start:', err);
  process.exit(1);
});
