// The one place that knows about Lucia: replace the session library here and nowhere else.
import { NodePostgresAdapter } from '@lucia-auth/adapter-postgresql';
import { redirect } from '@remix-run/node';
import { type DatabaseSession, type DatabaseUser, Lucia, TimeSpan } from 'lucia';
import type pg from 'pg';
import type { Locale, Role } from '../../../db/schema';
import { pool } from '~/lib/db.server';
import { getEnv, isProduction } from '~/lib/env.server';

export const SESSION_COOKIE = 'banso_session';

/**
 * Lucia's adapter reads the session and its user in two statements (two pool connections) on
 * every request; one join does it, and reads only the user columns the app uses (not the
 * password hash). Everything else (create, extend, invalidate) is Lucia's own.
 */
class SessionAdapter extends NodePostgresAdapter {
  constructor(private readonly client: pg.Pool) {
    super(client, { user: 'app_user', session: 'user_session' });
  }

  override async getSessionAndUser(
    sessionId: string,
  ): Promise<[session: DatabaseSession | null, user: DatabaseUser | null]> {
    const { rows } = await this.client.query<{
      user_id: string;
      expires_at: Date;
      created_at: Date;
      email: string;
      name: string;
      role: Role;
      partner_id: string | null;
      locale: Locale;
      status: 'invited' | 'active' | 'disabled';
    }>(
      `select s.user_id, s.expires_at, s.created_at,
         u.email, u.name, u.role, u.partner_id, u.locale, u.status
       from user_session s join app_user u on u.id = s.user_id where s.id = $1`,
      [sessionId],
    );
    const r = rows[0];
    if (!r) return [null, null];
    return [
      {
        id: sessionId,
        userId: r.user_id,
        expiresAt: r.expires_at,
        attributes: { created_at: r.created_at },
      },
      {
        id: r.user_id,
        attributes: {
          email: r.email,
          name: r.name,
          role: r.role,
          partner_id: r.partner_id,
          locale: r.locale,
          status: r.status,
        },
      },
    ];
  }
}

function createLucia() {
  const env = getEnv();
  return new Lucia(new SessionAdapter(pool()), {
    // Idle expiry: Lucia slides expires_at forward on use (once less than half remains).
    sessionExpiresIn: new TimeSpan(env.SESSION_IDLE_HOURS * 60, 'm'),
    sessionCookie: {
      name: SESSION_COOKIE,
      attributes: { secure: isProduction(), sameSite: 'lax' },
    },
    getSessionAttributes: (a) => ({ createdAt: new Date(a.created_at) }),
    getUserAttributes: (a) => ({
      email: a.email,
      name: a.name,
      role: a.role,
      partnerId: a.partner_id,
      locale: a.locale,
      status: a.status,
    }),
  });
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: { created_at: Date };
    DatabaseUserAttributes: {
      email: string;
      name: string;
      role: Role;
      partner_id: string | null;
      locale: Locale;
      status: 'invited' | 'active' | 'disabled';
    };
  }
}

let instance: { lucia: ReturnType<typeof createLucia>; pool: unknown } | undefined;
function lucia() {
  const p = pool();
  if (!instance || instance.pool !== p) instance = { lucia: createLucia(), pool: p };
  return instance.lucia;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  partnerId: string | null;
  locale: Locale;
}

const cache = new WeakMap<Request, Promise<{ user: SessionUser; sessionId: string } | null>>();

/** The signed-in user of this request, or null. Memoised per request (root + route loaders). */
export function getSession(request: Request) {
  let p = cache.get(request);
  if (!p) {
    p = loadSession(request);
    cache.set(request, p);
  }
  return p;
}

async function loadSession(request: Request) {
  const l = lucia();
  const sessionId = l.readSessionCookie(request.headers.get('Cookie') ?? '');
  if (!sessionId) return null;
  const { session, user } = await l.validateSession(sessionId);
  if (!session) return null;
  const absoluteMs = getEnv().SESSION_ABSOLUTE_DAYS * 86_400_000;
  if (Date.now() - session.createdAt.getTime() > absoluteMs || user.status !== 'active') {
    await l.invalidateSession(session.id);
    return null;
  }
  return {
    sessionId: session.id,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      partnerId: user.partnerId,
      locale: user.locale,
    },
  };
}

export async function getUser(request: Request): Promise<SessionUser | null> {
  return (await getSession(request))?.user ?? null;
}

/** Anonymous visitors are sent to the login page and brought back afterwards. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

/** A signed-in user of another role gets 403. */
export async function requireRole<R extends Role>(
  request: Request,
  roles: readonly R[],
): Promise<SessionUser & { role: R }> {
  const user = await requireUser(request);
  if (!(roles as readonly Role[]).includes(user.role)) {
    throw new Response('Forbidden', { status: 403 });
  }
  return user as SessionUser & { role: R };
}

/** Starts a new session (a new id at every login defeats fixation); returns its Set-Cookie. */
export async function startSession(userId: string): Promise<string> {
  const session = await lucia().createSession(userId, { created_at: new Date() });
  return sessionCookie(session.id);
}

function sessionCookie(id: string): string {
  // Persistent cookie for the absolute lifetime; idle expiry is enforced server-side.
  const maxAge = Math.floor(getEnv().SESSION_ABSOLUTE_DAYS * 86_400);
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
    ...(isProduction() ? ['Secure'] : []),
  ].join('; ');
}

export function blankSessionCookie(): string {
  return lucia().createBlankSessionCookie().serialize();
}

/** Ends this request's session; returns the cookie that clears it in the browser. */
export async function endSession(request: Request): Promise<string> {
  const s = await getSession(request);
  if (s) await lucia().invalidateSession(s.sessionId);
  return blankSessionCookie();
}

export async function endAllSessions(userId: string): Promise<void> {
  await lucia().invalidateUserSessions(userId);
}

export async function deleteExpiredSessions(): Promise<void> {
  await lucia().deleteExpiredSessions();
}

export function homePath(role: Role): string {
  return role === 'secretariat' ? '/secretariat' : role === 'counselor' ? '/counselor' : '/partner';
}

/** Only same-site paths: never an open redirect to another origin. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (!to || typeof to !== 'string') return fallback;
  if (!to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  return to;
}
