/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
  interface AppLoadContext {
    /** Client address as seen by Express (honours X-Forwarded-For only with TRUST_PROXY). */
    clientIp: string;
    /** This request's Content-Security-Policy nonce (app/lib/http.server.ts); absent when a
     * test calls a loader directly. */
    cspNonce?: string;
  }
}
export {};
