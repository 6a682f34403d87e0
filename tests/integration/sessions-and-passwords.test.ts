import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { getUser } from '~/modules/auth/auth.server';
import { makeUser } from '~/modules/demo/factories.server';
import {
  changePassword,
  completeLink,
  login,
  requestPasswordReset,
} from '~/modules/auth/users.server';
import { action as accountAction } from '~/routes/_app.account';
import { ctx, requestWithSession } from '../support/requests';

const PASSWORD = 'first long passphrase';

async function signIn(email: string, password = PASSWORD) {
  const r = await login(email, password, ctx.clientIp);
  if (!r.ok) throw new Error(`login failed: ${r.reason}`);
  return r.cookie;
}
const isSignedIn = async (cookie: string) =>
  (await getUser(requestWithSession('/', cookie))) !== null;

describe('password reset', () => {
  it('emails a single-use link; using it sets the password and ends other sessions', async () => {
    const user = (await makeUser(db, {
      role: 'counselor',
      email: 'forgetful@example.org',
      password: PASSWORD,
    }))!;
    const oldSession = await signIn(user.email);
    await requestPasswordReset('Forgetful@Example.org', ctx.clientIp);
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['to_address', 'text_body'])
      .where('template', '=', 'password_reset')
      .executeTakeFirstOrThrow();
    expect(mail.to_address).toBe('forgetful@example.org');
    const token = mail.text_body.match(/\/reset-password\/([A-Za-z0-9_-]+)/)![1];

    const done = await completeLink(token, 'password_reset', 'brand new passphrase', ctx.clientIp);
    expect(done.ok).toBe(true);
    expect(await isSignedIn(oldSession)).toBe(false);
    expect((await login(user.email, PASSWORD, ctx.clientIp)).ok).toBe(false);
    expect((await login(user.email, 'brand new passphrase', ctx.clientIp)).ok).toBe(true);
    expect(await completeLink(token, 'password_reset', 'third passphrase!!', ctx.clientIp)).toEqual(
      {
        ok: false,
        reason: 'used',
      },
    );
    // The account owner is told the password changed.
    const notices = await db
      .selectFrom('outgoing_mail')
      .select('id')
      .where('template', '=', 'password_changed')
      .execute();
    expect(notices).toHaveLength(1);
  });

  it('answers the same for unknown addresses and sends nothing', async () => {
    const before = await db.selectFrom('outgoing_mail').select('id').execute();
    await requestPasswordReset('nobody@example.org', ctx.clientIp);
    expect(await db.selectFrom('outgoing_mail').select('id').execute()).toEqual(before);
  });

  it('sends at most 5 reset emails an hour per account', async () => {
    await makeUser(db, { role: 'counselor', email: 'flooded@example.org' });
    for (let i = 0; i < 8; i++) await requestPasswordReset('flooded@example.org', ctx.clientIp);
    const sent = await db
      .selectFrom('outgoing_mail')
      .select('id')
      .where('to_address', '=', 'flooded@example.org')
      .execute();
    expect(sent).toHaveLength(5);
  });
});

describe('sessions', () => {
  it('a password change ends the other sessions and keeps this device signed in', async () => {
    const user = (await makeUser(db, { role: 'secretariat', password: PASSWORD }))!;
    const phone = await signIn(user.email);
    const laptop = await signIn(user.email);
    expect(
      await changePassword(user.id, 'not my password', 'next long passphrase', ctx.clientIp),
    ).toEqual({
      ok: false,
      field: 'current',
      code: 'errors.currentPasswordWrong',
    });
    expect(await isSignedIn(phone)).toBe(true);
    const changed = await changePassword(user.id, PASSWORD, 'next long passphrase', ctx.clientIp);
    expect(changed.ok).toBe(true);
    if (!changed.ok) return;
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(changed.cookie)).toBe(true);
  });

  it('"log out of all devices" ends every session', async () => {
    const user = (await makeUser(db, { role: 'counselor', password: PASSWORD }))!;
    const a = await signIn(user.email);
    const b = await signIn(user.email);
    const res = (await accountAction({
      request: requestWithSession('/account', a, {
        method: 'POST',
        body: new URLSearchParams({ intent: 'logout-all' }),
      }),
      params: {},
      context: ctx,
    })) as Response;
    expect(res.status).toBe(302);
    expect(await isSignedIn(a)).toBe(false);
    expect(await isSignedIn(b)).toBe(false);
  });

  it('expires after 12 idle hours and after 30 days whatever the activity', async () => {
    const user = (await makeUser(db, { role: 'counselor', password: PASSWORD }))!;
    const idle = await signIn(user.email);
    const old = await signIn(user.email);
    const id = (c: string) => c.split(';')[0].split('=')[1];
    await db
      .updateTable('user_session')
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where('id', '=', id(idle))
      .execute();
    await db
      .updateTable('user_session')
      .set({ created_at: sql`now() - interval '31 days'` })
      .where('id', '=', id(old))
      .execute();
    expect(await isSignedIn(idle)).toBe(false);
    expect(await isSignedIn(old)).toBe(false);
    // Both are gone from the database, not only refused.
    expect(
      await db
        .selectFrom('user_session')
        .select('id')
        .where('id', 'in', [id(idle), id(old)])
        .execute(),
    ).toEqual([]);
  });

  it('a session cookie is HttpOnly and SameSite=Lax, and the session lasts 12 idle hours', async () => {
    const user = (await makeUser(db, { role: 'counselor', password: PASSWORD }))!;
    const cookie = await signIn(user.email);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const { expires_at } = await db
      .selectFrom('user_session')
      .select('expires_at')
      .where('id', '=', cookie.split(';')[0].split('=')[1])
      .executeTakeFirstOrThrow();
    const hours = (expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
  });

  it('a disabled account is signed out at once', async () => {
    const user = (await makeUser(db, { role: 'counselor', password: PASSWORD }))!;
    const cookie = await signIn(user.email);
    await db
      .updateTable('app_user')
      .set({ status: 'disabled' })
      .where('id', '=', user.id)
      .execute();
    expect(await isSignedIn(cookie)).toBe(false);
    expect((await login(user.email, PASSWORD, ctx.clientIp)).ok).toBe(false);
  });
});

describe('audit log', () => {
  it('is append-only for the application', async () => {
    const user = (await makeUser(db, { role: 'counselor', password: PASSWORD }))!;
    await signIn(user.email);
    await expect(db.updateTable('audit_log').set({ action: 'tampered' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    const rows = await db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_id', '=', user.id)
      .execute();
    expect(rows).toEqual([{ action: 'auth.login' }]);
  });
});
