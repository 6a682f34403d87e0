import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { expect, inject } from 'vitest';
import type { ReceivedMail } from './global-setup';

export const DEMO_PASSWORD = 'banso-demo-2026';

export const baseUrl = () => inject('e2eBaseUrl');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\``,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const errorsByContext = new WeakMap<BrowserContext, string[]>();

/**
 * A fresh browser profile (no cookies) of a Japanese-speaking user. Uncaught errors in its pages
 * are recorded: see pageErrors().
 */
export async function newContext(
  browser: Browser,
  opts: { locale?: string; javaScriptEnabled?: boolean; phone?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    locale: opts.locale ?? 'ja-JP',
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    // A partner in the field: a 390×844 touch phone.
    ...(opts.phone
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 } }),
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const errors: string[] = [];
  errorsByContext.set(context, errors);
  context.on('page', (page) =>
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`)),
  );
  return context;
}

/** Uncaught exceptions thrown in the context's pages so far (e.g. a route module that crashes). */
export function pageErrors(context: BrowserContext): string[] {
  return [...(errorsByContext.get(context) ?? [])];
}

/**
 * Waits until React has hydrated the page (its first form carries React's fiber), so that a test
 * exercises the enhanced, JavaScript behaviour rather than racing it. Fails with the page's
 * uncaught errors when hydration never happens.
 */
export async function waitForHydration(page: Page) {
  try {
    await page.waitForFunction(
      () => {
        const el = document.querySelector('form') ?? document.querySelector('main');
        return !!el && Object.keys(el).some((k) => k.startsWith('__reactFiber'));
      },
      undefined,
      { timeout: 10_000 },
    );
  } catch (e) {
    const errors = pageErrors(page.context());
    throw new Error(
      `${page.url()} did not hydrate` +
        (errors.length ? `; uncaught errors in the page:\n  ${errors.join('\n  ')}` : '') +
        `\n${String(e)}`,
    );
  }
}

export function pathname(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Waits for the page's URL to have this path (and, if given, exactly this query string). */
export async function waitForPath(page: Page, pathName: string, search?: string) {
  await page.waitForURL(
    (url) => url.pathname === pathName && (search === undefined || url.search === search),
  );
}

/** The text of the page's only <h1>, once it is there. */
export async function heading(page: Page): Promise<string> {
  const h1 = page.locator('h1');
  await h1.waitFor();
  return (await h1.innerText()).trim();
}

/** Waits until the <h1> reads exactly `text` (or times out with what it did read). */
export async function waitForHeading(page: Page, text: string) {
  try {
    await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
  } catch (e) {
    const seen = await page
      .locator('h1')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `expected <h1> "${text}" on ${page.url()}, saw ${JSON.stringify(seen)}\n${String(e)}`,
    );
  }
}

/** Fills and submits the login form of the page currently open at /login. */
export async function submitLogin(page: Page, email: string, password: string) {
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード', { exact: false }).fill(password);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

export async function loginAs(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await waitForHydration(page);
  await submitLogin(page, email, password);
  await page.waitForURL((url) => url.pathname !== '/login');
}

const SCREENSHOT_DIR = path.resolve('tests/e2e/screenshots');

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// ---- mail received by the SMTP peer -----------------------------------------------------------

export async function readInbox(): Promise<ReceivedMail[]> {
  const dir = inject('e2eInboxDir');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), 'utf8'))),
  );
}

/** Polls the SMTP peer's inbox for the first message that matches. */
export async function waitForMail(
  match: (m: ReceivedMail) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<ReceivedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readInbox()).find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = (await readInbox()).map((m) => `${m.envelopeTo.join(',')}: ${m.subject}`);
      throw new Error(
        `no mail (${what}) within ${timeoutMs / 1000} s; received: ${JSON.stringify(seen)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The one link to `${APP_URL}${prefix}<token>` in the plain-text body. */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const escaped = (baseUrl() + prefix).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const links = new Set(mail.text.match(new RegExp(`${escaped}[A-Za-z0-9_-]+`, 'g')) ?? []);
  if (links.size !== 1) {
    throw new Error(
      `expected one ${prefix} link in "${mail.subject}", found ${links.size}:\n${mail.text}`,
    );
  }
  return [...links][0];
}

// ---- locating things the way a user does ------------------------------------------------------

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A form control by its visible label, with or without the " (必須)" / " (required)" marker. */
export const field = (scope: Page | Locator, label: string) =>
  scope.getByLabel(new RegExp(`^${escapeRe(label)}(?: \\((?:必須|required)\\))?$`));
export const checkbox = (scope: Page | Locator, label: string) =>
  scope.getByRole('checkbox', { name: label, exact: true });
export const button = (scope: Page | Locator, name: string) =>
  scope.getByRole('button', { name, exact: true });
export const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
export const notice = (page: Page, text: string) =>
  page.getByRole('status').filter({ hasText: text });
export const isMailTo = (m: ReceivedMail, email: string) => m.envelopeTo.includes(email);

/**
 * Runs `fn` signed in as `who` in a fresh profile (a phone when asked), offline apart from the app
 * (map tiles and other outside requests are refused, as on a closed network). The test fails with
 * the page's uncaught errors and console errors, which name what React's minified messages do not.
 */
export async function signedIn<T>(
  browser: Browser,
  who: { email: string; password?: string },
  fn: (page: Page) => Promise<T>,
  opts: { phone?: boolean } = {},
): Promise<T> {
  const context = await newContext(browser, { phone: opts.phone });
  const logged: string[] = [];
  context.on('page', (page) =>
    page.on('console', (msg) => {
      if (msg.type() === 'error') logged.push(`${page.url()}: ${msg.text().slice(0, 300)}`);
    }),
  );
  await context.route(
    (url) => !url.href.startsWith(baseUrl()),
    (route) => route.abort('internetdisconnected'),
  );
  try {
    const page = await context.newPage();
    await loginAs(page, who.email, who.password);
    let result: T;
    try {
      result = await fn(page);
    } catch (e) {
      if (e instanceof Error) {
        const uncaught = pageErrors(context);
        if (uncaught.length)
          e.message += `\nuncaught errors in the page:\n  ${uncaught.join('\n  ')}`;
        if (logged.length)
          e.message += `\nerrors in the browser console:\n  ${[...new Set(logged)].join('\n  ')}`;
      }
      throw e;
    }
    expect(pageErrors(context), 'uncaught errors in the page').toEqual([]);
    return result;
  } finally {
    await context.close();
  }
}
