import { parseWithZod } from '@conform-to/zod';
import { data } from '@remix-run/node';
import { fileOf, readMultipartForm } from '~/lib/multipart.server';
import { visitSchema } from './visit-schema';

/** Reads the multipart visit form: the submission and the receipt, or a 400 reply to return. */
export async function readVisitForm(request: Request) {
  const form = await readMultipartForm(request);
  if (form.tooLarge) {
    return {
      reply: data(
        { result: { status: 'error' as const, error: { receipt: ['errors.fileTooLarge'] } } },
        400,
      ),
    } as const;
  }
  const submission = parseWithZod(form.formData, { schema: visitSchema });
  if (submission.status !== 'success')
    return { reply: data({ result: submission.reply() }, 400) } as const;
  return {
    reply: null,
    formData: form.formData,
    submission,
    receipt: await fileOf(form.formData, 'receipt'),
  } as const;
}
