// The branded client report through the CLI (TRACKER_BRANDING): the display name, a logo that Chromium decodes and
// the accent colour in the HTML, the display name and footer in the PDF, a hostile display name shown as text, and a
// bad branding file refused (exit 2) before anything is read or written.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { addDays, dateInTimeZone } from '../../../lambda/core/dates';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../support/ayrshare-stand-in';
import { launchBrowser, openReport, screenshot, SKIP_BROWSER } from '../../support/browser';
import { runCliCaptured } from '../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { poppler } from '../../support/poppler';

const today = dateInTimeZone(new Date(), 'America/New_York');
const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-branding-'));
const ACCENT = '#c2185b';
const ACCENT_RGB = 'rgb(194, 24, 91)';
const FOOTER = 'Acme Corp, monthly social report';

let db: TestDatabase;
let standIn: AyrshareStandIn;
let browser: Browser;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}
/** A real PNG (PNG spec: signature, IHDR, IDAT, IEND) of w x h pixels of one colour, padded to `padTo` bytes. */
function png(w: number, h: number, padTo?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: w }, () => [0xc2, 0x18, 0x5b]).flat()),
  ]);
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: h }, () => row)))),
  ];
  const size = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padTo !== undefined) parts.push(chunk('prIv', Buffer.alloc(padTo - size - 12)));
  return Buffer.concat([...parts, chunk('IEND', Buffer.alloc(0))]);
}

/** A branding file in a folder of its own, with its logo files; returns the file's path. */
function brandingFile(document: unknown, files: Record<string, Buffer | string> = {}): string {
  const folder = mkdtempSync(path.join(out, 'brand-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), bytes);
  }
  const file = path.join(folder, 'branding.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}

const report = (args: string[], branding: string, env: NodeJS.ProcessEnv = {}) =>
  runCliCaptured(['report', '--days', '2', ...args], { DATABASE_URL: db.url, TRACKER_BRANDING: branding, ...env });

// The page's own objects, in functions run in Chromium (this project type-checks without the DOM's types).
async function logoOf(page: Page, profile: string) {
  const img = page.locator(`section[data-profile="${profile}"] img.logo`);
  await img.evaluate((el: any) => el.decode());
  return img.evaluate((el: any) => ({
    src: el.getAttribute('src')!,
    alt: el.alt,
    naturalWidth: el.naturalWidth,
    height: el.getBoundingClientRect().height,
  }));
}

(SKIP_BROWSER ? describe.skip : describe)('the branded report', () => {
  beforeAll(async () => {
    db = await createTestDatabase('branding');
    standIn = await startAyrshareStandIn();
    for (const date of [addDays(today, -1), today]) {
      standIn.script({ body: loadFixture() });
      const run = await runCliCaptured(['collect', '--date', date], {
        AYRSHARE_API_KEY: 'TEST-KEY-BRANDING',
        AYRSHARE_BASE_URL: standIn.baseUrl,
        DATABASE_URL: db.url,
      });
      expect(run.code).toBe(0);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await standIn?.close();
    await db?.drop();
  });

  const acme = () =>
    brandingFile(
      {
        default: { footer: 'Prepared by Example Agency', accent: '#1a7f37' },
        profiles: { primary: { displayName: 'Acme Corp', logo: 'logos/acme.png', accent: ACCENT, footer: FOOTER } },
      },
      { 'logos/acme.png': png(120, 36) },
    );

  it('HTML: the display name names the page and the section, the logo decodes, the accent colours it', async () => {
    const file = path.join(out, 'branded.html');
    const run = await report(['--out', file], acme());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { page, outsideRequests } = await openReport(browser, file);
    expect(await page.textContent('h1')).toBe('Acme Corp: social growth report');
    expect(await page.title()).toBe(`Acme Corp: social growth report, ${addDays(today, -1)} to ${today}`);
    const heading = page.locator('section[data-profile="primary"] h2');
    expect(await heading.textContent()).toBe('Acme Corp profile primary');
    expect(await heading.locator('.profile-name').textContent()).toBe('profile primary');

    const logo = await logoOf(page, 'primary');
    expect(logo.src).toBe(`data:image/png;base64,${png(120, 36).toString('base64')}`);
    expect(logo.alt).toBe('Acme Corp logo');
    expect(logo.naturalWidth).toBe(120);
    expect(logo.height).toBeLessThanOrEqual(48);

    const style = (selector: string, property: string) =>
      page
        .locator(`section[data-profile="primary"] ${selector}`)
        .evaluate((el: any, name) => (globalThis as any).getComputedStyle(el)[name] as string, property);
    expect(await style('.card.best', 'borderTopColor')).toBe(ACCENT_RGB);
    expect(await style('.brand', 'borderBottomColor')).toBe(ACCENT_RGB);
    expect(await page.textContent('section[data-profile="primary"] [data-branding-footer]')).toBe(FOOTER);
    expect(outsideRequests).toEqual([]);
    await screenshot(page, 'branded-report.png');
    await page.close();
  });

  it('PDF: the display name and the footer are there as text', async () => {
    const file = path.join(out, 'branded.pdf');
    const run = await report(['--out', file], acme());
    expect(run.code).toBe(0);
    const text = poppler('pdftotext', readFileSync(file), out, 'branded-read.pdf');
    expect(text).toContain('Acme Corp: social growth report');
    expect(text).toContain('profile primary');
    expect(text).toContain(FOOTER);
    expect(text).not.toContain('Prepared by Example Agency');
  });

  it('the example in docs/examples works for the profile primary', async () => {
    const file = path.join(out, 'example.html');
    const example = path.resolve(__dirname, '../../../docs/examples/branding.json');
    expect((await report(['--out', file], example)).code).toBe(0);
    const { page } = await openReport(browser, file);
    expect(await page.textContent('h1')).toBe('Example Client: social growth report');
    expect((await logoOf(page, 'primary')).naturalWidth).toBe(160);
    expect(await page.textContent('[data-branding-footer]')).toBe('Prepared by Example Agency');
    await page.close();
  });

  it('a display name holding a script is shown as text and never runs', async () => {
    const name = '<script>document.title="pwned"</script> & Co';
    const file = path.join(out, 'hostile.html');
    const branding = brandingFile(
      { profiles: { primary: { displayName: name, logo: 'logo.png' } } },
      {
        'logo.png': png(2, 2),
      },
    );
    expect((await report(['--out', file], branding)).code).toBe(0);
    const { page } = await openReport(browser, file);
    expect(await page.title()).toBe(`${name}: social growth report, ${addDays(today, -1)} to ${today}`);
    expect(await page.textContent('h1')).toBe(`${name}: social growth report`);
    expect(await page.textContent('section[data-profile="primary"] h2')).toBe(`${name} profile primary`);
    expect((await logoOf(page, 'primary')).alt).toBe(`${name} logo`);
    expect(await page.$$('script')).toHaveLength(0);
    await page.close();
  });

  it.each([
    [
      'a colour that is a name',
      { accent: 'blue' },
      {},
      'profiles.primary.accent must be a colour such as #1a7f37 or #c00 (got "blue")',
    ],
    [
      'a logo that is a text file',
      { logo: 'notes.png' },
      { 'notes.png': 'meeting notes, not an image\n' },
      'profiles.primary.logo ("notes.png") is not a PNG, JPEG, GIF or WebP image',
    ],
    [
      'a logo over 200 KB',
      { logo: 'big.png' },
      { 'big.png': png(1, 1, 204_801) },
      'profiles.primary.logo ("big.png") is 204,801 bytes; a logo may be at most 204,800 bytes (200 KB)',
    ],
    [
      'a logo that is not there',
      { logo: 'gone.png' },
      {},
      'profiles.primary.logo names a logo file that cannot be read',
    ],
  ])('%s is refused before anything is read or written (exit 2)', async (_, entry, files, problem) => {
    const branding = brandingFile({ profiles: { primary: entry } }, files);
    // No database is reachable there: the branding is checked first, so it is what the user hears about.
    const unreachable = { DATABASE_URL: 'postgres://tracker@127.0.0.1:9/nowhere' };
    for (const name of ['refused.html', 'refused.pdf']) {
      const file = path.join(out, name);
      const run = await report(['--out', file], branding, unreachable);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`Error: ${branding} (TRACKER_BRANDING): ${problem}`);
      expect(existsSync(file)).toBe(false);
    }
  });

  it('a missing branding file names the setting and the path; formats without branding do not read it', async () => {
    const missing = path.join(out, 'no-such-branding.json');
    const run = await report(['--format', 'html'], missing);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Error: TRACKER_BRANDING names ${missing}, which does not exist.`);
    const json = await report(['--format', 'json'], missing);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).profiles[0].profile).toBe('primary');
  });
});
