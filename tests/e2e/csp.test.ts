import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ja from '~/i18n/ja';
import { BAND_COLOURS } from '~/modules/reports/period';
import {
  baseUrl,
  DEMO_PASSWORD,
  escapeRe,
  launchBrowser,
  newContext,
  pageErrors,
  screenshot,
  submitLogin,
  waitForHeading,
  waitForHydration,
  waitForPath,
} from './support';

// The Content-Security-Policy against the real production build: the login page, the registry map
// (Leaflet, clustering) and the coverage map load with no violation, tiles and markers are drawn,
// and the app hydrates (client-side navigation keeps the same document).

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A 1×1 PNG, served for every map tile (the real tile server is not reachable from tests). */
const TILE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const POLL = { timeout: 15_000, interval: 100 };

interface Watch {
  violations: string[];
  consoleErrors: string[];
  tiles: { url: string; referer: string | undefined }[];
}

/**
 * A fresh profile that reports every CSP violation (the `securitypolicyviolation` event, from the
 * first script of each document on) and every console error. Outside images (the map tiles) are
 * answered with a PNG once the browser has let them through its policy; other outside requests
 * are refused, as on a closed network.
 */
async function watchedContext(): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await newContext(browser);
  const watch: Watch = { violations: [], consoleErrors: [], tiles: [] };
  await context.exposeFunction('__reportCspViolation', (v: string) => watch.violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: string) => void })
        .__reportCspViolation;
      report(
        `${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} on ${e.documentURI}` +
          ` (${e.sourceFile}:${e.lineNumber}) ${e.sample}`,
      );
    });
  });
  context.on('page', (page) =>
    page.on('console', (msg) => {
      if (msg.type() === 'error') watch.consoleErrors.push(`${page.url()}: ${msg.text()}`);
    }),
  );
  await context.route(
    (url) => !url.href.startsWith(baseUrl()),
    (route) => {
      const request = route.request();
      if (request.resourceType() !== 'image') return route.abort('internetdisconnected');
      watch.tiles.push({ url: request.url(), referer: request.headers()['referer'] });
      return route.fulfill({ status: 200, contentType: 'image/png', body: TILE_PNG });
    },
  );
  return { context, watch };
}

/** The page's policy, checked to be the nonce policy (a page without one would trivially pass). */
async function policyOf(response: Response | null): Promise<string> {
  expect(response, 'a document response').not.toBeNull();
  const csp = (await response!.allHeaders())['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'/);
  return csp;
}

/** Marks the current document; it survives only client-side (React Router) navigation. */
const markDocument = (page: Page) =>
  page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

async function mapOn(page: Page) {
  const map = page.locator('.map-box .leaflet-container');
  await map.waitFor();
  // Tiles from the configured tile server, let through by img-src and drawn.
  await expect.poll(() => map.locator('img.leaflet-tile-loaded').count(), POLL).toBeGreaterThan(0);
  return map;
}

function expectClean(context: BrowserContext, watch: Watch) {
  expect(watch.violations, 'CSP violations').toEqual([]);
  expect(watch.consoleErrors, 'errors in the browser console').toEqual([]);
  expect(pageErrors(context), 'uncaught errors in the page').toEqual([]);
}

describe.sequential('Content-Security-Policy in the browser', () => {
  test('login page, registry map and coverage map: no violation, maps drawn, app hydrated', async () => {
    const { context, watch } = await watchedContext();
    try {
      const page = await context.newPage();

      // ---- the login page: hydrates, and signing in is a client-side navigation.
      await policyOf(await page.goto('/login'));
      await waitForHydration(page);
      await markDocument(page);
      await submitLogin(page, 'secretariat@demo.example', DEMO_PASSWORD);
      await page.waitForURL((url) => url.pathname !== '/login');
      expect(await sameDocument(page), 'signed in without reloading the document').toBe(true);
      expectClean(context, watch);

      // ---- the registry map (full page load): tiles, clustered markers, a client-side link.
      const mapPolicy = await policyOf(await page.goto('/partners/map'));
      await waitForHeading(page, ja.partners.mapTitle);
      await waitForHydration(page);
      const map = await mapOn(page);
      await expect.poll(() => map.locator('.leaflet-marker-icon').count(), POLL).toBeGreaterThan(0);
      expect(await map.locator('.marker-cluster').count()).toBeGreaterThan(0);
      // The tile requests went to the host MAP_TILE_URL names (as img-src allows), and told it
      // our origin only: tile.openstreetmap.org requires a Referer, and a path
      // could name a case.
      const tileUrl = await page.evaluate(
        () =>
          (
            window as unknown as {
              __remixContext: { state: { loaderData: { root: { mapTileUrl: string } } } };
            }
          ).__remixContext.state.loaderData.root.mapTileUrl,
      );
      const template = new URL(tileUrl.replace('{s}', 'a'));
      const tileHost = template.hostname.replace(/^a\./, '');
      expect(mapPolicy).toMatch(new RegExp(`img-src [^;]*${escapeRe(tileHost)}`));
      expect(watch.tiles.length).toBeGreaterThan(0);
      for (const t of watch.tiles) {
        expect(new URL(t.url).hostname.endsWith(tileHost), t.url).toBe(true);
        expect(t.referer, t.url).toBe(`${baseUrl()}/`);
      }
      // Leaflet's own controls work: zooming in asks for tiles one level deeper.
      const zAt = template.pathname.split('/').indexOf('{z}');
      const deepest = () => Math.max(...watch.tiles.map((t) => zOf(t.url, zAt)));
      const before = deepest();
      await map.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(deepest, POLL).toBe(before + 1);
      await screenshot(page, 'csp-registry-map');

      await markDocument(page);
      await page.getByRole('link', { name: ja.partners.listView, exact: true }).click();
      await waitForPath(page, '/partners');
      expect(await sameDocument(page), 'client-side navigation to the list').toBe(true);
      expectClean(context, watch);

      // ---- the coverage map: canvas markers over tiles, legend colours, a client-side filter.
      await policyOf(await page.goto('/reports/coverage'));
      await waitForHeading(page, ja.coverage.title);
      await waitForHydration(page);
      const coverage = await mapOn(page);
      await coverage.locator('.leaflet-overlay-pane canvas').first().waitFor();
      // The legend's swatches are server-rendered style attributes (style-src-attr).
      const swatches = await page
        .locator('ul.legend .swatch')
        .evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
      expect(swatches).toEqual(BAND_COLOURS.map(rgb));
      await screenshot(page, 'csp-coverage-map');

      await markDocument(page);
      await page
        .getByRole('combobox', { name: new RegExp(`^${ja.coverage.language}`) })
        .selectOption({ index: 1 });
      await page.getByRole('button', { name: ja.coverage.apply, exact: true }).click();
      await page.waitForURL((url) => !!url.searchParams.get('language'));
      await waitForHeading(page, ja.coverage.title);
      expect(await sameDocument(page), 'the filter applied without reloading').toBe(true);
      expectClean(context, watch);
    } catch (e) {
      if (e instanceof Error) {
        if (watch.violations.length)
          e.message += `\nCSP violations:\n  ${watch.violations.join('\n  ')}`;
        if (watch.consoleErrors.length)
          e.message += `\nconsole errors:\n  ${watch.consoleErrors.join('\n  ')}`;
      }
      throw e;
    } finally {
      await context.close();
    }
  });
});

const zOf = (url: string, at: number) => Number(new URL(url).pathname.split('/')[at]);

function rgb(hex: string) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}
