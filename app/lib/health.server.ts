import { sql } from 'kysely';
import { db } from './db.server';

export interface Health {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
  time: string;
}

/** For load balancers: 200 when PostgreSQL answers within 2 s, 503 otherwise. */
export async function healthCheck(): Promise<Health> {
  const time = new Date().toISOString();
  try {
    await Promise.race([
      sql`select 1`.execute(db),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
    ]);
    return { status: 'ok', database: 'up', time };
  } catch {
    return { status: 'unavailable', database: 'down', time };
  }
}
