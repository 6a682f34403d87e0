import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  baseUrl,
  launchBrowser,
  linkIn,
  loginAs,
  newContext,
  pageErrors,
  screenshot,
  submitLogin,
  waitForHeading,
  waitForHydration,
  waitForMail,
  waitForPath,
} from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Unique per run, so the tests never depend on what an earlier run left behind.
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const invitee = {
  name: `招待 テスト ${stamp}`,
  email: `e2e-${stamp}@invitee.example`,
  password: `Invite-${stamp}-pass`,
  newPassword: `Reset-${stamp}-word`,
};

async function fillNewPassword(page: Page, password: string, confirm = password) {
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="confirm"]').fill(confirm);
  await page.getByRole('button', { name: 'パスワードを設定する' }).click();
}

// The steps build on each other (one invited user through its life), so they run in order and
// a step whose prerequisite failed is skipped rather than failing again for the same reason.
describe.sequential('invitation and password reset', () => {
  let inviteLink = '';
  let activated = false;

  test('the secretariat invites a counselor and the invitation email arrives', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await loginAs(page, 'secretariat@demo.example');
      await page.goto('/secretariat/users');
      await waitForHeading(page, 'ユーザー');
      await waitForHydration(page);

      const form = page.locator('form#invite');
      await form.getByLabel('氏名').fill(invitee.name);
      await form.getByLabel('メールアドレス').fill(invitee.email);
      await form.getByLabel('役割').selectOption('counselor');
      await form.getByLabel('メールの言語').selectOption('ja');
      await form.getByRole('button', { name: '招待メールを送る' }).click();

      await page.getByText(`${invitee.email} に招待メールを送りました。`).waitFor();
      // The new user is listed as invited, and the form is cleared for the next invitation.
      const row = page.getByRole('row').filter({ hasText: invitee.email });
      await row.waitFor();
      expect(await row.innerText()).toContain('招待中');
      expect(await row.innerText()).toContain(invitee.name);
      expect(await form.getByLabel('メールアドレス').inputValue()).toBe('');
      await screenshot(page, 'secretariat-users');

      const mail = await waitForMail(
        (m) => m.envelopeTo.includes(invitee.email) && m.text.includes('/invite/'),
        `invitation to ${invitee.email}`,
      );
      expect(mail.subject).toBe('【伴走連携ネットワーク】アカウントのご招待');
      expect(mail.text).toContain(`${invitee.name} 様`);
      expect(mail.from).toContain('no-reply@banso-network.example');
      inviteLink = linkIn(mail, '/invite/');
      expect(inviteLink.startsWith(`${baseUrl()}/invite/`)).toBe(true);
      expect(mail.html).toContain(inviteLink);
      expect(pageErrors(context)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript, the invitation page still checks the password', async ({ skip }) => {
    skip(!inviteLink, 'no invitation link: the invitation step failed');
    // Before its scripts load (slow phone, or scripts blocked) the form posts natively.
    const context = await newContext(browser, { javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(inviteLink);
      await waitForHeading(page, `ようこそ、${invitee.name} さん`);
      await page.locator('input[name="password"]').fill('short-pw');
      await page.locator('input[name="confirm"]').fill('short-pw');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'パスワードを設定する' }).click(),
      ]);
      expect(res.status(), `POST ${res.url()} answered: ${await res.text()}`).toBe(400);
      await page.getByText('パスワードは 12 文字以上にしてください。').waitFor();
      // A rejected password does not use up the link.
      await waitForHeading(page, `ようこそ、${invitee.name} さん`);
    } finally {
      await context.close();
    }
  });

  test('the invitee sets a password through the link and is signed in', async ({ skip }) => {
    skip(!inviteLink, 'no invitation link: the invitation step failed');
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const res = await page.goto(inviteLink);
      expect(res?.status()).toBe(200);
      await waitForHeading(page, `ようこそ、${invitee.name} さん`);
      expect(await page.getByText(invitee.email, { exact: false }).count()).toBeGreaterThan(0);
      await screenshot(page, 'set-password');
      await waitForHydration(page);

      await fillNewPassword(page, 'short-pw');
      await page.getByText('パスワードは 12 文字以上にしてください。').waitFor();
      expect(new URL(page.url()).pathname).toBe(new URL(inviteLink).pathname);

      await fillNewPassword(page, invitee.password);
      await waitForPath(page, '/counselor');
      await waitForHeading(page, '相談員ホーム');
      activated = true;
      await page.getByText(`${invitee.name} さん、おつかれさまです。`).waitFor();

      // A link works once, even for the person it was sent to.
      const again = await page.goto(inviteLink);
      expect(again?.status()).toBe(410);
      await waitForHeading(page, 'リンクを使用できません');
      await page.getByText('このリンクはすでに使用されています', { exact: false }).waitFor();
      expect(await page.locator('input[name="password"]').count()).toBe(0);
      expect(pageErrors(context)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the new user can log in with the password they chose', async ({ skip }) => {
    skip(!activated, 'the invitee could not set a password');
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await loginAs(page, invitee.email, invitee.password);
      await waitForPath(page, '/counselor');
      await waitForHeading(page, '相談員ホーム');
      expect(pageErrors(context)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a forgotten password is reset through the emailed link', async ({ skip }) => {
    skip(!activated, 'the invitee could not set a password');
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await waitForHydration(page);
      await page.getByRole('link', { name: 'パスワードを忘れた場合' }).click();
      await waitForPath(page, '/forgot-password');
      await waitForHeading(page, 'パスワードの再設定');
      await page.getByLabel('メールアドレス').fill(invitee.email);
      await page.getByRole('button', { name: '再設定リンクを送る' }).click();
      await page
        .getByText('アカウントが存在する場合、再設定用のリンクをお送りしました。', {
          exact: false,
        })
        .waitFor();

      const mail = await waitForMail(
        (m) => m.envelopeTo.includes(invitee.email) && m.text.includes('/reset-password/'),
        `password reset for ${invitee.email}`,
      );
      expect(mail.subject).toBe('【伴走連携ネットワーク】パスワード再設定のご案内');
      const resetLink = linkIn(mail, '/reset-password/');

      await page.goto(resetLink);
      await waitForHeading(page, '新しいパスワードの設定');
      await waitForHydration(page);
      await fillNewPassword(page, invitee.newPassword, `${invitee.newPassword}x`);
      await page.getByText('確認用のパスワードが一致しません。').waitFor();
      await fillNewPassword(page, invitee.newPassword);
      await waitForPath(page, '/counselor');
      await waitForHeading(page, '相談員ホーム');

      // Setting the password signed this browser in; log out and use the new password.
      await page.locator('header').getByRole('button', { name: 'ログアウト' }).click();
      await waitForPath(page, '/login');

      await submitLogin(page, invitee.email, invitee.password);
      await page.getByText('メールアドレスまたはパスワードが正しくありません。').waitFor();

      await submitLogin(page, invitee.email, invitee.newPassword);
      await waitForPath(page, '/counselor');
      await waitForHeading(page, '相談員ホーム');

      // The reset link, too, works only once.
      await page.goto(resetLink);
      await page.getByText('このリンクはすでに使用されています', { exact: false }).waitFor();
      expect(pageErrors(context)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
