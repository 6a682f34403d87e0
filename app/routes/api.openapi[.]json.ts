import type { LoaderFunctionArgs } from '@remix-run/node';
import { appUrl } from '~/lib/env.server';
import { json } from '~/modules/directory/api.server';
import { openapi } from '~/modules/directory/openapi';

/** The API's OpenAPI 3.1 description (public: it holds no data). */
export function loader({ request }: LoaderFunctionArgs) {
  return json(request, openapi(appUrl()), 200, { 'Cache-Control': 'public, max-age=300' });
}
