import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { exportPartnersCsv, importPartnersCsv } from '~/modules/partners/csv.server';
import { partnerSchema } from '~/modules/partners/partner-schema';
import { updatePartner } from '~/modules/partners/partners.server';
import { action as importAction, loader as importLoader } from '~/routes/_app.partners.import';
import { loader as exportLoader } from '~/routes/partners[.]csv';
import { ctx, requestWithSession, settle } from '../support/requests';

const fixture = (name: string) => readFileSync(path.resolve('tests/fixtures', name));
const CLEAN = fixture('partners-clean.csv');
const WITH_ERRORS = fixture('partners-with-errors.csv');
const HEADER =
  'name,name_kana,kind,prefecture,municipality,postal_code,address,lat,lng,languages,specialties,service_radius_km,contact_name,email,phone,network_member,public_listing,status';

const run = (bytes: Uint8Array | string, commit: boolean, locale: 'ja' | 'en' = 'en') =>
  importPartnersCsv(db, typeof bytes === 'string' ? Buffer.from(bytes) : bytes, {
    commit,
    actor: { userId: null },
    locale,
  });

/** Imported partners (the factories' partners have no match key). */
const imported = () =>
  db
    .selectFrom('partner as p')
    .leftJoin('municipality as m', 'm.code', 'p.municipality_code')
    .select([
      'p.id',
      'p.name',
      'p.kind',
      'p.municipality_code',
      'm.name as municipality',
      'p.languages',
      'p.contact_phone',
      'p.network_member',
      'p.status',
    ])
    .where('p.match_key', 'is not', null)
    .orderBy('p.name')
    .execute();

// Every test starts from an empty registry (partners that users belong to stay).
beforeEach(async () => {
  await db
    .deleteFrom('partner')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('app_user')
            .select('app_user.id')
            .whereRef('app_user.partner_id', '=', 'partner.id'),
        ),
      ),
    )
    .execute();
});

describe('partner CSV import', () => {
  it('a dry run reports each row error with its row number (header = row 1) and imports nothing', async () => {
    const s = await run(WITH_ERRORS, false);
    expect(s.fileError).toBeNull();
    expect(s.committed).toBe(false);
    expect(s.encoding).toBe('utf-8'); // with BOM
    expect(s.rows).toBe(10); // the blank row is not counted
    expect(s.errors.map((e) => [e.row, e.field])).toEqual([
      [3, 'kind'],
      [5, 'name_kana'],
      [5, 'languages'],
      [5, 'email'],
      [6, 'municipality'],
      [7, 'name'],
      [8, 'lng'],
      [9, 'municipality'],
      [10, 'service_radius_km'],
      [10, 'network_member'],
      [12, null],
    ]);
    const msg = (row: number, field: string | null) =>
      s.errors.find((e) => e.row === row && e.field === field)?.message;
    expect(msg(3, 'kind')).toBe('“company” is not an allowed value. See the column descriptions.');
    expect(msg(5, 'languages')).toContain('“klingon”');
    expect(msg(6, 'municipality')).toContain('大阪市北区 271276');
    expect(msg(7, 'name')).toBe('Same partner as row 2 (same name and municipality).');
    expect(msg(9, 'municipality')).toBe('Municipality “131016” is not in 熊本県.');
    // The two valid rows (2 and 11, whose address spans two lines) would be created.
    expect(s.created).toBe(2);
    expect(await imported()).toEqual([]);
    expect(await db.selectFrom('partner_change').select('id').execute()).toEqual([]);
  });

  it('messages come in the requested language', async () => {
    const s = await run(WITH_ERRORS, false, 'ja');
    expect(s.errors.find((e) => e.row === 5 && e.field === 'name_kana')?.message).toBe(
      'ひらがなまたはカタカナで入力してください。',
    );
  });

  it('a real run with one bad row writes nothing at all', async () => {
    const bad = CLEAN.toString('utf8').replace('0969-23-1111', 'call me');
    const s = await run(bad, true);
    expect(s.errors).toEqual([
      { row: 2, field: 'phone', message: expect.stringContaining('phone') },
    ]);
    expect(s.committed).toBe(false);
    expect(await imported()).toEqual([]);
    const audit = await db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'partner.import')
      .execute();
    expect(audit).toEqual([]);
  });

  it('imports a clean file: names, codes, labels and places resolved', async () => {
    const s = await run(CLEAN, true);
    expect(s).toMatchObject({ committed: true, created: 4, updated: 0, unchanged: 0, errors: [] });
    expect(await imported()).toEqual([
      expect.objectContaining({
        name: 'NPO法人 さっぽろ支援ネット, 中央',
        municipality_code: '011011',
        municipality: '札幌市中央区',
        status: 'prospective',
      }),
      expect.objectContaining({
        name: '千代田区国際交流協会',
        kind: 'international_association',
        municipality_code: '131016',
        languages: ['ja', 'en', 'zh'],
        network_member: true,
      }),
      expect.objectContaining({
        name: '天草市 市民生活課',
        municipality_code: '432156',
        languages: ['ja', 'tl', 'vi'], // stored in the code list's order
      }),
      // 弁護士 → lawyer; 11002 is 011002 after Excel dropped its leading zero.
      expect.objectContaining({
        name: '山田法律事務所',
        kind: 'lawyer',
        municipality_code: '011002',
        contact_phone: '+81-11-000-0000',
      }),
    ]);
    const history = await db.selectFrom('partner_change').select('action').distinct().execute();
    expect(history).toEqual([{ action: 'import' }]);
    const audit = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'partner.import')
      .execute();
    expect(audit).toEqual([
      { detail: expect.objectContaining({ rows: 4, created: 4, updated: 0, unchanged: 0 }) },
    ]);
  });

  it('re-importing the same file updates instead of duplicating', async () => {
    await run(CLEAN, true);
    const ids = (await imported()).map((p) => p.id);
    const again = await run(CLEAN, true);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, errors: [] });
    const changed = CLEAN.toString('utf8').replace(
      'ja;vi;tl,city_hall;hospital,40',
      'ja;vi,city_hall,60',
    );
    const third = await run(changed, true);
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
    const after = await imported();
    expect(after.map((p) => p.id)).toEqual(ids);
    expect(after.find((p) => p.name === '天草市 市民生活課')?.languages).toEqual(['ja', 'vi']);
  });

  it('reads Shift_JIS (as Excel saves "CSV (comma delimited)")', async () => {
    const sjis = iconv.encode(CLEAN.toString('utf8'), 'Shift_JIS');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(sjis)).toThrow();
    const s = await run(sjis, true);
    expect(s).toMatchObject({ encoding: 'shift_jis', created: 4, errors: [] });
    expect((await imported()).map((p) => p.name)).toContain('天草市 市民生活課');
    // …and it is the same data as the UTF-8 file.
    expect(await run(CLEAN, false)).toMatchObject({ unchanged: 4, created: 0 });
  });

  it('refuses files it cannot read, with a clear message', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect((await run(png, true)).fileError).toContain('cannot be read as CSV');
    expect((await run('', true)).fileError).toBe('The first row must be the header row.');
    expect((await run('name,kind\nx,npo\n', true)).fileError).toContain('name_kana, prefecture');
    expect((await run(`${HEADER}\n"unclosed,\n`, true)).fileError).toContain('malformed');
    expect((await run(`${HEADER}\n\n`, true)).fileError).toBe('The file has no data rows.');
    const tooMany = `${HEADER}\n${'x,,,,,,,,,,,,,,,,,\n'.repeat(20_001)}`;
    expect((await run(tooMany, false)).fileError).toContain('up to 20,000');
    expect(await imported()).toEqual([]);
  });

  it('export → re-import changes nothing; the export has a BOM and never bank details', async () => {
    await run(CLEAN, true);
    // Give one partner bank details and an availability note: neither is in the CSV.
    const amakusa = (await imported()).find((p) => p.name === '天草市 市民生活課')!;
    await db.transaction().execute((tx) =>
      updatePartner(
        tx,
        amakusa.id,
        partnerSchema.parse({
          name: '天草市 市民生活課',
          nameKana: 'あまくさし しみんせいかつか',
          kind: 'municipality',
          status: 'active',
          networkMember: true,
          publicListing: true,
          municipalityCode: '432156',
          postalCode: '863-8631',
          address: '東浜町8-1',
          lat: 32.4586,
          lng: 130.1931,
          serviceRadiusKm: 40,
          languages: ['ja', 'vi', 'tl'],
          specialties: ['city_hall', 'hospital'],
          contactName: '松本 花子',
          contactEmail: 'amakusa@example.org',
          contactPhone: '0969-23-1111',
          availability: '平日 9–17 時',
          invoiceNumber: 'T7000012050002',
          bankCode: '0182',
          branchCode: '345',
          accountType: 'ordinary',
          accountNumber: '0012345',
          accountHolderKana: 'アマクサシ',
        }),
        { userId: null },
      ),
    );
    const csv = await exportPartnersCsv(db, { filters: {}, sort: 'name', dir: 'asc' });
    expect(csv.startsWith('\uFEFF' + HEADER + '\r\n')).toBe(true);
    expect(csv).not.toMatch(/0012345|0182|ｱﾏｸｻｼ|T7000012050002|bank|account|平日/);
    // A value Excel would run as a formula is quoted with '.
    expect(csv).toContain(",'+81-11-000-0000,");
    expect(csv.trim().split('\r\n')).toHaveLength(5);

    const again = await run(Buffer.from(csv, 'utf8'), true);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, errors: [] });
    const money = await db
      .selectFrom('partner')
      .select(['account_number', 'invoice_number', 'availability'])
      .where('id', '=', amakusa.id)
      .executeTakeFirstOrThrow();
    expect(money).toEqual({
      account_number: '0012345',
      invoice_number: 'T7000012050002',
      availability: '平日 9–17 時',
    });
    expect((await imported()).find((p) => p.name === '山田法律事務所')?.contact_phone).toBe(
      '+81-11-000-0000',
    );
  });

  it('exports only what the list filters select', async () => {
    await run(CLEAN, true);
    const rows = async (filters: object) =>
      (await exportPartnersCsv(db, { filters, sort: 'name', dir: 'asc' }))
        .trim()
        .split('\r\n')
        .slice(1);
    expect(await rows({ prefecture: 1 })).toHaveLength(2);
    const lawyers = await rows({ kind: 'lawyer' });
    expect(lawyers).toHaveLength(1);
    expect(lawyers[0]).toMatch(/^山田法律事務所,やまだほうりつじむしょ,lawyer,北海道,札幌市,/);
  });
});

// ---- routes ------------------------------------------------------------------------------

async function sessionFor(role: 'secretariat' | 'counselor' | 'partner') {
  const partnerId = role === 'partner' ? (await makePartner(db)).id : null;
  const user = await makeUser(db, { role, partnerId, locale: 'en' });
  const r = await login(user!.email, user!.password, ctx.clientIp);
  if (!r.ok) throw new Error('login failed');
  return r.cookie;
}

type Fn = (args: {
  request: Request;
  params: Record<string, string>;
  context: typeof ctx;
}) => Promise<unknown>;
const call = (fn: Fn, url: string, cookie: string | null, init?: RequestInit) =>
  settle(() => fn({ request: requestWithSession(url, cookie, init), params: {}, context: ctx }));

function upload(bytes: Uint8Array | string, intent: 'dry-run' | 'import') {
  const form = new FormData();
  form.set('intent', intent);
  form.set('file', new File([bytes as BlobPart], 'partners.csv', { type: 'text/csv' }));
  return { method: 'POST', body: form };
}

type ActionResult = {
  data: {
    summary: { created: number; committed: boolean; errors: unknown[] } | null;
    fileError: string | null;
    errorCount: number;
  };
  init: { status: number } | null;
};

describe('import and export pages', () => {
  it('only the secretariat may import; counselors get 403 and nothing is written', async () => {
    const counselor = await sessionFor('counselor');
    expect(((await call(importLoader, '/partners/import', counselor)) as Response).status).toBe(
      403,
    );
    const res = await call(
      importAction as Fn,
      '/partners/import',
      counselor,
      upload(CLEAN, 'import'),
    );
    expect((res as Response).status).toBe(403);
    expect(await imported()).toEqual([]);
    const partner = await sessionFor('partner');
    expect(((await call(importLoader, '/partners/import', partner)) as Response).status).toBe(403);
  });

  it('the secretariat checks, then imports, an uploaded file', async () => {
    const cookie = await sessionFor('secretariat');
    expect(await call(importLoader, '/partners/import', cookie)).toMatchObject({
      columns: expect.arrayContaining(['name', 'municipality', 'status']),
    });
    const dry = (await call(
      importAction as Fn,
      '/partners/import',
      cookie,
      upload(CLEAN, 'dry-run'),
    )) as ActionResult;
    expect(dry.data.summary).toMatchObject({ created: 4, committed: false, errors: [] });
    expect(await imported()).toEqual([]);
    const bad = (await call(
      importAction as Fn,
      '/partners/import',
      cookie,
      upload(WITH_ERRORS, 'import'),
    )) as ActionResult;
    expect(bad.init?.status).toBe(400);
    expect(bad.data.errorCount).toBe(11);
    expect(await imported()).toEqual([]);
    const real = (await call(
      importAction as Fn,
      '/partners/import',
      cookie,
      upload(CLEAN, 'import'),
    )) as ActionResult;
    expect(real.data.summary).toMatchObject({ created: 4, committed: true });
    expect(await imported()).toHaveLength(4);
    const audit = await db
      .selectFrom('audit_log')
      .select(['ip', 'detail'])
      .where('action', '=', 'partner.import')
      .where('actor_user_id', 'is not', null)
      .execute();
    expect(audit).toEqual([
      {
        ip: ctx.clientIp,
        detail: expect.objectContaining({ filename: 'partners.csv', created: 4 }),
      },
    ]);
  });

  it('answers a too-large file, a missing file or a non-multipart post with 400, not 500', async () => {
    const cookie = await sessionFor('secretariat');
    const big = (await call(
      importAction as Fn,
      '/partners/import',
      cookie,
      upload(new Uint8Array(10_000_001).fill(0x41), 'dry-run'),
    )) as ActionResult;
    expect(big.init?.status).toBe(400);
    expect(big.data.fileError).toBe(
      'The file is too large (up to 10 MB). Split it into smaller files.',
    );
    const none = (await call(
      importAction as Fn,
      '/partners/import',
      cookie,
      upload('', 'dry-run'),
    )) as ActionResult;
    expect(none.init?.status).toBe(400);
    expect(none.data.fileError).toBe('Choose a CSV file.');
    const plain = (await call(importAction as Fn, '/partners/import', cookie, {
      method: 'POST',
      body: new URLSearchParams({ intent: 'import' }),
    })) as ActionResult;
    expect(plain.init?.status).toBe(400);
    expect(plain.data.fileError).toContain('could not be read');
  });

  it('exports the filtered list to counselors and the secretariat as a UTF-8 CSV with BOM', async () => {
    await run(CLEAN, true);
    const counselor = await sessionFor('counselor');
    const res = (await call(
      exportLoader,
      '/partners.csv?prefecture=13&page=3',
      counselor,
    )) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="partners-[0-9]{8}\.csv"$/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines).toHaveLength(2); // header + 千代田区 (page is ignored: all matching rows)
    expect(lines[1]).toMatch(/^千代田区国際交流協会,/);
    const partner = await sessionFor('partner');
    expect(((await call(exportLoader, '/partners.csv', partner)) as Response).status).toBe(403);
    const anonymous = (await call(exportLoader, '/partners.csv', null)) as Response;
    expect(anonymous.status).toBe(302);
  });
});

// ---- CLI ---------------------------------------------------------------------------------

async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'npx',
      ['tsx', 'app/bin/admin.ts', ...args],
      { env: { ...process.env, NODE_ENV: 'test' } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run admin -- import-partners', () => {
  it('dry-runs by default, prints row errors (exit 65), and imports with --commit', async () => {
    const missing = await admin('import-partners', 'tests/fixtures/nope.csv');
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('cannot read tests/fixtures/nope.csv');

    const bad = await admin(
      'import-partners',
      'tests/fixtures/partners-with-errors.csv',
      '--commit',
    );
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('row 3, kind: “company” is not an allowed value.');
    expect(bad.stderr).toContain('row 12: The number of cells does not match the header');
    expect(bad.stdout).toContain('11 errors: nothing was imported.');

    const dry = await admin('import-partners', 'tests/fixtures/partners-clean.csv');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('With --commit: 4 created, 0 updated, 0 unchanged.');
    expect(await imported()).toEqual([]);

    const real = await admin('import-partners', 'tests/fixtures/partners-clean.csv', '--commit');
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('imported: 4 created, 0 updated, 0 unchanged.');
    expect(await imported()).toHaveLength(4);
  }, 120_000); // four CLI processes: slow to start on a loaded machine
});
