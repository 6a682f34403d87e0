import { z } from 'zod';
import { isCalendarDate } from '~/lib/format';

// Client-safe: adverse parties of a request and ties of a partner, compared the same way everywhere.

export const ADVERSE_KINDS = [
  'employer',
  'supervising_org', // 監理団体
  'support_org', // 登録支援機関
  'sending_org', // 送り出し機関
  'recruitment_agency',
] as const;
export type AdverseKind = (typeof ADVERSE_KINDS)[number];

export const TIE_RELATIONS = [
  'funded_by',
  'contracted_with',
  'advises',
  'represents',
  'member_of',
  'other',
] as const;
export type TieRelation = (typeof TIE_RELATIONS)[number];

/**
 * 法人番号: 13 digits whose first is a check digit over the other 12:
 * 9 − (Σ Pn × Qn mod 9), Pn the n-th digit counted from the right, Qn = 1 for odd n, 2 for even n.
 */
export function isCorporateNumber(value: string): boolean {
  if (!/^[0-9]{13}$/.test(value)) return false;
  const base = value.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = Number(base[12 - n]);
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return Number(value[0]) === 9 - (sum % 9);
}

// Legal-form words and their abbreviations, removed so "株式会社 山田製作所" = "(株)山田製作所".
const LEGAL_FORMS = [
  '株式会社',
  '有限会社',
  '合同会社',
  '合資会社',
  '合名会社',
  '一般社団法人',
  '公益社団法人',
  '一般財団法人',
  '公益財団法人',
  '特定非営利活動法人',
  'npo法人',
  '社会福祉法人',
  '協同組合',
  '事業協同組合',
  '(株)',
  '(有)',
  '(同)',
  '(一社)',
  '(公社)',
  '(一財)',
  '(公財)',
  '(特非)',
  '(社福)',
  '(協)',
  'co.,ltd.',
  'co.ltd.',
  'co.,ltd',
  'ltd.',
  'ltd',
  'inc.',
  'inc',
  'k.k.',
  'llc',
];

/**
 * The key two organisation names are compared by: NFKC folds full/half width (and ㈱ → (株)),
 * case and spacing are dropped, and legal-form words are removed.
 */
export function orgNameKey(name: string): string {
  let s = name.normalize('NFKC').toLowerCase();
  s = s.replace(/[\s\u3000・･.,、。'"’]/g, (c) => (c === '.' || c === ',' ? c : ''));
  for (const form of [...LEGAL_FORMS].sort((a, b) => b.length - a.length))
    s = s.split(form).join('');
  return s.replace(/[.,()（）]/g, '');
}

const corporateNumber = z
  .string()
  .trim()
  .transform((v) => v.normalize('NFKC').replace(/[\s-]/g, ''))
  .refine((v) => v === '' || isCorporateNumber(v), 'errors.corporateNumber')
  .optional()
  .transform((v) => v || null);

const orgName = z
  .string({ required_error: 'errors.required' })
  .trim()
  .min(1, 'errors.required')
  .max(200, 'errors.tooLong');

export const adversePartySchema = z.object({
  kind: z.enum(ADVERSE_KINDS, { errorMap: () => ({ message: 'errors.invalidChoice' }) }),
  name: orgName,
  corporateNumber,
});
export type AdversePartyInput = z.infer<typeof adversePartySchema>;

const optionalDate = z
  .string()
  .refine(isCalendarDate, 'errors.invalidDate')
  .optional()
  .transform((v) => v || null);

export const tieSchema = z
  .object({
    relation: z.enum(TIE_RELATIONS, { errorMap: () => ({ message: 'errors.invalidChoice' }) }),
    name: orgName,
    corporateNumber,
    validFrom: optionalDate,
    validUntil: optionalDate,
    note: z
      .string()
      .trim()
      .max(500, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
  })
  .superRefine((v, ctx) => {
    if (v.validFrom && v.validUntil && v.validUntil < v.validFrom)
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'errors.untilBeforeFrom' });
  });
export type TieInput = z.infer<typeof tieSchema>;
