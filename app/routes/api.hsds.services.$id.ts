import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { apiAction, apiError, json, withToken } from '~/modules/directory/api.server';
import { hsdsService } from '~/modules/directory/directory.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return withToken(request, async () => {
    const s = await hsdsService(db, params.id ?? '');
    return s ? json(request, s) : apiError(request, 404, 'not_found', 'No such service.');
  });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);
