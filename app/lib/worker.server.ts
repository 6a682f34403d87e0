import { EventEmitter } from 'node:events';
import { type Runner, run, type TaskList, Logger, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import { deliverMail, SEND_EMAIL_TASK } from '~/modules/mail/mail.server';
import { pruneAuthRecords } from '~/modules/auth/maintenance.server';
import { advanceCascade, sweepCascades } from '~/modules/dispatch/cascade.server';
import { CASCADE_STEP_TASK, expireOffers } from '~/modules/dispatch/requests.server';
import { sendMouExpiryReminders } from '~/modules/partners/mous.server';
import { recomputeAllTrained, sendTrainingReminders } from '~/modules/training/training.server';
import { watchCheckins } from '~/modules/visits/checkin.server';
import { purgeExpiredCaseText } from '~/modules/visits/visits.server';
import { getEnv } from './env.server';
import { tokyoToday } from '~/modules/partners/partners.server';

export const taskList: TaskList = {
  [SEND_EMAIL_TASK]: async (payload, helpers) => {
    const { mailId } = payload as { mailId: string };
    const result = await deliverMail(mailId, {
      attempt: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
    });
    helpers.logger.debug(`mail ${mailId}: ${result}`);
  },
  prune_auth_records: async () => {
    await pruneAuthRecords();
  },
  expire_offers: async (_payload, helpers) => {
    const n = await expireOffers();
    if (n) helpers.logger.info(`offers expired: ${n}`);
  },
  mou_expiry_reminders: async (_payload, helpers) => {
    const n = await sendMouExpiryReminders(tokyoToday());
    if (n) helpers.logger.info(`MOU expiry reminders: ${n}`);
  },
  [CASCADE_STEP_TASK]: async (payload, helpers) => {
    const { requestId } = payload as { requestId: string };
    const step = await advanceCascade(requestId);
    helpers.logger.debug(`cascade ${requestId}: ${step}`);
  },
  cascade_sweep: async (_payload, helpers) => {
    const r = await sweepCascades();
    if (r.escalated) helpers.logger.info(`cascades escalated to the secretariat: ${r.escalated}`);
  },
  checkin_watch: async (_payload, helpers) => {
    const sent = await watchCheckins();
    if (sent.length) helpers.logger.info(`check-in alerts: ${sent.length}`);
  },
  recompute_trained: async () => {
    await recomputeAllTrained();
  },
  training_reminders: async (_payload, helpers) => {
    const n = await sendTrainingReminders();
    if (n) helpers.logger.info(`training reminders: ${n}`);
  },
  purge_case_text: async (_payload, helpers) => {
    const n = await purgeExpiredCaseText(getEnv().CASE_RETENTION_YEARS);
    if (n) helpers.logger.info(`case text purged after retention: ${n} requests`);
  },
};

// Hourly housekeeping; offer deadlines every minute; MOU reminders every morning at 8:00 JST (23:00 UTC). `?fill` catches up
// a run missed while no worker was up.
const crontab = [
  '0 * * * * prune_auth_records ?fill=1h',
  // Offers past respond-by expire within a minute, and the counselor hears of it.
  '* * * * * expire_offers ?fill=10m',
  // Running cascades are stepped every minute too: a step lost with a crashed worker resumes.
  '* * * * * cascade_sweep',
  // Accompaniers who have not checked in or out in time.
  '* * * * * checkin_watch',
  '0 23 * * * mou_expiry_reminders ?fill=1d',
  // Trained statuses follow the validity period (and any change of the required modules).
  '15 15 * * * recompute_trained ?fill=1d',
  // The day before a session, at 9:00 JST.
  '0 0 * * * training_reminders ?fill=1d',
  // Confidential text of cases closed beyond the retention period, nightly at 3:30 JST.
  '30 18 * * * purge_case_text ?fill=1d',
].join('\n');

const quietLogger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') {
    const where = scope.taskIdentifier ? ` [${scope.taskIdentifier}]` : '';
    console[level === 'error' ? 'error' : 'warn'](`[worker]${where} ${message}`);
  }
});

/** The connection by which a running worker pool shows it is alive (pg_stat_activity). */
const LIVENESS_PREFIX = 'banso-worker ';

/**
 * graphile-worker leaves the jobs of a pool that died without shutting down (kill -9, OOM, a lost
 * machine) locked for 4 hours: an email or a cascade step would wait that long. Each pool started
 * here holds one connection named after it while it lives; jobs locked for over 10 s by a pool
 * with no such connection are unlocked, so any worker runs them again. Returns the pools freed.
 */
export async function unlockJobsOfDeadWorkers(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ locked_by: string }>(
    `select distinct l.locked_by from (
        select locked_by, locked_at from graphile_worker._private_jobs
        union all
        select locked_by, locked_at from graphile_worker._private_job_queues
      ) l
      where l.locked_by is not null and l.locked_at < now() - interval '10 seconds'
        and not exists (select 1 from pg_stat_activity a where a.application_name = $1 || l.locked_by)`,
    [LIVENESS_PREFIX],
  );
  const ids = rows.map((r) => r.locked_by);
  if (ids.length)
    await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [ids]);
  return ids;
}

/** Holds the pool's liveness connection, reconnecting (e.g. after a database restart) until stopped. */
function holdLiveness(pool: pg.Pool, poolId: string) {
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    client = null;
    if (!stopped && !timer) timer = setTimeout(connect, 1000).unref();
  };
  const connect = () => {
    timer = undefined;
    if (stopped) return;
    const c = new pg.Client({ ...pool.options, application_name: LIVENESS_PREFIX + poolId });
    c.on('error', () => {});
    c.on('end', retry);
    client = c;
    c.connect().catch(retry);
  };
  connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}

export async function startWorker(opts: {
  pool: pg.Pool;
  concurrency?: number;
  /** Signals are handled by the process entry, which stops the HTTP server and DB too. */
  handleSignals?: boolean;
  logger?: Logger;
  pollInterval?: number;
}): Promise<Runner> {
  const events: WorkerEvents = new EventEmitter();
  const releases: (() => Promise<void>)[] = [];
  events.on('pool:create', ({ workerPool }) => {
    releases.push(holdLiveness(opts.pool, workerPool.id));
  });
  events.on('pool:release', () => {
    for (const release of releases.splice(0)) void release();
  });
  const runner = await run({
    pgPool: opts.pool,
    events,
    taskList,
    crontab,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: !opts.handleSignals,
    pollInterval: opts.pollInterval ?? 2000,
    logger: opts.logger ?? quietLogger,
  });
  // A worker that starts (e.g. after a crash) resumes running cascades at once.
  await runner.addJob('cascade_sweep', {}, { jobKey: 'cascade_sweep:start' });
  // …and the jobs a crashed worker held, now and every 15 s.
  const sweep = () =>
    unlockJobsOfDeadWorkers(opts.pool).then(
      (ids) =>
        ids.length && console.warn(`[worker] jobs of stopped workers unlocked: ${ids.join(', ')}`),
      () => {}, // the database is away; the next sweep tries again
    );
  void sweep();
  const timer = setInterval(sweep, 15_000).unref();
  void runner.promise.finally(() => clearInterval(timer)).catch(() => {});
  return runner;
}
