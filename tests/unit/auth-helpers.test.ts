import { describe, expect, it } from 'vitest';
import { homePath, safeRedirect } from '~/modules/auth/auth.server';
import { newPasswordSchema, setPasswordSchema } from '~/modules/auth/password-policy';
import { inviteSchema } from '~/modules/auth/schemas';

describe('safeRedirect', () => {
  it('keeps same-site paths', () => {
    expect(safeRedirect('/secretariat/users?q=a')).toBe('/secretariat/users?q=a');
  });
  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
    null,
  ])('refuses %s', (to) => {
    expect(safeRedirect(to, '/home')).toBe('/home');
  });
});

describe('password policy', () => {
  it('needs 12 characters', () => {
    expect(newPasswordSchema.safeParse('short pass').success).toBe(false);
    expect(newPasswordSchema.safeParse('a long enough one').success).toBe(true);
  });
  it('refuses common and repetitive passwords', () => {
    expect(newPasswordSchema.safeParse('Password1234').error?.issues[0].message).toBe(
      'errors.passwordCommon',
    );
    expect(newPasswordSchema.safeParse('abababababab').error?.issues[0].message).toBe(
      'errors.passwordCommon',
    );
  });
  it('requires the confirmation to match', () => {
    const r = setPasswordSchema.safeParse({
      password: 'a long enough one',
      confirm: 'a long enough 1',
    });
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ path: ['confirm'], message: 'errors.passwordMismatch' }),
    ]);
  });
});

describe('invitation form', () => {
  it('a partner user needs a partner, and staff must not have one', () => {
    const base = { name: 'A', email: 'a@example.org' };
    expect(inviteSchema.safeParse({ ...base, role: 'partner' }).error?.issues[0]).toMatchObject({
      path: ['partnerId'],
      message: 'errors.partnerRequired',
    });
    expect(
      inviteSchema.safeParse({
        ...base,
        role: 'counselor',
        partnerId: '5f0c1e1e-8c7b-4a55-9a8e-2b1d7f1c0a11',
      }).error?.issues[0].message,
    ).toBe('errors.partnerOnlyForPartners');
    expect(inviteSchema.safeParse({ ...base, role: 'counselor' }).success).toBe(true);
  });
});

it('each role has its home page', () => {
  expect([homePath('secretariat'), homePath('counselor'), homePath('partner')]).toEqual([
    '/secretariat',
    '/counselor',
    '/partner',
  ]);
});
