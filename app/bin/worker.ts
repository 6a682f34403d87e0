import { getEnv } from '~/lib/env.server';
import { pool } from '~/lib/db.server';
import { startWorker } from '~/lib/worker.server';
import { log, onShutdownSignal, prepareDatabase } from './bootstrap';

/** `npm run worker`: the job worker as its own process (run the app with RUN_WORKER=false). */
async function main() {
  const { shutdown } = await prepareDatabase({ migrate: true });
  const runner = await startWorker({ pool: pool(), concurrency: getEnv().WORKER_CONCURRENCY });
  log('job worker running');
  const stop = async () => {
    await runner.stop().catch(() => {});
    await shutdown();
    process.exit(0);
  };
  onShutdownSignal(stop);
  await runner.promise;
}

main().catch((err) => {
  console.error('[banso] worker failed:', err);
  process.exit(1);
});
