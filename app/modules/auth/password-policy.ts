import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// The most common long-enough passwords, checked in the browser too; actions also refuse the
// shipped breached list (breached-passwords.server.ts), which never reaches the browser.
const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  '1234567890123',
  'qwertyuiopas',
  'qwerty123456',
  'iloveyou1234',
  'abcdefghijkl',
  'aaaaaaaaaaaa',
  'password123!',
  'welcome12345',
  'adminadmin12',
]);

/** Messages are i18n keys, translated where they are shown. */
export const newPasswordSchema = z
  .string({ required_error: 'errors.required' })
  .min(PASSWORD_MIN_LENGTH, 'errors.passwordTooShort')
  .max(PASSWORD_MAX_LENGTH, 'errors.passwordTooLong')
  .refine((p) => !COMMON.has(p.toLowerCase()), 'errors.passwordCommon')
  .refine((p) => new Set(p).size >= 5, 'errors.passwordCommon');

export const setPasswordSchema = z
  .object({
    password: newPasswordSchema,
    confirm: z.string({ required_error: 'errors.required' }),
  })
  .refine((v) => v.password === v.confirm, {
    path: ['confirm'],
    message: 'errors.passwordMismatch',
  });
