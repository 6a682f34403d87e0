import { z } from 'zod';
import { isCalendarDate } from '~/lib/format';

const yen = (required = false) =>
  (required
    ? z.number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
    : z.number({ invalid_type_error: 'errors.notANumber' })
  )
    .int('errors.wholeYen')
    .min(0, 'errors.notNegative')
    .max(10_000_000, 'errors.tooLarge');
const date = z
  .string({ required_error: 'errors.required' })
  .refine(isCalendarDate, 'errors.invalidDate');

/** The MOU form; fees are integer yen. */
export const mouSchema = z
  .object({
    referenceNo: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(50, 'errors.tooLong')
      .regex(/^[A-Za-z0-9._\-/]+$/, 'errors.referenceFormat'),
    status: z.enum(['draft', 'active', 'expired', 'terminated'], {
      errorMap: () => ({ message: 'errors.invalidChoice' }),
    }),
    validFrom: date,
    validUntil: date.optional(),
    signedOn: date.optional(),
    conditions: z
      .string()
      .max(5000, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    visitBaseFee: yen(true),
    baseHours: z
      .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
      .min(0, 'errors.notNegative')
      .max(24, 'errors.tooLarge'),
    hourlyFee: yen(true),
    travelMode: z.enum(['none', 'per_km', 'actual'], {
      errorMap: () => ({ message: 'errors.invalidChoice' }),
    }),
    travelPerKm: yen().default(0),
    travelCap: yen().optional(),
    interpreterHourly: yen().default(0),
    shelterPerNight: yen().default(0),
    phoneSupportFee: yen().default(0),
    consumptionTax: z.boolean().default(false),
    maxConcurrentRequests: z
      .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
      .int('errors.notANumber')
      .min(1, 'errors.concurrentRange')
      .max(100, 'errors.concurrentRange'),
  })
  .superRefine((v, ctx) => {
    if (v.validUntil && v.validUntil < v.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'errors.untilBeforeFrom' });
    }
    if (v.travelMode === 'per_km' && !v.travelPerKm) {
      ctx.addIssue({ code: 'custom', path: ['travelPerKm'], message: 'errors.required' });
    }
  });

export type MouInput = z.infer<typeof mouSchema>;
