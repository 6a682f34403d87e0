// Support for the authorization matrix (tests/integration/authz-matrix.test.ts): the route list
// derived from app/routes, how a loader/action result is read as an outcome, and a world of real
// users, sessions, tokens and partner A's objects on the real database.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { db, type Tx } from '~/lib/db.server';
import { startSession } from '~/modules/auth/auth.server';
import { createFeed } from '~/modules/calendar/calendar.server';
import { makeUser } from '~/modules/demo/factories.server';
import { createApiToken, revokeApiToken } from '~/modules/directory/tokens.server';
import { tieSchema } from '~/modules/dispatch/parties';
import { addTie } from '~/modules/dispatch/parties.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { createNextFour, inviteToMeeting, rsvpToken } from '~/modules/meetings/meetings.server';
import { mouSchema } from '~/modules/partners/mou-schema';
import { createMou } from '~/modules/partners/mous.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner, tokyoToday } from '~/modules/partners/partners.server';
import { approveStatement, buildStatement, createBatch } from '~/modules/payments/payments.server';
import { sessionSchema } from '~/modules/training/training-schema';
import { createSession } from '~/modules/training/training.server';
import { stayStartSchema, visitSchema } from '~/modules/visits/visit-schema';
import { logVisit, reviewVisit, startStay } from '~/modules/visits/visits.server';
import { makeRequest } from './dispatch';

export const ROUTES_DIR = path.resolve(__dirname, '../../app/routes');

/** Route ids (file names without extension), as Remix's flat routes name them. */
export function routeIds(): string[] {
  return readdirSync(ROUTES_DIR)
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => f.replace(/\.(ts|tsx)$/, ''))
    .sort();
}

export function routeFile(id: string): string {
  const ts = readdirSync(ROUTES_DIR).find((f) => f === `${id}.ts` || f === `${id}.tsx`);
  if (!ts) throw new Error(`no route file for ${id}`);
  return path.join(ROUTES_DIR, ts);
}

/**
 * The URL pattern of a flat route id: dots are slashes (`[.]` is a literal dot), `_x` segments
 * are pathless layouts, `_index` is the index, a trailing `_` opts out of the parent layout,
 * `$name` is a parameter and a lone `$` the splat. Layout-only ids give their own prefix.
 */
export function routePattern(id: string): string {
  const segments = id.match(/(?:\[[^\]]*\]|[^.])+/g) ?? [];
  const parts: string[] = [];
  for (const raw of segments) {
    if (raw === '_index') continue;
    if (raw.startsWith('_')) continue;
    const s = raw.replace(/_$/, '').replace(/\[([^\]]*)\]/g, '$1');
    parts.push(s === '$' ? '*' : s.startsWith('$') ? `:${s.slice(1)}` : s);
  }
  return `/${parts.join('/')}`;
}

/** The pattern with its parameters filled in. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)|\*/g, (m, name: string | undefined) => {
    const v = params[name ?? '*'];
    if (v === undefined) throw new Error(`no value for ${m} in ${pattern}`);
    return name ? encodeURIComponent(v) : v;
  });
}

export const ACTORS = [
  'anonymous',
  'counselor',
  'secretariat',
  'partnerA',
  'partnerB',
  'apiToken',
  'revokedToken',
] as const;
export type Actor = (typeof ACTORS)[number];

export const OUTCOMES = [
  'ok', // 2xx (or plain data)
  'redirect', // 3xx anywhere but the login page
  'login', // 3xx to /login
  'invalid', // 400: the (empty) input was refused with a message
  'unauthorized', // 401 (API without a valid token)
  'forbidden', // 403 (signed in, wrong role)
  'notfound', // 404 (also: not yours)
  'method', // 405
  'conflict', // 409
  'gone', // 410 (used or unknown one-time link)
  'none', // the module exports no loader / no action
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What a loader or action produced, as the outcome a browser (or API client) would see. */
export function outcomeOf(result: unknown): { outcome: string; status: number } {
  let status = 200;
  let location: string | null = null;
  if (result instanceof Response) {
    status = result.status;
    location = result.headers.get('Location');
  } else if (
    result &&
    typeof result === 'object' &&
    (result as { type?: unknown }).type === 'DataWithResponseInit'
  ) {
    status = (result as { init?: { status?: number } | null }).init?.status ?? 200;
  }
  if (status >= 200 && status < 300) return { outcome: 'ok', status };
  if (status >= 300 && status < 400)
    return { outcome: location?.startsWith('/login') ? 'login' : 'redirect', status };
  const byStatus: Record<number, Outcome> = {
    400: 'invalid',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'notfound',
    405: 'method',
    409: 'conflict',
    410: 'gone',
  };
  return { outcome: byStatus[status] ?? `status ${status}`, status };
}

/** Runs a loader/action; a thrown Response is an answer, anything else thrown is a 500. */
export async function run(fn: () => unknown): Promise<{ outcome: string; status: number }> {
  try {
    return outcomeOf(await fn());
  } catch (e) {
    if (e instanceof Response) return outcomeOf(e);
    return { outcome: `500 ${e instanceof Error ? e.message : String(e)}`, status: 500 };
  }
}

export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
export const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const tx = <T>(fn: (t: Tx) => Promise<T>) => db.transaction().execute(fn);

/** An active, publicly listed partner in Amakusa with bank details, an active MOU and a user. */
async function partnerWithUser(key: string, accountNumber: string) {
  const id = await tx((t) =>
    createPartner(
      t,
      partnerSchema.parse({
        name: `権限テスト団体 ${key}`,
        nameKana: 'けんげんてすと',
        kind: 'npo',
        status: 'active',
        publicListing: true,
        municipalityCode: '432156',
        lat: 32.4586,
        lng: 130.1934,
        serviceRadiusKm: 100,
        languages: ['ja', 'vi'],
        specialties: ['hospital'],
        bankCode: '0009',
        branchCode: '123',
        accountType: 'ordinary',
        accountNumber,
        accountHolderKana: `けんげんてすと ${key}`,
      }),
      { userId: null },
    ),
  );
  await db
    .insertInto('mou')
    .values({
      partner_id: id,
      reference_no: `MOU-AUTHZ-${key}`,
      status: 'active',
      valid_from: '2026-01-01',
      visit_base_fee: 5000,
      max_concurrent_requests: 20,
    })
    .execute();
  const user = (await makeUser(db, { role: 'partner', partnerId: id }))!;
  return { id, userId: user.id };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;

/**
 * Everyone in the matrix, with a session each, and partner A's objects: a request A accepted (its
 * offer), a shelter and a stay in it, a visit with a receipt and a confidential note (approved),
 * the approved statement paying it and its batch, an old MOU with a signed PDF, a training
 * session, a liaison meeting A is invited to (with its RSVP link), A's calendar feed, a tie.
 */
export async function buildWorld() {
  const secretariat = (await makeUser(db, { role: 'secretariat' }))!;
  const counselor = (await makeUser(db, { role: 'counselor' }))!;
  const staff = { userId: secretariat.id };
  const a = await partnerWithUser('A', '4000001');
  const b = await partnerWithUser('B', '4000002');
  const actorA = { userId: a.userId, partnerId: a.id };

  const request = await makeRequest(counselor.id, {}, 1);
  await tx((t) => sendOffers(t, request.id, [a.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', request.id)
    .executeTakeFirstOrThrow();
  const accepted = await acceptOffer(offer.id, { id: a.userId, partnerId: a.id });
  if (!accepted.ok) throw new Error(`accept: ${JSON.stringify(accepted)}`);
  // B has an accepted request of its own, to point A's ids at from B's own pages.
  const requestB = await makeRequest(counselor.id, {}, 1);
  await tx((t) => sendOffers(t, requestB.id, [b.id], { userId: counselor.id }));
  const offerB = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', requestB.id)
    .executeTakeFirstOrThrow();
  await acceptOffer(offerB.id, { id: b.userId, partnerId: b.id });

  const shelter = await db
    .insertInto('shelter')
    .values({
      partner_id: a.id,
      name: '権限テストシェルター',
      capacity: 4,
      accepts: ['women', 'men', 'families'],
      municipality_code: '432156',
      address: '熊本県天草市東浜町8-1',
      lat: 32.46,
      lng: 130.19,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const stayId = await tx((t) =>
    startStay(
      t,
      request.id,
      stayStartSchema.parse({ shelterId: shelter.id, beds: 1, checkIn: tokyoToday() }),
      actorA,
    ),
  );

  const visitId = await tx((t) =>
    logVisit(
      t,
      request.id,
      visitSchema.parse({
        visitDate: tokyoToday(),
        startTime: '00:00',
        endTime: '00:30',
        place: '天草中央総合病院',
        activities: '受付に同行した。',
        outcome: '次回の受診日が決まった。',
        interpreterMinutes: 0,
        confidentialNote: 'NOTE-A-ONLY',
      }),
      { name: 'receipt.jpg', bytes: JPEG },
      actorA,
    ),
  );
  const visit = await db
    .selectFrom('visit')
    .select(['version', 'receipt_file_id'])
    .where('id', '=', visitId)
    .executeTakeFirstOrThrow();
  await tx((t) =>
    reviewVisit(
      t,
      visitId,
      { intent: 'approve', comment: '', version: visit.version },
      { userId: counselor.id },
    ),
  );

  const month = tokyoToday().slice(0, 7);
  const built = await tx((t) => buildStatement(t, a.id, month, staff));
  if (!built.statementId) throw new Error(`statement: ${built.outcome}`);
  const statementId = built.statementId;
  await tx((t) => approveStatement(t, statementId, staff));
  const transferDate = tokyoToday(new Date(Date.now() + 7 * 86_400_000));
  const batchId = await tx((t) => createBatch(t, [statementId], transferDate, staff));

  const mouId = await tx((t) =>
    createMou(
      t,
      a.id,
      mouSchema.parse({
        referenceNo: 'MOU-AUTHZ-A-2025',
        status: 'expired',
        validFrom: '2025-01-01',
        validUntil: '2025-12-31',
        visitBaseFee: 0,
        baseHours: 2,
        hourlyFee: 0,
        travelMode: 'none',
        maxConcurrentRequests: 5,
      }),
      { name: '覚書（署名済）.pdf', bytes: PDF },
      staff,
    ),
  );
  const mou = await db
    .selectFrom('mou')
    .select('signed_file_id')
    .where('id', '=', mouId)
    .executeTakeFirstOrThrow();

  const inDays = (d: number) => tokyoToday(new Date(Date.now() + d * 86_400_000));
  const trainingId = await tx((t) =>
    createSession(
      t,
      sessionSchema.parse({
        title: '権限テスト研修',
        modules: ['case_work'],
        date: inDays(20),
        startTime: '13:30',
        endTime: '16:30',
        venue: '熊本市国際交流会館',
        capacity: 10,
        deadline: inDays(19),
      }),
      staff,
    ),
  );

  const meetings = await tx((t) => createNextFour(t, staff));
  const meetingId = meetings[0]!;
  await tx((t) => inviteToMeeting(t, meetingId, { partners: [a.id], contacts: 'none' }, staff));
  const invitee = await db
    .selectFrom('meeting_invitee')
    .select(['id', 'rsvp_nonce'])
    .where('meeting_id', '=', meetingId)
    .where('user_id', '=', a.userId)
    .executeTakeFirstOrThrow();
  const rsvp = await rsvpToken(db, invitee);

  const feedUrl = await tx((t) => createFeed(t, a.userId, null));
  const feedToken = feedUrl.split('/').pop()!;

  const tieId = await tx((t) =>
    addTie(t, a.id, tieSchema.parse({ relation: 'advises', name: '株式会社テスト工業' }), actorA),
  );

  const live = await tx((t) => createApiToken(t, 'authz matrix', staff));
  const revoked = await tx((t) => createApiToken(t, 'authz matrix (revoked)', staff));
  await tx((t) => revokeApiToken(t, revoked.id, staff));

  const cookies = {
    counselor: await startSession(counselor.id),
    secretariat: await startSession(secretariat.id),
    partnerA: await startSession(a.userId),
    partnerB: await startSession(b.userId),
  };
  const userIds = {
    counselor: counselor.id,
    secretariat: secretariat.id,
    partnerA: a.userId,
    partnerB: b.userId,
  };

  return {
    a,
    b,
    userIds,
    cookies,
    tokens: { live: live.token, revoked: revoked.token },
    requestId: request.id,
    requestBId: requestB.id,
    offerId: offer.id,
    shelterId: shelter.id,
    stayId,
    visitId,
    receiptFileId: visit.receipt_file_id!,
    statementId,
    batchId,
    mouId,
    mouFileId: mou.signed_file_id!,
    trainingId,
    meetingId,
    rsvpToken: rsvp,
    feedToken,
    tieId,
  };
}

/** A fresh session for actions that end the one they are given (log out). */
export async function freshCookie(w: World, actor: Actor) {
  if (!(actor in w.userIds)) return null;
  return startSession(w.userIds[actor as keyof World['userIds']]);
}

/** Whether an id is a random (version 4) UUID: nothing to count up or guess. */
export const isRandomUuid = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id);

/** Columns named `id` in the app's own tables that are not uuids generated at random. */
export async function nonRandomIdColumns() {
  const { rows } = await sql<{ table_name: string; data_type: string; column_default: string }>`
    select table_name, data_type, coalesce(column_default, '') as column_default
    from information_schema.columns
    where table_schema = 'public' and column_name = 'id'
    order by table_name`.execute(db);
  return rows.filter(
    (r) => r.data_type !== 'uuid' || !/gen_random_uuid\(\)/.test(r.column_default),
  );
}
