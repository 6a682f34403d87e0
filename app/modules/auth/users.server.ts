import { sql } from 'kysely';
import type { Locale, Role } from '../../../db/schema';
import { db, type Queryable, type Tx } from '~/lib/db.server';
import { appUrl } from '~/lib/env.server';
import { bilingualDateTime } from '~/lib/format';
import { audit } from '~/modules/audit/audit.server';
import { DomainError } from '~/modules/errors';
import { enqueueEmail } from '~/modules/mail/mail.server';
import { partnerExists } from '~/modules/partners/partners.server';
import { endAllSessions, startSession } from './auth.server';
import { hashPassword, timingSafeDummyVerify, verifyPassword } from './password.server';
import { lockedUntil, recordLoginAttempt } from './throttle.server';
import {
  consumeToken,
  inspectToken,
  INVITATION_TTL_HOURS,
  issueToken,
  RESET_TTL_HOURS,
} from './tokens.server';

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  secretariat: { ja: '事務局', en: 'Secretariat' },
  counselor: { ja: '相談員', en: 'Counselor' },
  partner: { ja: 'パートナー', en: 'Partner' },
};

export interface InviteInput {
  email: string;
  name: string;
  role: Role;
  partnerId?: string | null;
  locale?: Locale;
}

/**
 * Creates the account (status invited) and emails a single-use link valid 72 h, in one
 * transaction. Returns the link too, for the operator CLI.
 */
export async function inviteUser(
  tx: Tx,
  input: InviteInput,
  by: { userId: string | null; name: string; ip?: string | null },
): Promise<{ userId: string; url: string }> {
  const email = input.email.trim().toLowerCase();
  if ((input.role === 'partner') !== Boolean(input.partnerId)) {
    throw new DomainError(
      input.role === 'partner' ? 'errors.partnerRequired' : 'errors.partnerOnlyForPartners',
      'partnerId',
    );
  }
  if (input.partnerId) {
    if (!(await partnerExists(tx, input.partnerId)))
      throw new DomainError('errors.partnerNotFound', 'partnerId');
  }
  const existing = await tx
    .selectFrom('app_user')
    .select('id')
    .where(sql`lower(email)`, '=', email)
    .executeTakeFirst();
  if (existing) throw new DomainError('errors.emailTaken', 'email');

  const user = await tx
    .insertInto('app_user')
    .values({
      email,
      name: input.name.trim(),
      role: input.role,
      partner_id: input.partnerId ?? null,
      locale: input.locale ?? 'ja',
      password_hash: null,
    })
    .returning(['id', 'locale'])
    .executeTakeFirstOrThrow();
  const url = await sendInvitation(tx, { userId: user.id, by });
  await audit(tx, {
    actorId: by.userId,
    action: 'user.invite',
    subjectType: 'user',
    subjectId: user.id,
    detail: { email, role: input.role, partnerId: input.partnerId ?? null },
    ip: by.ip,
  });
  return { userId: user.id, url };
}

async function sendInvitation(
  tx: Tx,
  opts: { userId: string; by: { userId: string | null; name: string } },
): Promise<string> {
  const user = await tx
    .selectFrom('app_user')
    .select(['id', 'email', 'name', 'role', 'locale'])
    .where('id', '=', opts.userId)
    .executeTakeFirstOrThrow();
  const { token, expiresAt } = await issueToken(tx, {
    userId: user.id,
    purpose: 'invitation',
    ttlHours: INVITATION_TTL_HOURS,
    createdBy: opts.by.userId,
  });
  const url = `${appUrl()}/invite/${token}`;
  await enqueueEmail(tx, {
    template: 'invitation',
    to: user.email,
    locale: user.locale,
    data: {
      name: user.name,
      inviterName: opts.by.name,
      roleLabel: ROLE_LABELS[user.role],
      url,
      expiresAt: bilingualDateTime(expiresAt),
    },
  });
  return url;
}

/** A new link for someone who has not yet accepted (the old link stops working). */
export async function resendInvitation(
  tx: Tx,
  userId: string,
  by: { userId: string; name: string; ip?: string | null },
): Promise<string> {
  const user = await tx
    .selectFrom('app_user')
    .select(['id', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new DomainError('errors.notFound');
  if (user.status !== 'invited') throw new DomainError('errors.alreadyActive');
  const url = await sendInvitation(tx, { userId, by });
  await audit(tx, {
    actorId: by.userId,
    action: 'user.reinvite',
    subjectType: 'user',
    subjectId: userId,
    ip: by.ip,
  });
  return url;
}

export type LinkCheck = Awaited<ReturnType<typeof checkLink>>;

/** For the page behind an emailed link: is it usable, and for whom. */
export async function checkLink(token: string, purpose: 'invitation' | 'password_reset') {
  const state = await inspectToken(db, token, purpose);
  if (state.state !== 'valid') return { state: state.state } as const;
  const user = await db
    .selectFrom('app_user')
    .select(['name', 'email', 'status'])
    .where('id', '=', state.userId)
    .executeTakeFirstOrThrow();
  if (user.status === 'disabled') return { state: 'invalid' } as const;
  return { state: 'valid', name: user.name, email: user.email } as const;
}

/**
 * Sets the password behind an invitation or reset link. The token is consumed in the same
 * transaction, so a link works once even under concurrent use. Returns a session cookie.
 */
export async function completeLink(
  token: string,
  purpose: 'invitation' | 'password_reset',
  password: string,
  ip: string,
): Promise<{ ok: true; cookie: string; role: Role } | { ok: false; reason: string }> {
  const passwordHash = await hashPassword(password);
  const result = await db.transaction().execute(async (tx) => {
    const state = await consumeToken(tx, token, purpose);
    if (state.state !== 'valid') return { ok: false as const, reason: state.state };
    const user = await tx
      .updateTable('app_user')
      .set({
        password_hash: passwordHash,
        status: 'active',
        password_changed_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('id', '=', state.userId)
      .where('status', '!=', 'disabled')
      .returning(['id', 'role', 'name', 'email', 'locale'])
      .executeTakeFirst();
    if (!user) return { ok: false as const, reason: 'invalid' };
    if (purpose === 'password_reset') {
      await enqueueEmail(tx, {
        template: 'password_changed',
        to: user.email,
        locale: user.locale,
        data: { name: user.name, at: bilingualDateTime(new Date()) },
      });
    }
    await audit(tx, {
      actorId: user.id,
      action: purpose === 'invitation' ? 'user.accept_invitation' : 'user.reset_password',
      subjectType: 'user',
      subjectId: user.id,
      ip,
    });
    return { ok: true as const, user };
  });
  if (!result.ok) return result;
  // A reset ends every other session (e.g. an attacker's).
  await endAllSessions(result.user.id);
  const cookie = await startSession(result.user.id);
  return { ok: true, cookie, role: result.user.role };
}

export type LoginResult =
  | { ok: true; cookie: string; role: Role; userId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export async function login(
  emailInput: string,
  password: string,
  ip: string,
  now: Date = new Date(),
): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const until = await lockedUntil(db, email, ip, now);
  if (until) return { ok: false, reason: 'locked', until };

  const user = await db
    .selectFrom('app_user')
    .select(['id', 'role', 'password_hash', 'status'])
    .where(sql`lower(email)`, '=', email)
    .executeTakeFirst();
  const valid =
    user?.password_hash && user.status === 'active'
      ? await verifyPassword(user.password_hash, password)
      : await timingSafeDummyVerify(password).then(() => false);

  await recordLoginAttempt(db, { email, ip, succeeded: valid, now });
  if (!valid || !user) {
    const lockedNow = await lockedUntil(db, email, ip, now);
    if (lockedNow) return { ok: false, reason: 'locked', until: lockedNow };
    return { ok: false, reason: 'invalid' };
  }
  const cookie = await startSession(user.id);
  await audit(db, {
    actorId: user.id,
    action: 'auth.login',
    subjectType: 'user',
    subjectId: user.id,
    ip,
  });
  return { ok: true, cookie, role: user.role, userId: user.id };
}

/** Always answers the same way whether or not the address has an account (no enumeration). */
export async function requestPasswordReset(emailInput: string, ip: string): Promise<void> {
  const email = emailInput.trim().toLowerCase();
  await db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('app_user')
      .select(['id', 'name', 'email', 'locale'])
      .where(sql`lower(email)`, '=', email)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!user) return;
    // At most 5 reset mails an hour per account: the form cannot be used to flood a mailbox.
    const recent = await tx
      .selectFrom('user_token')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', user.id)
      .where('purpose', '=', 'password_reset')
      .where('created_at', '>', sql<Date>`now() - interval '1 hour'`)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= 5) return;
    const { token, expiresAt } = await issueToken(tx, {
      userId: user.id,
      purpose: 'password_reset',
      ttlHours: RESET_TTL_HOURS,
    });
    await enqueueEmail(tx, {
      template: 'password_reset',
      to: user.email,
      locale: user.locale,
      data: {
        name: user.name,
        url: `${appUrl()}/reset-password/${token}`,
        expiresAt: bilingualDateTime(expiresAt),
      },
    });
    await audit(tx, {
      actorId: null,
      action: 'user.request_password_reset',
      subjectType: 'user',
      subjectId: user.id,
      ip,
    });
  });
}

/** Changes the password and ends every session; returns a fresh session for this device. */
export async function changePassword(
  userId: string,
  current: string,
  next: string,
  ip: string,
): Promise<{ ok: true; cookie: string } | { ok: false; field: 'current'; code: string }> {
  const user = await db
    .selectFrom('app_user')
    .select(['password_hash', 'email', 'name', 'locale'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (!user.password_hash || !(await verifyPassword(user.password_hash, current))) {
    return { ok: false, field: 'current', code: 'errors.currentPasswordWrong' };
  }
  const passwordHash = await hashPassword(next);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('app_user')
      .set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', userId)
      .execute();
    await enqueueEmail(tx, {
      template: 'password_changed',
      to: user.email,
      locale: user.locale,
      data: { name: user.name, at: bilingualDateTime(new Date()) },
    });
    await audit(tx, {
      actorId: userId,
      action: 'user.change_password',
      subjectType: 'user',
      subjectId: userId,
      ip,
    });
  });
  await endAllSessions(userId);
  return { ok: true, cookie: await startSession(userId) };
}

export async function setUserLocale(q: Queryable, userId: string, locale: Locale) {
  await q
    .updateTable('app_user')
    .set({ locale, updated_at: sql`now()` })
    .where('id', '=', userId)
    .execute();
}

export async function listUsers(opts: { page: number; pageSize: number; q?: string }) {
  let base = db.selectFrom('app_user as u').leftJoin('partner as p', 'p.id', 'u.partner_id');
  if (opts.q) {
    const like = `%${opts.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    base = base.where((eb) => eb.or([eb('u.name', 'ilike', like), eb('u.email', 'ilike', like)]));
  }
  const [rows, total] = await Promise.all([
    base
      .select([
        'u.id',
        'u.name',
        'u.email',
        'u.role',
        'u.status',
        'u.created_at',
        'p.name as partnerName',
      ])
      .orderBy('u.created_at', 'desc')
      .orderBy('u.id')
      .limit(opts.pageSize)
      .offset((opts.page - 1) * opts.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function userCounts() {
  const rows = await db
    .selectFrom('app_user')
    .select(['role', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy(['role', 'status'])
    .execute();
  return rows.map((r) => ({ role: r.role, status: r.status, n: Number(r.n) }));
}
