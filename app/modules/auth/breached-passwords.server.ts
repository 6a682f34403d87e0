import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { newPasswordSchema, setPasswordSchema } from './password-policy';
import { changePasswordSchema } from './schemas';

// A shipped list (see app/assets/passwords/README.md), read once per process. Server-side only:
// the browser validates with the small built-in set of password-policy.ts and never downloads it.
const LIST_FILE = resolve(process.cwd(), 'app/assets/passwords/common-passwords.txt');
let breached: Set<string> | undefined;

function breachedList(): Set<string> {
  breached ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line !== '')
      .map((line) => line.toLowerCase()),
  );
  return breached;
}

/** True when the password (compared lower-cased) is on the shipped breached-password list. */
export function isBreachedPassword(password: string): boolean {
  return breachedList().has(password.toLowerCase());
}

/** Number of distinct entries, for tests and diagnostics. */
export function breachedListSize(): number {
  return breachedList().size;
}

function refuseBreached(v: { password: string }, ctx: z.RefinementCtx) {
  // Only once the client-side rules pass, so a password never gets two messages for one fault.
  if (newPasswordSchema.safeParse(v.password).success && isBreachedPassword(v.password)) {
    ctx.addIssue({ code: 'custom', path: ['password'], message: 'errors.passwordBreached' });
  }
}

/** What actions parse with: the form's schema plus the breached-list check. */
export const serverSetPasswordSchema = setPasswordSchema.superRefine(refuseBreached);
export const serverChangePasswordSchema = changePasswordSchema.superRefine(refuseBreached);
