import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import en from '~/i18n/en';
import ja from '~/i18n/ja';
import { formatDate } from '~/lib/format';
import type { ReceivedMail } from './global-setup';
import {
  baseUrl,
  button,
  checkbox,
  escapeRe,
  field,
  launchBrowser,
  linkIn,
  loginAs,
  newContext,
  pageErrors,
  pathname,
  region,
  screenshot,
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

// Unique per run, so the tests never depend on what an earlier run (or another file) left behind.
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const caseCode = `E2E-V-${stamp}`.toUpperCase();
const summary = `タガログ語で労働基準監督署へ同行（E2E visits ${stamp}）`;
const details = `未払い残業代の相談。子ども 1 人同伴。（E2E ${stamp}）`;

const COUNSELOR = 'counselor1@demo.example';
/** The Tokyo NPO; its user reads English. */
const MINATO = {
  email: 'minato@demo.example',
  name: 'NPO法人 みなと多文化共生ネット',
  shelter: 'みなと一時避難シェルター',
};
const PLACE_NAME = '港区';
const CASE_TITLE_JA = `${ja.dispatch.categories.labor_office} · ${PLACE_NAME}`;
const CASE_TITLE_EN = `${en.dispatch.categories.labor_office} · ${PLACE_NAME}`;

const DAY = 86_400_000;
/** For expect.poll on what the page updates asynchronously (its default is 1 s). */
const POLL = { timeout: 15_000, interval: 100 };

/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
const today = tokyoDate(new Date());
// The preferred window of the request: two days ahead, 13:00–15:00 Tokyo time.
const windowDay = tokyoDate(new Date(Date.now() + 2 * DAY));

// What the partner logs; the counselor finds the cost wrong, the partner corrects it.
const visit = {
  startTime: '10:00',
  endTime: '11:30',
  place: `三田労働基準監督署 2 階 相談窓口（E2E ${stamp}）`,
  activities: 'Went with the worker to the labour office and interpreted the consultation.',
  outcome: 'A complaint about unpaid overtime was filed.',
  followUp: 'Call the labour office next week about the inspection.',
  travelKm: '3.4',
  travelCost: '1500',
  correctedCost: '1200',
  interpreterMinutes: '90',
  note: `NOTE-${stamp}: the worker is afraid the employer will find out.`,
};
const returnComment = `領収書の金額は 1,200 円です。実費を直してください。（E2E ${stamp}）`;
const report = `Accompaniment finished: complaint filed, stay ended (E2E ${stamp}).`;
const closingNote = `労基署の調査結果を 1 か月後に確認する（E2E ${stamp}）`;

/** A real (8×8) JPEG, as a phone camera would send a receipt photo. */
const RECEIPT = {
  name: 'receipt-e2e.jpg',
  mimeType: 'image/jpeg',
  buffer: Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4' +
      'UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj' +
      'Y2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAbEAEA' +
      'AAcAAAAAAAAAAAAAAAAAFSUyUmWCkf/EABUBAQEAAAAAAAAAAAAAAAAAAAQG/8QAGREAAgMBAAAAAAAAAAAAAAAAAAEC' +
      'ERIh/9oADAMBAAIRAxEAPwCkqgWR2u5SAI3ZRRjm+n//2Q==',
    'base64',
  ),
};

/** REQ-…, given when the counselor creates the request. */
let reference = '';

/** The facts of the visit on the review page, whose heading reads "date · partner status". */
const visitFacts = (page: Page, status: string) =>
  page.getByRole('region', {
    name: new RegExp(`^${escapeRe(`${today} · ${MINATO.name}`)}\\s+${escapeRe(status)}$`),
  });
const isMailTo = (m: ReceivedMail, email: string) => m.envelopeTo.includes(email);

/** Nothing leaves localhost, as on a closed network. */
async function offline(context: BrowserContext) {
  await context.route(
    (url) => !url.href.startsWith(baseUrl()),
    (route) => route.abort('internetdisconnected'),
  );
}

/**
 * Errors the context's pages log to the console. Not failures by themselves (a refused request
 * logs one too), but they name what React's minified messages do not, and show a page that broke
 * while rendering in the browser (which React Router catches, so no uncaught error is recorded).
 */
function consoleErrors(context: BrowserContext): () => string[] {
  const seen: string[] = [];
  context.on('page', (page) =>
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        seen.push(`${page.url()}: ${msg.text().split('\n')[0].slice(0, 300)}`);
      }
    }),
  );
  return () => [...new Set(seen)];
}

/** Runs `fn` signed in as `email`, then fails on any uncaught error the pages recorded. */
async function runIn<T>(
  context: BrowserContext,
  pageErrorsOf: () => string[],
  email: string,
  fn: (page: Page, errors: () => string[]) => Promise<T>,
): Promise<T> {
  const errors = () => [...new Set(pageErrorsOf())];
  const logged = consoleErrors(context);
  try {
    await offline(context);
    const page = await context.newPage();
    await loginAs(page, email);
    let result: T;
    try {
      result = await fn(page, errors);
    } catch (e) {
      if (e instanceof Error) {
        if (errors().length)
          e.message += `\nuncaught errors in the page:\n  ${errors().join('\n  ')}`;
        if (logged().length)
          e.message += `\nerrors in the browser console:\n  ${logged().join('\n  ')}`;
      }
      throw e;
    }
    expect(errors(), `uncaught errors in the page; console:\n  ${logged().join('\n  ')}`).toEqual(
      [],
    );
    return result;
  } finally {
    await context.close();
  }
}

/** A counselor at a desk (Japanese UI). */
async function asCounselor<T>(fn: (page: Page, errors: () => string[]) => Promise<T>): Promise<T> {
  const context = await newContext(browser);
  return runIn(context, () => pageErrors(context), COUNSELOR, fn);
}

/**
 * The partner on a phone (390×844, touch).
 */
async function asPartnerOnPhone<T>(
  fn: (page: Page, errors: () => string[]) => Promise<T>,
): Promise<T> {
  const context = await newContext(browser, { phone: true });
  return runIn(context, () => pageErrors(context), MINATO.email, fn);
}

/** The cells' texts of the visit-table row of our visit. */
async function visitRowCells(page: Page, regionName: string) {
  const row = region(page, regionName).locator('tbody tr').filter({ hasText: visit.place });
  await row.waitFor();
  return row.getByRole('cell').allInnerTexts();
}

/** Free beds of the NPO's shelter, as its select option says ("2 of 4 beds free"). */
async function freeBeds(page: Page): Promise<number> {
  const option = page.locator('#shelterId option', { hasText: MINATO.shelter });
  const text = await option.innerText();
  const m = text.match(/— (\d+) of 4 beds free$/);
  expect(m, text).not.toBeNull();
  return Number(m![1]);
}

/**
 * The partner's case page, once the browser has taken it over: it must render (and keep) the
 * request's heading without an uncaught error.
 */
async function openCasePage(page: Page, casePath: string, errors: () => string[]) {
  await page.goto(casePath);
  await page.locator('h1', { hasText: reference }).waitFor();
  await waitForHydration(page);
  if (errors().length) {
    const h1 = await page.locator('h1').allInnerTexts();
    expect(
      errors(),
      `uncaught errors on ${casePath}, which now reads ${JSON.stringify(h1)}`,
    ).toEqual([]);
  }
  await page.locator('h1', { hasText: reference }).waitFor();
}

/** The visit form of the partner's request, opened by its address. */
async function openNewVisitForm(page: Page, casePath: string) {
  await page.goto(`${casePath}/visits/new`);
  await waitForHeading(page, en.visits.newTitle);
  await waitForHydration(page);
  return page.locator('form.visit-form');
}

async function fillVisit(form: Locator, values: { endTime?: string; travelCost?: string } = {}) {
  // The date defaults to today (Tokyo).
  expect(await field(form, en.visits.visitDate).inputValue()).toBe(today);
  await field(form, en.visits.startTime).fill(visit.startTime);
  await field(form, en.visits.endTime).fill(values.endTime ?? visit.endTime);
  await field(form, en.visits.place).fill(visit.place);
  await field(form, en.visits.activities).fill(visit.activities);
  await field(form, en.visits.outcome).fill(visit.outcome);
  await checkbox(form, en.visits.followUpNeeded).check();
  await field(form, en.visits.followUp).fill(visit.followUp);
  await field(form, en.visits.travelKm).fill(visit.travelKm);
  await field(form, en.visits.travelCost).fill(values.travelCost ?? visit.travelCost);
  await field(form, en.visits.interpreterMinutes).fill(visit.interpreterMinutes);
  await field(form, en.visits.confidentialNote).fill(visit.note);
}

// The steps follow one request through its life, so they run in order and a step whose
// prerequisite failed is skipped rather than failing again for the same reason. A step marks what
// it achieved as soon as it is achieved, so that a later step that does not need the rest can run.
describe.sequential('visits and shelter stays', () => {
  let requestPath = '';
  let casePath = '';
  let visitId = '';
  let freeBefore = -1;
  const done = {
    logged: false,
    stay: false,
    returned: false,
    corrected: false,
    approved: false,
    stayEnded: false,
    completed: false,
  };

  test('a counselor creates a request in 港区 and offers it to the Tokyo NPO', async () => {
    await asCounselor(async (page) => {
      await page.goto('/requests/new');
      await waitForHeading(page, ja.dispatch.newRequest);
      await waitForHydration(page);
      const form = page.locator('form#request');
      await field(form, ja.dispatch.caseCode).fill(caseCode);
      await field(form, ja.dispatch.category).selectOption({
        label: ja.dispatch.categories.labor_office,
      });
      await field(form, ja.dispatch.urgency).selectOption({ label: ja.dispatch.urgencies.normal });
      await field(form, ja.dispatch.workerLanguage).selectOption({ label: ja.languages.tl });
      await field(form, ja.dispatch.windowStart).fill(`${windowDay}T13:00`);
      await field(form, ja.dispatch.windowEnd).fill(`${windowDay}T15:00`);
      await checkbox(form, ja.dispatch.interpreterNeeded).check();
      // A mother with her child may need beds for a few nights.
      await field(form, ja.dispatch.shelterBeds).fill('2');
      await field(form, ja.dispatch.shelterGuest).selectOption({
        label: ja.dispatch.guests.families,
      });
      await field(form, '都道府県').selectOption({ label: '東京都' });
      const municipality = field(form, '市区町村');
      await municipality
        .locator('option', { hasText: new RegExp(`^${PLACE_NAME}$`) })
        .waitFor({ state: 'attached' });
      await municipality.selectOption({ label: PLACE_NAME });
      await expect.poll(() => form.locator('input[name="lat"]').inputValue(), POLL).not.toBe('');
      await field(form, ja.dispatch.summary).fill(summary);
      await field(form, ja.dispatch.details).fill(details);
      await checkbox(form, ja.dispatch.consent).check();
      await button(form, ja.dispatch.create).click();

      await page.waitForURL((url) => /^\/requests\/[0-9a-f-]{36}$/.test(url.pathname));
      requestPath = pathname(page);
      const notice = page.getByRole('status').filter({ hasText: 'を作成しました。' });
      await notice.waitFor();
      reference = (await notice.innerText()).match(/REQ-\d{4}-\d{6}/)![0];
      await waitForHydration(page);

      const minato = page
        .locator('ol.candidate-list li')
        .filter({ has: page.getByText(MINATO.name, { exact: true }) });
      await minato.getByRole('checkbox').check();
      await button(page, ja.dispatch.offerSelected).click();
      await page.getByRole('status').filter({ hasText: '件のパートナーに打診しました' }).waitFor();
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.offered);
    });
  });

  test('the partner accepts on its phone and opens the case page from its inbox', async ({
    skip,
  }) => {
    skip(!reference, 'no request: the previous step failed');
    await asPartnerOnPhone(async (page, errors) => {
      await waitForPath(page, '/partner');
      await waitForHeading(page, en.partner.title);
      const card = () =>
        region(page, en.dispatch.inboxTitle).locator('article').filter({ hasText: summary });
      await card().getByRole('link', { name: CASE_TITLE_EN }).click();
      await waitForHeading(page, CASE_TITLE_EN);
      await waitForHydration(page);
      await button(page, en.dispatch.accept).click();
      await page.getByRole('status').filter({ hasText: en.dispatch.accepted }).waitFor();
      casePath = `/partner${requestPath}`;

      // The inbox card now leads to the case page ...
      await page.goto('/partner');
      await waitForHeading(page, en.partner.title);
      const caseLink = card().getByRole('link', { name: en.visits.caseLink, exact: true });
      expect(await caseLink.getAttribute('href')).toBe(casePath);
      // ... which works when opened (a fresh page, the browser taking over the server's HTML)
      await openCasePage(page, casePath, errors);
      expect(await page.locator('h1').innerText()).toContain(en.dispatch.statuses.accepted);
      const info = await region(page, CASE_TITLE_EN).innerText();
      expect(info).toContain(summary);
      expect(info).toContain(details); // the details, once accepted
      expect(info).not.toContain(caseCode); // the case code, never
      expect(info).toContain(COUNSELOR);
      const visits = region(page, en.visits.sectionTitle);
      expect(await visits.innerText()).toContain(en.visits.none);
      expect(await region(page, en.visits.stays).innerText()).toContain(en.visits.staysNone);
      await screenshot(page, 'visits-case-mobile');

      // ... and when followed from the inbox (the browser renders it), and leads to the form.
      await page.goto('/partner');
      await waitForHeading(page, en.partner.title);
      await waitForHydration(page);
      await card().getByRole('link', { name: en.visits.caseLink, exact: true }).click();
      await waitForPath(page, casePath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await region(page, en.visits.sectionTitle)
        .getByRole('link', { name: en.visits.logVisit, exact: true })
        .click();
      await waitForPath(page, `${casePath}/visits/new`);
      await waitForHeading(page, en.visits.newTitle);
    });
  });

  test('on the phone, an end time before the start and a cost without a receipt are refused next to their fields, and nothing is saved', async ({
    skip,
  }) => {
    skip(!casePath, 'no accepted request: an earlier step failed');
    await asPartnerOnPhone(async (page) => {
      // 1. End before start: refused in the browser, before anything is sent.
      let form = await openNewVisitForm(page, casePath);
      await fillVisit(form, { endTime: '09:15' });
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(r.url());
      });
      await button(form, en.visits.submit).click();
      const endError = form.getByText(en.visits.errors.endBeforeStart, { exact: true });
      await endError.waitFor();
      const endTime = field(form, en.visits.endTime);
      expect(await endTime.getAttribute('aria-invalid')).toBe('true');
      const errorId = await endError.locator('xpath=ancestor-or-self::ul').getAttribute('id');
      expect((await endTime.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId);
      expect(posts).toEqual([]);
      expect(pathname(page)).toBe(`${casePath}/visits/new`);
      // What was typed is still there to correct.
      expect(await field(form, en.visits.place).inputValue()).toBe(visit.place);
      await screenshot(page, 'visits-form-error-mobile');

      // The server refuses it too (the browser check is only a convenience).
      const refused = await page.request.post(`${casePath}/visits/new`, {
        multipart: {
          visitDate: today,
          startTime: visit.startTime,
          endTime: '09:15',
          place: visit.place,
          activities: visit.activities,
        },
        headers: { origin: baseUrl() },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(400);
      expect(await refused.text()).toContain(en.visits.errors.endBeforeStart);

      // 2. A travel cost with no receipt: the server says so next to the file input.
      form = await openNewVisitForm(page, casePath);
      await fillVisit(form);
      await button(form, en.visits.submit).click();
      const receiptError = form.getByText(en.visits.errors.receiptRequired, { exact: true });
      await receiptError.waitFor();
      expect(pathname(page)).toBe(`${casePath}/visits/new`);
      const receipt = form.locator('#receipt');
      expect(await receipt.getAttribute('aria-invalid')).toBe('true');
      // A screen reader reads the error with the file input, as with every other field. (Soft:
      // the rest of the step still runs if this alone fails.)
      expect
        .soft(
          (await receipt.getAttribute('aria-describedby'))?.split(' '),
          'the receipt error is described by the file input',
        )
        .toContain(await receiptError.locator('xpath=ancestor-or-self::ul').getAttribute('id'));
      expect(await field(form, en.visits.place).inputValue()).toBe(visit.place);
      expect(await field(form, en.visits.travelCost).inputValue()).toBe(visit.travelCost);
      await screenshot(page, 'visits-form-receipt-error-mobile');
    });

    // Nothing was saved: no visit, nothing to review, and the request has not moved on.
    await asCounselor(async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.accepted);
      expect(await region(page, ja.visits.sectionTitle).innerText()).toContain(ja.visits.none);
      await page.goto('/visits');
      await waitForHeading(page, ja.visits.queueTitle);
      await waitForHydration(page);
      expect(await page.getByRole('link', { name: reference, exact: true }).count()).toBe(0);
    });
  });

  test('the partner logs a visit with a receipt photo on its phone', async ({ skip }) => {
    skip(!casePath, 'no accepted request: an earlier step failed');
    await asPartnerOnPhone(async (page) => {
      const form = await openNewVisitForm(page, casePath);
      await fillVisit(form);
      await form.locator('#receipt').setInputFiles(RECEIPT);
      await screenshot(page, 'visits-form-mobile');
      await button(form, en.visits.submit).click();

      await waitForPath(page, casePath, '?saved=1');
      done.logged = true;
      await page.getByRole('status').filter({ hasText: en.visits.saved }).waitFor();
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(en.dispatch.statuses.in_progress);
      const cells = await visitRowCells(page, en.visits.sectionTitle);
      expect(cells).toEqual([
        today,
        `${visit.startTime}–${visit.endTime}`,
        visit.place,
        `${visit.travelKm} km`,
        '¥1,500',
        en.visits.statuses.submitted,
      ]);
      const link = region(page, en.visits.sectionTitle).getByRole('link', { name: today });
      expect(await link.getAttribute('href')).toMatch(/^\/partner\/visits\/[0-9a-f-]{36}$/);
    });
  });

  test('the partner records a shelter stay for the family', async ({ skip }) => {
    skip(!casePath, 'no accepted request: an earlier step failed');
    await asPartnerOnPhone(async (page, errors) => {
      await openCasePage(page, casePath, errors);
      const stayForm = page.getByRole('form', { name: en.visits.startStay });
      freeBefore = await freeBeds(page);
      expect(freeBefore).toBeGreaterThanOrEqual(2);
      const shelter = stayForm.locator('#shelterId option', { hasText: MINATO.shelter });
      await stayForm.locator('#shelterId').selectOption((await shelter.getAttribute('value'))!);
      // The request asked for two beds, from today.
      expect(await stayForm.locator('#beds').inputValue()).toBe('2');
      expect(await stayForm.locator('#checkIn').inputValue()).toBe(today);
      await button(stayForm, en.visits.startStay).click();
      await page.getByRole('status').filter({ hasText: en.visits.stayStarted }).waitFor();
      done.stay = true;

      const stay = region(page, en.visits.stays).locator('li').filter({ hasText: MINATO.shelter });
      const text = await stay.innerText();
      expect(text).toContain(`${en.visits.beds} 2`);
      expect(text).toContain(`${en.visits.checkIn} ${today}`);
      expect(text).toContain(en.visits.staying);
      // The two beds are held.
      await expect.poll(() => freeBeds(page), POLL).toBe(freeBefore - 2);
      await screenshot(page, 'visits-case-stay-mobile');
    });
  });

  test('the counselor finds the visit in the review queue, checks the receipt and returns it with a comment', async ({
    skip,
  }) => {
    skip(!done.logged, 'no visit: an earlier step failed');
    await asCounselor(async (page) => {
      await page.goto('/counselor');
      await page.locator('header').getByRole('link', { name: ja.nav.visits, exact: true }).click();
      await waitForPath(page, '/visits');
      await waitForHeading(page, ja.visits.queueTitle);
      // One page of visits: no previous/next links (soft: the review goes on if only this is wrong).
      expect.soft(await page.getByRole('navigation', { name: ja.common.pages }).count()).toBe(0);
      const row = page.locator('tbody tr').filter({ hasText: reference });
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[1]).toBe(MINATO.name);
      expect(cells[2]).toBe(`${today} ${visit.startTime}–${visit.endTime}`);
      expect(cells[3]).toBe(`${visit.travelKm} km`);
      expect(cells[4]).toBe('¥1,500');
      await row.getByRole('link', { name: ja.visits.open, exact: true }).click();
      await page.waitForURL((url) => /^\/visits\/[0-9a-f-]{36}$/.test(url.pathname));
      visitId = pathname(page).split('/').pop()!;
      await waitForHeading(page, ja.visits.reviewTitle);
      await waitForHydration(page);

      const facts = visitFacts(page, ja.visits.statuses.submitted);
      const text = await facts.innerText();
      for (const s of [
        `${visit.startTime}–${visit.endTime}`,
        '1 時間 30 分',
        visit.place,
        visit.activities,
        visit.outcome,
        visit.followUp,
        `${visit.travelKm} km`,
        '¥1,500',
        RECEIPT.name,
        visit.interpreterMinutes,
      ]) {
        expect(text).toContain(s);
      }
      expect(await region(page, ja.visits.confidentialNote).innerText()).toContain(visit.note);

      // The receipt is the photo that was sent, as a download.
      const href = await facts
        .getByRole('link', { name: ja.visits.receiptLink, exact: true })
        .getAttribute('href');
      expect(href).toMatch(/^\/files\/[0-9a-f-]{36}$/);
      const file = await page.request.get(href!);
      expect(file.status()).toBe(200);
      expect(file.headers()['content-type']).toBe('image/jpeg');
      expect(file.headers()['content-disposition']).toMatch(/^attachment/);
      expect(Buffer.compare(await file.body(), RECEIPT.buffer)).toBe(0);
      await screenshot(page, 'visits-review');

      const returnForm = page.getByRole('form', { name: ja.visits.return });
      await returnForm.locator('#return-comment').fill(returnComment);
      await button(returnForm, ja.visits.return).click();
      await waitForPath(
        page,
        '/visits',
        `?reviewed=return&request=${requestPath.split('/').pop()}`,
      );
      await page.getByRole('status').filter({ hasText: ja.visits.returned }).waitFor();
      done.returned = true;
      // Out of the queue until it is corrected.
      expect(await page.locator('tbody tr').filter({ hasText: reference }).count()).toBe(0);
    });
  });

  test('the partner is emailed, sees the comment on its phone, corrects the cost and resubmits', async ({
    skip,
  }) => {
    skip(!done.returned, 'the visit was not returned: an earlier step failed');
    const mail = await waitForMail(
      (m) =>
        isMailTo(m, MINATO.email) &&
        m.subject.includes(reference) &&
        m.subject.includes('was returned'),
      'visit returned, to minato',
    );
    // In the partner's language, naming the request and the day, and nothing of the case.
    expect(mail.subject).toBe(`[Visit log] ${reference} (${formatDate(today, 'en')}) was returned`);
    expect(mail.text + mail.html).not.toContain(visit.note);
    expect(mail.text + mail.html).not.toContain(returnComment);
    const link = linkIn(mail, '/partner/visits/');
    expect(new URL(link).pathname).toBe(`/partner/visits/${visitId}`);

    await asPartnerOnPhone(async (page) => {
      await page.goto(link);
      await waitForHeading(page, en.visits.editTitle);
      await waitForHydration(page);
      const comment = page.getByRole('alert').filter({ hasText: en.visits.reviewComment });
      expect((await comment.innerText()).replace(/\s+/g, ' ')).toBe(
        `${en.visits.reviewComment} ${returnComment}`,
      );
      // The form holds what was logged.
      const form = page.locator('form.visit-form');
      expect(await field(form, en.visits.visitDate).inputValue()).toBe(today);
      expect(await field(form, en.visits.startTime).inputValue()).toBe(visit.startTime);
      expect(await field(form, en.visits.endTime).inputValue()).toBe(visit.endTime);
      expect(await field(form, en.visits.place).inputValue()).toBe(visit.place);
      expect(await field(form, en.visits.activities).inputValue()).toBe(visit.activities);
      expect(await field(form, en.visits.outcome).inputValue()).toBe(visit.outcome);
      expect(await checkbox(form, en.visits.followUpNeeded).isChecked()).toBe(true);
      expect(await field(form, en.visits.followUp).inputValue()).toBe(visit.followUp);
      expect(await field(form, en.visits.travelKm).inputValue()).toBe(visit.travelKm);
      expect(await field(form, en.visits.travelCost).inputValue()).toBe(visit.travelCost);
      expect(await field(form, en.visits.interpreterMinutes).inputValue()).toBe(
        visit.interpreterMinutes,
      );
      expect(await field(form, en.visits.confidentialNote).inputValue()).toBe(visit.note);
      expect(await form.locator('#receipt-hint').innerText()).toBe(
        en.visits.receiptCurrent.replace('{{name}}', RECEIPT.name),
      );
      await screenshot(page, 'visits-returned-mobile');

      // The receipt on file stays: only the amount changes.
      await field(form, en.visits.travelCost).fill(visit.correctedCost);
      await button(form, en.visits.save).click();
      await waitForPath(page, casePath, '?saved=1');
      done.corrected = true;
      await page.getByRole('status').filter({ hasText: en.visits.saved }).waitFor();
      const after = await visitRowCells(page, en.visits.sectionTitle);
      expect(after[4]).toBe('¥1,200');
      expect(after[5]).toBe(en.visits.statuses.submitted);
    });
  });

  test('the counselor approves the corrected visit, which is then frozen', async ({ skip }) => {
    skip(!done.corrected, 'the visit was not corrected: an earlier step failed');
    await asCounselor(async (page) => {
      await page.goto('/visits');
      await waitForHeading(page, ja.visits.queueTitle);
      const row = page.locator('tbody tr').filter({ hasText: reference });
      expect((await row.getByRole('cell').allInnerTexts())[4]).toBe('¥1,200');
      await row.getByRole('link', { name: ja.visits.open, exact: true }).click();
      await waitForPath(page, `/visits/${visitId}`);
      await waitForHeading(page, ja.visits.reviewTitle);
      await waitForHydration(page);
      const text = await visitFacts(page, ja.visits.statuses.submitted).innerText();
      expect(text).toContain('¥1,200');
      expect(text).toContain(RECEIPT.name);

      const approveForm = page.getByRole('form', { name: ja.visits.approve });
      await button(approveForm, ja.visits.approve).click();
      await waitForPath(
        page,
        '/visits',
        `?reviewed=approve&request=${requestPath.split('/').pop()}`,
      );
      await page.getByRole('status').filter({ hasText: ja.visits.approved }).waitFor();
      done.approved = true;
      expect(await page.locator('tbody tr').filter({ hasText: reference }).count()).toBe(0);

      // Approved: no more review forms, and it says it cannot change.
      await page.goto(`/visits/${visitId}`);
      await waitForHeading(page, ja.visits.reviewTitle);
      await page.getByRole('status').filter({ hasText: ja.visits.frozen }).waitFor();
      await visitFacts(page, ja.visits.statuses.approved).waitFor();
      expect(await button(page, ja.visits.approve).count()).toBe(0);
      expect(await button(page, ja.visits.return).count()).toBe(0);

      // The request page lists it approved.
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      const cells = await visitRowCells(page, ja.visits.sectionTitle);
      expect(cells[4]).toBe('¥1,200');
      expect(cells[5]).toBe(ja.visits.statuses.approved);
      if (done.stay) {
        expect(await region(page, ja.visits.sectionTitle).innerText()).toContain(
          `${MINATO.shelter} (${PLACE_NAME}) · ${ja.visits.beds} 2 · ${ja.visits.checkIn} ${today} · ${ja.visits.staying}`,
        );
      }
    });
  });

  test('the partner checks the family out of the shelter and completes with a report', async ({
    skip,
  }) => {
    skip(!done.approved || !done.stay, 'no approved visit or stay: an earlier step failed');
    await asPartnerOnPhone(async (page, errors) => {
      // An approved visit can only be read.
      await page.goto(`/partner/visits/${visitId}`);
      await waitForHeading(page, en.visits.sectionTitle);
      expect(await page.locator('form.visit-form').count()).toBe(0);
      expect(await button(page, en.visits.withdraw).count()).toBe(0);

      await openCasePage(page, casePath, errors);
      expect((await visitRowCells(page, en.visits.sectionTitle))[5]).toBe(
        en.visits.statuses.approved,
      );
      const stay = region(page, en.visits.stays).locator('li').filter({ hasText: MINATO.shelter });
      expect(await stay.getByLabel(en.visits.checkOut, { exact: true }).inputValue()).toBe(today);
      await button(stay, en.visits.endStay).click();
      await page.getByRole('status').filter({ hasText: en.visits.stayEnded }).waitFor();
      done.stayEnded = true;
      await expect
        .poll(() => stay.innerText(), POLL)
        .toContain(`${en.visits.checkOut} ${today} (0 nights)`);
      expect(await button(stay, en.visits.endStay).count()).toBe(0);
      // The beds are free again.
      await expect.poll(() => freeBeds(page), POLL).toBe(freeBefore);

      const complete = region(page, en.visits.complete);
      await complete.locator('#report').fill(report);
      await button(complete, en.visits.complete).click();
      await page.getByRole('status').filter({ hasText: en.visits.completed }).waitFor();
      done.completed = true;
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(en.dispatch.statuses.completed);
      expect(await region(page, CASE_TITLE_EN).innerText()).toContain(report);
      // Completed: no more stays, nor a second completion.
      expect(await page.getByRole('form', { name: en.visits.startStay }).count()).toBe(0);
      expect(await region(page, en.visits.complete).count()).toBe(0);
      await screenshot(page, 'visits-case-completed-mobile');
    });

    await waitForMail(
      (m) =>
        isMailTo(m, COUNSELOR) &&
        m.subject === `【伴走完了】${reference} を ${MINATO.name} が完了しました`,
      'request completed, to the counselor',
    );
  });

  test('the counselor closes the completed request, and the partner can then only read it', async ({
    skip,
  }) => {
    skip(!done.completed, 'the request was not completed: an earlier step failed');
    await asCounselor(async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.completed);
      expect(await region(page, CASE_TITLE_JA).innerText()).toContain(report);
      expect(await region(page, ja.visits.sectionTitle).innerText()).toContain(
        `${ja.visits.checkOut} ${today} (0 泊)`,
      );

      const close = region(page, ja.visits.closeTitle);
      // Every visit reviewed and every stay ended: nothing stands in the way.
      expect(await close.getByRole('status').count()).toBe(0);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await close.locator('#closingNote').fill(closingNote);
      await checkbox(close, ja.visits.followUpFlag).check();
      await button(close, ja.visits.close).click();
      await page.getByRole('status').filter({ hasText: ja.visits.closed }).waitFor();
      expect(dialogs).toEqual([ja.visits.closeConfirm]);
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.closed);
      const info = await region(page, CASE_TITLE_JA).innerText();
      expect(info).toContain(`${closingNote} (${ja.visits.followUpFlag})`);
      expect(await region(page, ja.visits.closeTitle).count()).toBe(0);

      // The whole story is in the timeline, in order.
      const events = await region(page, ja.dispatch.timeline).locator('li').allInnerTexts();
      const types = events.map((e) => e.split(' ')[0]);
      const ev = ja.dispatch.events;
      expect(types.slice(types.indexOf(ev.accepted))).toEqual([
        ev.accepted,
        ev.visit_submitted,
        ev.stay_started,
        ev.visit_returned,
        ev.visit_resubmitted,
        ev.visit_approved,
        ev.stay_ended,
        ev.completed,
        ev.closed,
      ]);
      await screenshot(page, 'visits-request-closed');
    });

    await asPartnerOnPhone(async (page, errors) => {
      await openCasePage(page, casePath, errors);
      expect(await page.locator('h1').innerText()).toContain(en.dispatch.statuses.closed);
      await page.getByRole('status').filter({ hasText: en.visits.readOnly }).waitFor();
      expect(await page.getByRole('link', { name: en.visits.logVisit }).count()).toBe(0);
      expect(await page.getByRole('form', { name: en.visits.startStay }).count()).toBe(0);
      expect(await region(page, en.visits.complete).count()).toBe(0);
      // Nor can a visit be logged by going to the form directly.
      await page.goto(`${casePath}/visits/new`);
      await waitForHeading(page, en.visits.newTitle);
      await page.getByRole('status').filter({ hasText: en.visits.readOnly }).waitFor();
      expect(await page.locator('form.visit-form').count()).toBe(0);
    });
  });
});
