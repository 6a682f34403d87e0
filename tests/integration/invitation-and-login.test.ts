import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { getUser } from '~/modules/auth/auth.server';
import { hashToken } from '~/modules/auth/tokens.server';
import { checkLink, completeLink, inviteUser, login } from '~/modules/auth/users.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { action as logoutAction } from '~/routes/logout';
import { ctx, requestWithSession } from '../support/requests';

const PASSWORD = 'a long enough passphrase';
const secretariat = { userId: null, name: '事務局テスト', ip: '127.0.0.1' };

async function invite(
  email: string,
  role: 'counselor' | 'partner' = 'counselor',
  partnerId?: string,
) {
  const { userId, url } = await db
    .transaction()
    .execute((tx) =>
      inviteUser(tx, { email, name: '招待 太郎', role, partnerId, locale: 'ja' }, secretariat),
    );
  return { userId, token: url.split('/invite/')[1] };
}

describe('invitation → password → login → logout', () => {
  it('lets an invited person set a password, log in and log out', async () => {
    const { userId, token } = await invite('Newcomer@Example.org');

    // The invitation email is queued in the same transaction, addressed to the person.
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['to_address', 'subject', 'text_body'])
      .where('template', '=', 'invitation')
      .executeTakeFirstOrThrow();
    expect(mail.to_address).toBe('newcomer@example.org');
    expect(mail.text_body).toContain(`/invite/${token}`);
    // Only a hash of the token is stored.
    const stored = await db
      .selectFrom('user_token')
      .select('token_hash')
      .where('user_id', '=', userId)
      .execute();
    expect(stored).toEqual([{ token_hash: hashToken(token) }]);

    expect(await checkLink(token, 'invitation')).toMatchObject({
      state: 'valid',
      email: 'newcomer@example.org',
    });
    const done = await completeLink(token, 'invitation', PASSWORD, ctx.clientIp);
    expect(done).toMatchObject({ ok: true, role: 'counselor' });
    if (!done.ok) return;
    expect(await getUser(requestWithSession('/', done.cookie))).toMatchObject({
      id: userId,
      role: 'counselor',
    });

    const loggedIn = await login('NEWCOMER@example.org', PASSWORD, ctx.clientIp);
    expect(loggedIn.ok).toBe(true);
    if (!loggedIn.ok) return;
    // Each login gets a new session id (no fixation).
    expect(loggedIn.cookie.split(';')[0]).not.toBe(done.cookie.split(';')[0]);

    const res = (await logoutAction({
      request: requestWithSession('/logout', loggedIn.cookie, { method: 'POST' }),
      params: {},
      context: ctx,
    })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/login');
    expect(res.headers.get('Set-Cookie')).toMatch(/banso_session=;/);
    // The session is gone server-side, not just in the browser.
    expect(await getUser(requestWithSession('/', loggedIn.cookie))).toBeNull();
    expect(await getUser(requestWithSession('/', done.cookie))).not.toBeNull();
  });

  it('refuses a reused link', async () => {
    const { token } = await invite('reuse@example.org');
    expect((await completeLink(token, 'invitation', PASSWORD, ctx.clientIp)).ok).toBe(true);
    expect(
      await completeLink(token, 'invitation', 'another long passphrase', ctx.clientIp),
    ).toEqual({
      ok: false,
      reason: 'used',
    });
    expect(await checkLink(token, 'invitation')).toEqual({ state: 'used' });
    // The password set by the first use still works, the second one never took effect.
    expect((await login('reuse@example.org', PASSWORD, ctx.clientIp)).ok).toBe(true);
    expect((await login('reuse@example.org', 'another long passphrase', ctx.clientIp)).ok).toBe(
      false,
    );
  });

  it('refuses an expired link (72 h)', async () => {
    const { token, userId } = await invite('late@example.org');
    const { expires_at } = await db
      .selectFrom('user_token')
      .select('expires_at')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const hours = (expires_at.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    await db
      .updateTable('user_token')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('user_id', '=', userId)
      .execute();
    expect(await checkLink(token, 'invitation')).toEqual({ state: 'expired' });
    expect(await completeLink(token, 'invitation', PASSWORD, ctx.clientIp)).toEqual({
      ok: false,
      reason: 'expired',
    });
    const user = await db
      .selectFrom('app_user')
      .select(['status', 'password_hash'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ status: 'invited', password_hash: null });
  });

  it('refuses forged links', async () => {
    await invite('forged@example.org');
    for (const forged of ['x'.repeat(43), 'not a token', '../../etc/passwd', '']) {
      expect(await checkLink(forged, 'invitation')).toEqual({ state: 'invalid' });
      expect(await completeLink(forged, 'invitation', PASSWORD, ctx.clientIp)).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    // An invitation token is not a password-reset token.
    const { token } = await invite('purpose@example.org');
    expect(await checkLink(token, 'password_reset')).toEqual({ state: 'invalid' });
  });

  it('a partner invitation needs an existing partner organisation', async () => {
    await expect(invite('p1@example.org', 'partner')).rejects.toMatchObject({
      code: 'errors.partnerRequired',
    });
    const partner = await makePartner(db);
    const { userId } = await invite('p2@example.org', 'partner', partner.id);
    const row = await db
      .selectFrom('app_user')
      .select('partner_id')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(row.partner_id).toBe(partner.id);
    await expect(invite('P2@example.org')).rejects.toMatchObject({ code: 'errors.emailTaken' });
  });

  it('a rolled-back invitation leaves no user, token or email', async () => {
    const count = async () =>
      (
        await sql<{ users: string; tokens: string; mails: string; jobs: string }>`
          select (select count(*) from app_user) as users,
                 (select count(*) from user_token) as tokens,
                 (select count(*) from outgoing_mail) as mails,
                 (select count(*) from graphile_worker.jobs) as jobs`.execute(db)
      ).rows[0];
    const before = await count();
    await expect(
      db.transaction().execute(async (tx) => {
        await inviteUser(
          tx,
          { email: 'ghost@example.org', name: 'Ghost', role: 'counselor' },
          secretariat,
        );
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await count()).toEqual(before);
    // The same invitation committed does create all three.
    await invite('ghost@example.org');
    const after = await count();
    expect(Number(after.users)).toBe(Number(before.users) + 1);
    expect(Number(after.mails)).toBe(Number(before.mails) + 1);
    expect(Number(after.jobs)).toBe(Number(before.jobs) + 1);
  });
});

describe('login errors and lock-out', () => {
  it('says the email or password is wrong, without telling which', async () => {
    await makeUser(db, { role: 'counselor', email: 'known@example.org', password: PASSWORD });
    expect(await login('known@example.org', 'wrong password!', ctx.clientIp)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await login('unknown@example.org', PASSWORD, ctx.clientIp)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('locks an account after 10 failures in 15 minutes and releases it after the window', async () => {
    await makeUser(db, { role: 'counselor', email: 'target@example.org', password: PASSWORD });
    const t0 = new Date();
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    // Failures from different addresses: the account lock must not depend on one IP.
    for (let i = 0; i < 9; i++) {
      expect(await login('target@example.org', `wrong-${i}`, `203.0.113.${i}`, at(i))).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    const tenth = await login('target@example.org', 'wrong-10', '203.0.113.10', at(9));
    expect(tenth).toMatchObject({ ok: false, reason: 'locked' });
    // Even the right password is refused while locked, with the time it ends.
    const during = await login('target@example.org', PASSWORD, '203.0.113.11', at(10));
    expect(during).toMatchObject({ ok: false, reason: 'locked' });
    if (during.ok || during.reason !== 'locked') return;
    expect(during.until.getTime()).toBe(at(24).getTime());
    expect((await login('target@example.org', PASSWORD, '203.0.113.11', at(23.9))).ok).toBe(false);
    // After 15 minutes the right password works again.
    expect((await login('target@example.org', PASSWORD, '203.0.113.11', at(24.1))).ok).toBe(true);
  });

  it('locks an address that tries many accounts', async () => {
    await makeUser(db, { role: 'counselor', email: 'innocent@example.org', password: PASSWORD });
    const ip = '192.0.2.99';
    for (let i = 0; i < 10; i++) await login(`guess${i}@example.org`, 'password guess', ip);
    expect(await login('innocent@example.org', PASSWORD, ip)).toMatchObject({
      ok: false,
      reason: 'locked',
    });
    // The same account from another address is not affected.
    expect((await login('innocent@example.org', PASSWORD, '192.0.2.100')).ok).toBe(true);
  });

  it('failures spread over more than 15 minutes do not lock', async () => {
    await makeUser(db, { role: 'counselor', email: 'slow@example.org', password: PASSWORD });
    const t0 = Date.now();
    for (let i = 0; i < 12; i++) {
      const r = await login(
        'slow@example.org',
        'wrong',
        `198.51.100.${i}`,
        new Date(t0 + i * 2 * 60_000),
      );
      expect(r).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
