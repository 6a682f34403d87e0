// The audit log, on the real database: every read of confidential data and every change of money,
// MOUs, roles and tokens leaves a row naming who did what to which record (the checklist below,
// one assertion per action); the row shares the change's transaction; the log cannot be altered;
// the secretariat's page filters and pages through it by keyset, and nobody else can open it.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, type Tx } from '~/lib/db.server';
import { inviteUser, login, completeLink, resendInvitation } from '~/modules/auth/users.server';
import { createFeed, revokeFeed } from '~/modules/calendar/calendar.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { createApiToken, revokeApiToken } from '~/modules/directory/tokens.server';
import { acceptOffer, sendOffers } from '~/modules/dispatch/requests.server';
import { mouSchema } from '~/modules/partners/mou-schema';
import { createMou, updateMou } from '~/modules/partners/mous.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { createPartner, tokyoToday, updatePartner } from '~/modules/partners/partners.server';
import {
  addAdjustment,
  approveStatement,
  buildStatement,
  createBatch,
  recordResults,
  voidStatement,
} from '~/modules/payments/payments.server';
import { visitSchema } from '~/modules/visits/visit-schema';
import { logVisit, readVisit } from '~/modules/visits/visits.server';
import { loader as partnerCaseLoader } from '~/routes/_app.partner.requests.$id._index';
import { loader as offerLoader } from '~/routes/_app.partner.offers.$offerId';
import { loader as partnerPageLoader } from '~/routes/_app.partners.$id._index';
import { loader as shelterEditLoader } from '~/routes/_app.partners.$id.shelters.$shelterId';
import { loader as requestPageLoader } from '~/routes/_app.requests.$id';
import { loader as auditLoader } from '~/routes/_app.secretariat.audit';
import { loader as fileLoader } from '~/routes/files.$fileId';
import { loader as statementPdfLoader } from '~/routes/statements.$id.pdf';
import { makeDispatchablePartner, makeRequest } from '../support/dispatch';
import { ctx, requestWithSession, settle } from '../support/requests';

const run = randomBytes(3).toString('hex');
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

const tx = <T>(fn: (t: Tx) => Promise<T>) => db.transaction().execute(fn);

type User = { id: string; email: string; password: string };
type Loader = (args: {
  request: Request;
  params: Record<string, string>;
  context: typeof ctx;
}) => Promise<unknown>;

async function cookieOf(u: { email: string; password: string }) {
  const r = await login(u.email, u.password, ctx.clientIp);
  if (!r.ok) throw new Error('login failed');
  return r.cookie;
}
const call = (fn: Loader, path: string, cookie: string | null, params = {}) =>
  settle(() => fn({ request: requestWithSession(path, cookie), params, context: ctx }));

/** Calls a loader that must answer 200 (a page's data or a download). */
async function open(fn: Loader, path: string, cookie: string, params: Record<string, string>) {
  const res = await call(fn, path, cookie, params);
  if (res instanceof Response && res.status !== 200) throw new Error(`${path}: ${res.status}`);
  return res;
}

let staff: User;
let counselor: User;
let partner: { id: string; userId: string; email: string; password: string };
let cookies: { staff: string; counselor: string; partner: string };
const staffActor = () => ({ userId: staff.id, ip: ctx.clientIp });

/** What the checklist's actions made, for the actions after them. */
const made: Record<string, string> = {};

const payeeInput = (accountNumber: string, version?: number) =>
  partnerSchema.parse({
    name: `監査テスト支払先 ${run}`,
    nameKana: 'かんさてすと',
    kind: 'npo',
    status: 'active',
    municipalityCode: '432156',
    lat: 32.4586,
    lng: 130.1934,
    serviceRadiusKm: 100,
    languages: ['ja'],
    specialties: ['hospital'],
    bankCode: '0009',
    branchCode: '123',
    accountType: 'ordinary',
    accountNumber,
    accountHolderKana: 'かんさてすと',
    ...(version === undefined ? {} : { version }),
  });

const mouInput = (over: Record<string, unknown> = {}) =>
  mouSchema.parse({
    referenceNo: `MOU-AUDIT-${run}`,
    status: 'active',
    validFrom: '2026-01-01',
    visitBaseFee: 5000,
    baseHours: 2,
    hourlyFee: 0,
    travelMode: 'none',
    maxConcurrentRequests: 20,
    ...over,
  });

async function approvedVisit(partnerId: string, requestId: string, date: string) {
  await db
    .insertInto('visit')
    .values({
      request_id: requestId,
      partner_id: partnerId,
      visit_date: date,
      starts_at: new Date(`${date}T01:00:00Z`),
      ends_at: new Date(`${date}T03:00:00Z`),
      place: '天草中央総合病院',
      activities: '受診に同行した。',
      status: 'approved',
      reviewed_by: staff.id,
      reviewed_at: new Date(),
    })
    .execute();
}

beforeAll(async () => {
  staff = (await makeUser(db, { role: 'secretariat' }))!;
  counselor = (await makeUser(db, { role: 'counselor' }))!;
  partner = await makeDispatchablePartner(`AUDIT${run}`);
  cookies = {
    staff: await cookieOf(staff),
    counselor: await cookieOf(counselor),
    partner: await cookieOf(partner),
  };

  // A case the partner accepted, with a visit (receipt, confidential note) and a shelter.
  const r = await makeRequest(counselor.id, { details: '勤務先：△△工業' });
  await tx((t) => sendOffers(t, r.id, [partner.id], { userId: counselor.id }));
  const offer = await db
    .selectFrom('offer')
    .select('id')
    .where('request_id', '=', r.id)
    .executeTakeFirstOrThrow();
  expect(await acceptOffer(offer.id, { id: partner.userId, partnerId: partner.id })).toEqual({
    ok: true,
  });
  made.request = r.id;
  made.offer = offer.id;
  made.visit = await tx<string>((t) =>
    logVisit(
      t,
      r.id,
      visitSchema.parse({
        visitDate: tokyoToday(),
        startTime: '09:30',
        endTime: '12:00',
        place: '天草中央総合病院',
        activities: '受診に同行した。',
        travelCost: 1200,
        interpreterMinutes: 0,
        confidentialNote: '本人は職場での暴言を訴えている',
      }),
      { name: 'receipt.jpg', bytes: JPEG },
      { userId: partner.userId, partnerId: partner.id },
    ),
  );
  made.receipt = (await db
    .selectFrom('visit')
    .select('receipt_file_id')
    .where('id', '=', made.visit)
    .executeTakeFirstOrThrow())!.receipt_file_id!;
  made.shelter = (
    await db
      .insertInto('shelter')
      .values({
        partner_id: partner.id,
        name: `監査テストシェルター ${run}`,
        capacity: 4,
        accepts: ['women'],
        municipality_code: '432156',
        address: '本渡町 1-2-3',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;

  // A partner to be paid: bank details, an MOU with a visit fee, approved visits in April and May.
  made.payee = await tx((t) => createPartner(t, payeeInput('1234567'), staffActor()));
  await tx((t) =>
    createMou(t, made.payee, mouInput({ referenceNo: `MOU-PAY-${run}` }), null, staffActor()),
  );
  const payeeRequest = await makeRequest(counselor.id);
  await approvedVisit(made.payee, payeeRequest.id, '2026-04-10');
  await approvedVisit(made.payee, payeeRequest.id, '2026-05-12');
  made.mouPartner = (await makePartner(db)).id;
});

const lastAuditId = async () =>
  (
    await db
      .selectFrom('audit_log')
      .select(sql<string>`coalesce(max(id), 0)::text`.as('id'))
      .executeTakeFirstOrThrow()
  ).id;

type Expected = {
  actor: string | null;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
};

/**
 * The checklist: what is done (through the real module function or page loader), the audit
 * action it must write, and who/what that row must name. Runs top to bottom (later rows use
 * what earlier ones made).
 */
const CHECKLIST: [what: string, action: string, perform: () => Promise<Expected>][] = [
  // ---- money ----
  [
    'build a monthly payment statement',
    'payment.statement_build',
    async () => {
      const r = await tx((t) => buildStatement(t, made.payee, '2026-04', staffActor()));
      made.statement = r.statementId!;
      return { actor: staff.id, subjectType: 'payment_statement', subjectId: made.statement };
    },
  ],
  [
    'adjust a statement',
    'payment.adjust',
    async () => {
      await tx((t) =>
        addAdjustment(
          t,
          made.statement,
          { amount: -500, reason: '交通費の重複', taxable: true },
          staffActor(),
        ),
      );
      return { actor: staff.id, subjectType: 'payment_statement', subjectId: made.statement };
    },
  ],
  [
    'approve a statement',
    'payment.approve',
    async () => {
      await tx((t) => approveStatement(t, made.statement, staffActor()));
      return { actor: staff.id, subjectType: 'payment_statement', subjectId: made.statement };
    },
  ],
  [
    'put approved statements into a payment batch',
    'payment.batch_create',
    async () => {
      const date = tokyoToday(new Date(Date.now() + 10 * 86_400_000));
      made.transferDate = date;
      made.batch = await tx((t) => createBatch(t, [made.statement], date, staffActor()));
      return { actor: staff.id, subjectType: 'payment_batch', subjectId: made.batch };
    },
  ],
  [
    'record the bank results of a batch',
    'payment.batch_results',
    async () => {
      await tx((t) =>
        recordResults(
          t,
          made.batch,
          [{ statementId: made.statement, result: 'paid' }],
          made.transferDate,
          staffActor(),
        ),
      );
      return { actor: staff.id, subjectType: 'payment_batch', subjectId: made.batch };
    },
  ],
  [
    'void a statement',
    'payment.void',
    async () => {
      const r = await tx((t) => buildStatement(t, made.payee, '2026-05', staffActor()));
      await tx((t) => voidStatement(t, r.statementId!, '金額の誤り', staffActor()));
      return {
        actor: staff.id,
        subjectType: 'payment_statement',
        subjectId: r.statementId!,
        detail: { reason: '金額の誤り' },
      };
    },
  ],
  [
    "change a partner's bank account",
    'partner.money_details_changed',
    async () => {
      const { version } = await db
        .selectFrom('partner')
        .select('version')
        .where('id', '=', made.payee)
        .executeTakeFirstOrThrow();
      await tx((t) => updatePartner(t, made.payee, payeeInput('7654321', version), staffActor()));
      return {
        actor: staff.id,
        subjectType: 'partner',
        subjectId: made.payee,
        detail: { fields: ['account_number'] },
      };
    },
  ],
  // ---- MOUs ----
  [
    'create an MOU with its signed PDF',
    'mou.create',
    async () => {
      made.mou = await tx((t) =>
        createMou(t, made.mouPartner, mouInput(), { name: 'signed.pdf', bytes: PDF }, staffActor()),
      );
      return {
        actor: staff.id,
        subjectType: 'mou',
        subjectId: made.mou,
        detail: { newPdf: true, visit_base_fee: 5000 },
      };
    },
  ],
  [
    "edit an MOU's fees",
    'mou.update',
    async () => {
      await tx((t) => updateMou(t, made.mou, mouInput({ visitBaseFee: 6000 }), null, staffActor()));
      return {
        actor: staff.id,
        subjectType: 'mou',
        subjectId: made.mou,
        detail: { after: expect.objectContaining({ visit_base_fee: 6000 }), newPdf: false },
      };
    },
  ],
  [
    'upload a new signed PDF to an MOU',
    'mou.update',
    async () => {
      await tx((t) =>
        updateMou(
          t,
          made.mou,
          mouInput({ visitBaseFee: 6000 }),
          { name: 'signed-2.pdf', bytes: PDF },
          staffActor(),
        ),
      );
      return { actor: staff.id, subjectType: 'mou', subjectId: made.mou, detail: { newPdf: true } };
    },
  ],
  [
    'end an MOU',
    'mou.update',
    async () => {
      await tx((t) =>
        updateMou(
          t,
          made.mou,
          mouInput({ visitBaseFee: 6000, status: 'terminated', validUntil: '2026-10-31' }),
          null,
          staffActor(),
        ),
      );
      return {
        actor: staff.id,
        subjectType: 'mou',
        subjectId: made.mou,
        detail: { after: expect.objectContaining({ status: 'terminated' }) },
      };
    },
  ],
  // ---- roles ----
  [
    'invite a user with a role',
    'user.invite',
    async () => {
      const r = await tx((t) =>
        inviteUser(
          t,
          { email: `invited-${run}@example.org`, name: '招待 太郎', role: 'counselor' },
          { userId: staff.id, name: 'staff', ip: ctx.clientIp },
        ),
      );
      made.invited = r.userId;
      return { actor: staff.id, subjectType: 'user', subjectId: r.userId };
    },
  ],
  [
    'send the invitation again',
    'user.reinvite',
    async () => {
      made.inviteUrl = await tx((t) =>
        resendInvitation(t, made.invited, { userId: staff.id, name: 'staff', ip: ctx.clientIp }),
      );
      return { actor: staff.id, subjectType: 'user', subjectId: made.invited };
    },
  ],
  [
    'accept the invitation (the account becomes active with its role)',
    'user.accept_invitation',
    async () => {
      const token = made.inviteUrl.split('/').pop()!;
      const done = await completeLink(token, 'invitation', 'a long passphrase 2026', ctx.clientIp);
      expect(done.ok).toBe(true);
      return { actor: made.invited, subjectType: 'user', subjectId: made.invited };
    },
  ],
  // ---- tokens ----
  [
    'create an API token',
    'api_token.create',
    async () => {
      made.apiToken = (await tx((t) => createApiToken(t, `portal ${run}`, staffActor()))).id;
      return { actor: staff.id, subjectType: 'api_token', subjectId: made.apiToken };
    },
  ],
  [
    'revoke an API token',
    'api_token.revoke',
    async () => {
      await tx((t) => revokeApiToken(t, made.apiToken, { userId: staff.id }));
      return { actor: staff.id, subjectType: 'api_token', subjectId: made.apiToken };
    },
  ],
  [
    'create a calendar feed URL',
    'calendar.feed_create',
    async () => {
      await tx((t) => createFeed(t, partner.userId, ctx.clientIp));
      return { actor: partner.userId, subjectType: 'app_user', subjectId: partner.userId };
    },
  ],
  [
    'revoke a calendar feed URL',
    'calendar.feed_revoke',
    async () => {
      await tx((t) => revokeFeed(t, partner.userId, ctx.clientIp));
      return { actor: partner.userId, subjectType: 'app_user', subjectId: partner.userId };
    },
  ],
  // ---- reads of confidential data ----
  [
    "a counselor opens a request's details",
    'request.read_details',
    async () => {
      await open(requestPageLoader, `/requests/${made.request}`, cookies.counselor, {
        id: made.request,
      });
      return { actor: counselor.id, subjectType: 'request', subjectId: made.request };
    },
  ],
  [
    'the accepted partner opens the case page',
    'request.read_details',
    async () => {
      await open(partnerCaseLoader, `/partner/requests/${made.request}`, cookies.partner, {
        id: made.request,
      });
      return { actor: partner.userId, subjectType: 'request', subjectId: made.request };
    },
  ],
  [
    'the accepted partner opens the offer with its details',
    'request.read_details',
    async () => {
      await open(offerLoader, `/partner/offers/${made.offer}`, cookies.partner, {
        offerId: made.offer,
      });
      return { actor: partner.userId, subjectType: 'request', subjectId: made.request };
    },
  ],
  [
    "staff read a visit's confidential note",
    'visit.read_note',
    async () => {
      const v = await readVisit(
        db,
        made.visit,
        { id: staff.id, role: 'secretariat', partnerId: null },
        ctx.clientIp,
      );
      expect(v?.confidential_note).toBe('本人は職場での暴言を訴えている');
      return { actor: staff.id, subjectType: 'visit', subjectId: made.visit };
    },
  ],
  [
    'staff download a receipt',
    'file.download',
    async () => {
      await open(fileLoader, `/files/${made.receipt}`, cookies.staff, { fileId: made.receipt });
      return {
        actor: staff.id,
        subjectType: 'visit',
        subjectId: made.visit,
        detail: { fileId: made.receipt },
      };
    },
  ],
  [
    "staff download an MOU's signed PDF",
    'file.download',
    async () => {
      const { signed_file_id } = await db
        .selectFrom('mou')
        .select('signed_file_id')
        .where('id', '=', made.mou)
        .executeTakeFirstOrThrow();
      await open(fileLoader, `/files/${signed_file_id}`, cookies.staff, {
        fileId: signed_file_id!,
      });
      return {
        actor: staff.id,
        subjectType: 'mou',
        subjectId: made.mou,
        detail: { fileId: signed_file_id },
      };
    },
  ],
  [
    "the secretariat sees a partner's shelter addresses",
    'shelter.read_location',
    async () => {
      await open(partnerPageLoader, `/partners/${partner.id}`, cookies.staff, { id: partner.id });
      return {
        actor: staff.id,
        subjectType: 'shelter',
        subjectId: made.shelter,
        detail: { partnerId: partner.id },
      };
    },
  ],
  [
    "the secretariat opens a shelter's edit form (exact address)",
    'shelter.read_location',
    async () => {
      await open(
        shelterEditLoader,
        `/partners/${partner.id}/shelters/${made.shelter}`,
        cookies.staff,
        { id: partner.id, shelterId: made.shelter },
      );
      return { actor: staff.id, subjectType: 'shelter', subjectId: made.shelter };
    },
  ],
  [
    'download a payment statement PDF (bank details, amounts)',
    'payment.statement_pdf',
    async () => {
      await open(statementPdfLoader, `/statements/${made.statement}.pdf`, cookies.staff, {
        id: made.statement,
      });
      return { actor: staff.id, subjectType: 'payment_statement', subjectId: made.statement };
    },
  ],
];

describe('audit coverage: each action leaves its row', () => {
  it.each(CHECKLIST)('%s → %s', async (_what, action, perform) => {
    const since = await lastAuditId();
    const want = await perform();
    const rows = await db
      .selectFrom('audit_log')
      .select(['actor_user_id', 'subject_type', 'subject_id', 'detail', 'ip'])
      .where('id', '>', since)
      .where('action', '=', action)
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({
        actor_user_id: want.actor,
        subject_type: want.subjectType,
        subject_id: want.subjectId,
        ...(want.detail ? { detail: expect.objectContaining(want.detail) } : {}),
      }),
    ]);
  });

  it("the owning partner's own shelter is not a disclosure: no row", async () => {
    const since = await lastAuditId();
    const { auditShelterLocationRead } = await import('~/modules/partners/shelters.server');
    await auditShelterLocationRead(
      db,
      { id: partner.userId, role: 'partner', partnerId: partner.id },
      [{ id: made.shelter, partnerId: partner.id }],
    );
    expect(await db.selectFrom('audit_log').select('id').where('id', '>', since).execute()).toEqual(
      [],
    );
  });

  it('writes the row in the same transaction as the change: a rollback keeps neither', async () => {
    const since = await lastAuditId();
    const name = `rolled back ${run}`;
    await expect(
      tx(async (t) => {
        await createApiToken(t, name, staffActor());
        await createMou(
          t,
          made.mouPartner,
          mouInput({ referenceNo: `MOU-RB-${run}`, validFrom: '2027-01-01' }),
          null,
          staffActor(),
        );
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect({
      tokens: await db.selectFrom('api_token').select('id').where('name', '=', name).execute(),
      audit: await db.selectFrom('audit_log').select('id').where('id', '>', since).execute(),
    }).toEqual({ tokens: [], audit: [] });
  });
});

describe('the log is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE from the app connection (the table owner)', async () => {
    for (const stmt of [
      sql`update audit_log set action = 'x'`,
      sql`delete from audit_log`,
      sql`truncate audit_log`,
    ]) {
      await expect(stmt.execute(db)).rejects.toThrow('audit_log is append-only');
    }
  });

  it('a separate application role, granted as docs/architecture.md says, can only add rows', async () => {
    const role = `banso_app_${run}`;
    await sql`create role ${sql.id(role)} nologin`.execute(db);
    try {
      await sql`grant select, insert on audit_log to ${sql.id(role)}`.execute(db);
      await sql`revoke update, delete, truncate on audit_log from ${sql.id(role)}`.execute(db);
      const asApp = (stmt: ReturnType<typeof sql>) =>
        tx(async (t) => {
          await sql`set local role ${sql.id(role)}`.execute(t);
          return stmt.execute(t);
        });
      await asApp(
        sql`insert into audit_log (action, subject_type) values (${`role.${run}`}, 'test')`,
      );
      const refusals: string[] = [];
      for (const stmt of [
        sql`update audit_log set action = 'x'`,
        sql`delete from audit_log`,
        sql`truncate audit_log`,
        sql`alter table audit_log disable trigger audit_log_no_update`,
        sql`drop trigger audit_log_no_update on audit_log`,
      ]) {
        refusals.push(
          await asApp(stmt).then(
            () => 'allowed',
            (e: Error) =>
              /permission denied|must be owner/.test(e.message) ? 'refused' : e.message,
          ),
        );
      }
      expect(refusals).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
    } finally {
      await sql`revoke all on audit_log from ${sql.id(role)}`.execute(db);
      await sql`drop role ${sql.id(role)}`.execute(db);
    }
  });
});

// ---- the secretariat's page --------------------------------------------------------------------

type Row = { id: string; action: string; actorEmail: string | null; subjectId: string | null };
type PageData = {
  rows: Row[];
  next: string | null;
  prev: string | null;
  errors: Record<string, string>;
  filters: Record<string, string>;
};

const auditPage = async (query: Record<string, string>, cookie = cookies.staff) =>
  (await call(
    auditLoader,
    `/secretariat/audit?${new URLSearchParams(query).toString()}`,
    cookie,
  )) as PageData;

describe('the audit page', () => {
  const prefix = `page${run}.`;
  let seeded: { id: string; at: string; actor: string; subject: string; action: string }[] = [];

  beforeAll(async () => {
    // 120 rows around midnight in Tokyo between 31 March and 1 April 2026, three per instant
    // (so the id must break ties), alternating actors, seven subjects.
    const values = Array.from({ length: 120 }, (_, i) => {
      const second = Math.floor(i / 3) - 20; // 20 instants before midnight, 20 after
      return {
        at: new Date(Date.UTC(2026, 2, 31, 15, 0, 0) + second * 1000),
        actor_user_id: i % 2 ? counselor.id : staff.id,
        action: `${prefix}${i % 4 ? 'read' : 'change'}`,
        subject_type: 'test',
        subject_id: `S-${run}-${i % 7}`,
        detail: JSON.stringify({ n: i, html: '<img src=x onerror=alert(1)>' }),
        ip: '203.0.113.9',
      };
    });
    const rows = await db
      .insertInto('audit_log')
      .values(values)
      .returning(['id', 'at', 'actor_user_id', 'subject_id', 'action'])
      .execute();
    seeded = rows
      .map((r) => ({
        id: String(r.id),
        at: new Date(r.at).toISOString(),
        actor: r.actor_user_id!,
        subject: r.subject_id!,
        action: r.action,
      }))
      .sort((a, b) => b.at.localeCompare(a.at) || Number(b.id) - Number(a.id));
  });

  /** Every page from the first, following "next"; then back, following "previous". */
  async function walk(query: Record<string, string>) {
    const forward: string[][] = [];
    let page = await auditPage(query);
    for (;;) {
      forward.push(page.rows.map((r) => r.id));
      if (!page.next) break;
      page = await auditPage({ ...query, after: page.next });
    }
    const backward: string[][] = [page.rows.map((r) => r.id)];
    while (page.prev) {
      page = await auditPage({ ...query, before: page.prev });
      backward.unshift(page.rows.map((r) => r.id));
    }
    return { forward, backward };
  }

  it('walks all matching rows newest first, 50 a page, forwards and back, none twice', async () => {
    const { forward, backward } = await walk({ action: prefix });
    expect(forward.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(forward.flat()).toEqual(seeded.map((s) => s.id));
    expect(backward).toEqual(forward);
  });

  it('keeps its place by keyset: rows written meanwhile do not shift the next page', async () => {
    const first = await auditPage({ action: prefix });
    await db
      .insertInto('audit_log')
      .values({
        action: `${prefix}zlate`,
        subject_type: 'test',
        detail: '{}',
        at: new Date('2026-04-02T00:00Z'),
      })
      .execute();
    const second = await auditPage({ action: prefix, after: first.next! });
    expect(second.rows.map((r) => r.id)).toEqual(seeded.slice(50, 100).map((s) => s.id));
  });

  it('filters by action prefix, taken literally', async () => {
    const change = await walk({ action: `${prefix}change` });
    expect(change.forward.flat()).toEqual(
      seeded.filter((s) => s.action === `${prefix}change`).map((s) => s.id),
    );
    // LIKE wildcards typed by a person match only themselves.
    expect((await auditPage({ action: `page${run}_` })).rows).toEqual([]);
    expect((await auditPage({ action: '%' })).rows).toEqual([]);
  });

  it('filters by actor email (any letter case) and by subject id', async () => {
    const byActor = await walk({ action: prefix, actor: counselor.email.toUpperCase() });
    expect(byActor.forward.flat()).toEqual(
      seeded.filter((s) => s.actor === counselor.id).map((s) => s.id),
    );
    const subject = `S-${run}-3`;
    const bySubject = await walk({ subject });
    expect(bySubject.forward.flat()).toEqual(
      seeded.filter((s) => s.subject === subject).map((s) => s.id),
    );
    expect((await auditPage({ actor: 'nobody@example.org' })).rows).toEqual([]);
  });

  it('filters by Tokyo date, both ends inclusive', async () => {
    const midnight = '2026-03-31T15:00:00.000Z'; // 1 April 00:00 in Tokyo
    const april = await walk({ action: prefix, from: '2026-04-01', to: '2026-04-01' });
    const march = await walk({ action: prefix, to: '2026-03-31' });
    expect({ april: april.forward.flat(), march: march.forward.flat() }).toEqual({
      april: seeded.filter((s) => s.at >= midnight).map((s) => s.id),
      march: seeded.filter((s) => s.at < midnight).map((s) => s.id),
    });
  });

  it('answers mistyped filters and cursors with a message, never an error page', async () => {
    const read = `${prefix}read`;
    const page = await auditPage({
      action: read,
      from: '2026-02-30',
      to: 'tomorrow',
      subject: 'x'.repeat(201),
      after: 'not-a-cursor',
    });
    expect(page.errors).toEqual({
      from: 'audit.badDate',
      to: 'audit.badDate',
      subject: 'errors.tooLong',
    });
    expect(page.rows.map((r) => r.id)).toEqual(
      seeded
        .filter((s) => s.action === read)
        .slice(0, 50)
        .map((s) => s.id),
    );
    const reversed = await auditPage({ action: prefix, from: '2026-04-02', to: '2026-04-01' });
    expect(reversed.errors).toEqual({ to: 'audit.dateOrder' });
  });

  it('hands the detail to the page as JSON text (rendered escaped, never as HTML)', async () => {
    const page = await auditPage({ action: `${prefix}change` });
    const row = page.rows[0] as Row & { detail: unknown };
    expect(typeof row.detail).toBe('string');
    expect(JSON.parse(row.detail as string)).toMatchObject({
      html: '<img src=x onerror=alert(1)>',
    });
  });

  it('is for the secretariat only', async () => {
    const status = async (cookie: string | null) => {
      const res = await call(auditLoader, '/secretariat/audit', cookie);
      return res instanceof Response ? res.status : 200;
    };
    expect({
      secretariat: await status(cookies.staff),
      counselor: await status(cookies.counselor),
      partner: await status(cookies.partner),
      anonymous: await status(null),
    }).toEqual({ secretariat: 200, counselor: 403, partner: 403, anonymous: 302 });
  });
});
