import { sql } from 'kysely';
process.env.DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:54349/bench';
const { db, closeDb } = await import('~/lib/db.server');
const { startSession } = await import('~/modules/auth/auth.server');
const { createApiToken } = await import('~/modules/directory/tokens.server');
const c = await db.selectFrom('app_user').select('id').where('email', '=', 'counselor1@bench.example').executeTakeFirstOrThrow();
const a = await db.selectFrom('app_user').select('id').where('email', '=', 'bench-admin@bench.example').executeTakeFirstOrThrow();
const p = (await sql<{ id: string }>`select u.id from app_user u where u.role='partner' order by (select count(*) from offer o where o.partner_id=u.partner_id) desc, u.id limit 1`.execute(db)).rows[0];
const r = await db.selectFrom('accompaniment_request').select('id').where('status', '=', 'needs_dispatch').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
const { token } = await db.transaction().execute((tx) => createApiToken(tx, `prof ${Date.now()}`, { userId: a.id }));
console.log(JSON.stringify({
  counselor: (await startSession(c.id)).split(';')[0],
  admin: (await startSession(a.id)).split(';')[0],
  partner: (await startSession(p.id)).split(';')[0],
  request: r.id, token,
}));
await closeDb();
