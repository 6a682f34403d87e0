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

export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(self)');
  next();
}
