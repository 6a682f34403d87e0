import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createI18n, tKey } from '~/i18n/i18n';
import {
  breachedListSize,
  isBreachedPassword,
  serverChangePasswordSchema,
  serverSetPasswordSchema,
} from '~/modules/auth/breached-passwords.server';
import {
  newPasswordSchema,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '~/modules/auth/password-policy';
import { setPasswordAction } from '~/modules/auth/set-password-route.server';

// Read independently of the module, as a person would check the shipped file.
const shipped = readFileSync('app/assets/passwords/common-passwords.txt', 'utf8')
  .split('\n')
  .filter((l) => l !== '');
// Entries the browser-side rules accept: only the server's list stands between them and use.
const onlyServerRefuses = shipped.filter((p) => newPasswordSchema.safeParse(p).success);

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => i.message);

describe('the shipped breached-password list', () => {
  it('is a real list of passwords the length rule alone would accept', () => {
    expect(shipped.length).toBeGreaterThan(400);
    for (const p of shipped) {
      expect(p.length, p).toBeGreaterThanOrEqual(PASSWORD_MIN_LENGTH);
      expect(p.length, p).toBeLessThanOrEqual(PASSWORD_MAX_LENGTH);
    }
    expect(breachedListSize()).toBe(new Set(shipped.map((p) => p.toLowerCase())).size);
    // Most entries pass the browser's small built-in checks: the list adds real protection.
    expect(onlyServerRefuses.length).toBeGreaterThan(shipped.length / 2);
  });

  it('refuses every listed password, in any letter case, with one message', () => {
    for (const p of onlyServerRefuses) {
      for (const variant of [p, p.toUpperCase()]) {
        const r = serverSetPasswordSchema.safeParse({ password: variant, confirm: variant });
        expect(messages(r), variant).toEqual(['errors.passwordBreached']);
        expect(r.error!.issues[0].path).toEqual(['password']);
      }
    }
  });

  it('refuses a listed password when changing it on the account page too', () => {
    const listed = onlyServerRefuses[0];
    const r = serverChangePasswordSchema.safeParse({
      current: 'whatever it was',
      password: listed,
      confirm: listed,
    });
    expect(messages(r)).toEqual(['errors.passwordBreached']);
    expect(r.error!.issues[0].path).toEqual(['password']);
  });

  it('says why in Japanese and English', () => {
    const ja = createI18n('ja').t;
    const en = createI18n('en').t;
    expect(tKey(ja, 'errors.passwordBreached')).toBe(
      'このパスワードは流出したパスワードの一覧に載っています。別のパスワードにしてください。',
    );
    expect(tKey(en, 'errors.passwordBreached')).toBe(
      'This password appears in lists of leaked passwords. Choose another.',
    );
  });

  it('keeps the other rules and their single message (no double report)', () => {
    const short = serverSetPasswordSchema.safeParse({ password: 'abcdefg', confirm: 'abcdefg' });
    expect(messages(short)).toEqual(['errors.passwordTooShort']);
    const common = serverSetPasswordSchema.safeParse({
      password: 'Password1234',
      confirm: 'Password1234',
    });
    expect(messages(common)).toEqual(['errors.passwordCommon']);
  });

  it('accepts strong passwords', () => {
    for (const p of [
      'correct horse battery staple',
      '伴走パートナー天草2026春',
      'q8#Vt2!mZr0@Lw5p',
    ]) {
      expect(isBreachedPassword(p)).toBe(false);
      expect(serverSetPasswordSchema.safeParse({ password: p, confirm: p }).success, p).toBe(true);
    }
    // Random long passphrases from a wide alphabet are never on the list.
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 16, maxLength: 40 }).filter((p) => {
          const n = [...p].length;
          return p.length <= PASSWORD_MAX_LENGTH && n >= 16 && new Set(p).size >= 5;
        }),
        (p) => serverSetPasswordSchema.safeParse({ password: p, confirm: p }).success,
      ),
      { numRuns: 200 },
    );
  });

  it('reaches the person through the invitation/reset form as a field error', async () => {
    const listed = onlyServerRefuses[0];
    const body = new URLSearchParams({ password: listed, confirm: listed });
    const res = (await setPasswordAction('invitation')({
      request: new Request('http://localhost:3000/invite/x', { method: 'POST', body }),
      params: { token: 'x' },
      context: { clientIp: '198.51.100.7' },
    })) as { data: { result: { error: Record<string, string[]> } }; init: { status: number } };
    expect(res.init.status).toBe(400);
    expect(res.data.result.error.password).toEqual(['errors.passwordBreached']);
  });
});
