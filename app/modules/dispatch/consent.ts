import { z } from 'zod';
import { LANGUAGES } from '~/modules/partners/codes';

// Client-safe: what a worker's consent can cover, and for whom.

export const CONSENT_CATEGORIES = [
  'summary',
  'contact',
  'health',
  'residence',
  'adverse_parties',
  'documents',
] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];

export const CONSENT_RECIPIENTS = ['accepting_partner', 'shelter', 'interpreter'] as const;
export type ConsentRecipient = (typeof CONSENT_RECIPIENTS)[number];

export const CONSENT_METHODS = ['verbal', 'written'] as const;

/** What "the worker agreed to share the case with a partner" covers by default. */
export const DEFAULT_CONSENT: ConsentCategory[] = ['summary', 'contact'];

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'errors.invalidChoice' }) });

export const grantSchema = z.object({
  categories: z.array(choice(CONSENT_CATEGORIES)).min(1, 'errors.chooseOne'),
  recipients: z.array(choice(CONSENT_RECIPIENTS)).min(1, 'errors.chooseOne'),
  method: choice(CONSENT_METHODS),
  language: choice(LANGUAGES),
});
export type GrantInput = z.infer<typeof grantSchema>;

export const revokeSchema = z.object({
  categories: z.array(choice(CONSENT_CATEGORIES)).min(1, 'errors.chooseOne'),
});
