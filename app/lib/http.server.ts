import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { appUrl } from './env.server';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth beside SameSite=Lax cookies: a state-changing request whose Origin (or,
 * without one, Referer) names another site is refused.
 */
export function originCheck(req: Request, res: Response, next: NextFunction) {
  if (SAFE.has(req.method)) return next();
  const source = req.get('origin') ?? refererOrigin(req.get('referer'));
  if (!source) return next();
  const allowed = new Set([`${req.protocol}://${req.get('host')}`, new URL(appUrl()).origin]);
  if (allowed.has(source)) return next();
  res.status(403).type('text/plain').send('Forbidden: cross-origin request refused');
}

function refererOrigin(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

export interface SecurityHeaderOptions {
  /** NODE_ENV=production: Strict-Transport-Security may be sent. */
  production: boolean;
  /** NODE_ENV=development: `remix dev`'s live-reload websocket must be able to connect. */
  development: boolean;
  /** APP_URL. https here means users reach the app over TLS, even when a proxy in front of it
   * terminates TLS without saying so (TRUST_PROXY off). */
  appUrl: string;
  /** MAP_TILE_URL: its host is the one outside source of images. */
  tileUrl: string;
  /** REMIX_DEV_ORIGIN, set by `remix dev` (development only): the live-reload server. */
  devOrigin?: string;
}

/** Where Express keeps the request's CSP nonce; getLoadContext hands it to Remix. */
export const nonceOf = (res: Response): string => res.locals.cspNonce as string;

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response. The Content-Security-Policy is chosen when the headers
 * are written, from the Content-Type: HTML pages get the page policy with a fresh nonce per
 * request; everything else (API JSON, PDF, CSV, .ics, static files) gets `default-src 'none'`,
 * which lets such a response, if a browser ever renders it, load and run nothing. A route that
 * sets its own Content-Security-Policy keeps it.
 */
export function securityHeaders(opts: SecurityHeaderOptions) {
  const page = pagePolicy(opts);
  const https = opts.appUrl.startsWith('https:');
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    res.setHeader('X-Frame-Options', 'DENY');
    // Full URLs only within the app (paths carry request ids and one-time tokens); other sites
    // get the origin alone. Not `same-origin`: tile.openstreetmap.org's usage policy requires a
    // Referer from web pages and it throttles or blocks tile requests without one.
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self)');
    // HSTS only in production and only where the app is really on https (the request came over
    // TLS, or APP_URL says the public address is https behind a TLS-terminating proxy): on
    // http://localhost it would pin every other local app to https in the browser.
    if (opts.production && (req.secure || https)) res.setHeader('Strict-Transport-Security', HSTS);
    beforeHeaders(res, (headersArg) => {
      // Set when the headers go out, so a route that sets it too does not make it "nosniff, nosniff".
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (res.hasHeader('Content-Security-Policy')) return;
      const type = String(res.getHeader('Content-Type') ?? headersArg?.['content-type'] ?? '');
      res.setHeader(
        'Content-Security-Policy',
        /^text\/html\b/i.test(type) ? page(nonce) : RESOURCE_POLICY,
      );
    });
    next();
  };
}

/** For anything that is not an HTML page. */
export const RESOURCE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The policy of HTML pages. Why each source is there:
 * - script-src: Remix's inline hydration and streaming scripts, React's streaming scripts and
 *   ScrollRestoration carry the nonce; 'strict-dynamic' lets those load the /build modules they
 *   import. 'self' is only a fallback for browsers without 'strict-dynamic' (CSP 3 ones ignore it).
 * - style-src 'self': app.css, leaflet.css and the cluster CSS are stylesheets from /build.
 *   Leaflet positions tiles, markers and popups by setting element.style from JavaScript (the
 *   CSSOM), which CSP does not govern, and injects no <style>, so Leaflet needs no inline styles.
 * - style-src-attr 'unsafe-inline': server-rendered `style="…"` attributes of our own components
 *   (the coverage legend's colour swatches, a few layout tweaks) would be dropped without it.
 *   An attribute cannot run script, and img-src bounds where a url() in it could point.
 * - img-src: the app's own images, the tile server of MAP_TILE_URL, and data: — Leaflet cancels
 *   a tile that is still loading (zoom, pan) by pointing it at a 1×1 data: GIF
 *   (L.Util.emptyImageUrl); without data: every zoom logs a violation.
 * - connect-src 'self': fetchers, single-fetch data, the prefecture outline; in development
 *   also the websocket of `remix dev`'s live reload.
 */
function pagePolicy(opts: SecurityHeaderOptions): (nonce: string) => string {
  const connect = ["'self'"];
  if (opts.development) connect.push(...devSources(opts.devOrigin));
  const fixed = [
    "default-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    `img-src ${["'self'", 'data:', tileSource(opts.tileUrl)].filter(Boolean).join(' ')}`,
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return (nonce) => `script-src 'nonce-${nonce}' 'strict-dynamic' 'self'; ${fixed}`;
}

/**
 * The CSP source for a Leaflet tile URL template: its origin, with a `{s}` subdomain as `*`
 * (https://{s}.tile.example.org/… → https://*.tile.example.org). A path-only URL is 'self'.
 */
export function tileSource(tileUrl: string): string | null {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(tileUrl.trim());
  if (!m) return null;
  const [, scheme, host] = m;
  if (!host!.includes('{')) return `${scheme!.toLowerCase()}://${host!.toLowerCase()}`;
  const [first, ...rest] = host!.split('.');
  // A placeholder further right cannot be expressed in CSP: allow the scheme's whole web.
  if (!first!.includes('{') || rest.some((l) => l.includes('{'))) return `${scheme}:`;
  return `${scheme!.toLowerCase()}://*.${rest.join('.').toLowerCase()}`;
}

function devSources(devOrigin: string | undefined): string[] {
  if (!devOrigin) return ['ws:', 'wss:'];
  const url = new URL(devOrigin);
  return [url.origin, `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`];
}

/**
 * Runs `fn` just before the status line and headers are sent (as the `on-headers` package does),
 * with the headers passed to writeHead itself, if any, keyed in lower case.
 */
function beforeHeaders(res: Response, fn: (headersArg?: Record<string, unknown>) => void) {
  const writeHead = res.writeHead as (...args: unknown[]) => Response;
  let fired = false;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!fired) {
      fired = true;
      const given = args.find((a) => a !== null && typeof a === 'object' && !Array.isArray(a));
      fn(
        given
          ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k.toLowerCase(), v]))
          : undefined,
      );
    }
    return writeHead.apply(this, args);
  } as Response['writeHead'];
}
