// Client-safe dispatch vocabularies.
import type { SpecialtyCode } from '~/modules/partners/codes';

export const CATEGORIES = [
  'hospital',
  'city_hall',
  'police',
  'school',
  'labor_office',
  'immigration',
  'home_visit',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The partner specialty a category needs (none for a home visit or "other"). */
export const CATEGORY_SPECIALTY: Record<Category, SpecialtyCode | null> = {
  hospital: 'hospital',
  city_hall: 'city_hall',
  police: 'police',
  school: 'school',
  labor_office: 'labor',
  immigration: 'immigration',
  home_visit: null,
  other: null,
};

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export type UrgencyCode = (typeof URGENCIES)[number];

/** Default time a partner has to answer an offer. */
export const RESPOND_WITHIN_HOURS: Record<UrgencyCode, number> = {
  emergency: 1,
  urgent: 4,
  normal: 24,
};

export const SHELTER_GUESTS = ['women', 'men', 'families', 'children'] as const;

export const EXCLUSION_REASONS = [
  'inactive',
  'no_mou',
  'out_of_radius',
  'language',
  'specialty',
  'at_capacity',
  'no_shelter_beds',
  'already_offered',
  'conflict_of_interest',
  'untrained',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
