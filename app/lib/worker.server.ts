import { type Runner, run, type TaskList, Logger } from 'graphile-worker';
import type pg from 'pg';
import { deliverMail, SEND_EMAIL_TASK } from '~/modules/mail/mail.server';
import { pruneAuthRecords } from '~/modules/auth/maintenance.server';

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
};

// Hourly housekeeping; `?fill=1h` catches up a missed run after downtime.
const crontab = `0 * * * * prune_auth_records ?fill=1h`;

const quietLogger = new Logger((scope) => (level, message) => {
  if (level === 'error' || level === 'warning') {
    const where = scope.taskIdentifier ? ` [${scope.taskIdentifier}]` : '';
    console[level === 'error' ? 'error' : 'warn'](`[worker]${where} ${message}`);
  }
});

export async function startWorker(opts: {
  pool: pg.Pool;
  concurrency?: number;
  /** Signals are handled by the process entry, which stops the HTTP server and DB too. */
  handleSignals?: boolean;
  logger?: Logger;
  pollInterval?: number;
}): Promise<Runner> {
  return run({
    pgPool: opts.pool,
    taskList,
    crontab,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: !opts.handleSignals,
    pollInterval: opts.pollInterval ?? 2000,
    logger: opts.logger ?? quietLogger,
  });
}
