import { z } from 'zod';
import { LANGUAGES, PARTNER_KINDS, PARTNER_STATUSES, SPECIALTIES } from './codes';

// List filters come from the URL: anything unknown is dropped, never an error page.
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values).optional().catch(undefined);

export const partnerFilterSchema = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  kind: optionalEnum(PARTNER_KINDS),
  status: optionalEnum(PARTNER_STATUSES),
  prefecture: z.coerce.number().int().min(1).max(47).optional().catch(undefined),
  language: optionalEnum(LANGUAGES),
  specialty: optionalEnum(SPECIALTIES),
  mou: optionalEnum(['active', 'none', 'expiring'] as const),
  trained: optionalEnum(['yes', 'no'] as const),
  sort: z.enum(['name', 'updated', 'prefecture', 'status']).catch('name'),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
});

export function parsePartnerFilters(params: URLSearchParams) {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ''));
  const f = partnerFilterSchema.parse(raw);
  // "Last updated" means newest first unless asked otherwise.
  return { ...f, dir: f.dir ?? (f.sort === 'updated' ? ('desc' as const) : ('asc' as const)) };
}
