import { z } from 'zod';
import { LANGUAGES } from '~/modules/partners/codes';
import { CATEGORIES, SHELTER_GUESTS, URGENCIES } from './codes';
import { isCalendarDate } from '~/lib/format';

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'errors.invalidChoice' }) });

/** "2026-12-03T10:00" typed in the form is Tokyo time; stored as an instant. */
const tokyoLocal = z
  .string({ required_error: 'errors.required' })
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'errors.invalidDate')
  .refine((v) => isCalendarDate(v.slice(0, 10)), 'errors.invalidDate')
  .transform((v) => new Date(`${v}:00+09:00`))
  .refine((d) => !Number.isNaN(d.getTime()), 'errors.invalidDate');

export const requestSchema = z
  .object({
    caseCode: z
      .string({ required_error: 'errors.required' })
      .trim()
      .regex(/^[A-Za-z0-9-]{3,30}$/, 'errors.caseCode'),
    category: choice(CATEGORIES),
    workerLanguage: choice(LANGUAGES),
    interpreterNeeded: z.boolean().default(false),
    shelterBeds: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .int('errors.notANumber')
      .min(0, 'errors.notNegative')
      .max(20, 'errors.tooLarge')
      .default(0),
    shelterGuest: choice(SHELTER_GUESTS).optional(),
    urgency: choice(URGENCIES).default('normal'),
    municipalityCode: z
      .string({ required_error: 'errors.required' })
      .regex(/^[0-9]{6}$/, 'errors.invalidChoice'),
    lat: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .min(20, 'errors.latRange')
      .max(46, 'errors.latRange')
      .optional(),
    lng: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .min(122, 'errors.lngRange')
      .max(154, 'errors.lngRange')
      .optional(),
    windowStart: tokyoLocal,
    windowEnd: tokyoLocal,
    summary: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(500, 'errors.tooLong'),
    details: z
      .string()
      .max(5000, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    healthDetails: z
      .string()
      .max(5000, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    residenceDetails: z
      .string()
      .max(5000, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    consent: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.windowEnd <= v.windowStart) {
      ctx.addIssue({ code: 'custom', path: ['windowEnd'], message: 'errors.untilBeforeFrom' });
    }
    if (v.shelterBeds > 0 && !v.shelterGuest) {
      ctx.addIssue({ code: 'custom', path: ['shelterGuest'], message: 'errors.required' });
    }
    if ((v.lat === undefined) !== (v.lng === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.lat === undefined ? 'lat' : 'lng'],
        message: 'errors.latLngPair',
      });
    }
  });

export type RequestInput = z.infer<typeof requestSchema>;
