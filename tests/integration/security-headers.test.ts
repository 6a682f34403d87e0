import type { AddressInfo } from 'node:net';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as entry from '~/entry.server';
import { db } from '~/lib/db.server';
import { getEnv } from '~/lib/env.server';
import { createApp } from '~/lib/express-app.server';
import {
  HSTS,
  RESOURCE_POLICY,
  securityHeaders,
  type SecurityHeaderOptions,
  tileSource,
} from '~/lib/http.server';
import { login } from '~/modules/auth/users.server';
import { makeUser } from '~/modules/demo/factories.server';
import * as root from '~/root';
import * as notFound from '~/routes/$';
import * as openapiJson from '~/routes/api.openapi[.]json';
import * as login_ from '~/routes/login';
import * as activityCsv from '~/routes/reports.activity[.]csv';
import * as activityPdf from '~/routes/reports.activity[.]pdf';

// The real Express app (createApp, as app/bin/serve.ts runs it) around a small Remix build made of
// the real entry.server, root and route modules — the compiled build/ may not exist yet when the
// integration tests run (CI builds only for the browser tests).
const ROUTES = [
  { id: 'root', path: '', module: root, hasErrorBoundary: true },
  { id: 'routes/login', parentId: 'root', path: 'login', module: login_ },
  { id: 'routes/$', parentId: 'root', path: '*', module: notFound, hasErrorBoundary: true },
  {
    id: 'routes/api.openapi[.]json',
    parentId: 'root',
    path: 'api/openapi.json',
    module: openapiJson,
  },
  {
    id: 'routes/reports.activity[.]pdf',
    parentId: 'root',
    path: 'reports/activity.pdf',
    module: activityPdf,
  },
  {
    id: 'routes/reports.activity[.]csv',
    parentId: 'root',
    path: 'reports/activity.csv',
    module: activityCsv,
  },
];

function testBuild(): ServerBuild {
  const assetRoutes = Object.fromEntries(
    ROUTES.map((r) => [
      r.id,
      {
        id: r.id,
        parentId: r.parentId,
        path: r.path,
        module: `/build/${r.id}.js`,
        imports: [],
        hasLoader: 'loader' in r.module,
        hasAction: 'action' in r.module,
        hasClientLoader: false,
        hasClientAction: false,
        hasErrorBoundary: r.hasErrorBoundary ?? false,
      },
    ]),
  );
  return {
    mode: 'production',
    entry: { module: entry },
    routes: Object.fromEntries(
      ROUTES.map((r) => [r.id, { id: r.id, parentId: r.parentId, path: r.path, module: r.module }]),
    ),
    assets: {
      entry: { module: '/build/entry.client.js', imports: [] },
      routes: assetRoutes,
      url: '/build/manifest.js',
      version: 'test',
    },
    publicPath: '/build/',
    assetsBuildDirectory: 'public/build',
    future: {
      v3_fetcherPersist: true,
      v3_relativeSplatPath: true,
      v3_throwAbortReason: true,
      v3_lazyRouteDiscovery: true,
      v3_singleFetch: true,
    },
    isSpaMode: false,
  } as unknown as ServerBuild;
}

async function listen(app: express.Express) {
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** `Content-Security-Policy` as directive → sources. */
function directives(header: string | null): Map<string, string[]> {
  expect(header, 'Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function expectBaseHeaders(res: Response) {
  // Exactly one value, even where a route sets the header itself too.
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  // Not production: never HSTS (it would pin http://localhost to https in the browser).
  expect(res.headers.get('strict-transport-security')).toBeNull();
}

let base = '';
let close = async () => {};
let cookie = '';
beforeAll(async () => {
  ({ base, close } = await listen(createApp({ getBuild: testBuild, dev: false })));
  const u = (await makeUser(db, { role: 'secretariat' }))!;
  const r = await login(u.email, u.password, '198.51.100.9');
  if (!r.ok) throw new Error('login failed');
  cookie = r.cookie.split(';')[0]!;
});
afterAll(() => close());

describe('HTML pages', () => {
  it('carry a nonce policy, and every inline and module script carries that nonce', async () => {
    const res = await fetch(`${base}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expectBaseHeaders(res);
    const csp = directives(res.headers.get('content-security-policy'));
    const script = csp.get('script-src')!;
    const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(script[0]!)?.[1];
    expect(nonce, 'a nonce in script-src').toBeTruthy();
    expect(Buffer.from(nonce!, 'base64')).toHaveLength(16);
    expect(script).toContain("'strict-dynamic'");
    expect(script).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    // Images: the app, data: (Leaflet's cancelled tiles) and the configured tile server.
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', new URL(getEnv().MAP_TILE_URL).origin]);

    const html = await res.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    // Remix's context and module scripts, ScrollRestoration, the single-fetch stream.
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).toContain('type="module"');
  });

  it('get a new nonce on every request', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const csp = (await fetch(`${base}/login`)).headers.get('content-security-policy')!;
      nonces.add(/'nonce-([^']+)'/.exec(csp)![1]!);
    }
    expect(nonces.size).toBe(3);
  });

  it('error pages (404) carry the same policy and nonce', async () => {
    const res = await fetch(`${base}/no-such-page`);
    expect(res.status).toBe(404);
    expectBaseHeaders(res);
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)![1];
    const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });
});

describe('everything that is not a page gets nosniff and a policy that allows nothing', () => {
  it('/healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expectBaseHeaders(res);
    expect(res.headers.get('content-security-policy')).toBe(RESOURCE_POLICY);
  });

  it('API JSON (which sets nosniff itself as well)', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectBaseHeaders(res);
    expect(directives(res.headers.get('content-security-policy')).get('default-src')).toEqual([
      "'none'",
    ]);
    expect(res.headers.get('content-security-policy')).toBe(RESOURCE_POLICY);
  });

  it('a PDF and a CSV download', async () => {
    for (const [path, type] of [
      ['/reports/activity.pdf?period=2026-04', 'application/pdf'],
      ['/reports/activity.csv?period=2026-04', 'text/csv'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expectBaseHeaders(res);
      expect(res.headers.get('content-security-policy'), path).toBe(RESOURCE_POLICY);
      await res.arrayBuffer();
    }
  });

  it('static files (an SVG opened on its own can run no script)', async () => {
    const res = await fetch(`${base}/favicon.svg`);
    expect(res.status).toBe(200);
    expectBaseHeaders(res);
    expect(res.headers.get('content-security-policy')).toBe(RESOURCE_POLICY);
  });
});

describe('HSTS and development', () => {
  // The middleware alone, with the settings a deployment would have.
  async function headersWith(opts: Partial<SecurityHeaderOptions>, reqHeaders = {}) {
    const app = express();
    app.set('trust proxy', true);
    app.use(
      securityHeaders({
        production: false,
        development: false,
        appUrl: 'http://localhost:3000',
        tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
        ...opts,
      }),
    );
    app.get('/', (_req, res) => res.type('html').send('<!doctype html><p>ok</p>'));
    const s = await listen(app);
    try {
      return (await fetch(s.base, { headers: reqHeaders })).headers;
    } finally {
      await s.close();
    }
  }

  it('sends HSTS only in production over https (request or APP_URL)', async () => {
    const hsts = async (opts: Partial<SecurityHeaderOptions>, h = {}) =>
      (await headersWith(opts, h)).get('strict-transport-security');
    expect(await hsts({ production: true, appUrl: 'https://banso.example.org' })).toBe(HSTS);
    expect(await hsts({ production: true }, { 'X-Forwarded-Proto': 'https' })).toBe(HSTS);
    expect(await hsts({ production: true })).toBeNull();
    expect(await hsts({ production: false, appUrl: 'https://banso.example.org' })).toBeNull();
    expect(HSTS).toBe('max-age=31536000; includeSubDomains');
  });

  it("lets remix dev's live-reload websocket connect in development only", async () => {
    const dev = directives(
      (await headersWith({ development: true, devOrigin: 'http://localhost:3001' })).get(
        'content-security-policy',
      ),
    );
    expect(dev.get('connect-src')).toEqual([
      "'self'",
      'http://localhost:3001',
      'ws://localhost:3001',
    ]);
    const prod = directives(
      (await headersWith({ production: true })).get('content-security-policy'),
    );
    expect(prod.get('connect-src')).toEqual(["'self'"]);
  });

  it('allows the tile server that MAP_TILE_URL names', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://tile.openstreetmap.org',
    );
    expect(tileSource('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe(
      'https://*.tile.openstreetmap.org',
    );
    expect(tileSource('https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png')).toBe(
      'https://cyberjapandata.gsi.go.jp',
    );
    expect(tileSource('http://Tiles.Local:8080/{z}/{x}/{y}.png')).toBe('http://tiles.local:8080');
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
  });
});
