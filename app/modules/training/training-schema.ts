import { z } from 'zod';
import { isCalendarDate } from '~/lib/format';

// Client-safe: the session form, validated in the browser and in the action.

const isoDate = z
  .string({ required_error: 'errors.required' })
  .refine(isCalendarDate, 'errors.invalidDate');
const clock = z
  .string({ required_error: 'errors.required' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'errors.invalidTime');

export const sessionSchema = z
  .object({
    title: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(200, 'errors.tooLong'),
    modules: z
      .array(z.string().regex(/^[a-z_]{2,40}$/, 'errors.invalidChoice'))
      .min(1, 'errors.chooseOne'),
    date: isoDate,
    startTime: clock,
    endTime: clock,
    venue: z
      .string()
      .trim()
      .max(300, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    onlineUrl: z
      .string()
      .trim()
      .url('errors.invalidUrl')
      .max(500, 'errors.tooLong')
      .optional()
      .or(z.literal('').transform(() => undefined))
      .transform((v) => v ?? ''),
    capacity: z
      .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
      .int('errors.notANumber')
      .min(1, 'errors.capacityRange')
      .max(1000, 'errors.capacityRange'),
    instructor: z
      .string()
      .trim()
      .max(200, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
    deadline: isoDate,
  })
  .superRefine((v, ctx) => {
    if (v.endTime <= v.startTime)
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'visits.errors.endBeforeStart' });
    if (!v.venue && !v.onlineUrl)
      ctx.addIssue({ code: 'custom', path: ['venue'], message: 'training.errors.venueOrUrl' });
    if (v.deadline > v.date)
      ctx.addIssue({
        code: 'custom',
        path: ['deadline'],
        message: 'training.errors.deadlineAfter',
      });
  });
export type SessionInput = z.infer<typeof sessionSchema>;

export const ATTENDANCE = ['attended', 'absent', 'excused'] as const;
