import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import type { ReceivedMail } from './global-setup';
import {
  baseUrl,
  button,
  checkbox,
  DEMO_PASSWORD,
  escapeRe,
  field,
  isMailTo,
  launchBrowser,
  linkIn,
  newContext,
  notice,
  pageErrors,
  pathname,
  region,
  signedIn,
  submitLogin,
  waitForHeading,
  waitForHydration,
  waitForMail,
  waitForPath,
} from './support';

// Accessibility: axe-core on every page each role can reach (anonymous, counselor, secretariat,
// partner — the partner's pages on a desktop and on a phone), failing on any "serious" or
// "critical" violation; and two keyboard-only paths (no mouse, no .click()): a counselor creates
// a request and offers it to a candidate, the partner accepts it and logs a visit.
//
// ⚑ Data: the demo seed (DEMO-0001 to dispatch, DEMO-0002 accepted by the Tokyo NPO, the
// meetings of the next quarters, a held training). This file adds its own request in 熊本市 中央区
// offered to 山田 花子 法律事務所 (lawyer@demo.example), whose visit it approves and bills (one
// statement of that partner for this month, approved and put in a batch of its own, so no other
// file's month list holds an approved statement it did not make), an invited counselor of its
// own, a password reset for that user, and one agency contact of its own invited to the first
// liaison meeting nobody was invited to yet.

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  printSummary();
});

const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const SECRETARIAT = { email: 'secretariat@demo.example', password: DEMO_PASSWORD };
const COUNSELOR = { email: 'counselor1@demo.example', password: DEMO_PASSWORD };
const LAWYER = {
  email: 'lawyer@demo.example',
  password: DEMO_PASSWORD,
  name: '山田 花子 法律事務所',
};
const PLACE = { prefecture: '熊本県', municipality: '熊本市中央区' };
const CASE_TITLE = `${ja.dispatch.categories.immigration} · ${PLACE.municipality}`;

const caseCode = `E2E-A11Y-${stamp}`.toUpperCase();
const summary = `在留期間更新の窓口に英語で同行（E2E a11y ${stamp}）`;
const visitPlace = `熊本出入国在留管理支局 1 階（E2E a11y ${stamp}）`;

const invitee = {
  name: `アクセシビリティ 確認 ${stamp}`,
  email: `e2e-a11y-${stamp}@invitee.example`,
  password: `A11y-${stamp}-pass`,
};
const contact = {
  organisation: `E2E a11y 機関 ${stamp}`,
  person: `E2E 担当 ${stamp}`,
  email: `e2e-a11y-${stamp}@agency.example`,
};

const DAY = 86_400_000;
const POLL = { timeout: 15_000, interval: 100 };
/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
const today = tokyoDate(new Date());
const month = today.slice(0, 7);
/** The preferred window: four days ahead, 10:00–12:00. */
const windowDay = tokyoDate(new Date(Date.now() + 4 * DAY));
/** `{{name}}` placeholders of an i18n string filled in. */
const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));
const UUID = '[0-9a-f-]{36}';

// ---- axe ----------------------------------------------------------------------------------------

interface Finding {
  who: string;
  page: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Pages checked, per role (and viewport). */
const checked = new Map<string, string[]>();
/** Pages a role should reach that no data led to. */
const unreached: string[] = [];

function printSummary() {
  const rows = [...checked].map(([who, pages]) => `  ${who.padEnd(22)} ${pages.length} pages`);
  const total = [...checked.values()].reduce((n, p) => n + p.length, 0);
  console.log(
    `[a11y] axe-core checked ${total} page views (pages × roles):\n${rows.join('\n')}` +
      (unreached.length ? `\n  not reached (no data): ${unreached.join(', ')}` : ''),
  );
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
async function axe(page: Page, who: string, label: string): Promise<Finding[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(
    () =>
      (window as unknown as { axe: { run: (...a: unknown[]) => Promise<AxeResults> } }).axe.run(
        document,
        { resultTypes: ['violations'] },
      ) as Promise<AxeResults>,
  );
  const list = checked.get(who) ?? [];
  list.push(label);
  checked.set(who, list);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      who,
      page: label,
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ')),
    }));
}

function report(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `\n[${f.who}] ${f.page}: ${f.rule} (${f.impact}) — ${f.help}\n    ${f.targets.join('\n    ')}`,
    )
    .join('');
}

/**
 * Waits until the page is what a user sees: a heading, React in charge, client-only parts (maps,
 * charts) drawn and no request still running.
 */
async function settle(page: Page) {
  await page.locator('h1').first().waitFor();
  await waitForHydration(page);
  await page.waitForFunction(() => document.querySelectorAll('.map-fallback').length === 0);
  await page.waitForLoadState('networkidle');
}

/** Opens `path`, expects `status`, and audits it. */
async function visit(
  page: Page,
  who: string,
  path: string,
  opts: { status?: number | null; label?: string } = {},
): Promise<Finding[]> {
  // Once per role and page: the menu and the links followed may lead to the same page.
  if (checked.get(who)?.includes(opts.label ?? path)) return [];
  const res = await page.goto(path);
  if (opts.status !== null) expect(res?.status(), `GET ${path}`).toBe(opts.status ?? 200);
  await settle(page);
  return axe(page, who, opts.label ?? path);
}

/** Every page of the role's menu (the menu is built per role, so new pages are not missed). */
async function menuPages(page: Page, who: string): Promise<Finding[]> {
  await page.goto('/');
  await settle(page);
  const paths = await page
    .getByRole('navigation')
    .locator('a[href]')
    .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  expect(paths.length, 'menu entries').toBeGreaterThan(2);
  const found: Finding[] = [];
  for (const path of new Set(paths)) found.push(...(await visit(page, who, path)));
  return found;
}

/** The distinct same-site paths of the page's links that match `re`, in page order. */
async function hrefs(page: Page, re: RegExp): Promise<string[]> {
  const all = await page
    .locator('a[href]')
    .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  return [...new Set(all.filter((h) => re.test(h)))];
}

/** The first path on `from` whose link matches `re`, or null (listed as not reached). */
async function firstLink(page: Page, from: string, re: RegExp, what: string) {
  await page.goto(from);
  await settle(page);
  const found = (await hrefs(page, re))[0] ?? null;
  if (!found) unreached.push(what);
  return found;
}

// ---- keyboard ------------------------------------------------------------------------------------

/** What has the focus, for messages. */
const describeFocus = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '(nothing)';
    const name =
      el.getAttribute('aria-label') ?? el.id ?? (el.textContent ?? '').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> ${name}`;
  });

/**
 * Presses Tab (Shift+Tab with `back`) until `target` has the focus, as a keyboard user moves
 * through the page; fails after `max` presses with the path the focus took.
 */
async function tabTo(page: Page, target: Locator, { back = false, max = 150 } = {}) {
  await target.waitFor({ state: 'attached' });
  const path: string[] = [];
  for (let i = 0; i <= max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    path.push(await describeFocus(page));
  }
  throw new Error(
    `${max} × ${back ? 'Shift+Tab' : 'Tab'} on ${page.url()} never reached the target; focus went:\n  ` +
      path.slice(-25).join('\n  '),
  );
}

/** The focused element shows a focus indicator: an outline or a ring (box-shadow). */
async function expectFocusVisible(page: Page, what: string) {
  const style = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const cs = getComputedStyle(el);
    return {
      element: `<${el.tagName.toLowerCase()}> ${(el.textContent ?? '').trim().slice(0, 30)}`,
      focusVisible: el.matches(':focus-visible'),
      outlineStyle: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth) || 0,
      boxShadow: cs.boxShadow,
    };
  });
  const shown =
    style.focusVisible &&
    ((style.outlineStyle !== 'none' && style.outlineWidth >= 2) || style.boxShadow !== 'none');
  expect(shown, `no visible focus on ${what}: ${JSON.stringify(style)}`).toBe(true);
}

/** Chooses the option labelled `label` of a closed <select> with the arrow keys (Home/End first). */
async function chooseByKeys(page: Page, select: Locator, label: string) {
  await tabTo(page, select);
  const { count, from, to } = await select.evaluate(
    (el: HTMLSelectElement, l) => ({
      count: el.options.length,
      from: el.selectedIndex,
      to: [...el.options].findIndex((o) => o.text.trim() === l),
    }),
    label,
  );
  expect(to, `option "${label}"`).toBeGreaterThanOrEqual(0);
  // From the nearer end, so a long list (47 prefectures) does not fire a change per option.
  let at = from;
  if (Math.abs(to - from) > Math.min(to, count - 1 - to)) {
    await page.keyboard.press(to < count / 2 ? 'Home' : 'End');
    at = to < count / 2 ? 0 : count - 1;
  }
  for (; at < to; at++) await page.keyboard.press('ArrowDown');
  for (; at > to; at--) await page.keyboard.press('ArrowUp');
  expect(await select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.text.trim())).toBe(
    label,
  );
}

/**
 * Types a date and time into a focused datetime-local input, segment by segment as Chromium's
 * en-US field shows it (mm/dd/yyyy, hh:mm AM/PM; the six-digit year field needs an arrow key).
 */
async function typeDateTime(page: Page, input: Locator, isoLocal: string) {
  const [, y, mo, d, h, mi] = isoLocal.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/)!;
  await tabTo(page, input);
  const hour = Number(h);
  const h12 = String(hour % 12 === 0 ? 12 : hour % 12).padStart(2, '0');
  await page.keyboard.type(`${mo}${d}${y}`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type(`${h12}${mi}${hour < 12 ? 'A' : 'P'}`);
  expect(await input.inputValue(), 'the date and time typed').toBe(isoLocal);
}

/** Types a time (HH:MM) into a time input, as Chromium's en-US field shows it (hh:mm AM/PM). */
async function typeTime(page: Page, input: Locator, hhmm: string) {
  const [h, mi] = hhmm.split(':');
  await tabTo(page, input);
  const hour = Number(h);
  const h12 = String(hour % 12 === 0 ? 12 : hour % 12).padStart(2, '0');
  await page.keyboard.type(`${h12}${mi}${hour < 12 ? 'A' : 'P'}`);
  expect(await input.inputValue(), 'the time typed').toBe(hhmm);
}

/** Accepts every confirm() the page shows. */
function acceptDialogs(page: Page) {
  page.on('dialog', (d) => void d.accept());
}

/** A signed-out profile, offline apart from the app; fails on uncaught errors in its pages. */
async function anonymous<T>(fn: (page: Page) => Promise<T>, opts: { phone?: boolean } = {}) {
  const context: BrowserContext = await newContext(browser, opts);
  await context.route(
    (url) => !url.href.startsWith(baseUrl()),
    (route) => route.abort('internetdisconnected'),
  );
  try {
    const result = await fn(await context.newPage());
    expect(pageErrors(context), 'uncaught errors in the page').toEqual([]);
    return result;
  } finally {
    await context.close();
  }
}

const as = <T>(
  who: { email: string; password: string },
  fn: (page: Page) => Promise<T>,
  opts: { phone?: boolean } = {},
) => signedIn(browser, who, fn, opts);

describe.sequential('accessibility', () => {
  let requestPath = '';
  let reference = '';
  let casePath = '';
  let visitId = '';
  let statementPath = '';
  let batchPath = '';

  test('keyboard only: a counselor creates a request and offers it to a candidate', async () => {
    await as(COUNSELOR, async (page) => {
      await page.goto('/counselor');
      await waitForHeading(page, '相談員ホーム');
      await waitForHydration(page);

      // The first Tab shows the skip link; Enter moves to the page's content.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: ja.app.skipToContent });
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await skip.isVisible()).toBe(true);
      await expectFocusVisible(page, 'the skip link');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('main');

      const newLink = page.getByRole('link', { name: ja.dispatch.newRequest, exact: true });
      await tabTo(page, newLink);
      await expectFocusVisible(page, 'the new-request link');
      await page.keyboard.press('Enter');
      await waitForPath(page, '/requests/new');
      await waitForHeading(page, ja.dispatch.newRequest);
      await waitForHydration(page);

      const form = page.locator('form#request');
      const caseInput = field(form, ja.dispatch.caseCode);
      await tabTo(page, caseInput);
      await expectFocusVisible(page, 'the case code field');
      await page.keyboard.type(caseCode);
      await chooseByKeys(
        page,
        field(form, ja.dispatch.category),
        ja.dispatch.categories.immigration,
      );
      await expectFocusVisible(page, 'the category select');
      await chooseByKeys(page, field(form, ja.dispatch.workerLanguage), ja.languages.en);
      await typeDateTime(page, field(form, ja.dispatch.windowStart), `${windowDay}T10:00`);
      await typeDateTime(page, field(form, ja.dispatch.windowEnd), `${windowDay}T12:00`);

      await chooseByKeys(page, field(form, '都道府県'), PLACE.prefecture);
      const municipality = field(form, '市区町村');
      await municipality
        .locator('option', { hasText: new RegExp(`^${escapeRe(PLACE.municipality)}$`) })
        .waitFor({ state: 'attached' });
      await chooseByKeys(page, municipality, PLACE.municipality);
      // The place starts at the municipal office: no map needed.
      await expect.poll(() => form.locator('input[name="lat"]').inputValue(), POLL).not.toBe('');

      await tabTo(page, field(form, ja.dispatch.summary));
      await page.keyboard.type(summary);
      const consent = checkbox(form, ja.dispatch.consent);
      await tabTo(page, consent);
      await expectFocusVisible(page, 'the consent checkbox');
      await page.keyboard.press('Space');
      expect(await consent.isChecked()).toBe(true);

      const create = form.getByRole('button', { name: ja.dispatch.create, exact: true });
      await tabTo(page, create);
      await expectFocusVisible(page, 'the create button');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => new RegExp(`^/requests/${UUID}$`).test(url.pathname));
      requestPath = pathname(page);
      const created = page.getByRole('status').filter({ hasText: 'を作成しました。' });
      await created.waitFor();
      reference = (await created.innerText()).match(/REQ-\d{4}-\d{6}/)![0];
      await waitForHydration(page);

      // The candidates are a list of checkboxes, not only pins on the map.
      const lawyer = page
        .locator('ol.candidate-list li')
        .filter({ has: page.getByText(LAWYER.name, { exact: true }) })
        .getByRole('checkbox');
      await tabTo(page, lawyer);
      await expectFocusVisible(page, 'the candidate checkbox');
      await page.keyboard.press('Space');
      expect(await lawyer.isChecked()).toBe(true);
      const offer = page.getByRole('button', { name: ja.dispatch.offerSelected, exact: true });
      await tabTo(page, offer);
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: '件のパートナーに打診しました' }).waitFor();
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.offered);
      await region(page, ja.dispatch.offers)
        .getByRole('row')
        .filter({ hasText: LAWYER.name })
        .waitFor();
    });
  }, 120_000);

  test('keyboard only: the partner accepts the offer and logs a visit', async ({ skip }) => {
    skip(!reference, 'no request: the previous step failed');
    await as(LAWYER, async (page) => {
      await waitForPath(page, '/partner');
      await waitForHydration(page);
      const inbox = region(page, ja.dispatch.inboxTitle);
      const card = inbox.locator('article').filter({ hasText: summary });
      const offerLink = card.getByRole('link', { name: CASE_TITLE });
      await tabTo(page, offerLink);
      await expectFocusVisible(page, 'the offer link');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => new RegExp(`^/partner/offers/${UUID}$`).test(url.pathname));
      await waitForHeading(page, CASE_TITLE);
      await waitForHydration(page);
      const accept = button(page, ja.dispatch.accept);
      await tabTo(page, accept);
      await expectFocusVisible(page, 'the accept button');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: ja.dispatch.accepted }).waitFor();
      casePath = `/partner${requestPath}`;

      // Back home by the menu, then to the case page from the inbox card.
      const home = page.getByRole('navigation').getByRole('link', { name: ja.nav.home });
      await tabTo(page, home, { back: true });
      await page.keyboard.press('Enter');
      await waitForPath(page, '/partner');
      await waitForHydration(page);
      const caseLink = card.getByRole('link', { name: ja.visits.caseLink, exact: true });
      await tabTo(page, caseLink);
      await page.keyboard.press('Enter');
      await waitForPath(page, casePath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const log = region(page, ja.visits.sectionTitle).getByRole('link', {
        name: ja.visits.logVisit,
        exact: true,
      });
      await tabTo(page, log);
      await expectFocusVisible(page, 'the log-visit link');
      await page.keyboard.press('Enter');
      await waitForPath(page, `${casePath}/visits/new`);
      await waitForHeading(page, ja.visits.newTitle);
      await waitForHydration(page);

      const form = page.locator('form.visit-form');
      expect(await field(form, ja.visits.visitDate).inputValue()).toBe(today);
      await typeTime(page, field(form, ja.visits.startTime), '10:00');
      await expectFocusVisible(page, 'the start time');
      await typeTime(page, field(form, ja.visits.endTime), '11:30');
      await tabTo(page, field(form, ja.visits.place));
      await page.keyboard.type(visitPlace);
      await tabTo(page, field(form, ja.visits.activities));
      await page.keyboard.type('Interpreted at the immigration counter; the renewal was filed.');
      const followUp = checkbox(form, ja.visits.followUpNeeded);
      await tabTo(page, followUp);
      await page.keyboard.press('Space');
      expect(await followUp.isChecked()).toBe(true);
      await tabTo(page, field(form, ja.visits.followUp));
      await page.keyboard.type('Ask the worker about the result next week.');
      await tabTo(page, field(form, ja.visits.travelKm));
      await page.keyboard.type('2.5');
      const save = button(form, ja.visits.submit);
      await tabTo(page, save);
      await expectFocusVisible(page, 'the save button');
      await page.keyboard.press('Enter');
      await waitForPath(page, casePath, '?saved=1');
      await notice(page, ja.visits.saved).waitFor();
      const row = region(page, ja.visits.sectionTitle)
        .locator('tbody tr')
        .filter({ hasText: visitPlace });
      await row.waitFor();
      const link = (await hrefs(page, new RegExp(`^/partner/visits/${UUID}$`)))[0];
      expect(link, 'a link to the logged visit').toBeTruthy();
      visitId = link.split('/').pop()!;
    });
  }, 120_000);

  /** Links that only mail delivers: an invitation, a password reset, an RSVP. */
  const mailed = { invite: '', reset: '', rsvp: '' };

  test('the secretariat invites a user and an agency contact (links for the anonymous pages)', async () => {
    await as(SECRETARIAT, async (page) => {
      acceptDialogs(page);
      await page.goto('/secretariat/users');
      await waitForHydration(page);
      const form = page.locator('form#invite');
      await form.getByLabel('氏名').fill(invitee.name);
      await form.getByLabel('メールアドレス').fill(invitee.email);
      await form.getByLabel('役割').selectOption('counselor');
      await form.getByRole('button', { name: '招待メールを送る' }).click();
      await page.getByText(`${invitee.email} に招待メールを送りました。`).waitFor();

      await page.goto('/meetings/contacts');
      await waitForHydration(page);
      await field(page, ja.meetings.organisation).fill(contact.organisation);
      await field(page, ja.meetings.person).fill(contact.person);
      await field(page, ja.meetings.email).fill(contact.email);
      await button(
        page.locator('form').filter({ has: field(page, ja.meetings.email) }),
        ja.meetings.addContact,
      ).click();
      await page.getByRole('row').filter({ hasText: contact.email }).waitFor();

      // The first liaison meeting nobody was invited to yet (meetings.test.ts takes the last).
      await page.goto('/meetings');
      await waitForHydration(page);
      const free = page.locator('main table tbody tr').filter({
        has: page.getByRole('cell', { name: ja.meetings.notInvited, exact: true }),
      });
      expect(await free.count(), 'a meeting nobody is invited to yet').toBeGreaterThan(0);
      await free.first().getByRole('link').click();
      await page.waitForURL((url) => new RegExp(`^/meetings/${UUID}$`).test(url.pathname));
      await waitForHydration(page);
      const invite = region(page, ja.meetings.inviteTitle);
      await invite.getByRole('radio', { name: ja.meetings.partnersNone, exact: true }).check();
      const contacts = invite.getByRole('group', { name: ja.meetings.contactsLegend, exact: true });
      const boxes = contacts.getByRole('checkbox');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
      await contacts
        .getByRole('checkbox', { name: `${contact.organisation} — ${contact.person}`, exact: true })
        .check();
      await button(invite, ja.meetings.sendInvitations).click();
      await notice(page, fill(ja.meetings.invitedNotice, { n: 1 })).waitFor();
    });
    const invitation = await waitForMail(
      (m) => isMailTo(m, invitee.email) && m.text.includes('/invite/'),
      `invitation to ${invitee.email}`,
    );
    mailed.invite = linkIn(invitation, '/invite/');
    const rsvp = await waitForMail(
      (m: ReceivedMail) => isMailTo(m, contact.email) && m.text.includes('/rsvp/'),
      `meeting invitation to ${contact.email}`,
    );
    const re = new RegExp(`${escapeRe(baseUrl())}/rsvp/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`);
    mailed.rsvp = rsvp.text.match(re)![0];
  }, 120_000);

  test('anonymous pages have no serious or critical violations', async () => {
    const who = 'anonymous';
    const found: Finding[] = [];
    await anonymous(async (page) => {
      found.push(...(await visit(page, who, '/login')));
      await submitLogin(page, SECRETARIAT.email, 'not-the-password-2026');
      await page.getByText('メールアドレスまたはパスワードが正しくありません。').waitFor();
      found.push(...(await axe(page, who, '/login (wrong password)')));
      found.push(...(await visit(page, who, '/forgot-password')));
      found.push(...(await visit(page, who, '/no-such-page', { status: 404 })));
      found.push(
        ...(await visit(page, who, '/invite/not-a-token', {
          status: null,
          label: '/invite/(bad)',
        })),
      );
      found.push(
        ...(await visit(page, who, '/rsvp/not.a-token', { status: null, label: '/rsvp/(bad)' })),
      );
      if (mailed.invite) {
        found.push(...(await visit(page, who, mailed.invite, { label: '/invite/$token' })));
        // With an error next to the field.
        await page.locator('input[name="password"]').fill('short-pw');
        await page.locator('input[name="confirm"]').fill('short-pw');
        await page.getByRole('button', { name: 'パスワードを設定する' }).click();
        await page.getByText('パスワードは 12 文字以上にしてください。').waitFor();
        found.push(...(await axe(page, who, '/invite/$token (error)')));
        await page.locator('input[name="password"]').fill(invitee.password);
        await page.locator('input[name="confirm"]').fill(invitee.password);
        await page.getByRole('button', { name: 'パスワードを設定する' }).click();
        await waitForPath(page, '/counselor');
        await page.locator('header').getByRole('button', { name: 'ログアウト' }).click();
        await waitForPath(page, '/login');
        await page.goto('/forgot-password');
        await waitForHydration(page);
        await page.getByLabel('メールアドレス').fill(invitee.email);
        await page.getByRole('button', { name: '再設定リンクを送る' }).click();
        await page.getByText('再設定用のリンクをお送りしました', { exact: false }).waitFor();
        found.push(...(await axe(page, who, '/forgot-password (sent)')));
        const mail = await waitForMail(
          (m) => isMailTo(m, invitee.email) && m.text.includes('/reset-password/'),
          `password reset for ${invitee.email}`,
        );
        mailed.reset = linkIn(mail, '/reset-password/');
        found.push(...(await visit(page, who, mailed.reset, { label: '/reset-password/$token' })));
      } else unreached.push('/invite/$token', '/reset-password/$token');
      if (mailed.rsvp) {
        found.push(...(await visit(page, who, mailed.rsvp, { label: '/rsvp/$token' })));
      } else unreached.push('/rsvp/$token');
    });
    if (mailed.rsvp) {
      // The agency's person opens the emailed link on a phone.
      await anonymous(
        async (page) => {
          found.push(
            ...(await visit(page, 'anonymous (phone)', mailed.rsvp, { label: '/rsvp/$token' })),
          );
        },
        { phone: true },
      );
    }
    expect(found, report(found)).toEqual([]);
  }, 180_000);

  /** Pages of counselors and the secretariat alike. */
  async function deskPages(page: Page, who: string): Promise<Finding[]> {
    const found: Finding[] = [];
    for (const path of [
      '/requests',
      '/requests/new',
      '/visits',
      '/partners',
      '/partners/map',
      '/account',
    ])
      found.push(...(await visit(page, who, path)));
    if (requestPath)
      found.push(...(await visit(page, who, requestPath, { label: '/requests/$id (accepted)' })));
    else unreached.push(`${who}: /requests/$id`);
    // The board lists requests needing dispatch first: one with candidates on a map and a list.
    await page.goto('/requests');
    await settle(page);
    const open = (await hrefs(page, new RegExp(`^/requests/${UUID}$`))).find(
      (h) => h !== requestPath,
    );
    if (open) found.push(...(await visit(page, who, open, { label: '/requests/$id (open)' })));
    else unreached.push(`${who}: /requests/$id (open)`);
    if (visitId)
      found.push(...(await visit(page, who, `/visits/${visitId}`, { label: '/visits/$visitId' })));
    else unreached.push(`${who}: /visits/$visitId`);
    const partner = await firstLink(
      page,
      '/partners',
      new RegExp(`^/partners/${UUID}$`),
      `${who}: /partners/$id`,
    );
    if (partner) found.push(...(await visit(page, who, partner, { label: '/partners/$id' })));
    found.push(
      ...(await visit(page, who, '/no-such-page', { status: 404, label: '404 (signed in)' })),
    );
    return found;
  }

  test('counselor pages have no serious or critical violations', async () => {
    const who = 'counselor';
    const found: Finding[] = [];
    await as(COUNSELOR, async (page) => {
      found.push(...(await menuPages(page, who)));
      found.push(...(await deskPages(page, who)));
      found.push(...(await visit(page, who, '/secretariat', { status: 403, label: '403' })));
      // A form with its errors shown.
      await page.goto('/requests/new');
      await settle(page);
      await button(page.locator('form#request'), ja.dispatch.create).click();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      found.push(...(await axe(page, who, '/requests/new (errors)')));
    });
    expect(found, report(found)).toEqual([]);
  }, 180_000);

  test('the counselor approves the visit; the secretariat bills it and puts the statement in a batch', async ({
    skip,
  }) => {
    skip(!visitId, 'no visit: the keyboard step failed');
    await as(COUNSELOR, async (page) => {
      await page.goto(`/visits/${visitId}`);
      await waitForHeading(page, ja.visits.reviewTitle);
      await waitForHydration(page);
      await button(page.getByRole('form', { name: ja.visits.approve }), ja.visits.approve).click();
      await notice(page, ja.visits.approved).waitFor();
    });
    await as(SECRETARIAT, async (page) => {
      acceptDialogs(page);
      await page.goto(`/payments?month=${month}`);
      await waitForHydration(page);
      const build = region(page, fill(ja.payments.buildTitle, { month }));
      await build
        .getByRole('combobox', { name: ja.payments.partner, exact: true })
        .selectOption({ label: LAWYER.name });
      await button(build, ja.payments.build).click();
      await page
        .getByRole('status')
        .filter({ hasText: /作成 \d+ 件/ })
        .waitFor();
      const list = region(page, fill(ja.payments.statementsOf, { month }));
      const row = list.getByRole('row').filter({ hasText: LAWYER.name });
      await row.getByRole('link').first().click();
      await page.waitForURL((url) =>
        new RegExp(`^/payments/statements/${UUID}$`).test(url.pathname),
      );
      statementPath = pathname(page);
      await waitForHydration(page);
      await button(page, ja.payments.approve).click();
      await notice(page, ja.payments.approved).waitFor();

      await page.goto(`/payments?month=${month}`);
      await waitForHydration(page);
      const boxes = region(page, fill(ja.payments.statementsOf, { month })).getByRole('checkbox');
      for (let i = 0; i < (await boxes.count()); i++) {
        const box = boxes.nth(i);
        const mine = await box.evaluate(
          (el, name) => !!el.closest('tr')?.textContent?.includes(name),
          LAWYER.name,
        );
        if (mine) await box.check();
        else await box.uncheck();
      }
      await field(page, ja.payments.transferDate).fill(today);
      await button(page, ja.payments.createBatch).click();
      await page.waitForURL((url) => new RegExp(`^/payments/batches/${UUID}$`).test(url.pathname));
      batchPath = pathname(page);
    });
  }, 120_000);

  test('secretariat pages have no serious or critical violations', async () => {
    const who = 'secretariat';
    const found: Finding[] = [];
    await as(SECRETARIAT, async (page) => {
      found.push(...(await menuPages(page, who)));
      for (const path of [
        '/secretariat',
        '/secretariat/users',
        '/secretariat/mail',
        '/secretariat/api-tokens',
        '/partners/new',
        '/partners/import',
        '/trainings',
        '/trainings/new',
        '/meetings',
        '/meetings/contacts',
        '/payments',
        `/payments?month=${month}`,
        '/payments/batches',
        '/reports',
        '/reports/coverage',
      ])
        found.push(...(await visit(page, who, path)));
      found.push(...(await deskPages(page, who)));

      // The lawyer's registry entry and what hangs from it.
      const lawyer = await firstLink(
        page,
        `/partners?q=${encodeURIComponent('山田 花子')}`,
        new RegExp(`^/partners/${UUID}$`),
        'secretariat: /partners/$id (lawyer)',
      );
      if (lawyer) {
        for (const sub of ['/edit', '/mous/new', '/shelters/new'])
          found.push(
            ...(await visit(page, who, `${lawyer}${sub}`, { label: `/partners/$id${sub}` })),
          );
        const mou = await firstLink(
          page,
          lawyer,
          new RegExp(`^${lawyer}/mous/${UUID}$`),
          '/partners/$id/mous/$mouId',
        );
        if (mou)
          found.push(...(await visit(page, who, mou, { label: '/partners/$id/mous/$mouId' })));
      }
      // The Tokyo NPO's shelter.
      const minato = await firstLink(
        page,
        `/partners?q=${encodeURIComponent('みなと')}`,
        new RegExp(`^/partners/${UUID}$`),
        'secretariat: /partners/$id (NPO)',
      );
      if (minato) {
        const shelter = await firstLink(
          page,
          minato,
          new RegExp(`^${minato}/shelters/${UUID}$`),
          '/partners/$id/shelters/$shelterId',
        );
        if (shelter)
          found.push(
            ...(await visit(page, who, shelter, { label: '/partners/$id/shelters/$shelterId' })),
          );
      }
      const training = await firstLink(
        page,
        '/trainings',
        new RegExp(`^/trainings/${UUID}$`),
        '/trainings/$id',
      );
      if (training) {
        found.push(...(await visit(page, who, training, { label: '/trainings/$id' })));
        found.push(
          ...(await visit(page, who, `${training}/edit`, { label: '/trainings/$id/edit' })),
        );
      }
      const meeting = await firstLink(
        page,
        '/meetings',
        new RegExp(`^/meetings/${UUID}$`),
        '/meetings/$id',
      );
      if (meeting) found.push(...(await visit(page, who, meeting, { label: '/meetings/$id' })));
      if (statementPath)
        found.push(
          ...(await visit(page, who, statementPath, { label: '/payments/statements/$id' })),
        );
      else unreached.push('/payments/statements/$id');
      if (batchPath)
        found.push(...(await visit(page, who, batchPath, { label: '/payments/batches/$id' })));
      else unreached.push('/payments/batches/$id');
    });
    expect(found, report(found)).toEqual([]);
  }, 400_000);

  /** The partner's pages, signed in as the lawyer (on a desktop or a phone). */
  async function partnerPages(phone: boolean): Promise<Finding[]> {
    const who = phone ? 'partner (phone)' : 'partner';
    const found: Finding[] = [];
    await as(
      LAWYER,
      async (page) => {
        found.push(...(await menuPages(page, who)));
        for (const path of [
          '/partner',
          '/partner/organisation',
          '/partner/trainings',
          '/partner/statements',
          '/account',
        ])
          found.push(...(await visit(page, who, path)));
        const offer = await firstLink(
          page,
          '/partner',
          new RegExp(`^/partner/offers/${UUID}$`),
          `${who}: /partner/offers/$offerId`,
        );
        if (offer)
          found.push(...(await visit(page, who, offer, { label: '/partner/offers/$offerId' })));
        if (casePath) {
          found.push(...(await visit(page, who, casePath, { label: '/partner/requests/$id' })));
          found.push(
            ...(await visit(page, who, `${casePath}/visits/new`, {
              label: '/partner/requests/$id/visits/new',
            })),
          );
        } else unreached.push(`${who}: /partner/requests/$id`);
        if (visitId)
          found.push(
            ...(await visit(page, who, `/partner/visits/${visitId}`, {
              label: '/partner/visits/$visitId',
            })),
          );
        else unreached.push(`${who}: /partner/visits/$visitId`);
        const statement = await firstLink(
          page,
          '/partner/statements',
          new RegExp(`^/partner/statements/${UUID}$`),
          `${who}: /partner/statements/$id`,
        );
        if (statement)
          found.push(...(await visit(page, who, statement, { label: '/partner/statements/$id' })));
        found.push(...(await visit(page, who, '/requests', { status: 403, label: '403' })));
      },
      { phone },
    );
    return found;
  }

  test('partner pages have no serious or critical violations, on a desktop', async () => {
    const found = await partnerPages(false);
    expect(found, report(found)).toEqual([]);
  }, 180_000);

  test('partner pages have no serious or critical violations, on a phone', async () => {
    const found = await partnerPages(true);
    expect(found, report(found)).toEqual([]);
  }, 180_000);
});
