import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { MAX_UPLOAD_BYTES } from '~/modules/files/files.server';

/**
 * Reads a form with a file. An over-size upload is reported (the caller turns it into a field
 * error, never a 500); the limit is checked again by content when the file is stored.
 */
export async function readMultipartForm(
  request: Request,
): Promise<{ tooLarge: true } | { tooLarge: false; formData: FormData }> {
  try {
    const formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES + 1024 }),
    );
    return { tooLarge: false, formData };
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return { tooLarge: true };
    // Not multipart (a plain form post) or a broken body: an empty form, which the form's
    // schema refuses with field messages like any other — never a 500.
    if (e instanceof TypeError) return { tooLarge: false, formData: new FormData() };
    // The parser's own complaints (a part without a name, a broken boundary) are plain Errors.
    if (e instanceof Error && /^malformed (multipart|content-disposition)/.test(e.message))
      return { tooLarge: false, formData: new FormData() };
    throw e;
  }
}

/** The chosen file of a form field, or null when none was chosen. */
export async function fileOf(formData: FormData, name: string) {
  const file = formData.get(name);
  return file instanceof File && file.size > 0
    ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
    : null;
}

/** A page with both plain and file forms: multipart bodies go through the upload limit. */
export async function readAnyForm(
  request: Request,
): Promise<{ tooLarge: true } | { tooLarge: false; formData: FormData }> {
  const type = request.headers.get('Content-Type') ?? '';
  if (type.startsWith('multipart/form-data')) return readMultipartForm(request);
  return { tooLarge: false, formData: await request.formData() };
}
