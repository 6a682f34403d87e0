import { z } from 'zod';
import { isCalendarDate } from '~/lib/format';

// Client-safe: the liaison meeting and external contact forms.

const clock = z
  .string({ required_error: 'errors.required' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'errors.invalidTime');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'errors.tooLong')
    .optional()
    .transform((v) => v ?? '');

export const meetingSchema = z
  .object({
    title: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(200, 'errors.tooLong'),
    date: z
      .string({ required_error: 'errors.required' })
      .refine(isCalendarDate, 'errors.invalidDate'),
    startTime: clock,
    endTime: clock,
    venue: optionalText(300),
    onlineUrl: z
      .string()
      .trim()
      .url('errors.invalidUrl')
      .max(500, 'errors.tooLong')
      .optional()
      .or(z.literal('').transform(() => undefined))
      .transform((v) => v ?? ''),
    agenda: optionalText(10_000),
  })
  .superRefine((v, ctx) => {
    if (v.endTime <= v.startTime)
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'visits.errors.endBeforeStart' });
    if (!v.venue && !v.onlineUrl)
      ctx.addIssue({ code: 'custom', path: ['venue'], message: 'training.errors.venueOrUrl' });
  });
export type MeetingInput = z.infer<typeof meetingSchema>;

export const contactSchema = z.object({
  organisation: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(200, 'errors.tooLong'),
  personName: z
    .string({ required_error: 'errors.required' })
    .trim()
    .min(1, 'errors.required')
    .max(200, 'errors.tooLong'),
  email: z
    .string({ required_error: 'errors.required' })
    .trim()
    .email('errors.invalidEmail')
    .max(254, 'errors.tooLong'),
  locale: z.enum(['ja', 'en'], { errorMap: () => ({ message: 'errors.invalidChoice' }) }),
});
export type ContactInput = z.infer<typeof contactSchema>;

export const RSVP_ANSWERS = ['accepted', 'declined', 'tentative'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

/** Fiscal year and quarter of a Tokyo calendar date (April–June = Q1). */
export function fiscalQuarter(isoDate: string): { fiscalYear: number; quarter: number } {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return { fiscalYear: m < 4 ? y - 1 : y, quarter: Math.floor(((m + 8) % 12) / 3) + 1 };
}

/** First and last day (Tokyo dates) of a fiscal quarter. */
export function quarterRange(fiscalYear: number, quarter: number): { from: string; to: string } {
  const startMonth = ((quarter - 1) * 3 + 3) % 12; // 0-based: Apr=3, Jul=6, Oct=9, Jan=0
  const year = quarter === 4 ? fiscalYear + 1 : fiscalYear;
  const from = `${year}-${String(startMonth + 1).padStart(2, '0')}-01`;
  const last = new Date(Date.UTC(year, startMonth + 3, 0)).getUTCDate();
  const to = `${year}-${String(startMonth + 3).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
  return { from, to };
}
