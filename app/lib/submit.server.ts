import type { Submission } from '@conform-to/react';
import { data } from '@remix-run/node';
import { DomainError } from '~/modules/errors';
import { db, type Tx } from './db.server';

/**
 * One business action = one transaction. A rule the user can fix (DomainError) comes back as a
 * 400 with the message on its form field; anything else is a real failure and propagates.
 */
export async function submitInTransaction<T>(
  submission: Submission<unknown>,
  fallbackField: string,
  action: (tx: Tx) => Promise<T>,
) {
  try {
    return { ok: true as const, value: await db.transaction().execute(action) };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const result = e.field
      ? submission.reply({ fieldErrors: { [e.field]: [e.code] } })
      : e.code === 'errors.staleEdit'
        ? submission.reply({ formErrors: [e.code] })
        : submission.reply({ fieldErrors: { [fallbackField]: [e.code] } });
    return {
      ok: false as const,
      code: e.code,
      response: data({ result }, e.code === 'errors.staleEdit' ? 409 : 400),
    };
  }
}
