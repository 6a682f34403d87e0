import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { apiAction, apiError, json, withToken } from '~/modules/directory/api.server';
import { nearestPartners } from '~/modules/directory/directory.server';
import { LANGUAGES, SPECIALTIES } from '~/modules/partners/codes';

/** GET /api/v1/partners/nearest?lat=&lng=&language=&specialty=&limit= */
export function loader({ request }: LoaderFunctionArgs) {
  return withToken(request, async () => {
    const url = new URL(request.url);
    const num = (k: string) => {
      const v = url.searchParams.get(k);
      return v === null || v.trim() === '' ? NaN : Number(v);
    };
    const lat = num('lat');
    const lng = num('lng');
    if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180))
      return apiError(
        request,
        400,
        'invalid_location',
        'lat and lng are required decimal degrees.',
      );
    const language = url.searchParams.get('language') || undefined;
    if (language && !(LANGUAGES as readonly string[]).includes(language))
      return apiError(
        request,
        400,
        'invalid_language',
        `language must be one of ${LANGUAGES.join(', ')}.`,
      );
    const specialty = url.searchParams.get('specialty') || undefined;
    if (specialty && !(SPECIALTIES as readonly string[]).includes(specialty))
      return apiError(
        request,
        400,
        'invalid_specialty',
        `specialty must be one of ${SPECIALTIES.join(', ')}.`,
      );
    const limitRaw = url.searchParams.get('limit');
    const limit = limitRaw === null || limitRaw === '' ? 10 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      return apiError(request, 400, 'invalid_limit', 'limit must be a whole number from 1 to 50.');
    return json(request, {
      partners: await nearestPartners(db, { lat, lng, language, specialty, limit }),
    });
  });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);
