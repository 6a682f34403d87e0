import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { field, launchBrowser, screenshot, signedIn, waitForHeading } from './support';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const secretariat = { email: 'secretariat@demo.example' };

describe('the audit log page', () => {
  test('reached from the menu on a phone: a captioned table, filters, the empty state', async () => {
    await signedIn(
      browser,
      secretariat,
      async (page) => {
        await page
          .getByRole('navigation', { name: 'メインメニュー' })
          .getByRole('link', { name: '監査ログ' })
          .click();
        await waitForHeading(page, '監査ログ');
        const table = page.getByRole('table', { name: '監査ログ（新しい順）' });
        // Signing in just now is the newest entry, by this user.
        await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(1);
        await expect.poll(() => table.getByRole('row').nth(1).innerText()).toContain('auth.login');
        // One card per row on a phone: nothing wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          390,
        );
        await screenshot(page, 'audit-log-phone');

        await field(page, '操作（前方一致。例：payment.）').fill('auth.');
        await page.getByRole('button', { name: '絞り込む' }).click();
        await page.waitForURL(/action=auth\./);
        // Every row shown is an auth.* action once the filtered page has arrived.
        await expect
          .poll(async () => {
            const actions = await table.locator('tbody td:nth-child(3)').allInnerTexts();
            return actions.length > 0 && actions.every((a) => a.trim().startsWith('auth.'));
          })
          .toBe(true);
        await screenshot(page, 'audit-log-phone-filtered');

        await field(page, '操作したユーザーのメールアドレス').fill('nobody@example.org');
        await page.getByRole('button', { name: '絞り込む' }).click();
        await page.waitForURL(/actor=nobody/);
        await expect
          .poll(() => page.getByText('条件に合う記録はありません。').isVisible())
          .toBe(true);
      },
      { phone: true },
    );
  });
});
