// The authorization matrix: every route module in app/routes × every kind of caller, through the
// route's own loader and action with real sessions, real API tokens and real objects of partner A
// on the real database. A route file without a row here (or a row without a file) fails.
// Then the object-level checks: partner B pointing at partner A's ids, in URLs and in forms, gets
// exactly the 404 a random id gets, and ids are random UUIDs that cannot be counted through.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { derivedId } from '~/modules/directory/directory.server';
import { resetRateLimits } from '~/modules/directory/tokens.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import {
  ACTORS,
  type Actor,
  buildWorld,
  fillPattern,
  freshCookie,
  isRandomUuid,
  JPEG,
  nonRandomIdColumns,
  OUTCOMES,
  routeFile,
  routeIds,
  routePattern,
  run,
  type World,
} from '../support/authz';
import { ctx } from '../support/requests';

type Params = Record<string, string>;
interface Entry {
  /** Values for the URL pattern's parameters (partner A's objects where there is a choice). */
  params?: (w: World) => Params;
  query?: string;
  /** Expected outcome per actor, in the order of ACTORS; `none`: the module has no loader. */
  get: string;
  /** The same for a POST of `form` (empty unless given); `none`: the module has no action. */
  post: string;
  /** A neutral form where an empty one would change data (it is refused instead). */
  form?: Record<string, string>;
}

//                     anonymous  counselor  secretariat  partnerA  partnerB  apiToken  revokedToken
const SECRETARIAT = 'login      forbidden  ok           forbidden forbidden login     login';
const SECRETARIAT_POST = 'login forbidden  invalid      forbidden forbidden login     login';
const STAFF = 'login        ok         ok           forbidden forbidden login     login';
const STAFF_POST = 'login   invalid    invalid      forbidden forbidden login     login';
const PARTNERS = 'login     forbidden  forbidden    ok        ok        login     login';
const SIGNED_IN = 'login    ok         ok           ok        ok        login     login';
const OWN_PARTNER = 'login  forbidden  forbidden    ok        notfound  login     login';
const OWN_PARTNER_POST = 'login forbidden forbidden invalid   notfound  login     login';
const API = 'unauthorized unauthorized unauthorized unauthorized unauthorized ok unauthorized';
const NONE = 'none none none none none none none';
const all = (o: string) => Array(7).fill(o).join(' ');

const uuidA = (w: World) => ({ id: w.a.id });

const MATRIX: Record<string, Entry> = {
  $: { params: () => ({ '*': 'no/such/page' }), get: all('notfound'), post: NONE },
  _app: { get: SIGNED_IN, post: NONE },
  '_app.account': {
    get: SIGNED_IN,
    post: 'login invalid invalid invalid invalid login login',
  },
  '_app.counselor._index': {
    get: 'login ok forbidden forbidden forbidden login login',
    post: NONE,
  },
  '_app.meetings.$id': {
    params: (w) => ({ id: w.meetingId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.meetings._index': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.meetings.contacts': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.partner._index': { get: PARTNERS, post: NONE },
  '_app.partner.offers.$offerId': {
    params: (w) => ({ offerId: w.offerId }),
    get: OWN_PARTNER,
    post: OWN_PARTNER_POST,
  },
  '_app.partner.organisation': {
    get: PARTNERS,
    post: 'login forbidden forbidden invalid invalid login login',
    form: { contactEmail: 'not-an-email' },
  },
  '_app.partner.requests.$id._index': {
    params: (w) => ({ id: w.requestId }),
    get: OWN_PARTNER,
    post: OWN_PARTNER_POST,
  },
  '_app.partner.requests.$id.visits.new': {
    params: (w) => ({ id: w.requestId }),
    get: OWN_PARTNER,
    post: OWN_PARTNER_POST,
  },
  '_app.partner.statements.$id': {
    params: (w) => ({ id: w.statementId }),
    get: OWN_PARTNER,
    post: NONE,
  },
  '_app.partner.statements._index': { get: PARTNERS, post: NONE },
  '_app.partner.trainings': {
    get: PARTNERS,
    post: 'login forbidden forbidden invalid invalid login login',
  },
  '_app.partner.visits.$visitId': {
    params: (w) => ({ visitId: w.visitId }),
    get: OWN_PARTNER,
    post: OWN_PARTNER_POST,
  },
  '_app.partners.$id._index': { params: uuidA, get: STAFF, post: NONE },
  '_app.partners.$id.edit': { params: uuidA, get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.partners.$id.mous.$mouId': {
    params: (w) => ({ id: w.a.id, mouId: w.mouId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.partners.$id.mous.new': { params: uuidA, get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.partners.$id.shelters.$shelterId': {
    params: (w) => ({ id: w.a.id, shelterId: w.shelterId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.partners.$id.shelters.new': { params: uuidA, get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.partners._index': { get: STAFF, post: NONE },
  '_app.partners.import': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.partners.map': { get: STAFF, post: NONE },
  '_app.partners.new': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.payments._index': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.payments.batches.$id': {
    params: (w) => ({ id: w.batchId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.payments.batches._index': { get: SECRETARIAT, post: NONE },
  '_app.payments.statements.$id': {
    params: (w) => ({ id: w.statementId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.reports._index': { get: SECRETARIAT, post: NONE },
  '_app.reports.coverage': { get: SECRETARIAT, post: NONE },
  '_app.requests.$id': {
    params: (w) => ({ id: w.requestId }),
    get: STAFF,
    post: STAFF_POST,
  },
  '_app.requests._index': { get: STAFF, post: NONE },
  '_app.requests.new': { get: STAFF, post: STAFF_POST },
  '_app.secretariat._index': { get: SECRETARIAT, post: NONE },
  '_app.secretariat.api-tokens': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.secretariat.audit': { get: SECRETARIAT, post: NONE },
  '_app.secretariat.dev-mailbox.$file': {
    params: () => ({ file: 'no-such-message.eml' }),
    get: 'login forbidden notfound forbidden forbidden login login',
    post: NONE,
  },
  '_app.secretariat.dev-mailbox': { get: SECRETARIAT, post: NONE },
  '_app.secretariat.mail': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.secretariat.users': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.trainings.$id': {
    params: (w) => ({ id: w.trainingId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.trainings.$id_.edit': {
    params: (w) => ({ id: w.trainingId }),
    get: SECRETARIAT,
    post: SECRETARIAT_POST,
  },
  '_app.trainings._index': { get: SECRETARIAT, post: NONE },
  '_app.trainings.new': { get: SECRETARIAT, post: SECRETARIAT_POST },
  '_app.visits.$visitId': {
    params: (w) => ({ visitId: w.visitId }),
    get: STAFF,
    post: STAFF_POST,
  },
  '_app.visits._index': { get: STAFF, post: NONE },
  _index: { get: 'login redirect redirect redirect redirect login login', post: NONE },
  'api.hsds.organizations.$id': { params: uuidA, get: API, post: all('method') },
  'api.hsds.organizations._index': { get: API, post: all('method') },
  'api.hsds.service_at_locations._index': { get: API, post: all('method') },
  'api.hsds.services.$id': {
    params: (w) => ({ id: derivedId(w.a.id, 'service') }),
    get: API,
    post: all('method'),
  },
  'api.hsds.services._index': { get: API, post: all('method') },
  'api.openapi[.]json': { get: all('ok'), post: NONE },
  'api.v1.partners.nearest': { query: '?lat=32.46&lng=130.19', get: API, post: all('method') },
  'calendar.$kind.$id': {
    params: (w) => ({ kind: 'meeting', id: `${w.meetingId}.ics` }),
    get: 'login notfound ok ok notfound login login',
    post: NONE,
  },
  // The secret in the URL is the key: whoever holds A's feed link reads A's calendar.
  'calendar.feed.$token': { params: (w) => ({ token: w.feedToken }), get: all('ok'), post: NONE },
  // A has not attended every required module yet: 409 to those who may ask, 404 to others.
  'certificates.$userId': {
    params: (w) => ({ userId: w.userIds.partnerA }),
    get: 'login notfound conflict conflict notfound login login',
    post: NONE,
  },
  'files.$fileId': {
    params: (w) => ({ fileId: w.mouFileId }),
    get: 'login notfound ok ok notfound login login',
    post: NONE,
  },
  'forgot-password': { get: NONE, post: all('invalid') },
  'invite.$token': {
    params: () => ({ token: 'x'.repeat(43) }),
    get: all('gone'),
    post: all('invalid'),
  },
  language: { get: all('redirect'), post: all('redirect') },
  login: {
    get: 'ok redirect redirect redirect redirect ok ok',
    post: all('invalid'),
  },
  logout: { get: all('redirect'), post: all('login') },
  'meetings.$id.report[.]pdf': {
    params: (w) => ({ id: w.meetingId }),
    get: 'login notfound ok ok notfound login login',
    post: NONE,
  },
  'partners[.]csv': { get: STAFF, post: NONE },
  'payments.batches.$id.csv': { params: (w) => ({ id: w.batchId }), get: SECRETARIAT, post: NONE },
  'payments.batches.$id.zengin': {
    params: (w) => ({ id: w.batchId }),
    get: SECRETARIAT,
    post: NONE,
  },
  'reports.activity[.]csv': { query: '?period=FY2026-Q3', get: SECRETARIAT, post: NONE },
  'reports.activity[.]pdf': { query: '?period=FY2026-Q3', get: SECRETARIAT, post: NONE },
  'reset-password.$token': {
    params: () => ({ token: 'x'.repeat(43) }),
    get: all('gone'),
    post: all('invalid'),
  },
  'resources.municipalities': { query: '?prefecture=43', get: SIGNED_IN, post: NONE },
  // The registry map's points (every partner's place): staff only, like the registry itself.
  'resources.partner-map': { get: STAFF, post: NONE },
  // The signed RSVP link is the key (no login); an empty answer is refused.
  'rsvp.$token': { params: (w) => ({ token: w.rsvpToken }), get: all('ok'), post: all('invalid') },
  'statements.$id.pdf': {
    params: (w) => ({ id: w.statementId }),
    get: 'login forbidden ok ok notfound login login',
    post: NONE,
  },
  'ties.$partnerId': {
    params: (w) => ({ partnerId: w.a.id }),
    get: all('notfound'),
    post: 'login forbidden redirect redirect notfound login login',
  },
};

const words = (s: string) => s.trim().split(/\s+/);
const expectedRow = (s: string) => Object.fromEntries(ACTORS.map((a, i) => [a, words(s)[i]]));

type RouteModule = {
  loader?: (args: { request: Request; params: Params; context: typeof ctx }) => unknown;
  action?: (args: { request: Request; params: Params; context: typeof ctx }) => unknown;
};

let w: World;
const covered = { cells: 0, routes: new Set<string>() };

beforeAll(async () => {
  w = await buildWorld();
  resetRateLimits();
}, 120_000);

afterAll(() => {
  // A summary in the test output (stdout; console.error would fail the run).
  console.log(
    `authorization matrix: ${covered.routes.size} routes × ${ACTORS.length} actors, ` +
      `${covered.cells} loader/action calls checked`,
  );
});

function cookieHeaders(actor: Actor, cookie: string | null): Record<string, string> {
  const h: Record<string, string> = {};
  if (cookie) h.Cookie = cookie.split(';')[0]!;
  if (actor === 'apiToken') h.Authorization = `Bearer ${w.tokens.live}`;
  if (actor === 'revokedToken') h.Authorization = `Bearer ${w.tokens.revoked}`;
  return h;
}

const sessionOf = (actor: Actor) =>
  actor in w.cookies ? w.cookies[actor as keyof World['cookies']] : null;

describe('the matrix covers the route list', () => {
  it('has one row per route file, and no row for a route that is gone', () => {
    const files = routeIds();
    expect(files.length).toBeGreaterThan(0);
    expect(
      files.filter((id) => !(id in MATRIX)),
      'routes without a matrix row',
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((id) => !files.includes(id)),
      'matrix rows without a route file',
    ).toEqual([]);
  });

  it('names a known outcome for every actor in every row', () => {
    for (const [id, e] of Object.entries(MATRIX))
      for (const row of [e.get, e.post]) {
        expect(words(row), id).toHaveLength(ACTORS.length);
        for (const o of words(row)) expect(OUTCOMES, `${id}: ${o}`).toContain(o);
      }
  });

  it('derives URL patterns the way Remix flat routes do', () => {
    expect(routePattern('_app.partner.requests.$id._index')).toBe('/partner/requests/:id');
    expect(routePattern('_app.trainings.$id_.edit')).toBe('/trainings/:id/edit');
    expect(routePattern('meetings.$id.report[.]pdf')).toBe('/meetings/:id/report.pdf');
    expect(routePattern('api.openapi[.]json')).toBe('/api/openapi.json');
    expect(routePattern('$')).toBe('/*');
    expect(routePattern('_index')).toBe('/');
  });
});

describe('authorization matrix: every route × every actor', () => {
  for (const id of Object.keys(MATRIX).sort()) {
    const entry = MATRIX[id]!;
    it(`${routePattern(id)}  (${id})`, async () => {
      const mod = (await import(/* @vite-ignore */ routeFile(id))) as RouteModule;
      const params = entry.params?.(w) ?? {};
      const url = fillPattern(routePattern(id), params) + (entry.query ?? '');
      const actual: Record<string, Record<Actor, string>> = { get: {}, post: {} } as never;
      for (const actor of ACTORS) {
        actual.get![actor] = mod.loader
          ? (
              await run(() =>
                mod.loader!({
                  request: new Request(`http://localhost:3000${url}`, {
                    headers: cookieHeaders(actor, sessionOf(actor)),
                  }),
                  params,
                  context: ctx,
                }),
              )
            ).outcome
          : 'none';
        // Logging out ends the session it is given: that call gets one of its own.
        const cookie = id === 'logout' ? await freshCookie(w, actor) : sessionOf(actor);
        actual.post![actor] = mod.action
          ? (
              await run(() =>
                mod.action!({
                  request: new Request(`http://localhost:3000${url}`, {
                    method: 'POST',
                    headers: cookieHeaders(actor, cookie),
                    body: new URLSearchParams(entry.form ?? {}),
                  }),
                  params,
                  context: ctx,
                }),
              )
            ).outcome
          : 'none';
        covered.cells += (mod.loader ? 1 : 0) + (mod.action ? 1 : 0);
      }
      covered.routes.add(id);
      expect(actual).toEqual({ get: expectedRow(entry.get), post: expectedRow(entry.post) });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Object-level checks

type Call = { status: number; body: string };

/** Calls a route as an actor and reads the answer as status + body, whatever form it took. */
async function callRoute(
  id: string,
  actor: Actor,
  params: Params,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string>; multipart?: boolean } = {},
): Promise<Call> {
  const mod = (await import(/* @vite-ignore */ routeFile(id))) as RouteModule;
  const url = fillPattern(routePattern(id), params);
  let body: BodyInit | undefined;
  if (init.form) {
    if (init.multipart) {
      const fd = new FormData();
      for (const [k, v] of Object.entries(init.form)) fd.append(k, v);
      fd.append('receipt', new File([JPEG], 'receipt.jpg', { type: 'image/jpeg' }));
      body = fd;
    } else body = new URLSearchParams(init.form);
  }
  const method = init.method ?? (init.form ? 'POST' : 'GET');
  const request = new Request(`http://localhost:3000${url}`, {
    method,
    headers: cookieHeaders(actor, sessionOf(actor)),
    body,
  });
  const fn = method === 'GET' ? mod.loader! : mod.action!;
  let result: unknown;
  try {
    result = await fn({ request, params, context: ctx });
  } catch (e) {
    if (!(e instanceof Response)) throw e;
    result = e;
  }
  if (result instanceof Response) return { status: result.status, body: await result.text() };
  const d = result as { type?: string; data?: unknown; init?: { status?: number } | null };
  if (d && d.type === 'DataWithResponseInit')
    return { status: d.init?.status ?? 200, body: JSON.stringify(d.data) };
  return { status: 200, body: JSON.stringify(result) };
}

const visitForm = () => ({
  visitDate: tokyoToday(),
  startTime: '01:00',
  endTime: '01:30',
  place: '天草市役所',
  activities: '窓口に同行した。',
  outcome: '手続きが済んだ。',
  interpreterMinutes: '0',
});

describe("object-level checks: partner B and partner A's ids", () => {
  /** [route id, parameter name, A's id, what it is] — every URL that takes one of A's ids. */
  const urls = (): [string, string, string, string][] => [
    ['_app.partner.requests.$id._index', 'id', w.requestId, 'request'],
    ['_app.partner.requests.$id.visits.new', 'id', w.requestId, 'request (new visit)'],
    ['_app.partner.offers.$offerId', 'offerId', w.offerId, 'offer'],
    ['_app.partner.visits.$visitId', 'visitId', w.visitId, 'visit'],
    ['_app.partner.statements.$id', 'id', w.statementId, 'statement'],
    ['statements.$id.pdf', 'id', w.statementId, 'statement PDF'],
    ['files.$fileId', 'fileId', w.mouFileId, 'MOU PDF'],
    ['files.$fileId', 'fileId', w.receiptFileId, 'receipt'],
    ['certificates.$userId', 'userId', w.userIds.partnerA, "A's certificate"],
    ['meetings.$id.report[.]pdf', 'id', w.meetingId, 'meeting report (A invited)'],
  ];

  it('every URL with one of A’s ids: A is served, B gets the very 404 a random id gets', async () => {
    let n = 0;
    for (const [id, name, value, what] of urls()) {
      const own = await callRoute(id, 'partnerA', { [name]: value });
      expect(own.status, `${what}: A`).not.toBe(404);
      const foreign = await callRoute(id, 'partnerB', { [name]: value });
      const random = await callRoute(id, 'partnerB', { [name]: randomUUID() });
      expect(foreign.status, `${what}: B`).toBe(404);
      expect(foreign, `${what}: same answer as for a random id`).toEqual(random);
      expect(foreign.body, what).not.toMatch(/NOTE-A-ONLY|権限テスト/);
      n++;
    }
    // The meeting's .ics (the id carries the extension in the URL).
    const ics = (m: string, actor: Actor) =>
      callRoute('calendar.$kind.$id', actor, { kind: 'meeting', id: `${m}.ics` });
    expect((await ics(w.meetingId, 'partnerA')).status).toBe(200);
    expect(await ics(w.meetingId, 'partnerB')).toEqual(await ics(randomUUID(), 'partnerB'));
    expect((await ics(w.meetingId, 'partnerB')).status).toBe(404);
    console.log(`object-level checks: ${n + 1} URLs with partner A's ids`);
  });

  it('every form posted to A’s objects by B: 404 like a random id, and nothing changes', async () => {
    const today = tokyoToday();
    const forms: [string, string, string, Record<string, string>, boolean?][] = [
      ['_app.partner.requests.$id._index', 'id', w.requestId, { intent: 'arrived' }],
      ['_app.partner.requests.$id._index', 'id', w.requestId, { intent: 'finished' }],
      [
        '_app.partner.requests.$id._index',
        'id',
        w.requestId,
        { intent: 'startStay', shelterId: w.shelterId, beds: '1', checkIn: today },
      ],
      [
        '_app.partner.requests.$id._index',
        'id',
        w.requestId,
        { intent: 'endStay', stayId: w.stayId, checkOut: today },
      ],
      [
        '_app.partner.requests.$id._index',
        'id',
        w.requestId,
        { intent: 'complete', report: '完了しました。' },
      ],
      ['_app.partner.requests.$id._index', 'id', w.requestId, {}],
      ['_app.partner.requests.$id.visits.new', 'id', w.requestId, visitForm(), true],
      ['_app.partner.offers.$offerId', 'offerId', w.offerId, { intent: 'accept' }],
      ['_app.partner.offers.$offerId', 'offerId', w.offerId, { intent: 'decline', reason: 'x' }],
      ['_app.partner.visits.$visitId', 'visitId', w.visitId, { intent: 'withdraw' }],
      ['_app.partner.visits.$visitId', 'visitId', w.visitId, { intent: 'nonsense' }],
      ['_app.partner.visits.$visitId', 'visitId', w.visitId, visitForm(), true],
      [
        'ties.$partnerId',
        'partnerId',
        w.a.id,
        { intent: 'addTie', relation: 'advises', name: '株式会社B', redirectTo: '/partner' },
      ],
      ['ties.$partnerId', 'partnerId', w.a.id, { intent: 'removeTie', tieId: w.tieId }],
    ];
    for (const [id, name, value, form, multipart] of forms) {
      const what = `${id} ${form.intent ?? '(form)'}`;
      const foreign = await callRoute(id, 'partnerB', { [name]: value }, { form, multipart });
      const random = await callRoute(id, 'partnerB', { [name]: randomUUID() }, { form, multipart });
      expect(foreign.status, what).toBe(404);
      expect(foreign, `${what}: same answer as for a random id`).toEqual(random);
    }
    console.log(`object-level checks: ${forms.length} forms posted to partner A's objects`);

    // Nothing of A's moved.
    const request = await db
      .selectFrom('accompaniment_request')
      .select(['status', 'accepted_partner_id'])
      .where('id', '=', w.requestId)
      .executeTakeFirstOrThrow();
    expect(request).toEqual({ status: 'in_progress', accepted_partner_id: w.a.id });
    expect(
      await db
        .selectFrom('shelter_stay')
        .select(['request_id', 'check_out'])
        .where('shelter_id', '=', w.shelterId)
        .execute(),
    ).toEqual([{ request_id: w.requestId, check_out: null }]);
    expect(
      await db.selectFrom('visit').select('status').where('request_id', '=', w.requestId).execute(),
    ).toEqual([{ status: 'approved' }]);
    expect(
      await db
        .selectFrom('accompaniment_checkin')
        .select('arrived_at')
        .where('request_id', '=', w.requestId)
        .execute(),
    ).toEqual([]);
    expect(
      await db.selectFrom('partner_tie').select('name').where('partner_id', '=', w.a.id).execute(),
    ).toEqual([{ name: '株式会社テスト工業' }]);
    expect(
      await db.selectFrom('offer').select('status').where('id', '=', w.offerId).execute(),
    ).toEqual([{ status: 'accepted' }]);
  });

  it("A's ids inside B's own forms get the same answer as random ids, and are not used", async () => {
    const onB = (form: Record<string, string>) =>
      callRoute('_app.partner.requests.$id._index', 'partnerB', { id: w.requestBId }, { form });
    const today = tokyoToday();
    // A's shelter on B's own case: the same field error as an unknown shelter; no stay made.
    const stayIn = (shelterId: string) =>
      onB({ intent: 'startStay', shelterId, beds: '1', checkIn: today });
    const foreignShelter = await stayIn(w.shelterId);
    expect(foreignShelter).toEqual(await stayIn(randomUUID()));
    expect(foreignShelter.status).toBe(400);
    // A's stay ended from B's case: not found, like a random stay.
    const endStay = (stayId: string) => onB({ intent: 'endStay', stayId, checkOut: today });
    expect(await endStay(w.stayId)).toEqual(await endStay(randomUUID()));
    expect((await endStay(w.stayId)).status).toBe(404);
    // A's tie removed through B's own tie form: not found.
    const removeTie = (tieId: string) =>
      callRoute(
        'ties.$partnerId',
        'partnerB',
        { partnerId: w.b.id },
        { form: { intent: 'removeTie', tieId, redirectTo: '/partner/organisation' } },
      );
    expect(await removeTie(w.tieId)).toEqual(await removeTie(randomUUID()));
    expect((await removeTie(w.tieId)).status).toBe(404);
    // Replying to a meeting B was not invited to (A was): not found.
    const rsvp = (meetingId: string) =>
      callRoute(
        '_app.partner.trainings',
        'partnerB',
        {},
        { form: { intent: 'rsvp', meetingId, answer: 'accepted' } },
      );
    expect(await rsvp(w.meetingId)).toEqual(await rsvp(randomUUID()));
    expect((await rsvp(w.meetingId)).status).toBe(404);

    expect(
      await db
        .selectFrom('shelter_stay')
        .select('id')
        .where('shelter_id', '=', w.shelterId)
        .execute(),
    ).toHaveLength(1);
    expect(
      await db.selectFrom('partner_tie').select('id').where('id', '=', w.tieId).executeTakeFirst(),
    ).toBeTruthy();
    expect(
      await db
        .selectFrom('meeting_invitee')
        .select('rsvp')
        .where('meeting_id', '=', w.meetingId)
        .execute(),
    ).not.toContainEqual({ rsvp: 'accepted' });
  });

  it('a nested id must belong to the partner in the URL (secretariat too)', async () => {
    for (const [id, name, value] of [
      ['_app.partners.$id.mous.$mouId', 'mouId', w.mouId],
      ['_app.partners.$id.shelters.$shelterId', 'shelterId', w.shelterId],
    ] as const) {
      const own = await callRoute(id, 'secretariat', { id: w.a.id, [name]: value });
      expect(own.status, id).toBe(200);
      const crossed = await callRoute(id, 'secretariat', { id: w.b.id, [name]: value });
      expect(crossed.status, id).toBe(404);
      expect(crossed).toEqual(
        await callRoute(id, 'secretariat', { id: w.b.id, [name]: randomUUID() }),
      );
      // Partners never reach these pages, whose ever the id is.
      expect((await callRoute(id, 'partnerA', { id: w.a.id, [name]: value })).status).toBe(403);
    }
  });

  it('ids are random UUIDs; the sequential public reference opens nothing', async () => {
    const ids = {
      partnerOrgA: w.a.id,
      partnerOrgB: w.b.id,
      request: w.requestId,
      offer: w.offerId,
      shelter: w.shelterId,
      stay: w.stayId,
      visit: w.visitId,
      receipt: w.receiptFileId,
      statement: w.statementId,
      batch: w.batchId,
      mou: w.mouId,
      mouFile: w.mouFileId,
      training: w.trainingId,
      meeting: w.meetingId,
      tie: w.tieId,
      ...Object.fromEntries(Object.entries(w.userIds).map(([k, v]) => [`user ${k}`, v])),
    };
    for (const [what, id] of Object.entries(ids)) expect(isRandomUuid(id), what).toBe(true);
    // Every table's `id` is a uuid drawn by gen_random_uuid(), except append-only logs and
    // bookkeeping that no URL or form ever names (Lucia's session id is itself random text).
    const internal = [
      'audit_log',
      'kysely_migration_lock',
      'login_attempt',
      'partner_change',
      'request_event',
      'user_session',
    ];
    expect(
      (await nonRandomIdColumns()).filter((c) => !internal.includes(c.table_name)),
      'tables with guessable ids',
    ).toEqual([]);

    const { reference } = await db
      .selectFrom('accompaniment_request')
      .select('reference')
      .where('id', '=', w.requestId)
      .executeTakeFirstOrThrow();
    expect(reference).toMatch(/^REQ-\d{4}-\d+$/);
    expect(
      (await callRoute('_app.partner.requests.$id._index', 'partnerA', { id: reference })).status,
    ).toBe(404);
    expect((await callRoute('_app.requests.$id', 'counselor', { id: reference })).status).toBe(404);
  });
});
