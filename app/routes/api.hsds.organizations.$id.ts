import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { db } from '~/lib/db.server';
import { apiAction, apiError, json, withToken } from '~/modules/directory/api.server';
import { hsdsOrganization } from '~/modules/directory/directory.server';

export function loader({ request, params }: LoaderFunctionArgs) {
  return withToken(request, async () => {
    const org = await hsdsOrganization(db, params.id ?? '');
    return org ? json(request, org) : apiError(request, 404, 'not_found', 'No such organization.');
  });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);
