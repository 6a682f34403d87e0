import { db } from '~/lib/db.server';
import { getEnv } from '~/lib/env.server';
import { authenticate, takeRequest } from './tokens.server';

// Shared frame of the public API: CORS, bearer token, rate limit, JSON and error bodies.

function corsHeaders(request: Request): Record<string, string> {
  const allowed = getEnv()
    .API_CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const origin = request.headers.get('Origin');
  if (!origin || !allowed.length) return {};
  const ok = allowed.includes('*') || allowed.includes(origin);
  if (!ok) return {};
  return {
    'Access-Control-Allow-Origin': allowed.includes('*') ? '*' : origin,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
    'Access-Control-Max-Age': '600',
    'Access-Control-Expose-Headers': 'Retry-After, RateLimit-Limit, RateLimit-Remaining',
    ...(allowed.includes('*') ? {} : { Vary: 'Origin' }),
  };
}

export function json(
  request: Request,
  body: unknown,
  status = 200,
  extra: Record<string, string> = {},
) {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...corsHeaders(request),
      ...extra,
    },
  });
}

export const apiError = (request: Request, status: number, code: string, message: string) =>
  json(request, { error: { code, message } }, status);

/** A preflight (OPTIONS) answer; other non-GET methods are refused. */
export function apiAction(request: Request) {
  if (request.method === 'OPTIONS')
    return new Response(null, { status: 204, headers: corsHeaders(request) });
  return apiError(request, 405, 'method_not_allowed', 'Only GET is supported.');
}

/** Runs a GET handler for a valid, non-revoked token within its rate limit. */
export async function withToken(
  request: Request,
  handler: () => Promise<Response>,
): Promise<Response> {
  const token = await authenticate(db, request.headers.get('Authorization'));
  if (!token)
    return json(
      request,
      { error: { code: 'unauthorized', message: 'A valid bearer token is required.' } },
      401,
      { 'WWW-Authenticate': 'Bearer' },
    );
  const take = takeRequest(token.id);
  if (!take.ok)
    return json(
      request,
      { error: { code: 'rate_limited', message: 'Too many requests for this token.' } },
      429,
      {
        'Retry-After': String(take.retryAfter),
        'RateLimit-Limit': String(take.limit),
        'RateLimit-Remaining': '0',
      },
    );
  const res = await handler();
  res.headers.set('RateLimit-Limit', String(take.limit));
  res.headers.set('RateLimit-Remaining', String(take.remaining));
  return res;
}

/** HSDS paging parameters: page (from 1) and per_page (1–200, default 50), search. */
export function paging(url: URL) {
  const page = Number(url.searchParams.get('page') ?? '1');
  const perPage = Number(url.searchParams.get('per_page') ?? '50');
  if (!Number.isInteger(page) || page < 1 || page > 100_000) return null;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) return null;
  const search = (url.searchParams.get('search') ?? '').trim().slice(0, 100) || undefined;
  return { page, perPage, search };
}
