import { z } from 'zod';
import { newPasswordSchema } from './password-policy';

/** Shared by forms (client validation) and actions (server validation). Messages are i18n keys. */
export const emailSchema = z
  .string({ required_error: 'errors.required' })
  .trim()
  .max(254, 'errors.tooLong')
  .email('errors.invalidEmail');

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string({ required_error: 'errors.required' }).max(1000, 'errors.tooLong'),
  redirectTo: z.string().max(2000).optional(),
});

export const forgotSchema = z.object({ email: emailSchema });

export const inviteSchema = z
  .object({
    name: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(100, 'errors.tooLong'),
    email: emailSchema,
    role: z.enum(['secretariat', 'counselor', 'partner'], {
      errorMap: () => ({ message: 'errors.invalidChoice' }),
    }),
    partnerId: z.string().uuid('errors.invalidChoice').optional(),
    locale: z
      .enum(['ja', 'en'], { errorMap: () => ({ message: 'errors.invalidChoice' }) })
      .default('ja'),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'partner' && !v.partnerId) {
      ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'errors.partnerRequired' });
    }
    if (v.role !== 'partner' && v.partnerId) {
      ctx.addIssue({
        code: 'custom',
        path: ['partnerId'],
        message: 'errors.partnerOnlyForPartners',
      });
    }
  });

export const changePasswordSchema = z
  .object({
    current: z.string({ required_error: 'errors.required' }).max(1000, 'errors.tooLong'),
    password: z.string({ required_error: 'errors.required' }),
    confirm: z.string({ required_error: 'errors.required' }),
  })
  .superRefine((v, ctx) => {
    const r = newPasswordSchema.safeParse(v.password);
    if (!r.success) {
      for (const i of r.error.issues)
        ctx.addIssue({ code: 'custom', path: ['password'], message: i.message });
    }
    if (v.password !== v.confirm) {
      ctx.addIssue({ code: 'custom', path: ['confirm'], message: 'errors.passwordMismatch' });
    }
  });
