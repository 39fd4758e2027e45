// Debian's chromium driven by playwright-core for the studio's browser tests: skipped (with the reason) where
// it is not installed; a page opened at a URL, closed with the test, collecting the page's errors.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const browserSkip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;

/** A page of a fresh headless chromium at `url` (closed after the test); `errors` fills with uncaught page errors. */
export async function openPage(t: { after: (f: () => unknown) => void }, url: string, extraArgs: string[] = []): Promise<{ page: Page; errors: string[] }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', ...extraArgs] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}
