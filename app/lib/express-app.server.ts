import { existsSync, readdirSync } from 'node:fs';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { appUrl, getEnv } from './env.server';
import { healthCheck } from './health.server';
import { nonceOf, originCheck, securityHeaders } from './http.server';

/**
 * The HTTP application without its listener, database start-up or worker: app/bin/serve.ts runs
 * it, and tests/integration/security-headers.test.ts drives it with a small Remix build.
 * `getBuild` is read per request in development, where `remix dev` replaces the build.
 */
export function createApp({ getBuild, dev }: { getBuild: () => ServerBuild; dev: boolean }) {
  const env = getEnv();
  const app = express();
  app.disable('x-powered-by');
  if (env.TRUST_PROXY) app.set('trust proxy', true);
  app.use(
    securityHeaders({
      production: env.NODE_ENV === 'production',
      development: dev,
      appUrl: appUrl(),
      tileUrl: env.MAP_TILE_URL,
      devOrigin: process.env.REMIX_DEV_ORIGIN,
    }),
  );
  // Registry map data and reports are large JSON/HTML: gzip them (tiles and PDFs are already compact).
  app.use(compression());
  app.get('/healthz', async (_req, res) => {
    const health = await healthCheck();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }));
  // Only paths under a name public/ holds are looked up on disk: every page and API request
  // otherwise cost a file-system stat before reaching Remix.
  const publicNames = new Set(existsSync('public') ? readdirSync('public') : []);
  const publicFiles = express.static('public', { maxAge: '1h' });
  app.use((req, res, next) =>
    publicNames.has(req.path.split('/')[1] ?? '') ? publicFiles(req, res, next) : next(),
  );
  app.use(originCheck);
  app.all(
    '*',
    dev
      ? (req, res, next) =>
          createRequestHandler({ build: getBuild(), mode: 'development', getLoadContext })(
            req,
            res,
            next,
          )
      : createRequestHandler({ build: getBuild(), mode: getBuild().mode, getLoadContext }),
  );
  return app;
}

function getLoadContext(req: express.Request, res: express.Response) {
  return {
    clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    cspNonce: nonceOf(res),
  };
}
