import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import { formatDateTime } from '~/lib/format';
import type { ReceivedMail } from './global-setup';
import {
  baseUrl,
  checkbox,
  DEMO_PASSWORD,
  field,
  launchBrowser,
  linkIn,
  loginAs,
  newContext,
  pageErrors,
  pathname,
  readInbox,
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
const caseCode = `E2E-${stamp}`.toUpperCase();
const summary = `ベトナム語の通訳が必要な通院同行（E2E ${stamp}）`;
/** Only the partner that accepts may ever see this. */
const secret = `SECRET-${stamp}`;
const details = `受付メモ ${secret}\n診察券あり。10 時に病院の正面玄関で待ち合わせ。`;
const cancelReason = `本人の体調が回復したため（E2E ${stamp}）`;

const AMAKUSA = { email: 'amakusa@demo.example', name: '天草市 市民生活課' };
const KUMAMOTO = {
  email: 'kumamoto@demo.example',
  name: '公益財団法人 熊本市国際交流振興事業団',
};
const COUNSELOR = 'counselor1@demo.example';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** For expect.poll on what the page updates asynchronously (its default is 1 s). */
const POLL = { timeout: 15_000, interval: 100 };

/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
// The preferred window: three days ahead, 10:00–12:00 Tokyo time, as typed in the form.
const windowDay = tokyoDate(new Date(Date.now() + 3 * DAY));
const windowStart = `${windowDay}T10:00`;
const windowEnd = `${windowDay}T12:00`;
const windowText = `${formatDateTime(new Date(`${windowStart}:00+09:00`), 'ja')} – ${formatDateTime(
  new Date(`${windowEnd}:00+09:00`),
  'ja',
)}`;

/** "2026年11月23日 16:49" (formatDateTime, ja) back to an instant. */
function parseJaDateTime(s: string): Date {
  const m = s.match(/(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{2}):(\d{2})/);
  if (!m) throw new Error(`not a date and time: ${s}`);
  const [, y, mo, d, h, mi] = m;
  const pad = (x: string) => x.padStart(2, '0');
  return new Date(`${y}-${pad(mo)}-${pad(d)}T${h}:${mi}:00+09:00`);
}

/**
 * Runs `fn` in a fresh browser profile (signed in as `email` unless it is null), then fails on
 * any uncaught error in its pages. Nothing leaves localhost, as on a closed network: map tiles
 * fail to load the same way every run.
 */
async function as<T>(
  email: string | null,
  fn: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await newContext(browser);
  await context.route(
    (url) => !url.href.startsWith(baseUrl()),
    (route) => route.abort('internetdisconnected'),
  );
  try {
    const page = await context.newPage();
    if (email) await loginAs(page, email);
    let result: T;
    try {
      result = await fn(page, context);
    } catch (e) {
      const errors = pageErrors(context);
      if (errors.length && e instanceof Error) {
        e.message += `\nuncaught errors in the page:\n  ${errors.join('\n  ')}`;
      }
      throw e;
    }
    expect(pageErrors(context), 'uncaught errors in the page').toEqual([]);
    return result;
  } finally {
    await context.close();
  }
}

/** The counselor's form at /requests/new, reached from the home page as a user would. */
async function openNewRequestForm(page: Page) {
  await page.goto('/counselor');
  await waitForHeading(page, '相談員ホーム');
  await page.getByRole('link', { name: ja.dispatch.newRequest, exact: true }).click();
  await waitForPath(page, '/requests/new');
  await waitForHeading(page, ja.dispatch.newRequest);
  await waitForHydration(page);
  return page.locator('form#request');
}

/** Fills every field of the request form (the case code as given). */
async function fillRequestForm(form: Locator, code: string) {
  await field(form, ja.dispatch.caseCode).fill(code);
  await field(form, ja.dispatch.category).selectOption({ label: '病院' });
  await field(form, ja.dispatch.urgency).selectOption({ label: '至急' });
  await field(form, ja.dispatch.workerLanguage).selectOption({ label: 'ベトナム語' });
  await field(form, ja.dispatch.windowStart).fill(windowStart);
  await field(form, ja.dispatch.windowEnd).fill(windowEnd);
  await checkbox(form, ja.dispatch.interpreterNeeded).check();

  // Prefecture, then a municipality from the list loaded for it: the pin goes to its office.
  await field(form, '都道府県').selectOption({ label: '熊本県' });
  const municipality = field(form, '市区町村');
  await municipality.locator('option', { hasText: /^天草市$/ }).waitFor({ state: 'attached' });
  await municipality.selectOption({ label: '天草市' });
  await form.locator('.map-box .leaflet-container .map-pin').waitFor();
  await expect.poll(() => form.locator('input[name="lat"]').inputValue(), POLL).not.toBe('');

  await field(form, ja.dispatch.summary).fill(summary);
  await field(form, ja.dispatch.details).fill(details);
  await checkbox(form, ja.dispatch.consent).check();
}

/** Open requests on the counselors' board. */
async function boardRows(page: Page): Promise<Locator> {
  await page.goto('/requests');
  await waitForHeading(page, ja.dispatch.boardTitle);
  return page.locator('table tbody tr');
}

const isMailTo = (m: ReceivedMail, email: string) => m.envelopeTo.includes(email);

// The steps build on each other (one request through its life), so they run in order and a step
// whose prerequisite failed is skipped rather than failing again for the same reason.
describe.sequential('dispatch', () => {
  let requestPath = '';
  let reference = '';
  let offersSent = false;
  const offerUrl: { amakusa?: string; kumamoto?: string } = {};
  let accepted = false;

  test('a counselor creates a request through the form', async () => {
    await as(COUNSELOR, async (page) => {
      const form = await openNewRequestForm(page);
      await fillRequestForm(form, caseCode);
      await screenshot(page, 'dispatch-request-form');
      await form.getByRole('button', { name: ja.dispatch.create, exact: true }).click();

      await page.waitForURL((url) => /^\/requests\/[0-9a-f-]{36}$/.test(url.pathname));
      expect(new URL(page.url()).searchParams.get('created')).toBe('1');
      requestPath = pathname(page);

      const notice = page.getByRole('status').filter({ hasText: 'を作成しました。' });
      await notice.waitFor();
      const m = (await notice.innerText()).match(/^依頼 (REQ-(\d{4})-\d{6}) を作成しました。$/);
      expect(m, await notice.innerText()).not.toBeNull();
      reference = m![1];
      // The fiscal year starts in April (Tokyo).
      const [y, mo] = tokyoDate(new Date()).split('-').map(Number);
      expect(Number(m![2])).toBe(mo >= 4 ? y : y - 1);

      const h1 = await page.locator('h1').innerText();
      expect(h1).toContain(reference);
      expect(h1).toContain('至急');
      expect(h1).toContain(ja.dispatch.statuses.draft);

      const info = await page.getByRole('region', { name: '病院 · 天草市' }).innerText();
      for (const s of [caseCode, windowText, `ベトナム語 · ${ja.dispatch.interpreterNeeded}`]) {
        expect(info).toContain(s);
      }
      expect(info).toContain(summary);
      expect(info).toContain(secret);
      // Consent was given in the form: nothing asks for it again.
      expect(await page.getByRole('button', { name: ja.dispatch.recordConsent }).count()).toBe(0);

      // The board lists it, not yet offered, linking to the page.
      const rows = await boardRows(page);
      const row = rows.filter({ hasText: reference });
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[1]).toBe('至急');
      expect(cells[2]).toBe('病院 · ベトナム語');
      expect(cells[3]).toBe('天草市');
      expect(cells[4]).toBe(formatDateTime(new Date(`${windowStart}:00+09:00`), 'ja'));
      expect(cells[5]).toBe(ja.dispatch.statuses.draft);
      await row.getByRole('link', { name: reference }).click();
      await waitForPath(page, requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
    });
  });

  test('a case code with a name in it is refused next to the field and nothing is created', async () => {
    await as(COUNSELOR, async (page) => {
      const before = await (await boardRows(page)).count();

      const form = await openNewRequestForm(page);
      const badCode = `E2E-山田花子-${stamp}`;
      await fillRequestForm(form, badCode);
      await form.getByRole('button', { name: ja.dispatch.create, exact: true }).click();
      const error = form.getByText(ja.errors.caseCode, { exact: true });
      await error.waitFor();
      expect(pathname(page)).toBe('/requests/new');
      const code = field(form, ja.dispatch.caseCode);
      expect(await code.getAttribute('aria-invalid')).toBe('true');
      const errorId = await error.locator('xpath=ancestor-or-self::ul').getAttribute('id');
      expect((await code.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId);
      // What was typed is still there to correct.
      expect(await field(form, ja.dispatch.summary).inputValue()).toBe(summary);
      await screenshot(page, 'dispatch-request-form-error');

      // The server refuses it too (the browser check is only a convenience).
      const body = new URLSearchParams(
        await form.evaluate((f: HTMLFormElement) =>
          [...new FormData(f).entries()].map(([k, v]) => [k, String(v)]),
        ),
      );
      expect(body.get('caseCode')).toBe(badCode);
      expect(body.get('municipalityCode')).toMatch(/^\d{6}$/);
      const refused = await page.request.post('/requests/new', {
        data: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl() },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(400);
      expect(await refused.text()).toContain(ja.errors.caseCode);

      // Nothing was created.
      expect(await (await boardRows(page)).count()).toBe(before);
    });
  });

  // Regression: every text input of the dispatch forms is styled like the others.
  test('the text inputs of the dispatch forms look like the others', async ({ skip }) => {
    skip(!requestPath, 'no request: the creation step failed');
    await as(COUNSELOR, async (page) => {
      const look = (l: Locator) =>
        l.evaluate((el) => {
          const cs = getComputedStyle(el);
          return {
            padding: cs.padding,
            borderRadius: cs.borderRadius,
            minHeight: cs.minHeight,
            fontSize: cs.fontSize,
          };
        });
      const form = await openNewRequestForm(page);
      const styled = await look(field(form, ja.dispatch.caseCode));
      expect(styled.minHeight).toBe('44px');
      const seen = {
        windowStart: await look(field(form, ja.dispatch.windowStart)),
        cancelReason: await (async () => {
          await page.goto(requestPath);
          await page.locator('h1', { hasText: reference }).waitFor();
          return look(page.getByLabel(ja.dispatch.cancelReason, { exact: true }));
        })(),
      };
      expect(seen).toEqual({ windowStart: styled, cancelReason: styled });
    });
  });

  test('the request page maps the candidates and the counselor offers to two of them', async ({
    skip,
  }) => {
    skip(!requestPath, 'no request: the creation step failed');
    await as(COUNSELOR, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);

      const candidatesRegion = page.getByRole('region', { name: ja.dispatch.candidates });
      const map = candidatesRegion.locator('.map-box .leaflet-container');
      await map.waitFor();
      const markers = map.locator('.leaflet-marker-icon');
      await expect.poll(() => markers.count(), POLL).toBeGreaterThan(1);
      // The request's place, with partners around it.
      expect(await map.locator('.leaflet-marker-icon.place-dot').count()).toBe(1);
      await map.locator(`.leaflet-marker-icon[title="${AMAKUSA.name}"]`).waitFor();

      const list = page.locator('ol.candidate-list');
      const item = (name: string) =>
        list.locator('li').filter({ has: page.getByText(name, { exact: true }) });
      const distanceOf = async (name: string) => {
        const text = await item(name).innerText();
        const km = text.match(/(\d+(?:\.\d+)?) km/);
        expect(km, text).not.toBeNull();
        return Number(km![1]);
      };
      const amakusaKm = await distanceOf(AMAKUSA.name);
      const kumamotoKm = await distanceOf(KUMAMOTO.name);
      // 天草市 is at the municipal office itself; 熊本市 is across the bay, within its 80 km.
      expect(amakusaKm).toBeLessThan(5);
      expect(kumamotoKm).toBeGreaterThan(30);
      expect(kumamotoKm).toBeLessThanOrEqual(80);
      // Nearest first.
      const names = await list.locator('li strong').allInnerTexts();
      expect(names.indexOf(AMAKUSA.name)).toBeLessThan(names.indexOf(KUMAMOTO.name));
      // (Scrolled to the candidates first: the sticky 打診 button otherwise sits over the list.)
      await candidatesRegion.scrollIntoViewIfNeeded();
      await screenshot(page, 'dispatch-map');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('h1', { hasText: reference }).waitFor();
      await screenshot(page, 'dispatch-map-mobile');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Ticking a candidate highlights its marker on the map.
      await item(AMAKUSA.name).getByRole('checkbox').check();
      await item(KUMAMOTO.name).getByRole('checkbox').check();
      await map
        .locator(`.leaflet-marker-icon.cand-dot.selected[title="${AMAKUSA.name}"]`)
        .waitFor();
      expect(await list.getByRole('checkbox', { checked: true }).count()).toBe(2);

      const sentAt = Date.now();
      await page.getByRole('button', { name: ja.dispatch.offerSelected, exact: true }).click();
      const notice = page.getByRole('status').filter({ hasText: '件のパートナーに打診しました' });
      await notice.waitFor();
      const m = (await notice.innerText()).match(
        /^2 件のパートナーに打診しました。回答期限：(.+)$/,
      );
      expect(m, await notice.innerText()).not.toBeNull();
      // Urgent: four hours to answer (the window starts days later).
      const respondBy = parseJaDateTime(m![1]).getTime();
      expect(respondBy).toBeGreaterThanOrEqual(sentAt + 4 * HOUR - 60_000);
      expect(respondBy).toBeLessThanOrEqual(Date.now() + 4 * HOUR + 60_000);
      offersSent = true;
      // (The notice shows as soon as the action answers; the page's data follows a moment later.)
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.offered);
      const offers = page.getByRole('region', { name: ja.dispatch.offers });
      await expect.poll(() => offers.locator('tbody tr').count(), POLL).toBe(2);
      for (const name of [AMAKUSA.name, KUMAMOTO.name]) {
        const cells = await offers.getByRole('row').filter({ hasText: name }).getByRole('cell');
        const texts = await cells.allInnerTexts();
        expect(texts[0]).toBe(name);
        expect(texts[1]).toBe(ja.dispatch.offerStatuses.pending);
        expect(texts[2]).toMatch(/^\d+(\.\d+)? km$/);
        expect(texts[4]).toBe(`回答期限 ${m![1]}`);
      }
      // Offered partners leave the candidates and are listed as already offered.
      await expect.poll(() => item(AMAKUSA.name).count(), POLL).toBe(0);
      expect(await item(KUMAMOTO.name).count()).toBe(0);
      const excluded = page.locator('details').filter({ hasText: ja.dispatch.excluded });
      await excluded.locator('summary').click();
      for (const name of [AMAKUSA.name, KUMAMOTO.name]) {
        const li = excluded.locator('li').filter({ hasText: name });
        expect(await li.innerText()).toContain(ja.dispatch.reasons.already_offered);
      }
    });
  });

  test('both partners get the offer by email; the first to accept sees the details, the other is told it is taken', async ({
    skip,
  }) => {
    skip(!offersSent, 'no offers: the offer step failed');
    const offerMail = (email: string) =>
      waitForMail(
        (m) => isMailTo(m, email) && m.subject === `【伴走依頼】至急：天草市（${reference}）`,
        `offer to ${email}`,
      );
    const [toAmakusa, toKumamoto] = await Promise.all([
      offerMail(AMAKUSA.email),
      offerMail(KUMAMOTO.email),
    ]);
    for (const mail of [toAmakusa, toKumamoto]) {
      expect(mail.text).toContain(summary);
      expect(mail.text).toContain(formatDateTime(new Date(`${windowStart}:00+09:00`), 'ja'));
      // Neither the details nor the case code ever leave in an offer.
      expect(mail.text + mail.html).not.toContain(secret);
      expect(mail.text + mail.html).not.toContain(caseCode);
    }
    offerUrl.amakusa = linkIn(toAmakusa, '/partner/offers/');
    offerUrl.kumamoto = linkIn(toKumamoto, '/partner/offers/');
    expect(offerUrl.amakusa).not.toBe(offerUrl.kumamoto);

    // Partner 2 opens its offer first, and leaves the page open while it thinks about it.
    const context2 = await newContext(browser);
    await context2.route(
      (url) => !url.href.startsWith(baseUrl()),
      (route) => route.abort('internetdisconnected'),
    );
    try {
      // (On a phone: the inbox and offer pages are made for one.)
      const page2 = await context2.newPage();
      await page2.setViewportSize({ width: 390, height: 844 });
      await loginAs(page2, KUMAMOTO.email);
      await page2.goto(offerUrl.kumamoto);
      await waitForHeading(page2, '病院 · 天草市');
      await waitForHydration(page2);
      await page2.getByRole('button', { name: ja.dispatch.accept, exact: true }).waitFor();
      expect(await page2.content()).not.toContain(secret);
      await screenshot(page2, 'partner-offer-pending-mobile');

      // Partner 1 follows the link in its email in a browser that is not signed in.
      await as(null, async (page) => {
        const offerPath = new URL(offerUrl.amakusa!).pathname;
        await page.goto(offerUrl.amakusa!);
        await waitForPath(page, '/login', `?redirectTo=${encodeURIComponent(offerPath)}`);
        await waitForHeading(page, 'ログイン');
        await waitForHydration(page);
        await submitLogin(page, AMAKUSA.email, DEMO_PASSWORD);
        await waitForPath(page, offerPath);
        await waitForHeading(page, '病院 · 天草市');
        await waitForHydration(page);

        const offer = page.getByRole('region', { name: /^あなたへの打診/ });
        const text = await offer.innerText();
        for (const s of [
          reference,
          '至急',
          windowText,
          `ベトナム語 · ${ja.dispatch.interpreterNeeded}`,
          summary,
          ja.dispatch.offerStatuses.pending,
        ]) {
          expect(text).toContain(s);
        }
        // Not the details, nor the case code: not on the page, nor in the data sent with it.
        const html = await page.content();
        expect(html).not.toContain(secret);
        expect(html).not.toContain(caseCode);
        expect(await page.getByRole('heading', { name: ja.dispatch.detailsTitle }).count()).toBe(0);

        await page.getByRole('button', { name: ja.dispatch.accept, exact: true }).click();
        await page.getByRole('status').filter({ hasText: ja.dispatch.accepted }).waitFor();
        accepted = true;
        const detailsRegion = page.getByRole('region', { name: ja.dispatch.detailsTitle });
        await detailsRegion.waitFor();
        expect(await detailsRegion.innerText()).toContain(secret);
        expect(await offer.innerText()).toContain(ja.dispatch.offerStatuses.accepted);
        // Answered: no buttons any more.
        expect(await page.getByRole('button', { name: ja.dispatch.accept }).count()).toBe(0);
        expect(await page.getByRole('button', { name: ja.dispatch.decline }).count()).toBe(0);
        await screenshot(page, 'partner-offer-accepted');
        await page.setViewportSize({ width: 390, height: 844 });
        await waitForHeading(page, '病院 · 天草市');
        await screenshot(page, 'partner-offer-mobile');
      });

      // Partner 2, on its page from before, accepts too late.
      await page2.getByRole('button', { name: ja.dispatch.accept, exact: true }).click();
      await page2.getByText(ja.dispatch.taken, { exact: true }).waitFor();
      expect(await page2.getByText(ja.dispatch.accepted, { exact: true }).count()).toBe(0);
      expect(await page2.content()).not.toContain(secret);
      expect(await page2.getByRole('heading', { name: ja.dispatch.detailsTitle }).count()).toBe(0);
      expect(pageErrors(context2), 'uncaught errors in the page').toEqual([]);
    } finally {
      await context2.close();
    }

    // The other partner is told by email that the offer is over.
    await waitForMail(
      (m) =>
        isMailTo(m, KUMAMOTO.email) &&
        m.subject === `【伴走依頼】${reference} の打診は終了しました`,
      'offer withdrawn, to kumamoto',
    );
  });

  test('the partner that lost sees the offer withdrawn in its inbox and on the offer page', async ({
    skip,
  }) => {
    skip(!accepted || !offerUrl.kumamoto, 'no accepted offer: the previous step failed');
    await as(KUMAMOTO.email, async (page) => {
      await waitForPath(page, '/partner');
      await waitForHeading(page, 'パートナーホーム');
      const inbox = page.getByRole('region', { name: ja.dispatch.inboxTitle });
      const offerPath = new URL(offerUrl.kumamoto!).pathname;
      const card = inbox.locator('article').filter({ has: page.locator(`a[href="${offerPath}"]`) });
      await card.waitFor();
      const text = await card.innerText();
      expect(text).toContain('病院 · 天草市');
      expect(text).toContain(summary);
      expect(text).toContain(ja.dispatch.offerStatuses.withdrawn);
      expect(text).not.toContain('回答期限');
      await screenshot(page, 'partner-inbox');

      await card.getByRole('link', { name: '病院 · 天草市' }).click();
      await waitForPath(page, offerPath);
      await waitForHeading(page, '病院 · 天草市');
      await page.getByRole('status').filter({ hasText: ja.dispatch.taken }).waitFor();
      expect(await page.getByRole('button', { name: ja.dispatch.accept }).count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
    });
  });

  test('the counselor sees who accepted, the timeline and the email', async ({ skip }) => {
    skip(!accepted, 'no accepted offer: the previous step failed');
    const mail = await waitForMail(
      (m) =>
        isMailTo(m, COUNSELOR) &&
        m.subject === `【伴走依頼】${reference} を ${AMAKUSA.name} が引き受けました`,
      'offer accepted, to the counselor',
    );
    const link = linkIn(mail, '/requests/');
    expect(new URL(link).pathname).toBe(requestPath);

    await as(COUNSELOR, async (page) => {
      await page.goto(link);
      await page.locator('h1', { hasText: reference }).waitFor();
      expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.accepted);
      const info = page.getByRole('region', { name: '病院 · 天草市' });
      const acceptedBy = info.locator('dt', { hasText: ja.dispatch.acceptedBy });
      expect(await acceptedBy.locator('xpath=following-sibling::dd[1]').innerText()).toBe(
        AMAKUSA.name,
      );
      // Accepted: no more candidates to offer to.
      expect(await page.locator('ol.candidate-list').count()).toBe(0);
      expect(await page.getByRole('button', { name: ja.dispatch.offerSelected }).count()).toBe(0);

      const offers = page.getByRole('region', { name: ja.dispatch.offers });
      const statusOf = async (name: string) =>
        (
          await offers.getByRole('row').filter({ hasText: name }).getByRole('cell').allInnerTexts()
        )[1];
      expect(await statusOf(AMAKUSA.name)).toBe(ja.dispatch.offerStatuses.accepted);
      expect(await statusOf(KUMAMOTO.name)).toBe(ja.dispatch.offerStatuses.withdrawn);

      const events = await page
        .getByRole('region', { name: ja.dispatch.timeline, exact: true })
        .locator('li')
        .allInnerTexts();
      const types = events.map((e) => e.split(' ')[0]);
      const ev = ja.dispatch.events;
      expect(types).toEqual([
        ev.created,
        ev.consent_recorded,
        ev.offered,
        ev.offered,
        ev.accepted,
        ev.withdrawn,
      ]);
      const line = (type: string, partner: string) =>
        events.find((e) => e.startsWith(`${type} `) && e.endsWith(`→ ${partner}`));
      expect(line(ev.offered, AMAKUSA.name)).toBeTruthy();
      expect(line(ev.offered, KUMAMOTO.name)).toBeTruthy();
      expect(line(ev.accepted, AMAKUSA.name)).toContain('松本 健一'); // the partner's user
      expect(line(ev.withdrawn, KUMAMOTO.name)).toContain('システム');
      expect(events[0]).toContain('グエン・ティ・ラン');
      await screenshot(page, 'dispatch-request-accepted');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('h1', { hasText: reference }).waitFor();
      await screenshot(page, 'dispatch-request-mobile');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The board shows it accepted, by whom.
      const row = (await boardRows(page)).filter({ hasText: reference });
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[5]).toBe(`${ja.dispatch.statuses.accepted}\n${AMAKUSA.name}`);
      expect(cells[6]).toBe('—'); // no answer pending
    });
  });

  // Regression: the reason of a withdrawn offer is shown in words.
  test('the offers table gives the reason for a withdrawn offer in words', async ({ skip }) => {
    skip(!accepted, 'no accepted offer: the previous step failed');
    await as(COUNSELOR, async (page) => {
      await page.goto(requestPath);
      const row = page
        .getByRole('region', { name: ja.dispatch.offers })
        .getByRole('row')
        .filter({ hasText: KUMAMOTO.name });
      expect(await row.innerText()).not.toMatch(/[a-z]+_[a-z_]+/);
    });
  });

  test('partners cannot open the request page nor another partner’s offer', async ({ skip }) => {
    skip(!requestPath || !offerUrl.amakusa, 'no request or offer: an earlier step failed');
    await as(AMAKUSA.email, async (page) => {
      const res = await page.goto(requestPath);
      expect(res?.status()).toBe(403);
      await waitForHeading(page, ja.errors.forbiddenTitle);
      expect(await page.content()).not.toContain(secret);
    });
    await as('minato@demo.example', async (page) => {
      const res = await page.goto(offerUrl.amakusa!);
      expect(res?.status()).toBe(404);
      await waitForHeading(page, 'Page not found'); // minato reads English
      const html = await page.content();
      expect(html).not.toContain(secret);
      expect(html).not.toContain(summary);
    });
  });

  test('the counselor cancels the request and the partner that accepted is told', async ({
    skip,
  }) => {
    skip(!accepted, 'no accepted offer: an earlier step failed');
    await as(COUNSELOR, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      const cancel = page.getByRole('region', { name: ja.dispatch.cancel });
      await field(cancel, ja.dispatch.cancelReason).fill(cancelReason);
      await cancel.getByRole('button', { name: ja.dispatch.cancel, exact: true }).click();
      await page.getByRole('status').filter({ hasText: ja.dispatch.cancelled }).waitFor();
      expect(dialogs).toEqual([ja.dispatch.cancelConfirm]);
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.cancelled);
      // Closed: it cannot be cancelled again.
      expect(await page.getByRole('region', { name: ja.dispatch.cancel }).count()).toBe(0);
      const events = await page
        .getByRole('region', { name: ja.dispatch.timeline, exact: true })
        .locator('li')
        .allInnerTexts();
      expect(events.at(-1)).toMatch(new RegExp(`^${ja.dispatch.events.cancelled} `));

      // Off the board of open requests.
      await boardRows(page);
      expect(await page.getByRole('link', { name: reference }).count()).toBe(0);
    });

    const mail = await waitForMail(
      (m) =>
        isMailTo(m, AMAKUSA.email) && m.subject === `【伴走依頼】${reference} は取り消されました`,
      'cancellation, to amakusa',
    );
    expect(mail.text).toContain(`理由：${cancelReason}`);
    // The partner whose offer was already withdrawn is not bothered again.
    await new Promise((r) => setTimeout(r, 2_000));
    const toKumamoto = (await readInbox()).filter(
      (m) => isMailTo(m, KUMAMOTO.email) && m.subject.includes(`${reference} は取り消されました`),
    );
    expect(toKumamoto).toEqual([]);
  });

  // Regression: the accepting partner sees that the request was cancelled.
  test('the partner that accepted sees on its offer page that the request was cancelled', async ({
    skip,
  }) => {
    skip(!accepted, 'no accepted offer: an earlier step failed');
    await as(AMAKUSA.email, async (page) => {
      await page.goto(offerUrl.amakusa!);
      await waitForHeading(page, '病院 · 天草市');
      expect(await page.locator('main').innerText()).toMatch(/取消|取り消/);
    });
  });

  // A second request, cancelled while its offer is still waiting for an answer.
  const second = { code: `E2E-${stamp}-2`.toUpperCase(), reference: '', offerUrl: '' };

  test('cancelling a request withdraws the offer still waiting and tells that partner', async () => {
    const reason = `別の窓口で対応（E2E ${stamp}）`;
    await as(COUNSELOR, async (page) => {
      const form = await openNewRequestForm(page);
      await fillRequestForm(form, second.code);
      await form.getByRole('button', { name: ja.dispatch.create, exact: true }).click();
      await page.waitForURL((url) => /^\/requests\/[0-9a-f-]{36}$/.test(url.pathname));
      const notice = page.getByRole('status').filter({ hasText: 'を作成しました。' });
      second.reference = (await notice.innerText()).match(/REQ-\d{4}-\d{6}/)![0];
      await waitForHydration(page);

      await page
        .locator('ol.candidate-list li')
        .filter({ has: page.getByText(KUMAMOTO.name, { exact: true }) })
        .getByRole('checkbox')
        .check();
      await page.getByRole('button', { name: ja.dispatch.offerSelected, exact: true }).click();
      const offers = page.getByRole('region', { name: ja.dispatch.offers });
      await offers.getByRole('row').filter({ hasText: KUMAMOTO.name }).waitFor();

      page.on('dialog', (d) => void d.accept());
      const cancel = page.getByRole('region', { name: ja.dispatch.cancel });
      await field(cancel, ja.dispatch.cancelReason).fill(reason);
      await cancel.getByRole('button', { name: ja.dispatch.cancel, exact: true }).click();
      await page.getByRole('status').filter({ hasText: ja.dispatch.cancelled }).waitFor();
      await expect
        .poll(
          async () =>
            (
              await offers.getByRole('row').filter({ hasText: KUMAMOTO.name }).getByRole('cell')
            ).allInnerTexts(),
          POLL,
        )
        .toEqual(expect.arrayContaining([ja.dispatch.offerStatuses.withdrawn]));
    });

    const offer = await waitForMail(
      (m) =>
        isMailTo(m, KUMAMOTO.email) &&
        m.subject === `【伴走依頼】至急：天草市（${second.reference}）`,
      'second offer, to kumamoto',
    );
    second.offerUrl = linkIn(offer, '/partner/offers/');
    const cancelled = await waitForMail(
      (m) =>
        isMailTo(m, KUMAMOTO.email) &&
        m.subject === `【伴走依頼】${second.reference} は取り消されました`,
      'cancellation of the second request, to kumamoto',
    );
    expect(cancelled.text).toContain(`理由：${reason}`);

    // Its offer page shows it closed: nothing to accept, no details.
    await as(KUMAMOTO.email, async (page) => {
      await page.goto(second.offerUrl);
      await waitForHeading(page, '病院 · 天草市');
      const offerRegion = page.getByRole('region', { name: /^あなたへの打診/ });
      expect(await offerRegion.innerText()).toContain(ja.dispatch.offerStatuses.withdrawn);
      expect(await page.getByRole('button', { name: ja.dispatch.accept }).count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
    });
  });

  // Regression: a cancellation is not presented as "someone else took it".
  test('a partner whose offer was withdrawn by a cancellation is not told someone else took it', async ({
    skip,
  }) => {
    skip(!second.offerUrl, 'no second offer: the previous step failed');
    await as(KUMAMOTO.email, async (page) => {
      await page.goto(second.offerUrl);
      await waitForHeading(page, '病院 · 天草市');
      const text = await page.locator('main').innerText();
      expect(text).not.toContain(ja.dispatch.taken);
      expect(text).toMatch(/取消|取り消/);
    });
  });
});
