import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import { formatDateTime, formatTime } from '~/lib/format';
import {
  button,
  checkbox,
  escapeRe,
  field,
  isMailTo,
  launchBrowser,
  linkIn,
  notice,
  pathname,
  readInbox,
  region,
  screenshot,
  signedIn,
  waitForHeading,
  waitForHydration,
  waitForMail,
  waitForPath,
} from './support';

// Issue #12, "Dispatch safeguards": scoped consent, the adverse-party firewall, the offer
// cascade and the accompanier's check-in, followed through one request from creation to the
// revocation of part of the worker's consent.

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Unique per run, so the tests never depend on what an earlier run (or another file) left behind.
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const caseCode = `E2E-S-${stamp}`.toUpperCase();
const summary = `ベトナム語の通訳が必要な通院同行（E2E safeguards ${stamp}）`;
const details = `待ち合わせ：天草中央総合病院の正面玄関 9:30（E2E ${stamp}）`;
/** Shared with the accepting partner only while the worker consents to it. */
const healthSecret = `HEALTH-${stamp}`;
const healthDetails = `持病：糖尿病（インスリン使用）。妊娠 12 週。${healthSecret}`;
/** Never consented to: no partner ever sees it. */
const residenceSecret = `RESIDENCE-${stamp}`;
const residenceDetails = `技能実習 2 号、在留期限は来年 3 月。${residenceSecret}`;
const declineReason = `当日は別の同行が入っているため（E2E ${stamp}）`;

/**
 * 法人番号: the check digit (first of 13) over 12 digits is 9 − (Σ Pn·Qn mod 9), Pn the n-th digit
 * from the right, Qn = 1 for odd n and 2 for even n.
 */
function withCheckDigit(base12: string): string {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(base12[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return `${9 - (sum % 9)}${base12}`;
}
/** The employer's number, unique to this run so that no other request conflicts with it. */
const employerNumber = withCheckDigit(
  String(parseInt(stamp.slice(-8), 36) % 1e12).padStart(12, '7'),
);
/** The same number with a wrong check digit. */
const wrongNumber = `${(Number(employerNumber[0]) % 9) + 1}${employerNumber.slice(1)}`;
const EMPLOYER = `株式会社 天草マリンフーズ${stamp}`;
/** How partners declare the same employer: by its number under a former name, or a name variant. */
const tieByNumber = { name: `旧商号 天草水産加工${stamp}`, corporateNumber: employerNumber };
const tieByName = { name: `（株）天草 マリン フーズ ${stamp}`, corporateNumber: '' };

const COUNSELOR = { email: 'counselor1@demo.example', name: 'グエン・ティ・ラン' };
const SECRETARIAT = 'secretariat@demo.example';
const AMAKUSA = { email: 'amakusa@demo.example', name: '天草市 市民生活課', user: '松本 健一' };
const KUMAMOTO = {
  email: 'kumamoto@demo.example',
  name: '公益財団法人 熊本市国際交流振興事業団',
  user: '田中 由美',
};
const TITLE = `${ja.dispatch.categories.hospital} · 天草市`;

const DAY = 86_400_000;
/** For expect.poll on what the page updates asynchronously (its default is 1 s). */
const POLL = { timeout: 15_000, interval: 100 };

/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
// The preferred window: three days ahead, 10:00–12:00 Tokyo time, as typed in the form.
const windowDay = tokyoDate(new Date(Date.now() + 3 * DAY));

/** "2026年11月23日 16:49" (formatDateTime, ja) back to an instant. */
function parseJaDateTime(s: string): Date {
  const m = s.match(/(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{2}):(\d{2})/);
  if (!m) throw new Error(`not a date and time: ${s}`);
  const [, y, mo, d, h, mi] = m;
  const pad = (x: string) => x.padStart(2, '0');
  return new Date(`${y}-${pad(mo)}-${pad(d)}T${h}:${mi}:00+09:00`);
}

const offerSubject = (reference: string) => `【伴走依頼】至急：天草市（${reference}）`;

/** `expected` appears in `seen` in this order (other entries may come between). */
function inOrder(seen: string[], expected: string[]): boolean {
  let i = 0;
  for (const s of seen) if (s === expected[i]) i++;
  return i === expected.length;
}

/** Signed in as `email` (a phone when asked); see signedIn in support.ts. */
const as = <T>(email: string, fn: (page: Page) => Promise<T>, opts: { phone?: boolean } = {}) =>
  signedIn(browser, { email }, fn, opts);

/** The candidates on the counselor's request page, in their ranking. */
async function candidates(page: Page): Promise<{ id: string; name: string }[]> {
  const items = page.locator('ol.candidate-list > li');
  const ids = await items.evaluateAll((lis) => lis.map((li) => li.id.replace(/^cand-/, '')));
  const names = await items.locator('strong').allInnerTexts();
  return ids.map((id, i) => ({ id, name: names[i] }));
}

/** Opens the excluded-partners list and returns the entry of `name`. */
async function excludedEntry(page: Page, name: string): Promise<string> {
  const excluded = page.locator('details').filter({ hasText: ja.dispatch.excluded });
  if (!(await excluded.evaluate((d: HTMLDetailsElement) => d.open))) {
    await excluded.locator('summary').click();
  }
  const li = excluded.locator('li').filter({ hasText: `${name} · ` });
  await li.first().waitFor();
  return li.first().innerText();
}

/** How many entries of the excluded-partners list name `name`. */
async function excludedCount(page: Page, name: string): Promise<number> {
  return page
    .locator('details')
    .filter({ hasText: ja.dispatch.excluded })
    .locator('li')
    .filter({ hasText: `${name} · ` })
    .count();
}

/** The texts of the cells of `name`'s row in the offers table. */
async function offerRow(page: Page, name: string): Promise<string[]> {
  return region(page, ja.dispatch.offers)
    .getByRole('row')
    .filter({ hasText: name })
    .getByRole('cell')
    .allInnerTexts();
}

async function timelineTypes(page: Page): Promise<string[]> {
  const events = await region(page, ja.dispatch.timeline).locator('li').allInnerTexts();
  return events.map((e) => e.split(' ')[0]);
}

/** The consent grants table: one array of cell texts per grant. */
async function consentRows(page: Page): Promise<string[][]> {
  const rows = region(page, ja.consent.title).locator('tbody tr');
  const out: string[][] = [];
  for (const row of await rows.all()) out.push(await row.getByRole('cell').allInnerTexts());
  return out;
}
const grantOf = (rows: string[][], category: string) =>
  rows.filter((r) => r[0] === category && r[1] === ja.consent.recipients.accepting_partner);

// The steps follow one request through its life, so they run in order and a step whose
// prerequisite failed is skipped rather than failing again for the same reason. A step marks what
// it achieved as soon as it is achieved.
describe.sequential('dispatch safeguards', () => {
  let requestPath = '';
  let requestId = '';
  let reference = '';
  let casePath = '';
  const tied: { id: string; name: string }[] = [];
  const offerUrl: { amakusa?: string; kumamoto?: string } = {};
  const done = {
    healthConsent: false,
    party: false,
    firewall: false,
    cascade: false,
    declined: false,
    accepted: false,
    checkedOut: false,
    revoked: false,
  };
  let checkinText = '';

  test('the counselor creates a hospital request in 天草市 with health details and the worker’s consent', async () => {
    await as(COUNSELOR.email, async (page) => {
      await page.goto('/requests/new');
      await waitForHeading(page, ja.dispatch.newRequest);
      await waitForHydration(page);
      const form = page.locator('form#request');
      await field(form, ja.dispatch.caseCode).fill(caseCode);
      await field(form, ja.dispatch.category).selectOption({
        label: ja.dispatch.categories.hospital,
      });
      await field(form, ja.dispatch.urgency).selectOption({ label: ja.dispatch.urgencies.urgent });
      await field(form, ja.dispatch.workerLanguage).selectOption({ label: ja.languages.vi });
      await field(form, ja.dispatch.windowStart).fill(`${windowDay}T10:00`);
      await field(form, ja.dispatch.windowEnd).fill(`${windowDay}T12:00`);
      await checkbox(form, ja.dispatch.interpreterNeeded).check();
      await field(form, '都道府県').selectOption({ label: '熊本県' });
      const municipality = field(form, '市区町村');
      await municipality.locator('option', { hasText: /^天草市$/ }).waitFor({ state: 'attached' });
      await municipality.selectOption({ label: '天草市' });
      await expect.poll(() => form.locator('input[name="lat"]').inputValue(), POLL).not.toBe('');
      await field(form, ja.dispatch.summary).fill(summary);
      await field(form, ja.dispatch.details).fill(details);
      await field(form, ja.dispatch.healthDetails).fill(healthDetails);
      await field(form, ja.dispatch.residenceDetails).fill(residenceDetails);
      await checkbox(form, ja.dispatch.consent).check();
      await screenshot(page, 'safeguards-request-form');
      await button(form, ja.dispatch.create).click();

      await page.waitForURL((url) => /^\/requests\/[0-9a-f-]{36}$/.test(url.pathname));
      requestPath = pathname(page);
      requestId = requestPath.split('/').pop()!;
      const created = notice(page, 'を作成しました。');
      await created.waitFor();
      reference = (await created.innerText()).match(/REQ-\d{4}-\d{6}/)![0];
      await waitForHydration(page);

      // The counselor sees everything, the health and residence details included.
      const info = await region(page, TITLE).innerText();
      for (const s of [caseCode, summary, details, healthSecret, residenceSecret]) {
        expect(info).toContain(s);
      }
      // The form's consent: summary and contact details for the accepting partner, given
      // verbally in the worker's language, recorded by the counselor.
      const rows = await consentRows(page);
      expect(rows.map((r) => r[0]).sort()).toEqual(
        [ja.consent.categories.summary, ja.consent.categories.contact].sort(),
      );
      for (const r of rows) {
        expect(r[1]).toBe(ja.consent.recipients.accepting_partner);
        expect(r[2]).toBe(`${ja.consent.methods.verbal} · ${ja.languages.vi}`);
        expect(r[3]).toContain(COUNSELOR.name);
        expect(r[4]).toBe(ja.consent.active);
      }
      // Nothing of the parties yet.
      expect(await region(page, ja.parties.adverseTitle).innerText()).toContain(
        ja.parties.adverseNone,
      );
    });
  });

  test('the counselor records the worker’s consent to share health information with the accepting partner', async ({
    skip,
  }) => {
    skip(!requestPath, 'no request: the creation step failed');
    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const grant = page.getByRole('form', { name: ja.consent.grant });
      // Summary and contact details for the accepting partner are ticked already.
      expect(await checkbox(grant, ja.consent.categories.summary).isChecked()).toBe(true);
      expect(await checkbox(grant, ja.consent.categories.contact).isChecked()).toBe(true);
      expect(await checkbox(grant, ja.consent.categories.health).isChecked()).toBe(false);
      expect(await checkbox(grant, ja.consent.recipients.accepting_partner).isChecked()).toBe(true);
      // Explained in the worker's language by default.
      expect(await grant.locator('#consent-language').inputValue()).toBe('vi');

      await checkbox(grant, ja.consent.categories.health).check();
      await grant.locator('#consent-method').selectOption({ label: ja.consent.methods.written });
      await button(grant, ja.consent.grant).click();
      await notice(page, ja.consent.granted).waitFor();
      await expect
        .poll(async () => grantOf(await consentRows(page), ja.consent.categories.health), POLL)
        .toHaveLength(1);
      done.healthConsent = true;
      const [health] = grantOf(await consentRows(page), ja.consent.categories.health);
      expect(health[2]).toBe(`${ja.consent.methods.written} · ${ja.languages.vi}`);
      expect(health[3]).toContain(COUNSELOR.name);
      expect(health[4]).toBe(ja.consent.active);
      // Granting summary and contact again adds no duplicate grant.
      const rows = await consentRows(page);
      expect(grantOf(rows, ja.consent.categories.summary)).toHaveLength(1);
      expect(grantOf(rows, ja.consent.categories.contact)).toHaveLength(1);
      // Residence status was not consented to.
      expect(grantOf(rows, ja.consent.categories.residence)).toHaveLength(0);
      await region(page, ja.consent.title).scrollIntoViewIfNeeded();
      await screenshot(page, 'safeguards-consent');
    });
  });

  test('an invalid corporate number is refused next to its field; the employer is recorded with a valid one', async ({
    skip,
  }) => {
    skip(!requestPath, 'no request: the creation step failed');
    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const parties = region(page, ja.parties.adverseTitle);
      const cn = parties.locator('#party-cn');
      // (The check digit of this test's numbers is computed right: the example.)
      expect(withCheckDigit('180301018771')).toBe('1180301018771');

      // 1. A wrong check digit.
      expect(await parties.locator('#party-kind').inputValue()).toBe('employer');
      await parties.locator('#party-name').fill(EMPLOYER);
      await cn.fill(wrongNumber);
      await button(parties, ja.parties.add).click();
      await page.getByText(ja.errors.corporateNumber, { exact: true }).first().waitFor();
      // Said next to the field it is about, and tied to it for a screen reader. (Soft: the
      // rest of the flow does not depend on where the message is.)
      const cnField = parties.locator('.field').filter({ has: page.locator('#party-cn') });
      const fieldError = cnField.getByText(ja.errors.corporateNumber, { exact: true });
      expect
        .soft(await fieldError.count(), 'the corporate-number error is shown next to its field')
        .toBe(1);
      expect.soft(await cn.getAttribute('aria-invalid'), 'aria-invalid on #party-cn').toBe('true');
      const errorId = (await fieldError.count())
        ? await fieldError.evaluate((el) => el.closest('[id]')?.id ?? '')
        : '(no error next to the field)';
      expect
        .soft(
          (await cn.getAttribute('aria-describedby'))?.split(' ') ?? [],
          '#party-cn is described by the error',
        )
        .toContain(errorId);
      // What was typed is still there to correct.
      expect.soft(await parties.locator('#party-name').inputValue()).toBe(EMPLOYER);
      await screenshot(page, 'safeguards-party-error');
      // Nothing was recorded.
      expect(await parties.innerText()).toContain(ja.parties.adverseNone);
      expect(await timelineTypes(page)).not.toContain(ja.dispatch.events.adverse_party_added);

      // 2. The right number (typed with a hyphen, as on the registry's certificate).
      await parties.locator('#party-name').fill(EMPLOYER);
      await cn.fill(`${employerNumber.slice(0, 1)}-${employerNumber.slice(1)}`);
      await button(parties, ja.parties.add).click();
      await notice(page, ja.parties.added).waitFor();
      const item = parties.locator('li').filter({ hasText: EMPLOYER });
      await item.waitFor();
      done.party = true;
      expect(await item.innerText()).toContain(
        `${ja.parties.kinds.employer}: ${EMPLOYER} (${employerNumber})`,
      );
      expect(await page.getByText(ja.errors.corporateNumber, { exact: true }).count()).toBe(0);
      await expect
        .poll(() => timelineTypes(page), POLL)
        .toContain(ja.dispatch.events.adverse_party_added);
      await parties.scrollIntoViewIfNeeded();
      await screenshot(page, 'safeguards-party-added');
    });
  });

  test('the secretariat declares ties with the employer for the partners ranked between 天草市 and 熊本市; the counselor sees them excluded for a conflict of interest', async ({
    skip,
  }) => {
    skip(!done.party, 'no adverse party: an earlier step failed');
    // The ranking before the firewall: whoever is ranked before 熊本市 (other than 天草市) would
    // get the cascade's second offer, and generated partners have no login to answer it.
    const { before, nearby } = await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const excluded = page.locator('details').filter({ hasText: ja.dispatch.excluded });
      await excluded.locator('summary').click();
      const entries = await excluded.locator('li').allInnerTexts();
      return {
        before: await candidates(page),
        // Nearby partners excluded for other reasons, nearest first.
        nearby: entries
          .filter((e) => !e.includes(ja.dispatch.reasons.conflict_of_interest))
          .map((e) => e.split(' · ')[0]),
      };
    });
    const names = before.map((c) => c.name);
    const kumamotoAt = names.indexOf(KUMAMOTO.name);
    expect(names, 'both demo partners are candidates').toContain(AMAKUSA.name);
    expect(kumamotoAt, JSON.stringify(names)).toBeGreaterThanOrEqual(0);
    const between = before.slice(0, kumamotoAt).filter((c) => c.name !== AMAKUSA.name);
    tied.push(...between);
    // However few are in between (with the demo data alone, none), both ways of declaring the
    // employer are shown: on the nearest partners excluded for other reasons too.
    const alsoTied = nearby
      .filter((n) => ![AMAKUSA.name, KUMAMOTO.name].includes(n))
      .slice(0, Math.max(0, 2 - tied.length));
    expect(tied.length + alsoTied.length, 'partners to tie to the employer').toBeGreaterThan(1);

    await as(SECRETARIAT, async (page) => {
      // The partners excluded for other reasons, found in the registry by name.
      for (const name of alsoTied) {
        await page.goto(`/partners?q=${encodeURIComponent(name)}`);
        await waitForHeading(page, ja.partners.title);
        const href = await page
          .getByRole('link', { name, exact: true })
          .first()
          .getAttribute('href');
        expect(href).toMatch(/^\/partners\/[0-9a-f-]{36}$/);
        tied.push({ id: href!.split('/').pop()!, name });
      }
      for (const [i, p] of tied.entries()) {
        // The first by the corporate number under another name, the others by a variant of the
        // name ("（株）" for "株式会社", other spacing) without a number.
        const tie = i === 0 ? tieByNumber : tieByName;
        await page.goto(`/partners/${p.id}`);
        await waitForHeading(page, p.name);
        await waitForHydration(page);
        const ties = region(page, ja.parties.tiesTitle);
        await ties.locator('#tie-relation').selectOption(i === 0 ? 'contracted_with' : 'funded_by');
        await ties.locator('#tie-name').fill(tie.name);
        await ties.locator('#tie-cn').fill(tie.corporateNumber);
        await button(ties, ja.parties.add).click();
        await waitForPath(page, `/partners/${p.id}`, '?tie=added');
        await notice(page, ja.parties.tieAdded).waitFor();
        const declared = ties.locator('li').filter({ hasText: tie.name });
        await declared.waitFor();
        expect(await declared.innerText()).toContain(
          i === 0
            ? `${ja.parties.relations.contracted_with}: ${tie.name} (${employerNumber})`
            : `${ja.parties.relations.funded_by}: ${tie.name}`,
        );
        if (i === 0) {
          await ties.scrollIntoViewIfNeeded();
          await screenshot(page, 'safeguards-partner-tie');
        }
      }
    });

    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const after = (await candidates(page)).map((c) => c.name);
      for (const p of tied) {
        expect(after, `${p.name} is not a candidate`).not.toContain(p.name);
        const entry = await excludedEntry(page, p.name);
        expect(entry, p.name).toContain(ja.dispatch.reasons.conflict_of_interest);
      }
      // 天草市, the nearest, first; 熊本市 now second.
      expect(after.slice(0, 2)).toEqual([AMAKUSA.name, KUMAMOTO.name]);
      // Only the employer's partners: the others are not excluded for a conflict.
      for (const name of [AMAKUSA.name, KUMAMOTO.name]) {
        expect(await excludedCount(page, name)).toBe(0);
      }
      done.firewall = true;
      await region(page, ja.dispatch.candidates).scrollIntoViewIfNeeded();
      await screenshot(page, 'safeguards-candidates-firewall');
    });
  });

  test('the counselor starts a cascade with k = 1: only 天草市 is offered', async ({ skip }) => {
    skip(!done.firewall, 'the firewall step failed: the second offer could go to anyone');
    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const box = page.locator('.cascade-box');
      await box.locator('#cascade-k').fill('1');
      await button(box, ja.dispatch.cascadeStart).click();
      await expect
        .poll(() => box.locator('.status').allInnerTexts(), POLL)
        .toEqual([ja.dispatch.cascadeStatuses.running]);
      done.cascade = true;
      expect(await box.innerText()).toContain(ja.dispatch.cascadeK.replace('{{k}}', '1'));
      await button(box, ja.dispatch.cascadePause).waitFor();
      await button(box, ja.dispatch.cascadeStop).waitFor();
      await expect
        .poll(() => page.locator('h1').innerText(), POLL)
        .toContain(ja.dispatch.statuses.offered);

      // One offer, to the nearest.
      const offers = region(page, ja.dispatch.offers);
      expect(await offers.locator('tbody tr').count()).toBe(1);
      const amakusa = await offerRow(page, AMAKUSA.name);
      expect(amakusa[0]).toBe(AMAKUSA.name);
      expect(amakusa[1]).toBe(ja.dispatch.offerStatuses.pending);
      // It left the candidates; 熊本市 is next in line.
      expect((await candidates(page)).map((c) => c.name)[0]).toBe(KUMAMOTO.name);
      expect(await excludedEntry(page, AMAKUSA.name)).toContain(
        ja.dispatch.reasons.already_offered,
      );
      const types = await timelineTypes(page);
      expect(types.at(-2)).toBe(ja.dispatch.events.cascade_started);
      expect(types.at(-1)).toBe(ja.dispatch.events.offered);
      await box.scrollIntoViewIfNeeded();
      await screenshot(page, 'safeguards-cascade-running');
    });

    const mail = await waitForMail(
      (m) => isMailTo(m, AMAKUSA.email) && m.subject === offerSubject(reference),
      'cascade offer, to amakusa',
    );
    expect(mail.text).toContain(summary);
    // Nothing confidential leaves in an offer.
    for (const s of [caseCode, healthSecret, residenceSecret, EMPLOYER, employerNumber]) {
      expect(mail.text + mail.html).not.toContain(s);
    }
    offerUrl.amakusa = linkIn(mail, '/partner/offers/');
  });

  test('天草市 declines on its phone, and the cascade offers 熊本市 next', async ({ skip }) => {
    skip(!offerUrl.amakusa, 'no offer to 天草市: an earlier step failed');
    await as(
      AMAKUSA.email,
      async (page) => {
        await page.goto(offerUrl.amakusa!);
        await waitForHeading(page, TITLE);
        await waitForHydration(page);
        const offer = page.getByRole('region', { name: new RegExp(`^${ja.dispatch.yourOffer}`) });
        expect(await offer.innerText()).toContain(summary);
        const html = await page.content();
        for (const s of [details, healthSecret, residenceSecret, EMPLOYER, employerNumber]) {
          expect(html).not.toContain(s);
        }
        await screenshot(page, 'safeguards-amakusa-offer-mobile');
        await page.locator('#reason').fill(declineReason);
        await button(page, ja.dispatch.decline).click();
        await notice(page, ja.dispatch.declined).waitFor();
        done.declined = true;
        await expect
          .poll(() => offer.innerText(), POLL)
          .toContain(ja.dispatch.offerStatuses.declined);
        expect(await button(page, ja.dispatch.accept).count()).toBe(0);
        await screenshot(page, 'safeguards-amakusa-declined-mobile');
      },
      { phone: true },
    );

    // The worker in the server offers the next-ranked eligible partner by itself.
    const mail = await waitForMail(
      (m) => isMailTo(m, KUMAMOTO.email) && m.subject === offerSubject(reference),
      'cascade offer, to kumamoto',
    );
    offerUrl.kumamoto = linkIn(mail, '/partner/offers/');
    for (const s of [caseCode, healthSecret, residenceSecret, EMPLOYER, employerNumber]) {
      expect(mail.text + mail.html).not.toContain(s);
    }

    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.offered);
      const amakusa = await offerRow(page, AMAKUSA.name);
      expect(amakusa[1]).toBe(ja.dispatch.offerStatuses.declined);
      expect(amakusa[5]).toBe(declineReason);
      expect((await offerRow(page, KUMAMOTO.name))[1]).toBe(ja.dispatch.offerStatuses.pending);
      // Only these two: no partner tied to the employer was ever offered it.
      expect(await region(page, ja.dispatch.offers).locator('tbody tr').count()).toBe(2);
      // Still running, for the offer that is out.
      expect(await page.locator('.cascade-box .status').innerText()).toBe(
        ja.dispatch.cascadeStatuses.running,
      );
      const events = await region(page, ja.dispatch.timeline).locator('li').allInnerTexts();
      const ev = ja.dispatch.events;
      const declined = events.find((e) => e.startsWith(`${ev.declined} `));
      expect(declined).toContain(AMAKUSA.user);
      expect(declined).toMatch(new RegExp(`→ ${escapeRe(AMAKUSA.name)}$`));
      // The second offer was made by the system, not by the counselor.
      const second = events.find(
        (e) => e.startsWith(`${ev.offered} `) && e.includes(KUMAMOTO.name),
      );
      expect(second).toContain(ja.partners.historySystem);
      await screenshot(page, 'safeguards-cascade-second-offer');
    });
  });

  test('熊本市 accepts on its phone, sees the health details, and checks in and out', async ({
    skip,
  }) => {
    skip(!offerUrl.kumamoto, 'no offer to 熊本市: an earlier step failed');
    await as(
      KUMAMOTO.email,
      async (page) => {
        await page.goto(offerUrl.kumamoto!);
        await waitForHeading(page, TITLE);
        await waitForHydration(page);
        expect(await page.content()).not.toContain(healthSecret);
        await button(page, ja.dispatch.accept).click();
        await notice(page, ja.dispatch.accepted).waitFor();
        done.accepted = true;

        // From the inbox to the case page.
        await page.goto('/partner');
        await waitForHeading(page, ja.partner.title);
        await waitForHydration(page);
        const card = region(page, ja.dispatch.inboxTitle)
          .locator('article')
          .filter({ hasText: summary });
        await card.getByRole('link', { name: ja.visits.caseLink, exact: true }).click();
        casePath = `/partner/requests/${requestId}`;
        await waitForPath(page, casePath);
        await page.locator('h1', { hasText: reference }).waitFor();
        await waitForHydration(page);
        expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.accepted);

        // What the worker agreed to share: summary, contact details and health; not the
        // residence status, nor the employer; never the case code.
        const info = await region(page, TITLE).innerText();
        expect(info).toContain(summary);
        expect(info).toContain(details);
        expect(info).toContain(healthDetails);
        expect(info).toContain(ja.dispatch.healthDetails);
        const html = await page.content();
        for (const s of [residenceSecret, EMPLOYER, employerNumber, caseCode]) {
          expect(html).not.toContain(s);
        }
        await screenshot(page, 'safeguards-case-mobile');

        // Arrived: one big tap.
        const checkin = region(page, ja.visits.checkinTitle);
        expect(await checkin.innerText()).toContain(ja.visits.checkinHint);
        const arrivedBefore = Date.now();
        await button(checkin, ja.visits.tapArrived).click();
        await button(checkin, ja.visits.tapFinished).waitFor();
        const arrivedRe = new RegExp(
          `${escapeRe(ja.visits.arrivedAt.replace('{{time}}', ''))}(\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2})`,
        );
        await expect.poll(() => checkin.innerText(), POLL).toMatch(arrivedRe);
        const arrivedAt = parseJaDateTime((await checkin.innerText()).match(arrivedRe)![1]);
        expect(arrivedAt.getTime()).toBeGreaterThanOrEqual(arrivedBefore - 60_000);
        expect(arrivedAt.getTime()).toBeLessThanOrEqual(Date.now());
        await expect
          .poll(() => page.locator('h1').innerText(), POLL)
          .toContain(ja.dispatch.statuses.in_progress);
        await screenshot(page, 'safeguards-checkin-arrived-mobile');

        // Finished.
        await button(checkin, ja.visits.tapFinished).click();
        const finishedRe = new RegExp(
          `${escapeRe(ja.visits.finishedAt.replace('{{time}}', ''))}(\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2})`,
        );
        await expect.poll(() => checkin.innerText(), POLL).toMatch(finishedRe);
        const finishedAt = parseJaDateTime((await checkin.innerText()).match(finishedRe)![1]);
        expect(finishedAt.getTime()).toBeGreaterThanOrEqual(arrivedAt.getTime());
        done.checkedOut = true;
        expect(await button(checkin, ja.visits.tapArrived).count()).toBe(0);
        expect(await button(checkin, ja.visits.tapFinished).count()).toBe(0);
        checkinText = `${ja.visits.arrivedAt.replace('{{time}}', formatDateTime(arrivedAt, 'ja'))} · ${ja.visits.finishedAt.replace('{{time}}', formatDateTime(finishedAt, 'ja'))}`;
        expect((await checkin.locator('p').first().innerText()).trim()).toBe(checkinText);
        await screenshot(page, 'safeguards-checkin-finished-mobile');

        // The visit log is prefilled with the day and the tapped times.
        await checkin.getByRole('link', { name: ja.visits.logVisit, exact: true }).click();
        await waitForPath(page, `${casePath}/visits/new`);
        await waitForHeading(page, ja.visits.newTitle);
        await waitForHydration(page);
        const form = page.locator('form.visit-form');
        expect(await field(form, ja.visits.visitDate).inputValue()).toBe(tokyoDate(arrivedAt));
        expect(await field(form, ja.visits.startTime).inputValue()).toBe(
          formatTime(arrivedAt, 'ja'),
        );
        expect(await field(form, ja.visits.endTime).inputValue()).toBe(
          formatTime(finishedAt, 'ja'),
        );
        await screenshot(page, 'safeguards-visit-prefilled-mobile');
      },
      { phone: true },
    );
  });

  test('the counselor sees who accepted, the check-in times and the whole story in the timeline', async ({
    skip,
  }) => {
    skip(!done.accepted, 'no accepted offer: an earlier step failed');
    await waitForMail(
      (m) =>
        isMailTo(m, COUNSELOR.email) &&
        m.subject === `【伴走依頼】${reference} を ${KUMAMOTO.name} が引き受けました`,
      'offer accepted, to the counselor',
    );
    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      const info = region(page, TITLE);
      const dd = (term: string) =>
        info
          .locator('dt', { hasText: new RegExp(`^${escapeRe(term)}$`) })
          .locator('xpath=following-sibling::dd[1]')
          .innerText();
      expect(await dd(ja.dispatch.acceptedBy)).toBe(KUMAMOTO.name);
      if (done.checkedOut) {
        expect(await page.locator('h1').innerText()).toContain(ja.dispatch.statuses.in_progress);
        expect(await dd(ja.visits.checkinTitle)).toBe(checkinText);
      }
      expect((await offerRow(page, KUMAMOTO.name))[1]).toBe(ja.dispatch.offerStatuses.accepted);

      const types = await timelineTypes(page);
      const ev = ja.dispatch.events;
      const story = [
        ev.created,
        ev.consent_recorded,
        ev.consent_recorded,
        ev.adverse_party_added,
        ev.cascade_started,
        ev.offered,
        ev.declined,
        ev.offered,
        ev.accepted,
        ...(done.checkedOut ? [ev.checked_in, ev.checked_out] : []),
      ];
      expect(inOrder(types, story), JSON.stringify(types)).toBe(true);
      expect(types.filter((x) => x === ev.offered)).toHaveLength(2);
      // The cascade ended with the acceptance, and the timeline says so (as it does for every
      // other way a cascade ends). (Soft: only this line depends on it.)
      expect
        .soft(
          inOrder(types, [ev.accepted, ev.cascade_ended]),
          `the timeline records the end of the cascade on acceptance: ${JSON.stringify(types)}`,
        )
        .toBe(true);
      const events = await region(page, ja.dispatch.timeline).locator('li').allInnerTexts();
      for (const [type, who] of [
        [ev.accepted, KUMAMOTO.user],
        ...(done.checkedOut
          ? [
              [ev.checked_in, KUMAMOTO.user],
              [ev.checked_out, KUMAMOTO.user],
            ]
          : []),
      ]) {
        const line = events.find((e) => e.startsWith(`${type} `));
        expect(line, type).toContain(who);
        expect(line, type).toMatch(new RegExp(`→ ${escapeRe(KUMAMOTO.name)}$`));
      }
      await screenshot(page, 'safeguards-request-checked-out');
    });
  });

  test('the counselor revokes the health consent: the partner’s next page load no longer shows it, and the partner is emailed', async ({
    skip,
  }) => {
    skip(
      !done.accepted || !done.healthConsent,
      'no accepted request with health consent: an earlier step failed',
    );
    await as(COUNSELOR.email, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1', { hasText: reference }).waitFor();
      await waitForHydration(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      const revoke = page.getByRole('form', { name: ja.consent.revoke });
      await checkbox(revoke, ja.consent.categories.health).check();
      await button(revoke, ja.consent.revoke).click();
      await notice(page, ja.consent.revoked).waitFor();
      done.revoked = true;
      expect(dialogs).toEqual([ja.consent.revokeConfirm]);

      // The health grant is revoked (with its time); the others stand.
      await expect
        .poll(
          async () => grantOf(await consentRows(page), ja.consent.categories.health)[0]?.[4],
          POLL,
        )
        .toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
      const rows = await consentRows(page);
      expect(grantOf(rows, ja.consent.categories.summary)[0][4]).toBe(ja.consent.active);
      expect(grantOf(rows, ja.consent.categories.contact)[0][4]).toBe(ja.consent.active);
      // Nothing more to revoke for health.
      expect(await checkbox(revoke, ja.consent.categories.health).count()).toBe(0);
      expect(await checkbox(revoke, ja.consent.categories.summary).count()).toBe(1);
      // The counselor still sees it; the timeline records the revocation.
      expect(await region(page, TITLE).innerText()).toContain(healthSecret);
      expect((await timelineTypes(page)).at(-1)).toBe(ja.dispatch.events.consent_revoked);
      await region(page, ja.consent.title).scrollIntoViewIfNeeded();
      await screenshot(page, 'safeguards-consent-revoked');
    });

    await as(
      KUMAMOTO.email,
      async (page) => {
        await page.goto(casePath);
        await page.locator('h1', { hasText: reference }).waitFor();
        await waitForHydration(page);
        const info = await region(page, TITLE).innerText();
        expect(info).toContain(summary);
        expect(info).toContain(details);
        // The health row now says it is not shared (rather than vanishing).
        expect(info).toContain(ja.consent.notShared);
        expect(info).not.toContain(healthDetails);
        // Not on the page, nor in the data sent with it.
        const html = await page.content();
        expect(html).not.toContain(healthSecret);
        expect(html).not.toContain(residenceSecret);
        await screenshot(page, 'safeguards-case-after-revocation-mobile');
      },
      { phone: true },
    );

    const mail = await waitForMail(
      (m) =>
        isMailTo(m, KUMAMOTO.email) &&
        m.subject === `【伴走依頼】${reference}：共有される情報が変わりました`,
      'consent revoked, to kumamoto',
    );
    // Which category, never its content.
    expect(mail.text).toContain('健康に関する情報');
    expect(mail.text + mail.html).not.toContain(healthSecret);
    expect(new URL(linkIn(mail, '/partner/requests/')).pathname).toBe(casePath);
    // Only the partner that accepted is told (not 天草市, which declined).
    const told = (await readInbox()).filter((m) =>
      m.subject.includes(`${reference}：共有される情報が変わりました`),
    );
    expect(told.flatMap((m) => m.envelopeTo)).toEqual([KUMAMOTO.email]);
  });
});
