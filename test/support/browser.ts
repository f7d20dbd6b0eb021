// Headless Chromium driven by playwright-core, for the HTML report. The browser comes from, in order: CHROMIUM_PATH;
// the Chromium that the @sparticuz/chromium devDependency ships inside its npm package (Linux x64: no download, no
// system package), unpacked once into a cache folder of this checkout; a system Chromium. Without any, the tests fail
// and say how to get one, unless SKIP_BROWSER_TESTS=1 says to skip them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const SKIP_BROWSER = process.env.SKIP_BROWSER_TESTS === '1';
/** Screenshots land here (git-ignored) so a person can look at what the test saw. */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/**
 * The packaged Chromium, unpacked into node_modules/.cache (per checkout, per version, owned by whoever runs the
 * tests). @sparticuz/chromium unpacks into os.tmpdir() and reuses whatever it finds there, so it is pointed at a
 * folder of its own, and a folder without the "complete" marker (an interrupted unpack) is cleared first.
 */
function packagedChromium(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  let version: string;
  try {
    // The package's exports map hides package.json: find it from the entry point.
    const entry = require.resolve('@sparticuz/chromium');
    const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}build${path.sep}`)), 'package.json');
    version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
  const folder = path.join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${version}`);
  const marker = path.join(folder, 'complete');
  if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // Unpacked in a child process: os.tmpdir() there reads this TMPDIR (a test's process.env is the runner's copy).
  const script =
    "const c = require('@sparticuz/chromium'); (c.default ?? c).executablePath().then((p) => process.stdout.write(p))";
  const unpacked = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: folder },
    encoding: 'utf8',
  });
  if (unpacked.status !== 0 || !unpacked.stdout) {
    throw new Error(
      `Could not unpack the Chromium of @sparticuz/chromium ${version}: ${(unpacked.stderr || 'no output').trim().split('\n')[0]}`,
    );
  }
  writeFileSync(marker, `${unpacked.stdout}\n`);
  return unpacked.stdout;
}

/** The browser the tests drive, and where it came from (for the failure message). */
export async function findChromium(): Promise<{ executable: string; source: string } | undefined> {
  if (process.env.CHROMIUM_PATH) return { executable: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  const packaged = packagedChromium();
  if (packaged) return { executable: packaged, source: '@sparticuz/chromium' };
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  return system ? { executable: system, source: 'system' } : undefined;
}

export async function launchBrowser(): Promise<Browser> {
  const found = await findChromium();
  if (!found) {
    throw new Error(
      `No Chromium for the browser tests on ${os.platform()}/${os.arch()}: ` +
        'the packaged one (@sparticuz/chromium) runs on Linux x64 only. ' +
        'Set CHROMIUM_PATH to a Chromium or Chrome, install one (Debian: apt-get install chromium), ' +
        'or set SKIP_BROWSER_TESTS=1 to skip these tests.',
    );
  }
  try {
    return await chromium.launch({
      executablePath: found.executable,
      // Playwright adds --headless, --no-sandbox, --no-first-run, --disable-background-networking and
      // --disable-component-update; these keep Chromium off the network too (the report must need none). The packaged
      // Chromium's own flag list is not used: its --single-process breaks a second page.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(
      `Chromium from ${found.source} (${found.executable}) did not start: ${(error as Error).message.split('\n')[0]}. ` +
        'It needs the system libraries libnss3, libnspr4 and libexpat1 (Debian: apt-get install libnss3); ' +
        'or set CHROMIUM_PATH to another browser.',
      { cause: error },
    );
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
