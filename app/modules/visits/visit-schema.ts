import { z } from 'zod';
import { isCalendarDate } from '~/lib/format';

// Client-safe: the same schemas validate in the browser (conform) and in the actions.

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'errors.tooLong')
    .optional()
    .transform((v) => v ?? '');

const requiredText = (max: number) =>
  z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(max, 'errors.tooLong');

const isoDate = z
  .string({ required_error: 'errors.required' })
  .refine(isCalendarDate, 'errors.invalidDate');

const clock = z
  .string({ required_error: 'errors.required' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'errors.invalidTime');

/** "2026-12-03" + "10:30" typed on the phone is Tokyo time. */
export function tokyoInstant(date: string, time: string): Date {
  return new Date(`${date}T${time}:00+09:00`);
}

export const visitSchema = z
  .object({
    visitDate: isoDate,
    startTime: clock,
    endTime: clock,
    place: requiredText(300),
    activities: requiredText(4000),
    outcome: text(4000),
    followUpNeeded: z.boolean().default(false),
    followUp: text(2000),
    travelKm: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .min(0, 'errors.notNegative')
      .max(2000, 'errors.tooLarge')
      .refine((v) => Math.round(v * 10) === v * 10, 'errors.oneDecimal')
      .optional(),
    travelCost: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .int('errors.wholeYen')
      .min(0, 'errors.notNegative')
      .max(1_000_000, 'errors.tooLarge')
      .optional(),
    interpreterMinutes: z
      .number({ invalid_type_error: 'errors.notANumber' })
      .int('errors.notANumber')
      .min(0, 'errors.notNegative')
      .max(1440, 'errors.tooLarge')
      .default(0),
    confidentialNote: text(4000),
    /** Optimistic lock for edits: the version the form was loaded with. */
    version: z.number().int().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.endTime <= v.startTime) {
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'visits.errors.endBeforeStart' });
    }
    if (v.followUpNeeded && !v.followUp) {
      ctx.addIssue({ code: 'custom', path: ['followUp'], message: 'visits.errors.followUpWhat' });
    }
  });

export type VisitInput = z.infer<typeof visitSchema>;

export const stayStartSchema = z.object({
  shelterId: z.string({ required_error: 'errors.required' }).uuid('errors.invalidChoice'),
  beds: z
    .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(1, 'visits.errors.bedsRange')
    .max(50, 'visits.errors.bedsRange'),
  checkIn: isoDate,
});
export type StayStartInput = z.infer<typeof stayStartSchema>;

export const stayEndSchema = z.object({
  stayId: z.string({ required_error: 'errors.required' }).uuid('errors.invalidChoice'),
  checkOut: isoDate,
});

export const completeSchema = z.object({ report: requiredText(4000) });

export const reviewSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('approve'), version: z.number().int(), comment: text(2000) }),
  z.object({ intent: z.literal('return'), version: z.number().int(), comment: requiredText(2000) }),
]);

export const closeSchema = z.object({
  closingNote: requiredText(4000),
  followUpNeeded: z.boolean().default(false),
});
