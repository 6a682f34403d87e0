import cluster from 'node:cluster';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { broadcastDevReady, installGlobals, type ServerBuild } from '@remix-run/node';
import { getEnv } from '~/lib/env.server';
import { pool } from '~/lib/db.server';
import { createApp } from '~/lib/express-app.server';
import { startWorker } from '~/lib/worker.server';
import { seedDemoIfEmpty } from '~/modules/demo/seed.server';
import { log, onShutdownSignal, prepareDatabase } from './bootstrap';

installGlobals({ nativeFetch: true });

const BUILD_PATH = path.resolve('build/index.js');

/**
 * The primary process starts the database (embedded or external), migrates, seeds the demo and
 * runs the job worker; HTTP is served in-process, or by WEB_CONCURRENCY processes forked with
 * node:cluster that share the port (production only: `remix dev` reloads one process). Forked
 * processes inherit DATABASE_URL, so they use the same PostgreSQL, embedded or not.
 */
async function main() {
  if (cluster.isWorker) return serveHttp({ migrate: false });

  const env = getEnv();
  const isDev = env.NODE_ENV === 'development';
  const processes = isDev ? 1 : env.WEB_CONCURRENCY;
  if (processes === 1) return serveHttp({ migrate: true });

  const { shutdown: closeDatabase } = await prepareDatabase({ migrate: true });
  if (env.SEED_DEMO ?? env.NODE_ENV !== 'production') await seedDemoIfEmpty(log);
  const worker = env.RUN_WORKER
    ? await startWorker({ pool: pool(), concurrency: env.WORKER_CONCURRENCY })
    : null;
  if (worker) log('job worker running in the primary process (RUN_WORKER=false to run it apart)');
  if (!existsSync(BUILD_PATH)) {
    console.error('[banso] build/index.js is missing: run `npm run build` first.');
    process.exit(1);
  }

  let stopping = false;
  const fork = () => cluster.fork();
  // A process that dies is replaced, at most once a second so a crash loop cannot spin.
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    log(`HTTP process ${w.process.pid} exited (${signal ?? code}): starting another`);
    setTimeout(fork, 1000);
  });
  for (let i = 0; i < processes; i++) fork();
  log(`${processes} HTTP processes (WEB_CONCURRENCY)`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    const workers = Object.values(cluster.workers ?? {}).filter((w) => !!w);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              w.process.kill('SIGKILL');
              resolve();
            }, 10_000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await worker?.stop().catch(() => {});
    await closeDatabase().catch(() => {});
    process.exit(0);
  };
  onShutdownSignal(stop);
}

async function serveHttp({ migrate }: { migrate: boolean }) {
  const { shutdown: closeDatabase } = await prepareDatabase({ migrate });
  const env = getEnv();
  const primary = cluster.isPrimary;
  if (primary && (env.SEED_DEMO ?? env.NODE_ENV !== 'production')) await seedDemoIfEmpty(log);

  const worker =
    primary && env.RUN_WORKER
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
    log(
      primary
        ? `app listening on http://localhost:${env.PORT}`
        : `app listening on http://localhost:${env.PORT} (process ${process.pid})`,
    );
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
    if (primary) log(`${signal}: shutting down`);
    server.close();
    await worker?.stop().catch(() => {});
    await closeDatabase().catch(() => {});
    process.exit(0);
  };
  onShutdownSignal(stop);
}

async function importBuild() {
  const stat = statSync(BUILD_PATH);
  return import(pathToFileURL(BUILD_PATH).href + '?t=' + stat.mtimeMs);
}

main().catch((err) => {
  console.error('[banso] failed to start:', err);
  process.exit(1);
});
