import { z } from 'zod';
import {
  ACCOUNT_TYPES,
  isValidInvoiceNumber,
  KANA_RE,
  LANGUAGES,
  normalizeInvoiceNumber,
  normalizePostalCode,
  PARTNER_KINDS,
  PARTNER_STATUSES,
  SPECIALTIES,
  toZenginKana,
  ZENGIN_KANA_RE,
} from './codes';

// One schema per form, used by the browser (instant feedback) and the action (the real check).
// Messages are i18n keys.

const text = (max: number) => z.string().trim().max(max, 'errors.tooLong');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'errors.tooLong')
    .optional()
    .transform((v) => v ?? '');
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'errors.invalidChoice' }) });

export const contactSchema = z.object({
  contactName: optionalText(100),
  contactEmail: z
    .string()
    .trim()
    .max(254, 'errors.tooLong')
    .email('errors.invalidEmail')
    .optional()
    .transform((v) => v ?? ''),
  contactPhone: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ?? '').normalize('NFKC'))
    .refine((v) => v === '' || /^\+?[0-9()\- ]{10,20}$/.test(v), 'errors.invalidPhone'),
  // Stored in the code lists' order, so the same choice is always the same value.
  languages: z
    .array(choice(LANGUAGES))
    .max(LANGUAGES.length)
    .default([])
    .transform((v) => LANGUAGES.filter((l) => v.includes(l))),
  specialties: z
    .array(choice(SPECIALTIES))
    .max(SPECIALTIES.length)
    .default([])
    .transform((v) => SPECIALTIES.filter((x) => v.includes(x))),
  availability: optionalText(1000),
});

const latitude = z
  .number({ invalid_type_error: 'errors.notANumber' })
  .min(20, 'errors.latRange')
  .max(46, 'errors.latRange');
const longitude = z
  .number({ invalid_type_error: 'errors.notANumber' })
  .min(122, 'errors.lngRange')
  .max(154, 'errors.lngRange');

export const partnerSchema = contactSchema
  .extend({
    name: text(200).min(1, 'errors.required'),
    nameKana: text(200)
      .min(1, 'errors.required')
      .refine((v) => KANA_RE.test(v), 'errors.kanaOnly'),
    kind: choice(PARTNER_KINDS),
    status: choice(PARTNER_STATUSES).default('prospective'),
    networkMember: z.boolean().default(false),
    publicListing: z.boolean().default(false),
    publicPhone: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ?? '').normalize('NFKC'))
      .refine((v) => v === '' || /^\+?[0-9()\- ]{10,20}$/.test(v), 'errors.invalidPhone'),
    website: z
      .string()
      .trim()
      .max(300, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? '')
      .refine((v) => v === '' || /^https?:\/\/[^\s]+$/.test(v), 'errors.invalidUrl'),
    municipalityCode: z
      .string({ required_error: 'errors.required' })
      .regex(/^[0-9]{6}$/, 'errors.invalidChoice'),
    postalCode: z
      .string()
      .optional()
      .transform((v) => (v ? normalizePostalCode(v) : null))
      .refine((v) => v === null || /^[0-9]{3}-[0-9]{4}$/.test(v), 'errors.postalCode'),
    address: optionalText(300),
    lat: latitude.optional(),
    lng: longitude.optional(),
    serviceRadiusKm: z
      .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
      .min(0.5, 'errors.radiusRange')
      .max(500, 'errors.radiusRange'),
    invoiceNumber: z
      .string()
      .optional()
      .transform((v) => (v ? normalizeInvoiceNumber(v) : null))
      .refine((v) => v === null || isValidInvoiceNumber(v), 'errors.invoiceNumber'),
    bankCode: z.string().trim().optional(),
    branchCode: z.string().trim().optional(),
    accountType: choice(ACCOUNT_TYPES).optional(),
    accountNumber: z.string().trim().optional(),
    accountHolderKana: z
      .string()
      .optional()
      .transform((v) => (v ? toZenginKana(v) : undefined)),
    withholdingTax: z.boolean().default(false),
    /** optimistic lock: the version the form was loaded with (edit only) */
    version: z.number().int().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.lng === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.lat === undefined ? 'lat' : 'lng'],
        message: 'errors.latLngPair',
      });
    }
    const bank = [v.bankCode, v.branchCode, v.accountType, v.accountNumber, v.accountHolderKana];
    if (bank.some(Boolean)) {
      const need = (ok: boolean, path: string, message: string) => {
        if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
      };
      need(/^[0-9]{4}$/.test(v.bankCode ?? ''), 'bankCode', 'errors.bankCode');
      need(/^[0-9]{3}$/.test(v.branchCode ?? ''), 'branchCode', 'errors.branchCode');
      need(Boolean(v.accountType), 'accountType', 'errors.required');
      need(/^[0-9]{7}$/.test(v.accountNumber ?? ''), 'accountNumber', 'errors.accountNumber');
      need(
        ZENGIN_KANA_RE.test(v.accountHolderKana ?? ''),
        'accountHolderKana',
        'errors.holderKana',
      );
    }
  });

export type PartnerInput = z.infer<typeof partnerSchema>;
export type ContactInput = z.infer<typeof contactSchema>;
