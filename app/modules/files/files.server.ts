import { createHash } from 'node:crypto';
import type { Queryable } from '~/lib/db.server';
import { DomainError } from '~/modules/errors';

export const MAX_PDF_BYTES = 10 * 1024 * 1024;

/** Type by content, never by name or the browser's claim: a PDF starts with "%PDF-". */
export function isPdf(bytes: Uint8Array): boolean {
  return bytes.length > 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
}

/** Stores an uploaded PDF in the database; the filename is only shown, never used as a path. */
export async function storePdf(
  q: Queryable,
  file: { name: string; bytes: Uint8Array },
  opts: { purpose: string; createdBy: string | null; field: string },
): Promise<string> {
  if (file.bytes.length === 0) throw new DomainError('errors.fileEmpty', opts.field);
  if (file.bytes.length > MAX_PDF_BYTES) throw new DomainError('errors.fileTooLarge', opts.field);
  if (!isPdf(file.bytes)) throw new DomainError('errors.pdfOnly', opts.field);
  const name = (file.name.split(/[\\/]/).pop() || 'document.pdf').slice(0, 200);
  const row = await q
    .insertInto('stored_file')
    .values({
      purpose: opts.purpose,
      filename: name.toLowerCase().endsWith('.pdf') ? name : `${name}.pdf`,
      content_type: 'application/pdf',
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      content: Buffer.from(file.bytes),
      created_by: opts.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
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
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
