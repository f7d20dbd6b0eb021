// Headless Chromium driven by playwright-core, for the HTML report and the PDF. Which browser, and how it is
// launched, is the product's own choice (lambda/render/chromium.ts): CHROMIUM_PATH, the Chromium that the @sparticuz/chromium
// dependency ships inside its npm package (Linux x64), a system Chromium. Without any, the tests fail and say how to
// get one, unless SKIP_BROWSER_TESTS=1 says to skip them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ChromiumError, findChromium, launchChromium } from '../../lambda/render/chromium';

export { findChromium };

const ROOT = path.resolve(__dirname, '../..');
export const SKIP_BROWSER = process.env.SKIP_BROWSER_TESTS === '1';
/** Screenshots land here (git-ignored) so a person can look at what the test saw. */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  try {
    return await launchChromium();
  } catch (error) {
    if (!(error instanceof ChromiumError) || error.reason === 'failed-to-start') throw error;
    throw new Error(`${error.message} Or set SKIP_BROWSER_TESTS=1 to skip the browser tests.`, { cause: error });
  }
}

export interface OpenedReport {
  page: Page;
  /** Every request the page made beyond its own file: must stay empty (the report is self-contained). */
  outsideRequests: string[];
}

export async function openReport(browser: Browser, file: string): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const self = pathToFileURL(file).href;
  const outsideRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url() !== self) outsideRequests.push(request.url());
  });
  await page.goto(self, { waitUntil: 'load' });
  return { page, outsideRequests };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
