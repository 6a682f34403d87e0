import { z } from 'zod';

export const SHELTER_ACCEPTS = ['women', 'men', 'families', 'children'] as const;

export const shelterSchema = z
  .object({
    name: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .max(200, 'errors.tooLong'),
    capacity: z
      .number({ required_error: 'errors.required', invalid_type_error: 'errors.notANumber' })
      .int('errors.notANumber')
      .min(1, 'errors.capacityRange')
      .max(500, 'errors.capacityRange'),
    accepts: z
      .array(z.enum(SHELTER_ACCEPTS, { errorMap: () => ({ message: 'errors.invalidChoice' }) }))
      .min(1, 'errors.chooseOne'),
    active: z.boolean().default(false),
    municipalityCode: z
      .string({ required_error: 'errors.required' })
      .regex(/^[0-9]{6}$/, 'errors.invalidChoice'),
    address: z
      .string()
      .trim()
      .max(300, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
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
    notes: z
      .string()
      .max(2000, 'errors.tooLong')
      .optional()
      .transform((v) => v ?? ''),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.lng === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.lat === undefined ? 'lat' : 'lng'],
        message: 'errors.latLngPair',
      });
    }
  });

export type ShelterInput = z.infer<typeof shelterSchema>;
