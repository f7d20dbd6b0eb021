// Headless Chromium (Debian's `chromium` package, installed by .ci/run) driven by playwright-core, for the HTML
// report. Without a browser the tests fail with the way to get one, unless SKIP_BROWSER_TESTS=1 says to skip them.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const CHROMIUM = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));
export const SKIP_BROWSER = process.env.SKIP_BROWSER_TESTS === '1';
/** Screenshots land here (git-ignored) so a person can look at what the test saw. */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) {
    throw new Error('No Chromium found: install Debian\'s `chromium` package (apt-get install chromium), set CHROMIUM_PATH, or set SKIP_BROWSER_TESTS=1 to skip the browser tests.');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // The flags keep Chromium off the network: this machine's network is closed, and the report must need none.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
