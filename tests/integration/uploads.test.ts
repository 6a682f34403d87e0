import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '~/i18n/en';
import ja from '~/i18n/ja';
import { db } from '~/lib/db.server';
import { login } from '~/modules/auth/users.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { MAX_UPLOAD_BYTES, storePdf } from '~/modules/files/files.server';
import { loader as fileLoader } from '~/routes/files.$fileId';
import { action as newMou } from '~/routes/_app.partners.$id.mous.new';
import { ctx, requestWithSession, settle } from '../support/requests';

// Uploads: typed by content, size-limited, kept in the database (never under public/), and
// served as an attachment whose file name can never break or inject a header.

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function secretariat() {
  const u = (await makeUser(db, { role: 'secretariat' }))!;
  const r = await login(u.email, u.password, ctx.clientIp);
  if (!r.ok) throw new Error('login');
  return r.cookie;
}

let n = 0;
async function upload(cookie: string, partnerId: string, file: File) {
  const form = new FormData();
  form.set('referenceNo', `MOU-UP-${++n}`);
  form.set('status', 'draft');
  form.set('validFrom', '2026-04-01');
  form.set('visitBaseFee', '0');
  form.set('baseHours', '2');
  form.set('hourlyFee', '0');
  form.set('travelMode', 'none');
  form.set('maxConcurrentRequests', '3');
  form.set('signedPdf', file);
  return settle(() =>
    newMou({
      request: requestWithSession(`/partners/${partnerId}/mous/new`, cookie, {
        method: 'POST',
        body: form,
      }),
      params: { id: partnerId },
      context: ctx,
    }),
  );
}

type Reply = { data: { result: { error: Record<string, string[]> } }; init: { status: number } };
const storedFiles = () => db.selectFrom('stored_file').select(['id', 'filename']).execute();

async function download(cookie: string, fileId: string) {
  return (await settle(() =>
    fileLoader({
      request: requestWithSession(`/files/${fileId}`, cookie),
      params: { fileId },
      context: ctx,
    }),
  )) as Response;
}

// RFC 6266 with an RFC 5987 ext-value: a quoted ASCII fallback and filename*=UTF-8''<attr-chars
// or %XX>, nothing else (no CR/LF, no stray quotes or semicolons).
const DISPOSITION =
  /^attachment; filename="[\x20\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+$/;

function filenameStar(header: string) {
  return decodeURIComponent(header.split("filename*=UTF-8''")[1]!);
}

describe('uploads', () => {
  it('refuses a file named .pdf whose content is not a PDF, and stores nothing', async () => {
    const cookie = await secretariat();
    const partner = await makePartner(db);
    const res = (await upload(
      cookie,
      partner.id,
      new File(['MZ\u0090\u0000 this is a Windows program'], 'signed.pdf', {
        type: 'application/pdf',
      }),
    )) as Reply;
    expect(res.init.status).toBe(400);
    expect(res.data.result.error).toEqual({ signedPdf: ['errors.pdfOnly'] });
    expect(await storedFiles()).toEqual([]);
    expect(await db.selectFrom('mou').select('id').execute()).toEqual([]);
  });

  it('refuses an oversize file with a clear message in both languages', async () => {
    const cookie = await secretariat();
    const partner = await makePartner(db);
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 4096);
    big.set(PDF);
    const res = (await upload(cookie, partner.id, new File([big], 'big.pdf'))) as Reply;
    expect(res.init.status).toBe(400);
    expect(res.data.result.error).toEqual({ signedPdf: ['errors.fileTooLarge'] });
    expect(ja.errors.fileTooLarge).toMatch(/10 MB/);
    expect(en.errors.fileTooLarge).toMatch(/10 MB/);
    expect(await storedFiles()).toEqual([]);
  });

  it('stores hostile file names safely and serves them with a well-formed attachment header', async () => {
    const cookie = await secretariat();
    const partner = await makePartner(db);
    const names = [
      '../../etc/passwd',
      '..\\..\\windows\\win.ini',
      // The browser's FormData sends " and CR/LF percent-encoded (the raw bytes are tested below).
      'evil"\r\nSet-Cookie: a.pdf',
      "O'Brien (copy) *final*.pdf",
      '契約書\u202egpj.pdf',
    ];
    for (const name of names) {
      const res = (await upload(cookie, partner.id, new File([PDF], name))) as Response;
      expect(res.status, name).toBe(302);
    }
    const files = await db
      .selectFrom('stored_file')
      .select(['id', 'filename', 'content_type'])
      .orderBy('created_at')
      .execute();
    expect(files.map((f) => f.filename)).toEqual([
      'passwd.pdf',
      'win.ini.pdf',
      'evil%22%0D%0ASet-Cookie: a.pdf',
      "O'Brien (copy) *final*.pdf",
      '契約書gpj.pdf',
    ]);
    for (const f of files) {
      // A path separator or control character never survives into the stored name.
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(f.filename).not.toMatch(/[/\\\u0000-\u001f\u202e]/);
      expect(f.content_type).toBe('application/pdf');
      const res = await download(cookie, f.id);
      expect(res.status).toBe(200);
      const cd = res.headers.get('Content-Disposition')!;
      expect(cd, f.filename).toMatch(DISPOSITION);
      expect(filenameStar(cd)).toBe(f.filename);
      expect(res.headers.get('Content-Type')).toBe('application/pdf');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
    }
    // Nothing landed in the public folder under any of these names.
    const publicFiles = readdirSync(path.resolve(__dirname, '../../public'), { recursive: true });
    expect(publicFiles.map(String).filter((p) => /passwd|win\.ini|evil|O'Brien/.test(p))).toEqual(
      [],
    );
  });

  it('strips raw CR/LF and keeps quotes out of the header when a client sends them as they are', async () => {
    const cookie = await secretariat();
    const partner = await makePartner(db);
    await upload(cookie, partner.id, new File([PDF], 'x.pdf'));
    const mou = await db.selectFrom('mou').select('id').executeTakeFirstOrThrow();
    const id = await db
      .transaction()
      .execute((tx) =>
        storePdf(
          tx,
          { name: 'a"b\r\nSet-Cookie: s=1\u0000.pdf', bytes: PDF },
          { purpose: 'mou', createdBy: null, field: 'signedPdf' },
        ),
      );
    await db.updateTable('mou').set({ signed_file_id: id }).where('id', '=', mou.id).execute();
    const res = await download(cookie, id);
    const cd = res.headers.get('Content-Disposition')!;
    expect(cd).toMatch(DISPOSITION);
    expect(cd).toContain('filename="a_bSet-Cookie: s=1.pdf"');
    expect(filenameStar(cd)).toBe('a"bSet-Cookie: s=1.pdf');
  });

  it('serves a stored file to no one who may not read it', async () => {
    const cookie = await secretariat();
    const partner = await makePartner(db);
    await upload(cookie, partner.id, new File([PDF], 'm.pdf'));
    const [file] = await storedFiles();
    const other = (await makeUser(db, {
      role: 'partner',
      partnerId: (await makePartner(db)).id,
    }))!;
    const r = await login(other.email, other.password, ctx.clientIp);
    if (!r.ok) throw new Error('login');
    expect((await download(r.cookie, file!.id)).status).toBe(404);
    expect((await download(cookie, 'not-a-uuid')).status).toBe(404);
  });
});
