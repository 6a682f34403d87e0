/** Builds the Request a browser would send, with the session cookie from a Set-Cookie header. */
export function requestWithSession(
  path: string,
  setCookie?: string | null,
  init: RequestInit = {},
) {
  const headers = new Headers(init.headers);
  if (setCookie) headers.set('Cookie', setCookie.split(';')[0]);
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

export const ctx = { clientIp: '198.51.100.7' };

/** Runs a loader/action and returns what it threw or returned, as a Response when it is one. */
export async function settle<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
