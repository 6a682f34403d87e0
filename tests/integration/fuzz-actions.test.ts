/// <reference types="vite/client" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { DEMO_PASSWORD, seedDemo } from '~/modules/demo/seed.server';
import { inviteToMeeting } from '~/modules/meetings/meetings.server';
import { approveStatement, buildStatement, createBatch } from '~/modules/payments/payments.server';
import { tokyoToday } from '~/modules/partners/partners.server';
import { reviewVisit } from '~/modules/visits/visits.server';
import { adminQuery } from '../support/global-setup';
import { ctx, requestWithSession } from '../support/requests';

/**
 * Hostile input against every action: each route module under app/routes that exports `action`
 * (found by glob, so a new action is fuzzed without touching this file) gets random and malformed
 * bodies from every role. Whatever arrives, the answer is never a 500, and a refused request
 * (4xx, or the login redirect) changes no business table.
 *
 * The seed is printed; FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> sets the cases per action.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

type ActionFn = (args: {
  request: Request;
  params: Record<string, string>;
  context: typeof ctx;
}) => Promise<unknown>;

const modules = import.meta.glob<{ action?: ActionFn }>('/app/routes/*.{ts,tsx}', {
  eager: true,
});
const ROUTES_DIR = path.resolve(__dirname, '../../app/routes');

// ---------------------------------------------------------------------------------------------
// What each route offers to aim at: its URL shape, intents and field names, read from its source.

/** Remix flat-routes file name → URL segments ('$id' kept as a placeholder). */
function segmentsOf(file: string) {
  const name = path.basename(file).replace(/\.(tsx|ts)$/, '');
  return name
    .split(/\.(?![^[]*\])/)
    .filter((s) => !s.startsWith('_'))
    .map((s) => s.replace(/_$/, '').replace(/\[(.)\]/g, '$1'));
}

const quoted = (s: string) => [...s.matchAll(/['"]([\w.-]+)['"]/g)].map((m) => m[1]!);

function sourceOf(file: string) {
  const text = readFileSync(file, 'utf8');
  // Schemas the route imports (field names live there), not the whole module graph.
  const imported = [...text.matchAll(/from '~\/(modules\/[^']+)'/g)]
    .map((m) => path.resolve(ROUTES_DIR, '..', `${m[1]}.ts`))
    .filter((f) => /schema|route\.server|consent|parties/.test(f));
  const extra = imported.map((f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  });
  return { text, schemas: extra.join('\n') };
}

function targetsOf(file: string) {
  const { text, schemas } = sourceOf(file);
  const intents = new Set<string>();
  for (const m of text.matchAll(/intent\s*(?:===|==|=|:)\s*(\{[^}\n]*\}|[^\n;,)]*)/g))
    quoted(m[1]!).forEach((v) => intents.add(v));
  for (const m of (text + schemas).matchAll(/z\.literal\('([\w-]+)'\)|case '([\w-]+)':/g))
    intents.add((m[1] ?? m[2])!);
  intents.delete('intent');
  const fields = new Set<string>(['intent']);
  for (const m of text.matchAll(
    /\.get(?:All)?\(\s*'([\w.[\]-]+)'|name="([\w.[\]-]+)"|name:\s*'([\w.[\]-]+)'|fields\.(\w+)/g,
  ))
    fields.add((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  for (const m of schemas.matchAll(/^\s{2,}(\w+):\s/gm)) fields.add(m[1]!);
  return { intents: [...intents], fields: [...fields] };
}

// Which table a URL parameter names, by the segment before it.
const PARAM_TABLE: Record<string, string> = {
  partners: 'partner',
  ties: 'partner',
  organizations: 'partner',
  requests: 'accompaniment_request',
  offers: 'offer',
  visits: 'visit',
  mous: 'mou',
  shelters: 'shelter',
  meetings: 'liaison_meeting',
  trainings: 'training_session',
  batches: 'payment_batch',
  statements: 'payment_statement',
  files: 'stored_file',
};

// ---------------------------------------------------------------------------------------------
// Hostile values.

const HUGE = 'あ'.repeat(10_001);
const nasty = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202e\u0645\u0631\u062d\u0628\u0627 gpj.exe',
  '\u200f\u200b\ufeff',
  '\ud800',
  '👩‍👩‍👧‍👦🇯🇵',
  'Ｔ１２３４５６７８９０１２３',
  '１２３',
  '-1',
  '-0',
  '0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999999999999999',
  '1e-7',
  '0x10',
  '1,000',
  '3.14159',
  'true',
  'on',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"__proto__":{"admin":true}}',
  '__proto__',
  'constructor',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31',
  '275760-09-14',
  '-001000-01-01',
  '2026-1-1',
  '2026-01-01T25:61',
  '1970-01-01T00:00',
  '24:00',
  '23:60',
  '99:99',
  '2026-04',
  '2026-00',
  '2026-Q5',
  "' OR 1=1 --",
  "'; drop table partner; --",
  '$1',
  '\\',
  '%00',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '//evil.example/',
  '../../etc/passwd',
  'x@example.org\r\nBcc: victim@example.org',
  'a@b',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  HUGE,
];

const hostile = (ids: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...nasty) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    {
      weight: 2,
      arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map((n) => String(n)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 5 }).map((s) => s.repeat(2_500)) },
  );

const fieldName = (fields: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fields) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), fc.constantFrom('[0]', '[]', '.x', '[1].y', '[-1]'))
        .map(([f, s]) => f + s),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );

type Body = { entries: [string, string][]; files: { field: string; name: string }[] };

const bodyOf = (fields: string[], intents: string[], ids: string[]) =>
  fc
    .record({
      intent: fc.option(intents.length ? fc.constantFrom(...intents) : hostile(ids), {
        freq: 6,
        nil: undefined,
      }),
      entries: fc.array(
        fc.tuple(fieldName(fields), fc.array(hostile(ids), { minLength: 1, maxLength: 3 })),
        { maxLength: 12 },
      ),
      files: fc.array(
        fc.record({
          field: fc.constantFrom(...fields, 'receipt', 'pdf', 'file', 'material', 'minutes'),
          name: fc.constantFrom('a.pdf', '../../etc/passwd', 'x"\r\n.pdf', 'レシート.jpg', ''),
        }),
        { maxLength: 2 },
      ),
      multipart: fc.boolean(),
    })
    .map(({ intent, entries, files, multipart }) => {
      const flat: [string, string][] = [];
      if (intent !== undefined) flat.push(['intent', intent]);
      for (const [k, vs] of entries) for (const v of vs) flat.push([k, v]);
      return { body: { entries: flat, files: multipart ? files : [] } as Body, multipart };
    });

type Entries = [string, string][];

/**
 * A valid form with one to three fields broken (replaced by a hostile value, dropped, doubled
 * into an array), so the hostile value gets past the other fields' checks.
 */
const mutantOf = (bases: Entries[], ids: string[]) =>
  fc
    .record({
      base: fc.constantFrom(...bases),
      ops: fc.array(
        fc.record({
          at: fc.nat(),
          op: fc.constantFrom('replace', 'replace', 'replace', 'drop', 'double'),
          value: hostile(ids),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      multipart: fc.boolean(),
    })
    .map(({ base, ops, multipart }) => {
      const entries: Entries = base.map(([k, v]) => [k, v]);
      for (const { at, op, value } of ops) {
        // `intent` stays as it is (index 0 when present): it picks the form to attack.
        const first = entries[0]?.[0] === 'intent' ? 1 : 0;
        if (entries.length <= first) break;
        const i = first + (at % (entries.length - first));
        const key = entries[i]![0];
        if (op === 'replace') entries[i] = [key, value];
        else if (op === 'drop') entries.splice(i, 1);
        else entries.push([key, value]);
      }
      return { body: { entries, files: [] } as Body, multipart };
    });

function encode({ entries, files }: Body, multipart: boolean): BodyInit {
  if (!multipart) return new URLSearchParams(entries);
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  // Not a PDF, whatever the name says.
  for (const x of files) f.append(x.field, new File(['MZ\u0090 not a document'], x.name));
  return f;
}

// Valid forms to break, for the main forms (other actions get random bodies only).
const tokyoDay = (days: number) =>
  new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
const local = (days: number, time: string) => `${tokyoDay(days)}T${time}`;

function basesFor(label: string, ids: Map<string, string[]>, modules: string[]): Entries[] {
  const first = (t: string) => ids.get(t)?.[0] ?? '00000000-0000-4000-8000-000000000000';
  const partner: Entries = [
    ['name', 'NPO法人 ファズの会'],
    ['nameKana', 'ふぁずのかい'],
    ['kind', 'npo'],
    ['status', 'active'],
    ['municipalityCode', '011002'],
    ['postalCode', '060-0001'],
    ['address', '中央区北1条西2丁目'],
    ['lat', '43.06'],
    ['lng', '141.35'],
    ['serviceRadiusKm', '15'],
    ['languages', 'ja'],
    ['languages', 'vi'],
    ['specialties', 'hospital'],
    ['contactEmail', 'fuzz@example.org'],
    ['contactPhone', '011-000-0000'],
    ['invoiceNumber', ''],
  ];
  const session: Entries = [
    ['title', '研修'],
    ...modules.slice(0, 2).map((m): [string, string] => ['modules', m]),
    ['date', tokyoDay(30)],
    ['startTime', '10:00'],
    ['endTime', '12:00'],
    ['venue', '会議室'],
    ['capacity', '20'],
    ['instructor', '講師'],
    ['deadline', tokyoDay(20)],
  ];
  const meeting: Entries = [
    ['intent', 'update'],
    ['title', '連絡会議'],
    ['date', tokyoDay(40)],
    ['startTime', '14:00'],
    ['endTime', '16:00'],
    ['venue', '会議室'],
    ['agenda', '議題'],
  ];
  const request: Entries = [
    ['caseCode', 'FUZZ-01'],
    ['category', 'hospital'],
    ['workerLanguage', 'vi'],
    ['interpreterNeeded', 'on'],
    ['urgency', 'normal'],
    ['municipalityCode', '432156'],
    ['windowStart', local(3, '10:00')],
    ['windowEnd', local(3, '12:00')],
    ['summary', '通院同行'],
    ['details', '詳細'],
    ['consent', 'on'],
  ];
  const visit: Entries = [
    ['visitDate', tokyoDay(0)],
    ['startTime', '09:00'],
    ['endTime', '10:00'],
    ['place', '病院'],
    ['activities', '同行'],
    ['outcome', '受診'],
    ['travelKm', '3.5'],
    ['travelCost', '400'],
    ['interpreterMinutes', '30'],
    ['confidentialNote', 'メモ'],
  ];
  const all: Record<string, Entries[]> = {
    '_app.partners.new.tsx': [partner],
    '_app.partners.$id.edit.tsx': [[...partner, ['version', '1']]],
    '_app.partner.organisation.tsx': [
      [
        ['contactName', '担当'],
        ['contactEmail', 'fuzz@example.org'],
        ['contactPhone', '03-0000-0000'],
        ['languages', 'ja'],
        ['specialties', 'hospital'],
        ['availability', '平日'],
      ],
    ],
    '_app.partners.$id.shelters.new.tsx': [
      [
        ['name', 'シェルター'],
        ['capacity', '3'],
        ['accepts', 'women'],
        ['active', 'on'],
        ['municipalityCode', '131032'],
        ['address', '芝'],
        ['lat', '35.65'],
        ['lng', '139.75'],
        ['notes', 'メモ'],
      ],
    ],
    '_app.partners.$id.mous.new.tsx': [
      [
        ['referenceNo', 'MOU-FUZZ-1'],
        ['status', 'draft'],
        ['validFrom', tokyoDay(1)],
        ['validUntil', tokyoDay(365)],
        ['signedOn', tokyoDay(0)],
        ['conditions', '条件'],
        ['visitBaseFee', '6000'],
        ['baseHours', '2'],
        ['hourlyFee', '2500'],
        ['travelMode', 'per_km'],
        ['travelPerKm', '30'],
        ['maxConcurrentRequests', '3'],
      ],
    ],
    '_app.trainings.new.tsx': [session],
    '_app.trainings.$id_.edit.tsx': [session],
    '_app.trainings.$id.tsx': [
      [
        ['intent', 'invite'],
        ['audience', 'chosen'],
        ['partnerIds', first('partner')],
      ],
      [
        ['intent', 'removeMaterial'],
        ['materialId', first('training_material')],
      ],
    ],
    '_app.meetings.$id.tsx': [
      meeting,
      [
        ['intent', 'minutes'],
        ['minutes', '議事録'],
      ],
      [
        ['intent', 'invite'],
        ['partners', 'chosen'],
        ['partnerIds', first('partner')],
      ],
    ],
    '_app.meetings.contacts.tsx': [
      [
        ['intent', 'add'],
        ['organisation', '機関'],
        ['personName', '担当'],
        ['email', 'agency@example.org'],
        ['locale', 'ja'],
      ],
    ],
    '_app.requests.new.tsx': [request],
    '_app.requests.$id.tsx': [
      [
        ['intent', 'addParty'],
        ['kind', 'employer'],
        ['name', '株式会社 例'],
      ],
      [
        ['intent', 'cancel'],
        ['reason', '本人の希望'],
      ],
      [
        ['intent', 'close'],
        ['closingNote', '終了'],
      ],
      [
        ['intent', 'cascadeStart'],
        ['k', '3'],
      ],
      [
        ['intent', 'offer'],
        ['partnerIds', first('partner')],
      ],
      [
        ['intent', 'grantConsent'],
        ['categories', 'summary'],
        ['recipients', 'accepting_partner'],
        ['method', 'verbal'],
        ['language', 'vi'],
      ],
    ],
    '_app.partner.requests.$id.visits.new.tsx': [visit],
    '_app.partner.visits.$visitId.tsx': [[...visit, ['version', '1']]],
    '_app.partner.requests.$id._index.tsx': [
      [
        ['intent', 'startStay'],
        ['shelterId', first('shelter')],
        ['beds', '1'],
        ['checkIn', tokyoDay(0)],
      ],
      [
        ['intent', 'endStay'],
        ['stayId', first('shelter_stay')],
        ['checkOut', tokyoDay(1)],
      ],
      [
        ['intent', 'complete'],
        ['report', '報告'],
      ],
    ],
    '_app.visits.$visitId.tsx': [
      [
        ['intent', 'return'],
        ['version', '1'],
        ['comment', '確認'],
      ],
    ],
    '_app.secretariat.users.tsx': [
      [
        ['intent', 'invite'],
        ['name', '新人'],
        ['email', 'new@example.org'],
        ['role', 'counselor'],
        ['locale', 'ja'],
      ],
    ],
    '_app.secretariat.api-tokens.tsx': [
      [
        ['intent', 'create'],
        ['name', 'ポータル'],
      ],
    ],
    '_app.payments._index.tsx': [
      [
        ['intent', 'build'],
        ['month', tokyoDay(0).slice(0, 7)],
        ['partnerId', first('partner')],
      ],
      [
        ['intent', 'batch'],
        ['statementIds', first('payment_statement')],
        ['transferDate', tokyoDay(10)],
      ],
    ],
    '_app.payments.statements.$id.tsx': [
      [
        ['intent', 'adjust'],
        ['amount', '1000'],
        ['reason', '調整'],
        ['taxable', 'on'],
      ],
      [
        ['intent', 'void'],
        ['reason', '誤り'],
      ],
    ],
    '_app.payments.batches.$id.tsx': [[['paidOn', tokyoDay(0)]]],
    'ties.$partnerId.ts': [
      [
        ['relation', 'funded_by'],
        ['name', '株式会社 例'],
        ['validFrom', tokyoDay(-10)],
        ['validUntil', tokyoDay(300)],
        ['note', 'メモ'],
      ],
    ],
    'login.tsx': [
      [
        ['email', 'secretariat@demo.example'],
        ['password', 'wrong-password'],
      ],
    ],
    'forgot-password.tsx': [[['email', 'nobody@example.org']]],
  };
  return all[label] ?? [];
}

// ---------------------------------------------------------------------------------------------
// Outcome and "no change".

type Outcome = { status: number; location: string | null };

function isData(v: unknown): v is { data: unknown; init: ResponseInit | null } {
  return (
    typeof v === 'object' && v !== null && (v as { type?: string }).type === 'DataWithResponseInit'
  );
}

async function run(fn: ActionFn, args: Parameters<ActionFn>[0]): Promise<Outcome> {
  let r: unknown;
  try {
    r = await fn(args);
  } catch (e) {
    if (!(e instanceof Response)) throw e;
    r = e;
  }
  if (r instanceof Response) return { status: r.status, location: r.headers.get('Location') };
  if (isData(r))
    return {
      status: r.init?.status ?? 200,
      location: new Headers(r.init?.headers).get('Location'),
    };
  return { status: 200, location: null };
}

// Tables whose rows may change on a refused request: sign-in bookkeeping and the audit trail.
const VOLATILE = new Set([
  'audit_log',
  'user_session',
  'login_attempt',
  'login_lockout',
  'kysely_migration',
  'kysely_migration_lock',
]);
let fingerprintSql = '';

async function fingerprint(): Promise<Record<string, string>> {
  const { rows } = await sql<Record<string, string>>`${sql.raw(fingerprintSql)}`.execute(db);
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------

const adminUrl = inject('adminDatabaseUrl');
const current = new URL(process.env.DATABASE_URL!).pathname.slice(1);
const snapshot = `${current}_snap`;
type Role = 'anonymous' | 'counselor' | 'secretariat' | 'partner';
const cookies: Record<Role, string | null> = {
  anonymous: null,
  counselor: null,
  secretariat: null,
  partner: null,
};
const ROLES = Object.keys(cookies) as Role[];
const idsByTable = new Map<string, string[]>();
/** [partner id, child id] of MOUs and shelters, for /partners/$id/mous/$mouId and the like. */
const owned = new Map<string, [string, string][]>();
let allIds: string[] = [];
let moduleCodes: string[] = [];
let baseline: Record<string, string> = {};
let savedSessions = '[]';
let cases = 0;
let accepted = 0;
let restores = 0;

/** Puts the database back as it was after seeding (sessions included). */
async function restore() {
  await closeDb();
  await adminQuery(adminUrl, `drop database if exists ${current} with (force)`);
  await adminQuery(adminUrl, `create database ${current} template ${snapshot}`);
  restores++;
}

/**
 * After an accepted request the database has legitimately moved on: carry on from there, except
 * that signing out or disabling one of the fuzzing accounts would blind the rest of the run.
 */
async function afterAccepted(changed: string[]) {
  if (changed.includes('app_user')) return restore();
  if (changed.includes('user_session'))
    await sql`insert into user_session
              select * from json_populate_recordset(null::user_session, ${savedSessions}::json)
              on conflict do nothing`.execute(db);
}

beforeAll(async () => {
  await seedDemo(() => {}, 10);
  // Something in every area to aim at: an approved visit on a statement in a payment batch,
  // meeting invitations.
  const sec = await db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', 'secretariat@demo.example')
    .executeTakeFirstOrThrow();
  const actor = { userId: sec.id, ip: null };
  const visit = await db
    .selectFrom('visit')
    .select(['id', 'version', 'partner_id'])
    .executeTakeFirstOrThrow();
  await db
    .transaction()
    .execute((tx) =>
      reviewVisit(tx, visit.id, { intent: 'approve', comment: '', version: visit.version }, actor),
    );
  const built = await db
    .transaction()
    .execute((tx) => buildStatement(tx, visit.partner_id, tokyoToday().slice(0, 7), actor));
  await db.transaction().execute((tx) => approveStatement(tx, built.statementId!, actor));
  await db.transaction().execute((tx) => createBatch(tx, [built.statementId!], tokyoDay(7), actor));
  const meeting = await db.selectFrom('liaison_meeting').select('id').executeTakeFirstOrThrow();
  await db
    .transaction()
    .execute((tx) => inviteToMeeting(tx, meeting.id, { partners: 'all', contacts: 'all' }, actor));

  for (const [role, email] of [
    ['counselor', 'counselor1@demo.example'],
    ['secretariat', 'secretariat@demo.example'],
    ['partner', 'minato@demo.example'],
  ] as const) {
    const r = await login(email, DEMO_PASSWORD, ctx.clientIp);
    if (!r.ok) throw new Error(`demo login failed: ${email}`);
    cookies[role] = r.cookie;
  }

  const tables = (
    await sql<{ t: string; has_id: boolean }>`
      select c.table_name as t,
             bool_or(c.column_name = 'id' and c.data_type = 'uuid') as has_id
        from information_schema.columns c
        join information_schema.tables x
          on x.table_name = c.table_name and x.table_schema = c.table_schema
       where c.table_schema = 'public' and x.table_type = 'BASE TABLE'
       group by c.table_name order by c.table_name`.execute(db)
  ).rows.filter((r) => !VOLATILE.has(r.t));
  for (const { t } of tables.filter((r) => r.has_id)) {
    const rows = await sql<{ id: string }>`select id::text from ${sql.table(t)} limit 4`.execute(
      db,
    );
    idsByTable.set(
      t,
      rows.rows.map((r) => r.id),
    );
  }
  allIds = [...idsByTable.values()].flat();
  for (const t of ['mou', 'shelter'] as const)
    owned.set(
      t,
      (await db.selectFrom(t).select(['partner_id', 'id']).limit(6).execute()).map((r) => [
        r.partner_id,
        r.id,
      ]),
    );
  moduleCodes = (await db.selectFrom('curriculum_module').select('code').execute()).map(
    (m) => m.code,
  );
  // A cheap but complete fingerprint: a digest of every row of every business table, plus the
  // ids of the sessions (a refused request must not sign anyone out).
  fingerprintSql = `select ${tables
    .map(
      ({ t }) =>
        `(select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from "${t}" x) as "${t}"`,
    )
    .join(', ')}, (select string_agg(id, ',' order by id) from user_session) as "user_session"`;
  savedSessions = JSON.stringify((await sql`select * from user_session`.execute(db)).rows);

  await closeDb();
  await adminQuery(adminUrl, `create database ${snapshot} template ${current}`);
  baseline = await fingerprint();
  console.info(
    `fuzz-actions: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} runs per action`,
  );
}, 120_000);

const debugHist = new Map<string, number>();
afterAll(async () => {
  if (process.env.FUZZ_DEBUG)
    console.info(
      [...debugHist]
        .sort()
        .map(([k, n]) => `${n}\t${k}`)
        .join('\n'),
    );
  console.info(
    `fuzz-actions: ${cases} fuzz cases run, ${accepted} accepted by their action, ${restores} database restores (seed ${SEED})`,
  );
  await closeDb();
  await adminQuery(adminUrl, `drop database if exists ${snapshot} with (force)`);
});

const actionFiles = Object.keys(modules)
  .filter((k) => typeof modules[k]!.action === 'function')
  .sort();

describe('hostile input to every action', () => {
  it('finds the actions', () => {
    // Catches a broken glob: the platform has dozens of forms.
    expect(actionFiles.length).toBeGreaterThan(30);
  });

  for (const key of actionFiles) {
    const file = path.resolve(ROUTES_DIR, path.basename(key));
    const label = path.basename(key);
    it(`${label}: no 500, and a refused request changes nothing`, async () => {
      const action = modules[key]!.action!;
      const segs = segmentsOf(file);
      const paramNames = segs.filter((s) => s.startsWith('$')).map((s) => s.slice(1));
      const tableOf = (name: string) => {
        const before = segs[segs.indexOf(`$${name}`) - 1] ?? '';
        return idsByTable.get(PARAM_TABLE[before] ?? '') ?? [];
      };
      const bases = basesFor(label, idsByTable, moduleCodes);
      const targets = targetsOf(file);
      const intents = targets.intents;
      const fields = [...new Set([...targets.fields, ...bases.flat().map(([k]) => k)])];
      if (process.env.FUZZ_DEBUG) console.info(label, intents, fields);

      const paramArb = (name: string) =>
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...tableOf(name), ...allIds.slice(0, 1)) },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.constantFrom(...nasty) },
        );
      const independent = fc.record(
        Object.fromEntries(paramNames.map((n) => [n, paramArb(n)])) as Record<
          string,
          fc.Arbitrary<string>
        >,
      );
      // A partner's MOU or shelter under that partner's URL.
      const child = segs.includes('mous') ? 'mou' : segs.includes('shelters') ? 'shelter' : null;
      const childParam = paramNames.find((n) => n !== 'id');
      const params =
        child && childParam && owned.get(child)?.length
          ? fc.oneof(
              {
                weight: 3,
                arbitrary: fc
                  .constantFrom(...owned.get(child)!)
                  .map(([id, c]) => ({ id, [childParam]: c })),
              },
              { weight: 1, arbitrary: independent },
            )
          : independent;
      const query = fc.option(
        fc.array(fc.tuple(fc.constantFrom('redirectTo', 'page', 'q', ...fields), hostile(allIds)), {
          maxLength: 3,
        }),
        { nil: undefined },
      );
      const random = bodyOf(fields, intents, allIds);
      const body = bases.length
        ? fc.oneof(
            { weight: 1, arbitrary: random },
            { weight: 3, arbitrary: mutantOf(bases, allIds) },
          )
        : random;

      const urlOf = (p: Record<string, string>, q?: [string, string][]) =>
        '/' +
        segs.map((s) => (s.startsWith('$') ? encodeURIComponent(p[s.slice(1)]!) : s)).join('/') +
        (q ? `?${new URLSearchParams(q)}` : '');

      // Most cases go to the roles the action serves (found by an empty post); the others still
      // get some, to check that they are turned away.
      const served: Role[] = [];
      for (const role of ROLES) {
        const p = Object.fromEntries(paramNames.map((n) => [n, tableOf(n)[0] ?? 'x']));
        const probe = await run(action, {
          request: requestWithSession(urlOf(p), cookies[role], { method: 'POST', body: '' }),
          params: p,
          context: ctx,
        }).catch(() => ({ status: 0, location: null }));
        if (probe.status !== 403 && !/^\/login\?redirectTo=/.test(probe.location ?? ''))
          served.push(role);
      }
      const role = fc.oneof(
        ...ROLES.map((r) => ({ weight: served.includes(r) ? 6 : 1, arbitrary: fc.constant(r) })),
      );

      const oneCase = async (
        role: Role,
        p: Record<string, string>,
        body: Body,
        multipart: boolean,
        q?: [string, string][],
      ) => {
        cases++;
        const url = urlOf(p, q);
        const request = requestWithSession(url, cookies[role], {
          method: 'POST',
          body: encode(body, multipart),
        });
        const settled = await run(action, { request, params: p, context: ctx }).then(
          (o) => ({ o, e: null }),
          (e: unknown) => ({ o: null, e }),
        );
        const now = await fingerprint();
        const changed = Object.keys(baseline).filter((t) => baseline[t] !== now[t]);
        const out = settled.o;
        const refused =
          !out || out.status >= 400 || /^\/login\?redirectTo=/.test(out.location ?? '');
        if (changed.length) {
          // A failing case starts the shrinking from the seeded database.
          if (refused) await restore();
          else await afterAccepted(changed);
          baseline = await fingerprint();
        }
        if (settled.e) throw settled.e;
        if (process.env.FUZZ_DEBUG) {
          const k = `${label} ${role} ${out!.status} ${out!.location ?? ''}`;
          debugHist.set(k, (debugHist.get(k) ?? 0) + 1);
        }
        expect(out!.status, `status for ${role} ${url}`).toBeLessThan(500);
        expect(out!.status).toBeGreaterThanOrEqual(200);
        // The signed-in pages never let an anonymous visitor through.
        if (label.startsWith('_app.') && role === 'anonymous') {
          expect(out!.status).toBe(302);
          expect(out!.location).toMatch(/^\/login\?redirectTo=/);
        }
        if (refused)
          expect(changed, `tables changed by a refused ${role} request to ${url}`).toEqual([]);
        else accepted++;
      };

      await fc.assert(
        fc.asyncProperty(role, params, body, query, (role, p, { body, multipart }, q) =>
          oneCase(role, p, body, multipart, q),
        ),
        { seed: SEED, numRuns: RUNS },
      );

      // Then, deterministically, the values that slip past loose checks into PostgreSQL (NUL,
      // an impossible date, an int4 overflow) in every field of every known form, as the most
      // privileged role the action serves, with the right ids in the URL.
      const sweepRole = (['secretariat', 'counselor', 'partner'] as const).find((r) =>
        served.includes(r),
      );
      if (sweepRole && bases.length) {
        const p = Object.fromEntries(paramNames.map((n) => [n, tableOf(n)[0] ?? 'x']));
        if (child && childParam && owned.get(child)?.length) {
          const [id, c] = owned.get(child)![0]!;
          Object.assign(p, { id, [childParam]: c });
        }
        for (const base of bases)
          for (let i = 0; i < base.length; i++) {
            if (base[i]![0] === 'intent') continue;
            for (const bad of ['a\u0000b', '2026-02-30', '2147483648']) {
              const entries: Entries = base.map(([k, v], j) => [k, j === i ? bad : v]);
              await oneCase(sweepRole, p, { entries, files: [] }, label.includes('visits'));
            }
          }
      }
    }, 120_000);
  }
});
