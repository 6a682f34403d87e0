import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  DEMO_PASSWORD,
  launchBrowser,
  loginAs,
  newContext,
  pageErrors,
  pathname,
  screenshot,
  submitLogin,
  waitForHeading,
  waitForHydration,
  waitForPath,
} from './support';

const roles = [
  {
    role: 'secretariat',
    email: 'secretariat@demo.example',
    home: '/secretariat',
    ja: '事務局ダッシュボード',
    en: 'Secretariat dashboard',
  },
  {
    role: 'counselor',
    email: 'counselor1@demo.example',
    home: '/counselor',
    ja: '相談員ホーム',
    en: 'Counselor home',
  },
  {
    role: 'partner',
    email: 'amakusa@demo.example',
    home: '/partner',
    ja: 'パートナーホーム',
    en: 'Partner home',
  },
] as const;

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
});
afterEach(async () => {
  try {
    // No page may crash in the browser, even where the server-rendered HTML looks right.
    expect(pageErrors(context)).toEqual([]);
  } finally {
    await context?.close();
  }
});

const htmlLang = (p: Page) => p.locator('html').getAttribute('lang');

describe.each(roles)('$role ($email)', ({ role, email, home, ja, en }) => {
  test('logs in to the home page, switches language, and the choice persists', async () => {
    await page.goto('/login');
    await waitForHeading(page, 'ログイン');
    await waitForHydration(page);
    await submitLogin(page, email, DEMO_PASSWORD);
    await waitForPath(page, home);
    await waitForHeading(page, ja);
    expect(await htmlLang(page)).toBe('ja');
    // The header names the role of the signed-in user.
    await page.locator('header .role-badge').waitFor();
    expect(await page.locator('header .role-badge').innerText()).toBe(
      { secretariat: '事務局', counselor: '相談員', partner: 'パートナー' }[role],
    );
    await screenshot(page, `${role}-ja`);

    await page.locator('header').getByRole('button', { name: 'English', exact: true }).click();
    await waitForHeading(page, en);
    expect(pathname(page)).toBe(home);
    expect(await htmlLang(page)).toBe('en');
    await page.locator('header').getByRole('button', { name: 'Log out' }).waitFor();

    // Stored on the user, not only in this page's state.
    await page.reload();
    await waitForHeading(page, en);
    expect(await htmlLang(page)).toBe('en');
    await screenshot(page, `${role}-en`);

    // ... so it follows the user to a new browser (new session, no language cookie).
    const other = await newContext(browser);
    try {
      const p2 = await other.newPage();
      await loginAs(p2, email);
      await waitForPath(p2, home);
      await waitForHeading(p2, en);
    } finally {
      await other.close();
    }

    // Back to Japanese, which also restores the demo user for the other tests.
    await page.locator('header').getByRole('button', { name: '日本語', exact: true }).click();
    await waitForHeading(page, ja);
    await page.reload();
    await waitForHeading(page, ja);
    expect(await htmlLang(page)).toBe('ja');
  });
});

describe('access control and errors', () => {
  test('a counselor opening the secretariat dashboard gets the 403 page', async () => {
    await loginAs(page, 'counselor1@demo.example');
    await waitForPath(page, '/counselor');
    const res = await page.goto('/secretariat');
    expect(res?.status()).toBe(403);
    await waitForHeading(page, 'アクセス権がありません');
    expect(await page.getByText('このページを表示する権限がありません。').isVisible()).toBe(true);
    expect(await page.getByText('事務局ダッシュボード').count()).toBe(0);
    // The page keeps the app's header, so the user is not stranded.
    expect(await page.locator('header').getByRole('link', { name: 'ホーム' }).count()).toBe(1);
  });

  test('an anonymous visit is sent to login and returned to the page afterwards', async () => {
    await page.goto('/secretariat/users');
    await waitForPath(page, '/login', `?redirectTo=${encodeURIComponent('/secretariat/users')}`);
    await waitForHeading(page, 'ログイン');
    await submitLogin(page, 'secretariat@demo.example', DEMO_PASSWORD);
    await waitForPath(page, '/secretariat/users');
    await waitForHeading(page, 'ユーザー');
    expect(await page.getByRole('cell', { name: 'counselor1@demo.example' }).count()).toBe(1);
  });

  test('a wrong password shows an error and does not sign in', async () => {
    await page.goto('/login');
    await submitLogin(page, 'secretariat@demo.example', 'not-the-password-2026');
    const error = page.getByText('メールアドレスまたはパスワードが正しくありません。');
    await error.waitFor();
    expect(pathname(page)).toBe('/login');
    await page.goto('/secretariat');
    await waitForPath(page, '/login', `?redirectTo=${encodeURIComponent('/secretariat')}`);
  });

  test('an unknown address shows the 404 page with status 404', async () => {
    const res = await page.goto('/no-such-page');
    expect(res?.status()).toBe(404);
    await waitForHeading(page, 'ページが見つかりません');
    await page.getByRole('link', { name: 'ホームへ戻る' }).click();
    await waitForPath(page, '/login');
  });

  test('logging out ends the session: back and revisiting lead to the login page', async () => {
    await loginAs(page, 'secretariat@demo.example');
    await waitForPath(page, '/secretariat');
    await waitForHeading(page, '事務局ダッシュボード');

    await page.locator('header').getByRole('button', { name: 'ログアウト' }).click();
    await waitForPath(page, '/login');
    await waitForHeading(page, 'ログイン');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'banso_session' && c.value !== '')).toBeUndefined();

    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/login');
    await waitForHeading(page, 'ログイン');
    expect(await page.getByText('事務局ダッシュボード').count()).toBe(0);

    await page.goto('/secretariat');
    await waitForPath(page, '/login', `?redirectTo=${encodeURIComponent('/secretariat')}`);
    await waitForHeading(page, 'ログイン');
  });
});
