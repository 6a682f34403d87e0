// The "app" side of tests/integration/kill9.test.ts, as a process that can be SIGKILLed: an endless
// stream of real business actions through the module functions, one transaction each, as the
// routes call them: create + dispatch, accept, log + approve a visit, build + approve a statement.
// Config (JSON in KILL9_DRIVER): { seed, counselorId, staffId, partners: [{ id, userId }] }.
import { sql } from 'kysely';
import { db } from '~/lib/db.server';
import { DomainError } from '~/modules/errors';
import { tokyoToday } from '~/modules/partners/partners.server';
import { approveStatement, buildStatement } from '~/modules/payments/payments.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { visitSchema } from '~/modules/visits/visit-schema';
import { logVisit, reviewVisit } from '~/modules/visits/visits.server';
import { makeRequest } from './dispatch';

interface Config {
  seed: number;
  counselorId: string;
  staffId: string;
  partners: { id: string; userId: string }[];
}

const config = JSON.parse(process.env.KILL9_DRIVER!) as Config;

/** mulberry32: small, seeded, good enough to pick actions reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(config.seed);
const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
const partnerOf = new Map(config.partners.map((p) => [p.id, p]));
const today = tokyoToday();

async function dispatchNew() {
  const r = await makeRequest(config.counselorId, { caseCode: `K9-${config.seed}` });
  const chosen = [...config.partners]
    .sort(() => random() - 0.5)
    .slice(0, 1 + Math.floor(random() * 3));
  await db.transaction().execute((tx) =>
    sendOffers(
      tx,
      r.id,
      chosen.map((p) => p.id),
      { userId: config.counselorId },
    ),
  );
  return `dispatched ${r.reference} to ${chosen.length}`;
}

async function acceptOne() {
  const pending = await db
    .selectFrom('offer')
    .select(['id', 'partner_id'])
    .where('status', '=', 'pending')
    .execute();
  if (!pending.length) return null;
  const o = pick(pending);
  const p = partnerOf.get(o.partner_id)!;
  const r = await acceptOffer(o.id, { id: p.userId, partnerId: p.id });
  return `accept ${o.id}: ${r.ok ? 'ok' : r.reason}`;
}

async function visitAndApprove() {
  const open = await db
    .selectFrom('accompaniment_request')
    .select(['id', 'accepted_partner_id'])
    .where('status', 'in', ['accepted', 'in_progress'])
    .execute();
  if (!open.length) return null;
  const r = pick(open);
  const p = partnerOf.get(r.accepted_partner_id!)!;
  const input = visitSchema.parse({
    visitDate: today,
    startTime: '10:00',
    endTime: '12:00',
    place: '天草中央総合病院',
    activities: '受診に同行した。',
    interpreterMinutes: 30,
  });
  const visitId = await db
    .transaction()
    .execute((tx) => logVisit(tx, r.id, input, null, { userId: p.userId, partnerId: p.id }));
  const v = await db
    .selectFrom('visit')
    .select('version')
    .where('id', '=', visitId)
    .executeTakeFirstOrThrow();
  await db
    .transaction()
    .execute((tx) =>
      reviewVisit(
        tx,
        visitId,
        { intent: 'approve', comment: '', version: v.version },
        { userId: config.staffId },
      ),
    );
  return `visit ${visitId} approved`;
}

async function statement() {
  const p = pick(config.partners);
  const month = today.slice(0, 7);
  const built = await db
    .transaction()
    .execute((tx) => buildStatement(tx, p.id, month, { userId: config.staffId }));
  if (built.statementId && built.outcome !== 'locked' && random() < 0.4)
    await db
      .transaction()
      .execute((tx) => approveStatement(tx, built.statementId!, { userId: config.staffId }));
  return `statement ${p.id}: ${built.outcome}`;
}

const actions = [dispatchNew, dispatchNew, acceptOne, acceptOne, visitAndApprove, statement];

async function main() {
  await sql`select 1`.execute(db);
  console.log('driver ready');
  for (let i = 1; ; i++) {
    try {
      const done = await pick(actions)();
      if (done) console.log(`${i} ${done}`);
    } catch (e) {
      // A rule said no (e.g. the request was taken meanwhile), as a user would be told.
      if (!(e instanceof DomainError)) throw e;
      console.log(`${i} refused: ${e.code}`);
    }
  }
}

main().catch((e) => {
  console.error('driver failed:', e);
  process.exit(1);
});
