import { promises as fs } from 'node:fs';
import { request as apiRequest, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import { BANDS, parsePeriod, quarterKeyOf, SMALL_CELL } from '~/modules/reports/period';
import {
  baseUrl,
  button,
  DEMO_PASSWORD,
  escapeRe,
  launchBrowser,
  notice,
  pathname,
  region,
  screenshot,
  signedIn,
  waitForHeading,
  waitForHydration,
  waitForPath,
} from './support';

// Reports: the secretariat's activity report for a period (cards, outcome table, breakdowns with
// bar charts), its anonymous CSV and PDF; the coverage-gap map with a language filter, on a
// desktop and on a phone; API tokens for the public directory API (created, used, revoked); and
// the quarter's report attached to a liaison meeting.
//
// ⚑ The demo seed has two requests (DEMO-0001 in 天草市 熊本県, DEMO-0002 in 港区 東京都), created
// when the server started; other files may add more. So this file checks the structure and that
// the page's numbers agree with each other, never exact totals.

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const SECRETARIAT = { email: 'secretariat@demo.example', password: DEMO_PASSWORD };

/** YYYY-MM-DD in Tokyo. */
const tokyoDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(d);
const today = tokyoDate(new Date());
const quarterKey = quarterKeyOf(today);
const monthKey = today.slice(0, 7);
const yearKey = quarterKey.slice(0, 6);

/** `{{name}}` placeholders of an i18n string filled in. */
const fill = (s: string, vars: Record<string, string | number>) =>
  s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));
const reportHeading = (key: string) => `${ja.reports.title} — ${parsePeriod(key)!.label.ja}`;
/** "1,916" → 1916. */
const int = (s: string) => {
  const t = s.replace(/[,\s]/g, '');
  if (!/^\d+$/.test(t)) throw new Error(`not a whole number: "${s}"`);
  return Number(t);
};
const share = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '—');

/**
 * A select inside its <label>: its accessible name is the label's text followed by the chosen
 * option's, so it is found by the name's start.
 */
const select = (page: Page, label: string) =>
  page.getByRole('combobox', { name: new RegExp(`^${escapeRe(label)}`) });

const navLink = (page: Page, name: string) =>
  page.getByRole('navigation').getByRole('link', { name, exact: true });

const as = <T>(fn: (page: Page) => Promise<T>, opts: { phone?: boolean } = {}) =>
  signedIn(browser, SECRETARIAT, fn, opts);

/** Downloads what the link leads to, as the browser saves it. */
async function download(page: Page, link: Locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(await file.failure()).toBeNull();
  return { name: file.suggestedFilename(), body: await fs.readFile((await file.path())!) };
}

/** Accepts every confirm() the page shows, and returns what they said. */
function acceptDialogs(page: Page): string[] {
  const seen: string[] = [];
  page.on('dialog', (d) => {
    seen.push(d.message());
    void d.accept();
  });
  return seen;
}

/** A table's body rows as [row header, ...cells], whitespace collapsed. */
async function tableRows(scope: Locator): Promise<string[][]> {
  const rows = scope.locator('tbody tr');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).locator('th, td').allInnerTexts();
    out.push(cells.map((c) => c.replace(/\s+/g, ' ').trim()));
  }
  return out;
}

/** The report page's total number of requests (the first summary card). */
async function requestTotal(page: Page) {
  const card = page.locator('.cards .card.stat').first();
  expect((await card.innerText()).replace(/\s+/g, ' ').trim()).toMatch(
    new RegExp(`^[\\d,]+ ${escapeRe(ja.reports.requests)}$`),
  );
  return int(await card.locator('strong').innerText());
}

/** Opens the report of `key` with the period select and the 表示 button, as a user does. */
async function choosePeriod(page: Page, key: string) {
  const period = select(page, ja.reports.period);
  await period.selectOption(key);
  await button(page, ja.reports.show).click();
  await waitForPath(page, '/reports', `?period=${key}`);
  await waitForHeading(page, reportHeading(key));
  expect(await period.inputValue()).toBe(key);
}

// ---- the coverage page --------------------------------------------------------------------------

interface Coverage {
  total: number;
  ms: number;
  legend: number[];
  /** "熊本県 天草市" → km (Infinity: no eligible partner), from both tables. */
  km: Map<string, number>;
  worst: string[][];
  withRequests: string[][];
}

const summaryRe = new RegExp(
  `^${escapeRe(ja.coverage.summary)
    .replace('\\{\\{total\\}\\}', '([\\d,]+)')
    .replace('\\{\\{ms\\}\\}', '(\\d+)')}$`,
);
const bandLabels = BANDS.map((km, i) =>
  i === 0
    ? fill(ja.coverage.bandUpTo, { km })
    : fill(ja.coverage.bandRange, { from: BANDS[i - 1], to: km }),
).concat(fill(ja.coverage.bandBeyond, { km: BANDS[BANDS.length - 1] }));

const kmOf = (text: string) => {
  if (text === ja.coverage.noPartner) return Infinity;
  const m = /^(\d+(?:\.\d)?) km$/.exec(text);
  if (!m) throw new Error(`not a distance: "${text}"`);
  return Number(m[1]);
};

/** Reads the summary line, the legend and both tables, and checks they agree. */
async function readCoverage(page: Page): Promise<Coverage> {
  const status = page.getByRole('status').filter({ hasText: summaryRe });
  await status.waitFor();
  const m = summaryRe.exec((await status.innerText()).trim())!;
  const total = int(m[1]);
  const ms = Number(m[2]);

  const legendItems = await page
    .getByRole('list', { name: ja.coverage.legend, exact: true })
    .getByRole('listitem')
    .allInnerTexts();
  expect(legendItems).toHaveLength(BANDS.length + 2);
  const legend = bandLabels.map((label, i) => {
    const text = legendItems[i]!.replace(/\s+/g, ' ').trim();
    const lm = new RegExp(`^${escapeRe(label)}: ([\\d,]+)$`).exec(text);
    expect(lm, `legend item ${i}: "${text}"`).not.toBeNull();
    return int(lm![1]);
  });
  expect(legendItems.at(-1)!.trim()).toBe(ja.coverage.requestRing);
  // Every municipality is in exactly one band.
  expect(
    legend.reduce((s, n) => s + n, 0),
    `legend ${JSON.stringify(legend)} sums to the total`,
  ).toBe(total);

  const km = new Map<string, number>();
  const read = async (title: string) => {
    const section = region(page, title);
    const headers = (await section.locator('thead th').allInnerTexts()).map((s) => s.trim());
    expect(headers).toEqual([ja.coverage.municipality, ja.coverage.distance, ja.coverage.requests]);
    const rows = await tableRows(section);
    for (const [name, dist, requests] of rows) {
      expect(name).toMatch(/^\S+[都道府県] \S+$/);
      km.set(name!, kmOf(dist!));
      int(requests!);
    }
    return rows;
  };
  const worst = await read(ja.coverage.worst);
  const withRequests = await read(ja.coverage.worstWithRequests);
  expect(worst.length).toBeGreaterThan(0);
  expect(worst.length).toBeLessThanOrEqual(30);
  // Worst first.
  const worstKm = worst.map((r) => kmOf(r[1]!));
  expect(worstKm).toEqual([...worstKm].sort((a, b) => b - a));
  const reqKm = withRequests.map((r) => kmOf(r[1]!));
  expect(reqKm).toEqual([...reqKm].sort((a, b) => b - a));
  for (const r of withRequests) expect(int(r[2]!)).toBeGreaterThan(0);
  // The worst distance is in the legend's matching band.
  const band = (d: number) => {
    const i = BANDS.findIndex((b) => d <= b);
    return i === -1 ? BANDS.length : i;
  };
  expect(legend[band(worstKm[0]!)]).toBeGreaterThan(0);
  return { total, ms, legend, km, worst, withRequests };
}

/** How many pixels of the map's canvas are close to each band's colour (the circle markers). */
async function canvasBandPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    // The legend's swatches carry the bands' colours.
    const rgb = [...document.querySelectorAll<HTMLElement>('ul.legend .swatch')].map((el) =>
      (getComputedStyle(el).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number),
    );
    const counts = rgb.map(() => 0);
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(
      '.leaflet-container canvas',
    )) {
      const ctx = canvas.getContext('2d');
      if (!ctx || !canvas.width || !canvas.height) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p + 3]! < 200) continue;
        rgb.forEach(([r, g, b], i) => {
          const d =
            Math.abs(data[p]! - r!) + Math.abs(data[p + 1]! - g!) + Math.abs(data[p + 2]! - b!);
          if (d < 24) counts[i]!++;
        });
      }
    }
    return counts;
  });
}

/** Waits for the Leaflet map and its canvas of circle markers. */
async function waitForMap(page: Page) {
  const map = page.locator('.map-box .leaflet-container');
  await map.waitFor();
  const box = await map.boundingBox();
  expect(box, 'the map has a size').not.toBeNull();
  expect(box!.width).toBeGreaterThan(200);
  expect(box!.height).toBeGreaterThan(200);
  // preferCanvas: the markers are drawn on a canvas in the overlay pane, not as SVG paths.
  await map.locator('.leaflet-overlay-pane canvas').first().waitFor();
  return map;
}

describe.sequential('reports', () => {
  test('the secretariat reads the quarter’s activity report; its numbers agree; month and fiscal year', async () => {
    await as(async (page) => {
      await navLink(page, ja.nav.reports).click();
      await waitForPath(page, '/reports');
      await waitForHeading(page, reportHeading(quarterKey));
      await waitForHydration(page);
      await page.getByText(ja.reports.anonymity, { exact: true }).waitFor();
      expect(await select(page, ja.reports.period).inputValue()).toBe(quarterKey);

      // Summary cards.
      const cards = page.locator('.cards .card.stat');
      expect(await cards.count()).toBe(4);
      const total = await requestTotal(page);
      expect(total, 'the demo seed’s two requests at least').toBeGreaterThanOrEqual(2);
      const cardTexts = (await cards.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      expect(cardTexts[1]).toMatch(new RegExp(`^(\\d+%|—) ${escapeRe(ja.reports.acceptedShare)}$`));
      expect(cardTexts[2]).toMatch(new RegExp(`${escapeRe(ja.reports.medianToOffer)}$`));
      expect(cardTexts[3]).toMatch(new RegExp(`${escapeRe(ja.reports.medianToAcceptance)}$`));

      // Outcomes: each a count of the requests, with its share of them.
      const outcomes = await tableRows(region(page, ja.reports.outcomes).locator('table'));
      const byName = new Map(outcomes.map((r) => [r[0]!, r.slice(1)]));
      for (const k of ['dispatched', 'accepted', 'completed', 'cancelled'] as const) {
        const row = byName.get(ja.reports.outcomeNames[k]);
        expect(row, k).toBeDefined();
        const n = int(row![0]!);
        expect(n, k).toBeLessThanOrEqual(total);
        expect(row![1], `${k} share`).toBe(share(n, total));
      }
      // DEMO-0002 was offered to and accepted by a partner.
      expect(int(byName.get(ja.reports.outcomeNames.dispatched)![0]!)).toBeGreaterThanOrEqual(1);
      const accepted = int(byName.get(ja.reports.outcomeNames.accepted)![0]!);
      expect(accepted).toBeGreaterThanOrEqual(1);
      expect(accepted).toBeLessThanOrEqual(
        int(byName.get(ja.reports.outcomeNames.dispatched)![0]!),
      );
      expect(cardTexts[1]!.split(' ')[0]).toBe(share(accepted, total));
      for (const k of [ja.reports.toFirstOffer, ja.reports.toAcceptance]) {
        expect(byName.get(k)?.[0], k).toMatch(/^中央値 .+・90% .+（\d+ 件）$/);
      }
      for (const k of Object.values(ja.reports.offerNames)) expect(byName.has(k), k).toBe(true);

      // Breakdowns: each table's counts sum to the total; a bar per row, longest for the largest.
      const breakdowns = [
        ja.reports.byCategory,
        ja.reports.byLanguage,
        ja.reports.byUrgency,
        ja.reports.byPrefecture,
      ];
      const counts = new Map<string, Map<string, number>>();
      for (const title of breakdowns) {
        const section = region(page, title);
        const rows = await tableRows(section.locator('table'));
        expect(rows.length, title).toBeGreaterThan(0);
        const cells = new Map(rows.map((r) => [r[0]!, int(r[1]!)]));
        counts.set(title, cells);
        expect(
          [...cells.values()].reduce((s, n) => s + n, 0),
          `${title}: the rows sum to the ${total} requests`,
        ).toBe(total);
        for (const r of rows) expect(r[2], `${title} ${r[0]} share`).toBe(share(int(r[1]!), total));
        // Largest first.
        const ns = rows.map((r) => int(r[1]!));
        expect(ns).toEqual([...ns].sort((a, b) => b - a));

        const chart = section.locator('svg.chart');
        expect(await chart.count(), `${title}: one chart`).toBe(1);
        // The numbers are in the table: the chart is hidden from screen readers.
        expect(await chart.getAttribute('aria-hidden')).toBe('true');
        const bars = chart.locator('rect.chart-bar');
        expect(await bars.count(), `${title}: a bar per row`).toBe(rows.length);
        const widths = await bars.evaluateAll((els) =>
          els.map((e) => Number(e.getAttribute('width'))),
        );
        const max = Math.max(...widths);
        expect(max).toBeGreaterThan(0);
        ns.forEach((n, i) => {
          expect(widths[i]! / max, `${title} bar ${i}`).toBeCloseTo(n / ns[0]!, 1);
        });
        const values = await chart.locator('text.chart-value').allTextContents();
        expect(values.map(int)).toEqual(ns);
      }
      // The seed's requests: 病院 in ベトナム語, 労働基準監督署 in タガログ語; 熊本県 and 東京都.
      const cat = counts.get(ja.reports.byCategory)!;
      expect(cat.get(ja.dispatch.categories.hospital) ?? 0).toBeGreaterThanOrEqual(1);
      expect(cat.get(ja.dispatch.categories.labor_office) ?? 0).toBeGreaterThanOrEqual(1);
      const lang = counts.get(ja.reports.byLanguage)!;
      expect(lang.get(ja.languages.vi) ?? 0).toBeGreaterThanOrEqual(1);
      expect(lang.get(ja.languages.tl) ?? 0).toBeGreaterThanOrEqual(1);
      const pref = counts.get(ja.reports.byPrefecture)!;
      expect(pref.get('熊本県') ?? 0).toBeGreaterThanOrEqual(1);
      expect(pref.get('東京都') ?? 0).toBeGreaterThanOrEqual(1);
      // Anonymous: no case code nor anything of a request's summary on the page.
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/DEMO-\d{4}/);
      expect(text).not.toContain('技能実習生');
      expect(text).not.toContain('三田労働基準監督署');

      // Work, payments and training.
      const work = await tableRows(region(page, ja.reports.work).locator('table'));
      const workNames = work.map((r) => r[0]);
      for (const k of [
        ja.reports.visitsApproved,
        ja.reports.visitHours,
        ja.reports.shelterNights,
        ja.reports.partnersActive,
        ja.reports.partnersTrained,
        ja.reports.trainingHeld,
        ja.reports.trainingAttended,
      ])
        expect(workNames, k).toContain(k);
      await screenshot(page, 'reports-quarter');

      // This month.
      await choosePeriod(page, monthKey);
      const monthTotal = await requestTotal(page);
      expect(monthTotal).toBeGreaterThanOrEqual(2);
      expect(monthTotal).toBeLessThanOrEqual(total);
      // One month: no month-by-month chart.
      expect(await region(page, ja.reports.monthly).count()).toBe(0);
      const monthCat = await tableRows(region(page, ja.reports.byCategory).locator('table'));
      expect(monthCat.reduce((s, r) => s + int(r[1]!), 0)).toBe(monthTotal);

      // This fiscal year.
      await choosePeriod(page, yearKey);
      const yearTotal = await requestTotal(page);
      expect(yearTotal).toBeGreaterThanOrEqual(total);
      const yearCat = await tableRows(region(page, ja.reports.byCategory).locator('table'));
      expect(yearCat.reduce((s, r) => s + int(r[1]!), 0)).toBe(yearTotal);
      const monthly = region(page, ja.reports.monthly);
      if ((await monthly.count()) > 0) {
        // Months with requests, in order, summing to the year's total, with a line chart.
        const rows = await tableRows(monthly.locator('table'));
        expect(rows.map((r) => r[0])).toEqual(rows.map((r) => r[0]).sort());
        expect(rows.reduce((s, r) => s + int(r[1]!), 0)).toBe(yearTotal);
        expect(await monthly.locator('svg.chart polyline').count()).toBe(2);
      }
      await screenshot(page, 'reports-year');

      // Back: the quarter again, and the select says so.
      await page.goBack();
      await waitForHeading(page, reportHeading(monthKey));
      await page.goBack();
      await waitForHeading(page, reportHeading(quarterKey));
      expect
        .soft(
          await select(page, ja.reports.period).inputValue(),
          'after going back, the period select shows the period on screen',
        )
        .toBe(quarterKey);
    });
  });

  test('the report downloads as an anonymous CSV (small counts "<5") and as a PDF', async () => {
    await as(async (page) => {
      await page.goto(`/reports?period=${quarterKey}`);
      await waitForHeading(page, reportHeading(quarterKey));
      await waitForHydration(page);
      const total = await requestTotal(page);
      const shown = new Map<string, number>();
      for (const title of [ja.reports.byCategory, ja.reports.byLanguage, ja.reports.byUrgency]) {
        for (const r of await tableRows(region(page, title).locator('table')))
          shown.set(`${title}:${r[0]}`, int(r[1]!));
      }

      const csvLink = page.getByRole('link', { name: ja.reports.csv, exact: true });
      expect(await csvLink.getAttribute('href')).toBe(`/reports/activity.csv?period=${quarterKey}`);
      const csv = await download(page, csvLink);
      expect(csv.name).toBe(`activity-${quarterKey}.csv`);
      expect([...csv.body.subarray(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
      const body = csv.body.subarray(3).toString('utf8');
      const lines = body.split('\r\n').filter(Boolean);
      expect(lines[0]).toBe('section,item,value');
      // Simple CSV: no field here holds a comma inside quotes except labels; parse per RFC 4180.
      const parse = (line: string) =>
        (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
          .map((f) => f.replace(/,$/, ''))
          .map((f) => (f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f))
          .slice(0, 3);
      const rows = lines.slice(1).map(parse);
      for (const r of rows) expect(r, JSON.stringify(r)).toHaveLength(3);
      expect(rows[0]).toEqual(['period', parsePeriod(quarterKey)!.label.en, quarterKey]);

      // ⚑ Anonymity: every count of requests is "<5" or at least 5.
      const requestSections = new Set([
        'requests',
        'outcome',
        'category',
        'language',
        'urgency',
        'prefecture',
        'monthly requests',
      ]);
      const requestCells = rows.filter((r) => requestSections.has(r[0]!));
      expect(requestCells.length).toBeGreaterThan(5);
      for (const [section, item, value] of requestCells) {
        expect(
          value === '<5' || (/^\d+$/.test(value!) && Number(value) >= SMALL_CELL),
          `${section} ${item} = "${value}" must be "<5" or ≥ ${SMALL_CELL}`,
        ).toBe(true);
      }
      const totalRow = rows.find((r) => r[0] === 'requests')!;
      expect(totalRow[2]).toBe(total < SMALL_CELL ? '<5' : String(total));
      // What the page shows below 5 reads "<5" in the file.
      const csvCell = (section: string, ja_: string) =>
        rows.find((r) => r[0] === section && r[1]!.startsWith(`${ja_} / `))?.[2];
      for (const [k, n] of shown) {
        const [title, item] = k.split(':') as [string, string];
        const section =
          title === ja.reports.byCategory
            ? 'category'
            : title === ja.reports.byLanguage
              ? 'language'
              : 'urgency';
        const value = csvCell(section, item);
        expect(value, `${section} ${item} in the CSV`).toBeDefined();
        if (n < SMALL_CELL) expect(value, `${section} ${item} (${n} on the page)`).toBe('<5');
      }
      // Offers and visits are small too.
      for (const r of rows.filter((x) => x[0] === 'offers' || x[1] === 'approved'))
        expect(r[2] === '<5' || Number(r[2]) >= SMALL_CELL, JSON.stringify(r)).toBe(true);
      // Never a case code, nor anything of the requests' text.
      expect(body).not.toMatch(/DEMO-\d{4}/);
      for (const s of ['技能実習生', '天草市内の病院', '三田労働基準監督署', '未払い残業代'])
        expect(body).not.toContain(s);

      const pdfLink = page.getByRole('link', { name: ja.reports.pdf, exact: true });
      expect(await pdfLink.getAttribute('href')).toBe(`/reports/activity.pdf?period=${quarterKey}`);
      const pdf = await download(page, pdfLink);
      expect(pdf.name).toBe(`activity-${quarterKey}.pdf`);
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.body.length).toBeGreaterThan(1000);
      expect(pdf.body.toString('latin1')).not.toMatch(/DEMO-\d{4}/);

      // A bad period is refused.
      const bad = await page.request.get('/reports/activity.csv?period=FY2026-Q5');
      expect(bad.status()).toBe(400);
      await screenshot(page, 'reports-downloads');
    });
  });

  let unfiltered: Coverage | undefined;

  test('the coverage map colours every municipality; the legend adds up; a language filter only moves partners further away', async () => {
    await as(async (page) => {
      await page.goto('/reports');
      await waitForHydration(page);
      let started = Date.now();
      await page.getByRole('link', { name: ja.reports.coverage, exact: true }).click();
      await waitForPath(page, '/reports/coverage');
      await waitForHeading(page, ja.coverage.title);
      const all = await readCoverage(page);
      const firstMs = Date.now() - started;
      unfiltered = all;
      await waitForHydration(page);
      const map = await waitForMap(page);
      const mapMs = Date.now() - started;
      expect(all.total).toBeGreaterThan(1700);
      console.info(
        `coverage (no filter): ${all.total} municipalities, server computed in ${all.ms} ms; ` +
          `page ${firstMs} ms, map ${mapMs} ms; legend ${JSON.stringify(all.legend)}`,
      );
      // The seed's 天草市 request is among the areas with requests.
      expect(all.withRequests.map((r) => r[0])).toContain('熊本県 天草市');
      expect(all.km.get('熊本県 天草市')).toBeDefined();

      // The markers are drawn in the bands' colours (the canvas holds them, not the DOM).
      await expect
        .poll(async () => (await canvasBandPixels(page)).reduce((s, n) => s + n, 0), {
          timeout: 10_000,
          interval: 200,
        })
        .toBeGreaterThan(0);
      const pixels = await canvasBandPixels(page);
      all.legend.forEach((n, i) => {
        if (n >= 20) expect(pixels[i], `band ${i} (${n} municipalities) drawn`).toBeGreaterThan(0);
      });
      // The map is named for screen readers.
      expect
        .soft(
          await map.getAttribute('aria-label'),
          'the Leaflet container carries the map’s accessible name',
        )
        .toBe(ja.coverage.title);
      await screenshot(page, 'reports-coverage');

      // Only partners who speak Nepali.
      const language = select(page, ja.coverage.language);
      await language.selectOption({ label: ja.languages.ne });
      started = Date.now();
      await button(page, ja.coverage.apply).click();
      await page.waitForURL((url) => url.searchParams.get('language') === 'ne');
      expect(pathname(page)).toBe('/reports/coverage');
      await page.locator('form.filters[aria-busy]').waitFor({ state: 'detached' });
      const ne = await readCoverage(page);
      const filterMs = Date.now() - started;
      console.info(
        `coverage (language=ne): server computed in ${ne.ms} ms; page ${filterMs} ms; ` +
          `legend ${JSON.stringify(ne.legend)}`,
      );
      expect(await language.inputValue()).toBe('ne');
      expect(ne.total).toBe(all.total);
      // Fewer partners: nobody gets closer, so the outer bands can only grow.
      const cumulative = (l: number[]) =>
        l.map((_, i) => l.slice(0, i + 1).reduce((s, n) => s + n));
      cumulative(ne.legend).forEach((n, i) =>
        expect(n, `within band ${i} with the filter`).toBeLessThanOrEqual(
          cumulative(all.legend)[i]!,
        ),
      );
      const common = [...ne.km.keys()].filter((k) => all.km.has(k));
      expect(common.length, 'a municipality listed with and without the filter').toBeGreaterThan(0);
      for (const k of common)
        expect(ne.km.get(k)!, `${k}: with ネパール語 ≥ without`).toBeGreaterThanOrEqual(
          all.km.get(k)!,
        );
      await waitForMap(page);
      await screenshot(page, 'reports-coverage-ne');

      // Back to the map without the filter: the language select says so too.
      await page.goBack();
      await page.waitForURL((url) => url.pathname === '/reports/coverage' && !url.search);
      // The URL changes at once; the map's figures once the server has computed them again.
      const legendText = () =>
        page.getByRole('list', { name: ja.coverage.legend, exact: true }).innerText();
      const before = await legendText();
      await expect.poll(legendText, { timeout: 30_000, interval: 200 }).not.toBe(before);
      await page.locator('form.filters[aria-busy]').waitFor({ state: 'detached' });
      expect((await readCoverage(page)).legend).toEqual(all.legend);
      expect
        .soft(
          await select(page, ja.coverage.language).inputValue(),
          'after going back, the language select shows the filter of the map on screen',
        )
        .toBe('');
    });
  });

  test('the coverage page is usable on a phone', async () => {
    await as(
      async (page) => {
        let started = Date.now();
        // Opened directly (a bookmark, a reload): the server renders the page.
        const res = await page.goto('/reports/coverage?language=vi');
        expect
          .soft(res?.status(), 'GET /reports/coverage?language=vi, rendered by the server')
          .toBe(200);
        if (res?.status() !== 200) {
          // Reached from the report instead, as the desktop test does, to check the rest.
          await page.goto('/reports');
          await waitForHydration(page);
          await page.getByRole('link', { name: ja.reports.coverage, exact: true }).click();
          await waitForHeading(page, ja.coverage.title);
          await page.locator('form.filters[aria-busy]').waitFor({ state: 'detached' });
          await select(page, ja.coverage.language).selectOption('vi');
          started = Date.now();
          await button(page, ja.coverage.apply).click();
          await page.waitForURL((url) => url.searchParams.get('language') === 'vi');
          await page.locator('form.filters[aria-busy]').waitFor({ state: 'detached' });
        }
        await waitForHeading(page, ja.coverage.title);
        const c = await readCoverage(page);
        await waitForHydration(page);
        const map = await waitForMap(page);
        console.info(
          `coverage on a phone (language=vi): server ${c.ms} ms; page and map ${Date.now() - started} ms`,
        );
        if (unfiltered) expect(c.total).toBe(unfiltered.total);
        expect(await select(page, ja.coverage.language).inputValue()).toBe('vi');
        // Nothing wider than the screen: the page does not scroll sideways.
        const overflow = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          screen: window.innerWidth,
        }));
        expect(overflow.page, 'page width on a 390 px screen').toBeLessThanOrEqual(overflow.screen);
        const box = (await map.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(391);
        // The filters can be reached and the button is big enough to tap.
        const apply = button(page, ja.coverage.apply);
        const b = (await apply.boundingBox())!;
        expect(b.height).toBeGreaterThanOrEqual(32);
        expect(b.x + b.width).toBeLessThanOrEqual(391);
        // Each table's figures are on screen without scrolling it sideways.
        for (const title of [ja.coverage.worst, ja.coverage.worstWithRequests]) {
          const right = await region(page, title)
            .locator('tbody tr td:last-child')
            .first()
            .evaluate((td) => {
              const range = document.createRange();
              range.selectNodeContents(td);
              return range.getBoundingClientRect().right;
            });
          expect(
            right,
            `${title}: the ${ja.coverage.requests} figures are on screen`,
          ).toBeLessThanOrEqual(390);
        }
        await screenshot(page, 'reports-coverage-mobile');
      },
      { phone: true },
    );
  });

  test('API tokens: created and shown once, used for the directory API, revoked', async () => {
    await as(async (page) => {
      await navLink(page, ja.nav.apiTokens).click();
      await waitForPath(page, '/secretariat/api-tokens');
      await waitForHeading(page, ja.apiTokens.title);
      await waitForHydration(page);
      const dialogs = acceptDialogs(page);

      // The OpenAPI description is public.
      const openapiLink = page.getByRole('link', { name: ja.apiTokens.openapi, exact: true });
      expect(await openapiLink.getAttribute('href')).toBe('/api/openapi.json');
      const outside = await apiRequest.newContext({ baseURL: baseUrl() });
      const spec = await outside.get('/api/openapi.json');
      expect(spec.status()).toBe(200);
      expect(spec.headers()['content-type']).toMatch(/^application\/json/);
      const doc = (await spec.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toContain('/api/v1/partners/nearest');

      // Create.
      await page.getByLabel(ja.apiTokens.name).fill('E2E portal');
      await button(page, ja.apiTokens.create).click();
      await notice(page, ja.apiTokens.created).waitFor();
      const tokenField = page.getByLabel(ja.apiTokens.token, { exact: true });
      const token = await tokenField.inputValue();
      expect(token).toMatch(/^bn_[A-Za-z0-9_-]{43}$/);
      expect(await tokenField.getAttribute('readonly')).not.toBeNull();
      expect(await tokenField.isEditable()).toBe(false);
      // The name field is emptied for the next one.
      expect(await page.getByLabel(ja.apiTokens.name).inputValue()).toBe('');
      const row = page
        .locator('main table tbody tr')
        .filter({ hasText: 'E2E portal' })
        .filter({ hasText: `${token.slice(0, 7)}…` });
      await row.waitFor();
      expect(await row.count()).toBe(1);
      const revokeButton = button(row, `${ja.apiTokens.revoke}: E2E portal`);
      expect(await revokeButton.count()).toBe(1);
      expect(await row.locator('td').nth(3).innerText()).toBe('—');
      await screenshot(page, 'reports-api-token-created');

      // Use it.
      const url = '/api/v1/partners/nearest?lat=35.68&lng=139.76&limit=3';
      const started = Date.now();
      const res = await page.request.get(url, { headers: { Authorization: `Bearer ${token}` } });
      const apiMs = Date.now() - started;
      expect(res.status(), await res.text()).toBe(200);
      expect(res.headers()['content-type']).toMatch(/^application\/json/);
      expect(res.headers()['cache-control']).toBe('no-store');
      const { partners } = (await res.json()) as { partners: Record<string, unknown>[] };
      expect(Array.isArray(partners)).toBe(true);
      expect(partners.length).toBeGreaterThan(0);
      expect(partners.length).toBeLessThanOrEqual(3);
      for (const p of partners) {
        expect(Object.keys(p).sort()).toEqual(
          [
            'id',
            'name',
            'kind',
            'municipality',
            'prefecture',
            'distance_km',
            'languages',
            'specialties',
            'phone',
            'url',
          ].sort(),
        );
        expect(typeof p.name).toBe('string');
        expect(typeof p.distance_km).toBe('number');
        expect(Array.isArray(p.languages)).toBe(true);
        expect(Array.isArray(p.specialties)).toBe(true);
        expect(p.phone === null || typeof p.phone === 'string').toBe(true);
        expect(p.url === null || typeof p.url === 'string').toBe(true);
      }
      const distances = partners.map((p) => p.distance_km as number);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      console.info(`nearest partners API: ${apiMs} ms, distances ${JSON.stringify(distances)}`);

      // Without a token, or with a wrong one: refused; the browser's session cookie is no key.
      expect((await outside.get(url)).status()).toBe(401);
      const anonymous = await page.request.get(url);
      expect(anonymous.status()).toBe(401);
      expect(anonymous.headers()['www-authenticate']).toBe('Bearer');
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
        'unauthorized',
      );
      const wrong = await page.request.get(url, {
        headers: {
          Authorization: `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
        },
      });
      expect(wrong.status()).toBe(401);

      // The list shows when it was last used; the token itself is not shown again.
      await page.reload();
      await waitForHydration(page);
      expect(await page.getByLabel(ja.apiTokens.token, { exact: true }).count()).toBe(0);
      expect(await page.content()).not.toContain(token);
      expect(await row.locator('td').nth(3).innerText()).not.toBe('—');

      // Revoke, after confirming.
      await revokeButton.click();
      await notice(page, ja.apiTokens.revoked).waitFor();
      expect(dialogs).toEqual([fill(ja.apiTokens.revokeConfirm, { name: 'E2E portal' })]);
      const after = await page.request.get(url, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(after.status()).toBe(401);
      expect(
        (await outside.get(url, { headers: { Authorization: `Bearer ${token}` } })).status(),
      ).toBe(401);
      await outside.dispose();
      const state = row.locator('td').nth(4);
      await expect
        .poll(async () => (await state.innerText()).trim(), { timeout: 10_000, interval: 100 })
        .toMatch(
          new RegExp(`^${escapeRe(ja.apiTokens.revokedAt).replace('\\{\\{time\\}\\}', '.+')}$`),
        );
      expect(await revokeButton.count()).toBe(0);
      expect(await row.getAttribute('class')).toContain('muted');
      await screenshot(page, 'reports-api-token-revoked');
    });
  });

  test('a liaison meeting’s quarterly report downloads as a PDF', async () => {
    await as(async (page) => {
      await page.goto('/meetings');
      await waitForHeading(page, ja.meetings.title);
      await waitForHydration(page);
      const link = page.locator('main table tbody tr').first().getByRole('link').first();
      await link.click();
      await page.waitForURL((url) => /^\/meetings\/[0-9a-f-]{36}$/.test(url.pathname));
      await page.locator('h1').waitFor();
      await waitForHydration(page);
      const id = pathname(page).split('/').pop()!;

      // The meeting's quarter, as its page says: "2026年度 第3四半期 (2026-10-01 – 2026-12-31)".
      const quarterText = (
        await page
          .locator('dt', { hasText: new RegExp(`^${escapeRe(ja.meetings.quarter)}$`) })
          .locator('xpath=following-sibling::dd[1]')
          .innerText()
      ).trim();
      const m = /\((\d{4}-\d{2}-\d{2}) – \d{4}-\d{2}-\d{2}\)$/.exec(quarterText);
      expect(m, quarterText).not.toBeNull();
      const key = quarterKeyOf(m![1]!);

      const reportLink = page.getByRole('link', { name: ja.meetings.quarterReport, exact: true });
      expect(await reportLink.getAttribute('href')).toBe(`/meetings/${id}/report.pdf`);
      const pdf = await download(page, reportLink);
      expect(pdf.name).toBe(`activity-${key}.pdf`);
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.body.length).toBeGreaterThan(1000);
    });
  });
});
