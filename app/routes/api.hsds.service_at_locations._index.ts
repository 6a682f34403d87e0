import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { apiAction, apiError, json, paging, withToken } from '~/modules/directory/api.server';
import { hsdsServiceAtLocations } from '~/modules/directory/directory.server';

export function loader({ request }: LoaderFunctionArgs) {
  return withToken(request, async () => {
    const p = paging(new URL(request.url));
    if (!p) return apiError(request, 400, 'invalid_paging', 'page ≥ 1 and per_page 1–200.');
    return json(request, await hsdsServiceAtLocations(db, p));
  });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);
