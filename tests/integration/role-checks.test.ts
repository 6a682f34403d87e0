import { describe, expect, it } from 'vitest';
import { db } from '~/lib/db.server';
import { makePartner, makeUser } from '~/modules/demo/factories.server';
import { login } from '~/modules/auth/users.server';
import { loader as appLayoutLoader } from '~/routes/_app';
import { loader as counselorHome } from '~/routes/_app.counselor._index';
import { loader as partnerHome } from '~/routes/_app.partner._index';
import { loader as secretariatHome } from '~/routes/_app.secretariat._index';
import { action as usersAction, loader as usersLoader } from '~/routes/_app.secretariat.users';
import { loader as mailLoader } from '~/routes/_app.secretariat.mail';
import { loader as partnerCaseLoader } from '~/routes/_app.partner.requests.$id._index';
import { loader as reviewQueueLoader } from '~/routes/_app.visits._index';
import { action as reviewAction, loader as reviewLoader } from '~/routes/_app.visits.$visitId';
import { ctx, requestWithSession, settle } from '../support/requests';

async function sessionFor(role: 'secretariat' | 'counselor' | 'partner') {
  const partnerId = role === 'partner' ? (await makePartner(db)).id : null;
  const user = await makeUser(db, { role, partnerId });
  const r = await login(user!.email, user!.password, ctx.clientIp);
  if (!r.ok) throw new Error('login failed');
  return r.cookie;
}

type Loader = (args: {
  request: Request;
  params: Record<string, string>;
  context: typeof ctx;
}) => Promise<unknown>;
const call = (fn: Loader, path: string, cookie: string | null, init?: RequestInit) =>
  settle(() => fn({ request: requestWithSession(path, cookie, init), params: {}, context: ctx }));

describe('every page checks the role on the server', () => {
  it('sends an anonymous visitor to login, remembering where they were going', async () => {
    for (const [fn, path] of [
      [secretariatHome, '/secretariat'],
      [usersLoader, '/secretariat/users?q=a'],
      [counselorHome, '/counselor'],
      [appLayoutLoader, '/account'],
    ] as [Loader, string][]) {
      const res = await call(fn, path, null);
      expect(res).toBeInstanceOf(Response);
      expect((res as Response).status).toBe(302);
      expect((res as Response).headers.get('Location')).toBe(
        `/login?redirectTo=${encodeURIComponent(path)}`,
      );
    }
  });

  it('answers 403 to a counselor on secretariat pages and actions', async () => {
    const cookie = await sessionFor('counselor');
    for (const [fn, path] of [
      [secretariatHome, '/secretariat'],
      [usersLoader, '/secretariat/users'],
      [mailLoader, '/secretariat/mail'],
      [partnerHome, '/partner'],
      [partnerCaseLoader, '/partner/requests/00000000-0000-4000-8000-000000000000'],
    ] as [Loader, string][]) {
      const res = await call(fn, path, cookie);
      expect((res as Response).status, path).toBe(403);
    }
    const form = new URLSearchParams({
      intent: 'invite',
      name: 'X',
      email: 'x@example.org',
      role: 'secretariat',
    });
    const res = await call(usersAction as Loader, '/secretariat/users', cookie, {
      method: 'POST',
      body: form,
    });
    expect((res as Response).status).toBe(403);
    // …and nothing was created.
    expect(
      await db.selectFrom('app_user').select('id').where('email', '=', 'x@example.org').execute(),
    ).toEqual([]);
    expect(await call(counselorHome, '/counselor', cookie)).toEqual({
      name: 'counselor user',
      rows: [],
      next: null,
      prev: null,
    });
  });

  it('answers 403 to a partner on counselor and secretariat pages', async () => {
    const cookie = await sessionFor('partner');
    expect(((await call(counselorHome, '/counselor', cookie)) as Response).status).toBe(403);
    expect(((await call(secretariatHome, '/secretariat', cookie)) as Response).status).toBe(403);
    // Visit review is for counselors and the secretariat only, reading and writing.
    expect(((await call(reviewQueueLoader, '/visits', cookie)) as Response).status).toBe(403);
    const visit = '/visits/00000000-0000-4000-8000-000000000000';
    expect(((await call(reviewLoader, visit, cookie)) as Response).status).toBe(403);
    const approve = new URLSearchParams({ intent: 'approve', version: '1' });
    expect(
      (
        (await call(reviewAction as Loader, visit, cookie, {
          method: 'POST',
          body: approve,
        })) as Response
      ).status,
    ).toBe(403);
    expect(await call(partnerHome, '/partner', cookie)).toMatchObject({ name: 'partner user' });
  });

  it('lets the secretariat invite, and rejects bad input with field errors and no write', async () => {
    const cookie = await sessionFor('secretariat');
    const bad = new URLSearchParams({ name: '', email: 'not-an-email', role: 'boss' });
    const res = (await call(usersAction as Loader, '/secretariat/users', cookie, {
      method: 'POST',
      body: bad,
    })) as {
      data: { result: { error: Record<string, string[]> } };
      init: { status: number };
    };
    expect(res.init.status).toBe(400);
    expect(res.data.result.error).toMatchObject({
      name: ['errors.required'],
      email: ['errors.invalidEmail'],
      role: ['errors.invalidChoice'],
    });
    const good = new URLSearchParams({
      name: '新人 相談員',
      email: 'new.counselor@example.org',
      role: 'counselor',
      locale: 'en',
    });
    const ok = (await call(usersAction as Loader, '/secretariat/users', cookie, {
      method: 'POST',
      body: good,
    })) as {
      email: string;
    };
    expect(ok.email).toBe('new.counselor@example.org');
    const created = await db
      .selectFrom('app_user')
      .select(['role', 'status', 'locale'])
      .where('email', '=', 'new.counselor@example.org')
      .executeTakeFirstOrThrow();
    expect(created).toEqual({ role: 'counselor', status: 'invited', locale: 'en' });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'ip'])
      .where('action', '=', 'user.invite')
      .execute();
    expect(audit).toEqual([{ action: 'user.invite', ip: ctx.clientIp }]);
    const mail = await db
      .selectFrom('outgoing_mail')
      .select(['subject', 'to_address'])
      .executeTakeFirstOrThrow();
    expect(mail).toEqual({
      subject: '[Partner network] You are invited',
      to_address: 'new.counselor@example.org',
    });
  });
});
