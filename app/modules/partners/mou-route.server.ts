import { parseWithZod } from '@conform-to/zod';
import { fileOf, readMultipartForm } from '~/lib/multipart.server';
import { mouSchema } from './mou-schema';

/**
 * Reads the multipart MOU form. An over-size upload becomes a field error (never a 500);
 * returns the parsed submission and the PDF, if one was chosen.
 */
export async function readMouForm(request: Request) {
  const form = await readMultipartForm(request);
  if (form.tooLarge) return { tooLarge: true as const };
  const submission = parseWithZod(form.formData, { schema: mouSchema });
  return { tooLarge: false as const, submission, pdf: await fileOf(form.formData, 'signedPdf') };
}
