import { db } from '~/lib/db.server';
import { deleteExpiredSessions } from './auth.server';
import { pruneLoginAttempts } from './throttle.server';

/** Hourly job: expired sessions and old login attempts go. */
export async function pruneAuthRecords() {
  await deleteExpiredSessions();
  await pruneLoginAttempts(db);
}
