import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import { formatDate, formatDateTime, formatTime } from '~/lib/format';
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
  readInbox,
  region,
  screenshot,
  signedIn,
  waitForHeading,
  waitForHydration,
  waitForMail,
  waitForPath,
} from './support';

// Issue #6, "Training core": the secretariat schedules a session covering every required module,
// partner users register from their phones (one place: the second goes to the waiting list), the
// secretariat takes attendance, and the partner becomes trained: its own page, the registry and
// dispatch matching say so, while an untrained partner next door is excluded as untrained.
//
// ⚑ Once any partner is trained, every request requires trained partners by default. The demo
// organisations are trained by the demo seed, so the rule is on for every file; this file trains
// only partners it creates itself, far from every other file's requests (稚内市, with a 5 km
// service radius), so they never enter another file's candidate lists. It ends by correcting the
// roster (absent), which leaves its partner untrained again; an afterAll hook does the same if a
// step fails in between.

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Unique per run, so the tests never depend on what an earlier run (or another file) left behind.
const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const SECRETARIAT = { email: 'secretariat@demo.example', password: DEMO_PASSWORD };
const COUNSELOR = { email: 'counselor1@demo.example', password: DEMO_PASSWORD };

/** Two partners at the same place, with the same languages and specialties: only A is trained. */
const PLACE = { prefecture: '北海道', municipality: '稚内市' };
const partnerA = {
  key: 'a',
  name: `E2E 研修テスト協会A ${stamp}`,
  kana: 'いーつーいー けんしゅうてすときょうかいえー',
  email: `e2e-training-a-${stamp}@example.org`,
  mouRef: `E2E-TR-A-${stamp}`,
};
const partnerB = {
  key: 'b',
  name: `E2E 研修テスト協会B ${stamp}`,
  kana: 'いーつーいー けんしゅうてすときょうかいびー',
  email: `e2e-training-b-${stamp}@example.org`,
  mouRef: `E2E-TR-B-${stamp}`,
};
type PartnerSpec = typeof partnerA;
/** One partner user for each, invited by the secretariat. */
const userA = {
  name: `研修 受講者A ${stamp}`,
  email: `e2e-training-user-a-${stamp}@example.org`,
  password: `Training-A-${stamp}-pass`,
};
const userB = {
  name: `研修 受講者B ${stamp}`,
  email: `e2e-training-user-b-${stamp}@example.org`,
  password: `Training-B-${stamp}-pass`,
};

/** The curriculum's required modules (db/migrations/2026-11-23T1800_training.ts), by code. */
const REQUIRED: Record<string, string> = {
  case_work: 'ケースワークの基礎',
  residence_status: '在留資格',
  labour_law: '労働法',
  medical_social_security: '医療と社会保障',
  children_youth: '子ども・若者',
};
const OPTIONAL = ['技能実習生（上級）', 'DV（上級）', '難民（上級）', '非正規滞在（上級）'];

const DAY = 86_400_000;
/** For expect.poll on what the page updates asynchronously (its default is 1 s). */
const POLL = { timeout: 15_000, interval: 100 };

/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
/** Both sessions are a week ahead; registration closes on the day itself. */
const sessionDay = tokyoDate(new Date(Date.now() + 7 * DAY));
const dayAfter = tokyoDate(new Date(Date.now() + 8 * DAY));
/** The accompaniment is three days ahead, 10:00–12:00 Tokyo time. */
const windowDay = tokyoDate(new Date(Date.now() + 3 * DAY));

/** YYYY-MM-DD plus whole years, as PostgreSQL adds an interval (29 February → 28 February). */
function plusYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const dt = new Date(Date.UTC(y + years, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) dt.setUTCDate(0);
  return dt.toISOString().slice(0, 10);
}
/** Trained until the session's date plus the validity period (TRAINING_VALIDITY_YEARS = 3). */
const trainedUntil = plusYears(sessionDay, 3);
const trainedText = ja.training.trainedUntil.replace('{{date}}', formatDate(trainedUntil, 'ja'));

const core = {
  title: `E2E 伴走者基礎研修 ${stamp}`,
  venue: `稚内市国際交流センター 2F 研修室（E2E ${stamp}）`,
  url: `https://meet.example.org/e2e-${stamp}`,
  instructor: '佐藤 美咲',
  start: '13:30',
  end: '16:30',
};
const advanced = {
  title: `E2E DV 上級研修 ${stamp}`,
  venue: `稚内市役所 3F 会議室（E2E ${stamp}）`,
  instructor: '山田 花子',
};

const seats = (registered: number, capacity: number, waitlisted: number) =>
  ja.training.seats
    .replace('{{registered}}', String(registered))
    .replace('{{capacity}}', String(capacity))
    .replace('{{waitlisted}}', String(waitlisted));

const navLink = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true });
/**
 * A control of the registry's filter form: `<label><span>label</span><select>` (the label's text
 * also holds every option's, so it cannot be matched as a whole).
 */
const filterControl = (filters: Locator, label: string) =>
  filters
    .locator('label')
    .filter({ has: filters.page().getByText(label, { exact: true }) })
    .locator('input, select');

/** Signed in as `who` (a phone when asked); see signedIn in support.ts. */
const as = <T>(
  who: { email: string; password: string },
  fn: (page: Page) => Promise<T>,
  opts: { phone?: boolean } = {},
) => signedIn(browser, who, fn, opts);

/** The error list of a TextField, and that the field points at it (aria-invalid, -describedby). */
async function expectFieldError(input: Locator, message: string) {
  const fieldBox = input.locator('xpath=ancestor::div[contains(@class,"field")][1]');
  const error = fieldBox.locator('ul.field-errors').getByText(message, { exact: true });
  await error.waitFor();
  expect(await input.getAttribute('aria-invalid')).toBe('true');
  const errorId = await error.locator('xpath=ancestor-or-self::ul').getAttribute('id');
  expect(errorId).toBeTruthy();
  expect((await input.getAttribute('aria-describedby'))?.split(' ')).toContain(errorId);
}

/** The secretariat's training list, reached from the menu as a user would. */
async function openTrainings(page: Page) {
  await navLink(page, ja.nav.trainings).click();
  await waitForPath(page, '/trainings');
  await waitForHeading(page, ja.training.title);
  await waitForHydration(page);
}

/** The secretariat's new-session form, reached from the list. */
async function openNewSessionForm(page: Page) {
  await openTrainings(page);
  await page.getByRole('link', { name: ja.training.new, exact: true }).click();
  await waitForPath(page, '/trainings/new');
  await waitForHeading(page, ja.training.newTitle);
  await waitForHydration(page);
  return page.locator('form#training');
}

/** The partner user's training page, reached from the menu. */
async function openPartnerTrainings(page: Page) {
  await navLink(page, ja.nav.trainings).click();
  await waitForPath(page, '/partner/trainings');
  await waitForHeading(page, ja.training.partnerTitle);
  await waitForHydration(page);
}

/** The organisation's status line at the top of /partner/trainings. */
const partnerStatus = async (page: Page) =>
  (await page.locator('main p.card').first().innerText()).trim();

/** The candidates on the counselor's request page, in their ranking. */
async function candidateNames(page: Page): Promise<string[]> {
  return page.locator('ol.candidate-list > li strong').allInnerTexts();
}

/** Opens the excluded-partners list and returns the reasons given for `name` ("a、b"). */
async function exclusionReasons(page: Page, name: string): Promise<string> {
  const excluded = page.locator('details').filter({ hasText: ja.dispatch.excluded });
  if (!(await excluded.evaluate((d: HTMLDetailsElement) => d.open))) {
    await excluded.locator('summary').click();
  }
  const li = excluded.locator('li').filter({ hasText: `${name} · ` });
  await li.first().waitFor();
  const text = (await li.first().innerText()).trim();
  return text.slice(text.lastIndexOf('— ') + 2);
}

async function excludedCount(page: Page, name: string): Promise<number> {
  return page
    .locator('details')
    .filter({ hasText: ja.dispatch.excluded })
    .locator('li')
    .filter({ hasText: `${name} · ` })
    .count();
}

// The steps follow one training session from its scheduling to its effect on dispatch, so they
// run in order and a step whose prerequisite failed is skipped rather than failing again for the
// same reason. A step marks what it achieved as soon as it is achieved.
describe.sequential('training', () => {
  const partnerPath: { a?: string; b?: string } = {};
  const partnerId: { a?: string; b?: string } = {};
  const activated = { a: false, b: false };
  let corePath = '';
  let advancedPath = '';
  let requestPath = '';
  const done = {
    registeredA: false,
    waitlistedB: false,
    registeredAdvancedB: false,
    /** Partner A is trained: until the roster is corrected, the rule is on for everyone. */
    trained: false,
    untrainedAgain: false,
  };

  /** Marks user A absent on the core session's roster: partner A is untrained again. */
  async function correctRosterToAbsent(page: Page) {
    await page.goto(corePath);
    await waitForHeading(page, `${core.title} ${ja.training.statuses.held}`);
    await waitForHydration(page);
    const row = region(page, ja.training.roster).getByRole('row').filter({ hasText: userA.name });
    await row
      .getByRole('radio', { name: ja.training.attendanceValues.absent, exact: true })
      .check();
    await button(page, ja.training.saveAttendance).click();
    await notice(page, ja.training.attendanceSaved).waitFor();
    done.untrainedAgain = true;
    done.trained = false;
  }

  afterAll(async () => {
    // Leave no partner of this file trained, whatever step failed.
    if (!done.trained || !corePath || !browser) return;
    try {
      await as(SECRETARIAT, correctRosterToAbsent);
    } catch (e) {
      console.error(
        `[training] could not untrain ${partnerA.name}; later files may see the trained-only rule on:`,
        e,
      );
    }
  });

  async function createPartner(page: Page, spec: PartnerSpec) {
    await page.goto('/partners/new');
    await waitForHeading(page, ja.partners.newPartner);
    await waitForHydration(page);
    const form = page.locator('form#partner');
    await field(form, ja.partners.name).fill(spec.name);
    await field(form, ja.partners.nameKana).fill(spec.kana);
    await field(form, ja.partners.kind).selectOption({
      label: ja.partnerKinds.international_association,
    });
    await field(form, ja.partners.status).selectOption({ label: ja.partnerStatuses.active });
    await field(form, ja.partners.prefecture).selectOption({ label: PLACE.prefecture });
    const municipality = field(form, ja.partners.municipality);
    await municipality
      .locator('option', { hasText: new RegExp(`^${PLACE.municipality}$`) })
      .waitFor({ state: 'attached' });
    await municipality.selectOption({ label: PLACE.municipality });
    // At the municipal office, where the counselor's request will be placed too.
    await button(form, ja.partners.useMunicipality).click();
    await expect.poll(() => field(form, ja.partners.lat).inputValue(), POLL).not.toBe('');
    // A small radius: never a candidate for another file's requests.
    await field(form, ja.partners.serviceRadius).fill('5');
    await checkbox(form, ja.languages.ne).check();
    await checkbox(form, ja.specialties.hospital).check();
    await field(form, ja.partners.contactEmail).fill(spec.email);
    await button(form, '保存する').click();
    await page.waitForURL((url) => /^\/partners\/[0-9a-f-]{36}$/.test(url.pathname));
    const path = pathname(page);
    await waitForHeading(page, spec.name);
    await notice(page, ja.partners.created).waitFor();
    // Not trained yet.
    expect(await region(page, ja.partners.basicsTitle).innerText()).toContain(
      ja.training.notTrained,
    );

    // An MOU in force, so that dispatch may offer it requests.
    await page.getByRole('link', { name: '覚書を追加', exact: true }).click();
    await waitForPath(page, `${path}/mous/new`);
    await waitForHydration(page);
    const mou = page.locator('form#mou');
    await field(mou, '覚書番号').fill(spec.mouRef);
    await field(mou, '状態').selectOption({ label: ja.mouStatuses.active });
    await field(mou, '有効期間（開始）').fill(tokyoDate(new Date(Date.now() - 30 * DAY)));
    await field(mou, '有効期間（終了）').fill(tokyoDate(new Date(Date.now() + 365 * DAY)));
    await button(mou, '保存する').click();
    await waitForPath(page, path, '?saved=1');
    await notice(page, ja.partners.saved).waitFor();
    await page.getByRole('row').filter({ hasText: spec.mouRef }).waitFor();
    return path;
  }

  test('the secretariat registers two partners in 稚内市 with an MOU each', async () => {
    await as(SECRETARIAT, async (page) => {
      for (const spec of [partnerA, partnerB]) {
        const path = await createPartner(page, spec);
        partnerPath[spec.key as 'a' | 'b'] = path;
        partnerId[spec.key as 'a' | 'b'] = path.split('/').pop()!;
      }
    });
  }, 180_000);

  test('the secretariat invites a user for each partner, who sets a password from the email', async ({
    skip,
  }) => {
    skip(!partnerId.a || !partnerId.b, 'no partners: the registration step failed');
    await as(SECRETARIAT, async (page) => {
      await page.goto('/secretariat/users');
      await waitForHeading(page, ja.users.title);
      await waitForHydration(page);
      const form = page.locator('form#invite');
      for (const [user, id] of [
        [userA, partnerId.a!],
        [userB, partnerId.b!],
      ] as const) {
        await field(form, ja.users.name).fill(user.name);
        await field(form, ja.users.email).fill(user.email);
        await field(form, ja.users.role).selectOption('partner');
        await field(form, ja.users.partner).selectOption(id);
        await field(form, ja.users.locale).selectOption('ja');
        await button(form, ja.users.submit).click();
        await page.getByText(ja.users.invited.replace('{{email}}', user.email)).waitFor();
      }
    });

    for (const [key, user, spec] of [
      ['a', userA, partnerA],
      ['b', userB, partnerB],
    ] as const) {
      const mail = await waitForMail(
        (m) => isMailTo(m, user.email) && m.text.includes('/invite/'),
        `invitation to ${user.email}`,
      );
      const link = linkIn(mail, '/invite/');
      const context = await newContext(browser);
      try {
        const page = await context.newPage();
        await page.goto(link);
        await waitForHeading(page, `ようこそ、${user.name} さん`);
        await waitForHydration(page);
        await page.locator('input[name="password"]').fill(user.password);
        await page.locator('input[name="confirm"]').fill(user.password);
        await button(page, 'パスワードを設定する').click();
        await waitForPath(page, '/partner');
        activated[key] = true;
        // Their organisation is the partner just registered.
        await navLink(page, ja.nav.organisation).click();
        await waitForPath(page, '/partner/organisation');
        await waitForHeading(page, spec.name);
        expect(pageErrors(context)).toEqual([]);
      } finally {
        await context.close();
      }
    }
  }, 120_000);

  test('a session whose deadline is after its date, or with neither venue nor URL, is refused next to the field, and nothing is created', async () => {
    await as(SECRETARIAT, async (page) => {
      const form = await openNewSessionForm(page);
      await field(form, ja.training.sessionTitle).fill(advanced.title);
      await checkbox(form, 'DV（上級）').check();
      await field(form, ja.training.date).fill(sessionDay);
      await field(form, ja.training.deadline).fill(dayAfter);
      await field(form, ja.training.capacity).fill('10');
      await field(form, ja.training.instructor).fill(advanced.instructor);
      // Neither a venue nor an online URL.
      await button(form, ja.training.new).click();

      const deadline = field(form, ja.training.deadline);
      const venue = field(form, ja.training.venue);
      await expectFieldError(deadline, ja.training.errors.deadlineAfter);
      await expectFieldError(venue, ja.training.errors.venueOrUrl);
      // Only those two fields are wrong.
      expect(await form.locator('ul.field-errors').count()).toBe(2);
      expect(pathname(page)).toBe('/trainings/new');
      // What was typed survives.
      expect(await field(form, ja.training.sessionTitle).inputValue()).toBe(advanced.title);
      expect(await checkbox(form, 'DV（上級）').isChecked()).toBe(true);
      await screenshot(page, 'training-session-form-errors');

      // The server refuses it too (the browser check is only a convenience).
      const body = new URLSearchParams(
        await form.evaluate((f: HTMLFormElement) =>
          [...new FormData(f).entries()].map(([k, v]) => [k, String(v)]),
        ),
      );
      expect(body.get('deadline')).toBe(dayAfter);
      expect(body.getAll('modules')).toEqual(['dv']);
      const refused = await page.request.post('/trainings/new', {
        data: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl() },
        maxRedirects: 0,
      });
      expect(refused.status()).toBe(400);
      const refusedText = await refused.text();
      expect(refusedText).toContain(ja.training.errors.deadlineAfter);
      expect(refusedText).toContain(ja.training.errors.venueOrUrl);
      // Nothing was created, by the form or by the post.
      const list = await page.request.get('/trainings');
      expect(list.status()).toBe(200);
      expect(await list.text()).not.toContain(advanced.title);

      // Corrected, it is saved: this session is used later for the cancellation.
      await deadline.fill(sessionDay);
      await venue.fill(advanced.venue);
      await form.locator('ul.field-errors').first().waitFor({ state: 'detached' });
      await button(form, ja.training.new).click();
      await page.waitForURL((url) => /^\/trainings\/[0-9a-f-]{36}$/.test(url.pathname));
      advancedPath = pathname(page);
      await notice(page, ja.training.created).waitFor();
      await waitForHeading(page, `${advanced.title} ${ja.training.statuses.scheduled}`);
    });
  });

  test('the secretariat schedules a session covering every required module, with one seat', async () => {
    await as(SECRETARIAT, async (page) => {
      const form = await openNewSessionForm(page);
      // The required modules are marked as such, the advanced ones are not.
      for (const name of Object.values(REQUIRED)) {
        await checkbox(form, `${name} (${ja.training.required})`).check();
      }
      for (const name of OPTIONAL) {
        expect(await checkbox(form, name).count(), name).toBe(1);
        expect(await checkbox(form, name).isChecked(), name).toBe(false);
      }
      await field(form, ja.training.sessionTitle).fill(core.title);
      await field(form, ja.training.date).fill(sessionDay);
      await field(form, ja.training.startTime).fill(core.start);
      await field(form, ja.training.endTime).fill(core.end);
      await field(form, ja.training.deadline).fill(sessionDay);
      await field(form, ja.training.capacity).fill('1');
      await field(form, ja.training.instructor).fill(core.instructor);
      await field(form, ja.training.venue).fill(core.venue);
      await field(form, ja.training.onlineUrl).fill(core.url);
      await screenshot(page, 'training-session-form');
      await button(form, ja.training.new).click();

      await page.waitForURL((url) => /^\/trainings\/[0-9a-f-]{36}$/.test(url.pathname));
      expect(new URL(page.url()).searchParams.get('created')).toBe('1');
      corePath = pathname(page);
      await notice(page, ja.training.created).waitFor();
      await waitForHeading(page, `${core.title} ${ja.training.statuses.scheduled}`);
      await waitForHydration(page);

      const details = page.locator('dl.meta-list');
      const dd = (term: string) =>
        details
          .locator('dt', { hasText: new RegExp(`^${escapeRe(term)}$`) })
          .locator('xpath=following-sibling::dd[1]')
          .innerText();
      const starts = new Date(`${sessionDay}T${core.start}:00+09:00`);
      const ends = new Date(`${sessionDay}T${core.end}:00+09:00`);
      expect(await dd(ja.training.date)).toBe(
        `${formatDateTime(starts, 'ja')}–${formatTime(ends, 'ja')}`,
      );
      expect((await dd(ja.training.modules)).split('、').sort()).toEqual(
        Object.values(REQUIRED).sort(),
      );
      expect(await dd(ja.training.venue)).toBe(`${core.venue} · ${core.url}`);
      expect(await dd(ja.training.instructor)).toBe(core.instructor);
      expect(await dd(ja.training.capacity)).toBe(seats(0, 1, 0));
      // Registration closes at the end of the deadline day, Tokyo time.
      expect(await dd(ja.training.deadline)).toBe(
        formatDateTime(new Date(`${sessionDay}T23:59:00+09:00`), 'ja'),
      );
      await region(page, ja.training.roster)
        .getByText(ja.training.rosterNone, { exact: true })
        .waitFor();
      await screenshot(page, 'training-session-created');

      // Listed with its seats and status.
      await page.getByRole('link', { name: `← ${ja.training.title}` }).click();
      await waitForPath(page, '/trainings');
      const row = page.getByRole('row').filter({ hasText: core.title });
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      expect(cells[0]).toBe(formatDateTime(starts, 'ja'));
      expect(cells[3]).toBe(seats(0, 1, 0));
      expect(cells[4]).toBe(ja.training.statuses.scheduled);
      await row.getByRole('link', { name: core.title, exact: true }).click();
      await waitForPath(page, corePath);
    });
  });

  test('a partner user, untrained, registers from their phone', async ({ skip }) => {
    skip(!corePath || !activated.a, 'no session or no partner user: an earlier step failed');
    await as(
      userA,
      async (page) => {
        await openPartnerTrainings(page);
        expect(await partnerStatus(page)).toBe(ja.training.notTrained);
        const card = page.locator('article').filter({ hasText: core.title });
        const text = await card.innerText();
        expect(text).toContain(core.venue);
        expect(text).toContain(seats(0, 1, 0));
        await screenshot(page, 'training-partner-list-mobile');

        await button(card, ja.training.register).click();
        await notice(page, ja.training.registeredNotice).waitFor();
        done.registeredA = true;
        await card.getByText(ja.training.registered, { exact: true }).waitFor();
        await expect.poll(() => card.innerText(), POLL).toContain(seats(1, 1, 0));
        // Registered: the button now cancels (and registering again is not offered).
        await button(card, ja.training.cancelRegistration).waitFor();
        expect(await button(card, ja.training.register).count()).toBe(0);
        await screenshot(page, 'training-partner-registered-mobile');
      },
      { phone: true },
    );
  });

  test('a second partner user finds the session full and is put on the waiting list', async ({
    skip,
  }) => {
    skip(!done.registeredA || !activated.b, 'the first registration or user B is missing');
    await as(
      userB,
      async (page) => {
        await openPartnerTrainings(page);
        expect(await partnerStatus(page)).toBe(ja.training.notTrained);
        const card = page.locator('article').filter({ hasText: core.title });
        expect(await card.innerText()).toContain(seats(1, 1, 0));
        await button(card, ja.training.register).click();
        await notice(page, ja.training.waitlistedNotice).waitFor();
        done.waitlistedB = true;
        await card.getByText(ja.training.waitlisted, { exact: true }).waitFor();
        await expect.poll(() => card.innerText(), POLL).toContain(seats(1, 1, 1));
        await screenshot(page, 'training-partner-waitlisted-mobile');

        // The advanced session has room.
        if (advancedPath) {
          const other = page.locator('article').filter({ hasText: advanced.title });
          await button(other, ja.training.register).click();
          await notice(page, ja.training.registeredNotice).waitFor();
          done.registeredAdvancedB = true;
          await other.getByText(ja.training.registered, { exact: true }).waitFor();
        }
      },
      { phone: true },
    );
  });

  test('the secretariat takes attendance on the roster (printable), and the session is held', async ({
    skip,
  }) => {
    skip(!done.registeredA, 'nobody registered: an earlier step failed');
    await as(SECRETARIAT, async (page) => {
      await page.goto(corePath);
      await waitForHeading(page, `${core.title} ${ja.training.statuses.scheduled}`);
      await waitForHydration(page);
      const roster = region(page, ja.training.roster);
      const rowA = roster.getByRole('row').filter({ hasText: userA.name });
      const cellsA = await rowA.getByRole('cell').allInnerTexts();
      expect(cellsA[1]).toBe(partnerA.name);
      expect(cellsA[2]).toBe(ja.training.registered);
      // One radio group per registered person.
      for (const v of Object.values(ja.training.attendanceValues)) {
        expect(await rowA.getByRole('radio', { name: v, exact: true }).isChecked(), v).toBe(false);
      }
      if (done.waitlistedB) {
        // The waiting list is shown after the registered, without attendance to take.
        const rowB = roster.getByRole('row').filter({ hasText: userB.name });
        const cellsB = await rowB.getByRole('cell').allInnerTexts();
        expect(cellsB[1]).toBe(partnerB.name);
        expect(cellsB[2]).toBe(ja.training.waitlisted);
        expect(cellsB[3]).toBe('—');
        expect(await rowB.getByRole('radio').count()).toBe(0);
        const names = await roster.locator('tbody tr td:first-child').allInnerTexts();
        expect(names).toEqual([userA.name, userB.name]);
      }

      // The print button prints the roster: a sheet with the attendance boxes, without the
      // menu or the buttons.
      await page.evaluate(() => {
        (window as unknown as { printed: number }).printed = 0;
        window.print = () => {
          (window as unknown as { printed: number }).printed++;
        };
      });
      await button(page, ja.training.print).click();
      expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.app-header').isVisible()).toBe(false);
      expect(await button(page, ja.training.print).isVisible()).toBe(false);
      expect(await button(page, ja.training.saveAttendance).isVisible()).toBe(false);
      expect(await button(page, ja.training.cancelSession).isVisible()).toBe(false);
      expect(
        await rowA
          .getByRole('radio', { name: ja.training.attendanceValues.attended, exact: true })
          .isVisible(),
      ).toBe(true);
      await screenshot(page, 'training-roster-print');
      await page.emulateMedia({ media: 'screen' });

      await rowA
        .getByRole('radio', { name: ja.training.attendanceValues.attended, exact: true })
        .check();
      await button(page, ja.training.saveAttendance).click();
      await notice(page, ja.training.attendanceSaved).waitFor();
      done.trained = true;
      await waitForHeading(page, `${core.title} ${ja.training.statuses.held}`);
      // Held: it can no longer be cancelled.
      expect(await button(page, ja.training.cancelSession).count()).toBe(0);
      await screenshot(page, 'training-attendance-saved');

      // Saved, not only shown.
      await page.reload();
      await waitForHydration(page);
      expect(
        await region(page, ja.training.roster)
          .getByRole('row')
          .filter({ hasText: userA.name })
          .getByRole('radio', { name: ja.training.attendanceValues.attended, exact: true })
          .isChecked(),
      ).toBe(true);
    });
  });

  test('the partner is trained: its own page, the registry filter and its partner page say so', async ({
    skip,
  }) => {
    skip(!done.trained, 'no attendance recorded: an earlier step failed');
    await as(
      userA,
      async (page) => {
        await openPartnerTrainings(page);
        expect(await partnerStatus(page)).toBe(trainedText);
        // The held session is no longer among the upcoming ones.
        expect(await page.locator('article').filter({ hasText: core.title }).count()).toBe(0);
        await screenshot(page, 'training-partner-trained-mobile');
      },
      { phone: true },
    );
    if (activated.b) {
      // The partner on the waiting list did not attend: still untrained.
      await as(
        userB,
        async (page) => {
          await openPartnerTrainings(page);
          expect(await partnerStatus(page)).toBe(ja.training.notTrained);
        },
        { phone: true },
      );
    }

    await as(SECRETARIAT, async (page) => {
      await page.goto('/partners');
      await waitForHeading(page, ja.partners.title);
      await waitForHydration(page);
      const filters = page.getByRole('search');
      const trained = filterControl(filters, ja.training.trainedState);
      expect(await trained.getAttribute('name')).toBe('trained');
      await trained.selectOption({ label: ja.training.trained });
      await button(filters, ja.partners.apply).click();
      await page.waitForURL((url) => url.searchParams.get('trained') === 'yes');
      const rows = page.locator('table tbody tr');
      // (The unfiltered list may still be on screen for a moment: wait for the filtered one.)
      const mouCells = () => rows.locator('td:nth-child(5)').allInnerTexts();
      const allTrained = async () => {
        const cells = await mouCells();
        return cells.length > 0 && cells.every((c) => c.includes(ja.training.trained));
      };
      await expect.poll(allTrained, POLL).toBe(true);
      // Every partner listed is trained, and A (only A of the two) is among them.
      await page.getByRole('link', { name: partnerA.name, exact: true }).waitFor();
      expect(await page.getByRole('link', { name: partnerB.name, exact: true }).count()).toBe(0);
      const rowA = rows.filter({ hasText: partnerA.name });
      expect(await rowA.locator('td:nth-child(5)').innerText()).toContain(trainedText);
      await screenshot(page, 'training-registry-trained');

      // And the other way round.
      await trained.selectOption({ label: ja.training.untrained });
      await filterControl(filters, ja.partners.search).fill(stamp);
      await button(filters, ja.partners.apply).click();
      await page.waitForURL((url) => url.searchParams.get('trained') === 'no');
      await page.getByRole('link', { name: partnerB.name, exact: true }).waitFor();
      await expect
        .poll(() => page.getByRole('link', { name: partnerA.name, exact: true }).count(), POLL)
        .toBe(0);

      // The partner's page.
      await page.goto(partnerPath.a!);
      await waitForHeading(page, partnerA.name);
      const basics = region(page, ja.partners.basicsTitle);
      const status = (
        await basics
          .locator('dt', { hasText: new RegExp(`^${escapeRe(ja.training.trainedState)}$`) })
          .locator('xpath=following-sibling::dd[1]')
          .innerText()
      ).trim();
      expect(status.startsWith(ja.training.trainedUntil.split('{{date}}')[0]), status).toBe(true);
      expect(status).toContain(trainedUntil.slice(0, 4));
      // The date as everywhere else in the app (here: the registry list and the partner's own
      // page), not as stored.
      expect.soft(status, 'the partner page formats the trained-until date').toBe(trainedText);
      await screenshot(page, 'training-partner-page');
    });
  });

  test('dispatch: the trained partner is a candidate, the untrained one next door is excluded as untrained; the rule can be switched off for the request', async ({
    skip,
  }) => {
    skip(!done.trained, 'partner A was not trained: an earlier step failed');
    await as(COUNSELOR, async (page) => {
      await page.goto('/requests/new');
      await waitForHeading(page, ja.dispatch.newRequest);
      await waitForHydration(page);
      const form = page.locator('form#request');
      await field(form, ja.dispatch.caseCode).fill(`E2E-T-${stamp}`.toUpperCase());
      await field(form, ja.dispatch.category).selectOption({
        label: ja.dispatch.categories.hospital,
      });
      await field(form, ja.dispatch.urgency).selectOption({ label: ja.dispatch.urgencies.normal });
      await field(form, ja.dispatch.workerLanguage).selectOption({ label: ja.languages.ne });
      await field(form, ja.dispatch.windowStart).fill(`${windowDay}T10:00`);
      await field(form, ja.dispatch.windowEnd).fill(`${windowDay}T12:00`);
      await checkbox(form, ja.dispatch.interpreterNeeded).check();
      await field(form, '都道府県').selectOption({ label: PLACE.prefecture });
      const municipality = field(form, '市区町村');
      await municipality
        .locator('option', { hasText: new RegExp(`^${PLACE.municipality}$`) })
        .waitFor({ state: 'attached' });
      await municipality.selectOption({ label: PLACE.municipality });
      await expect.poll(() => form.locator('input[name="lat"]').inputValue(), POLL).not.toBe('');
      await field(form, ja.dispatch.summary).fill(
        `ネパール語の通訳が必要な通院同行（E2E ${stamp}）`,
      );
      await field(form, ja.dispatch.details).fill(`病院の正面玄関で 10 時（E2E ${stamp}）`);
      await checkbox(form, ja.dispatch.consent).check();
      await button(form, ja.dispatch.create).click();
      await page.waitForURL((url) => /^\/requests\/[0-9a-f-]{36}$/.test(url.pathname));
      requestPath = pathname(page);
      await notice(page, 'を作成しました。').waitFor();
      await waitForHydration(page);

      // Trained partners only, by default now that someone is trained.
      const rule = page.getByRole('checkbox', { name: ja.training.requireTrained, exact: true });
      expect(await rule.isChecked()).toBe(true);
      await expect.poll(() => candidateNames(page), POLL).toContain(partnerA.name);
      const names = await candidateNames(page);
      expect(names).not.toContain(partnerB.name);
      // No other trained partner serves 稚内市: A is the only candidate.
      expect(names).toEqual([partnerA.name]);
      expect(await exclusionReasons(page, partnerB.name)).toBe(ja.dispatch.reasons.untrained);
      expect(await excludedCount(page, partnerA.name)).toBe(0);
      await region(page, ja.dispatch.candidates).scrollIntoViewIfNeeded();
      await screenshot(page, 'training-dispatch-trained-only');

      // Switched off for this request (e.g. nobody trained nearby): B is a candidate again.
      await rule.uncheck();
      await rule
        .locator('xpath=ancestor::form[1]')
        .getByRole('button', { name: ja.training.applyRule, exact: true })
        .click();
      await expect.poll(() => candidateNames(page), POLL).toContain(partnerB.name);
      expect(await candidateNames(page)).toContain(partnerA.name);
      expect(await excludedCount(page, partnerB.name)).toBe(0);
      expect(await rule.isChecked()).toBe(false);
      const events = await region(page, ja.dispatch.timeline).locator('li').allInnerTexts();
      expect(events.some((e) => e.startsWith(`${ja.dispatch.events.trained_rule} `))).toBe(true);
      await screenshot(page, 'training-dispatch-rule-off');

      // Saved on the request, not only shown.
      await page.reload();
      await waitForHydration(page);
      expect(
        await page
          .getByRole('checkbox', { name: ja.training.requireTrained, exact: true })
          .isChecked(),
      ).toBe(false);
      expect(await candidateNames(page)).toContain(partnerB.name);
    });
  });

  test('the secretariat cancels the advanced session: its registrant is emailed, and the link shows it gone', async ({
    skip,
  }) => {
    skip(!advancedPath, 'no advanced session: the validation step failed');
    await as(SECRETARIAT, async (page) => {
      await page.goto(advancedPath);
      await waitForHeading(page, `${advanced.title} ${ja.training.statuses.scheduled}`);
      await waitForHydration(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await button(page, ja.training.cancelSession).click();
      await waitForPath(page, '/trainings', '?cancelled=1');
      await notice(page, ja.training.sessionCancelled).waitFor();
      expect(dialogs).toEqual([ja.training.cancelSessionConfirm]);
      const row = page.getByRole('row').filter({ hasText: advanced.title });
      await row.waitFor();
      expect((await row.getByRole('cell').allInnerTexts())[4]).toBe(ja.training.statuses.cancelled);
    });

    if (!done.registeredAdvancedB) return;
    const subject = `【研修】中止のお知らせ：${advanced.title}`;
    const mail = await waitForMail(
      (m) => isMailTo(m, userB.email) && m.subject === subject,
      'session cancelled, to user B',
    );
    expect(mail.text).toContain(`${userB.name} 様`);
    const link = linkIn(mail, '/partner/');
    expect(new URL(link).pathname).toBe('/partner/trainings');
    // Only the people registered for it are told.
    const told = (await readInbox()).filter((m) => m.subject === subject);
    expect(told.flatMap((m) => m.envelopeTo)).toEqual([userB.email]);

    await as(
      userB,
      async (page) => {
        await page.goto(link);
        await waitForHeading(page, ja.training.partnerTitle);
        await waitForHydration(page);
        expect(await page.locator('article').filter({ hasText: advanced.title }).count()).toBe(0);
        await screenshot(page, 'training-partner-after-cancellation-mobile');
      },
      { phone: true },
    );
  });

  test('the secretariat corrects the roster (absent): the partner is no longer trained, and dispatch excludes it again', async ({
    skip,
  }) => {
    skip(!done.trained, 'partner A was not trained: an earlier step failed');
    await as(SECRETARIAT, correctRosterToAbsent);

    await as(
      userA,
      async (page) => {
        await openPartnerTrainings(page);
        expect(await partnerStatus(page)).toBe(ja.training.notTrained);
      },
      { phone: true },
    );

    await as(SECRETARIAT, async (page) => {
      await page.goto(`/partners?trained=yes&q=${encodeURIComponent(stamp)}`);
      await waitForHeading(page, ja.partners.title);
      await page.getByText(ja.partners.empty, { exact: true }).waitFor();
    });

    if (!requestPath) return;
    await as(COUNSELOR, async (page) => {
      await page.goto(requestPath);
      await page.locator('h1').waitFor();
      await waitForHydration(page);
      // The rule switched back on for the request (the demo organisations are trained, so the
      // switch is still offered): neither partner of 稚内市 is trained now.
      const rule = page.getByRole('checkbox', { name: ja.training.requireTrained, exact: true });
      expect(await rule.isChecked()).toBe(false);
      await rule.check();
      await rule
        .locator('xpath=ancestor::form[1]')
        .getByRole('button', { name: ja.training.applyRule, exact: true })
        .click();
      await page.getByText(ja.dispatch.candidatesEmpty, { exact: true }).waitFor();
      expect(await rule.isChecked()).toBe(true);
      expect(await exclusionReasons(page, partnerA.name)).toBe(ja.dispatch.reasons.untrained);
      expect(await exclusionReasons(page, partnerB.name)).toBe(ja.dispatch.reasons.untrained);
      await screenshot(page, 'training-dispatch-after-correction');
    });
  });
});
