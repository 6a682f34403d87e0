// Client-safe: the registry CSV's columns and size limit, shown on the import page.

export const CSV_COLUMNS = [
  'name',
  'name_kana',
  'kind',
  'prefecture',
  'municipality',
  'postal_code',
  'address',
  'lat',
  'lng',
  'languages',
  'specialties',
  'service_radius_km',
  'contact_name',
  'email',
  'phone',
  'network_member',
  'public_listing',
  'status',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export const IMPORT_MAX_BYTES = 10_000_000;
