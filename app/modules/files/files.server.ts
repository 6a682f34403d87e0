import { createHash } from 'node:crypto';
import type { Queryable } from '~/lib/db.server';
import { DomainError } from '~/modules/errors';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type UploadKind = 'pdf' | 'jpeg' | 'png' | 'webp' | 'heic';

const KINDS: Record<UploadKind, { type: string; ext: string }> = {
  pdf: { type: 'application/pdf', ext: 'pdf' },
  jpeg: { type: 'image/jpeg', ext: 'jpg' },
  png: { type: 'image/png', ext: 'png' },
  webp: { type: 'image/webp', ext: 'webp' },
  heic: { type: 'image/heic', ext: 'heic' },
};

/** Type by content, never by name or the browser's claim (magic bytes). */
export function sniffKind(bytes: Uint8Array): UploadKind | null {
  const b = Buffer.from(bytes.subarray(0, 16));
  if (b.length > 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length > 8 &&
    b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    b.length >= 12 &&
    b.toString('latin1', 0, 4) === 'RIFF' &&
    b.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  if (
    b.length >= 12 &&
    b.toString('latin1', 4, 8) === 'ftyp' &&
    /^(heic|heix|mif1|msf1)$/.test(b.toString('latin1', 8, 12))
  )
    return 'heic';
  return null;
}

export function isPdf(bytes: Uint8Array): boolean {
  return sniffKind(bytes) === 'pdf';
}

/**
 * Stores an upload in the database if its content is one of the allowed kinds; the filename is
 * only shown (with the extension of the real type), never used as a path.
 */
export async function storeUpload(
  q: Queryable,
  file: { name: string; bytes: Uint8Array },
  opts: {
    purpose: string;
    createdBy: string | null;
    field: string;
    allowed: UploadKind[];
    wrongTypeCode: string;
  },
): Promise<string> {
  if (file.bytes.length === 0) throw new DomainError('errors.fileEmpty', opts.field);
  if (file.bytes.length > MAX_UPLOAD_BYTES)
    throw new DomainError('errors.fileTooLarge', opts.field);
  const kind = sniffKind(file.bytes);
  if (!kind || !opts.allowed.includes(kind)) throw new DomainError(opts.wrongTypeCode, opts.field);
  const { type, ext } = KINDS[kind];
  const base = (file.name.split(/[\\/]/).pop() || `file.${ext}`)
    // Control characters would break the download header; bidi overrides disguise the type
    // ("gpj.exe" shown as "exe.jpg").
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .slice(0, 200);
  const row = await q
    .insertInto('stored_file')
    .values({
      purpose: opts.purpose,
      filename: base.toLowerCase().endsWith(`.${ext}`) ? base : `${base}.${ext}`,
      content_type: type,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      content: Buffer.from(file.bytes),
      created_by: opts.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export function storePdf(
  q: Queryable,
  file: { name: string; bytes: Uint8Array },
  opts: { purpose: string; createdBy: string | null; field: string },
): Promise<string> {
  return storeUpload(q, file, { ...opts, allowed: ['pdf'], wrongTypeCode: 'errors.pdfOnly' });
}

export async function readFile(q: Queryable, id: string) {
  return q
    .selectFrom('stored_file')
    .select(['id', 'filename', 'content_type', 'size', 'content'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** RFC 6266 attachment header that keeps Japanese file names. */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 5987 attr-char excludes ' ( ) * which encodeURIComponent leaves as they are.
  const ext = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${ext}`;
}
