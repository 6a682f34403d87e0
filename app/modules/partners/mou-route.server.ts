import { parseWithZod } from '@conform-to/zod';
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node';
import { MAX_PDF_BYTES } from '~/modules/files/files.server';
import { mouSchema } from './mou-schema';

/**
 * Reads the multipart MOU form. An over-size upload becomes a field error (never a 500);
 * returns the parsed submission and the PDF, if one was chosen.
 */
export async function readMouForm(request: Request) {
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_PDF_BYTES + 1024 }),
    );
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return { tooLarge: true as const };
    throw e;
  }
  const submission = parseWithZod(formData, { schema: mouSchema });
  const file = formData.get('signedPdf');
  const pdf =
    file instanceof File && file.size > 0
      ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }
      : null;
  return { tooLarge: false as const, submission, pdf };
}
