// The HTML report opened in headless Chromium: charts rendered (non-empty SVG with marks), platform names shown,
// the best performer named, gaps drawn as breaks, no request beyond the file itself, and the empty state.
import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { addDays, dateInTimeZone } from '../../../../lambda/core/dates';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { findChromium, launchBrowser, openReport, screenshot, SKIP_BROWSER } from '../../../support/browser';
import { runCliCaptured } from '../../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../../support/database';

const today = dateInTimeZone(new Date(), 'America/New_York');
const DAYS = Array.from({ length: 21 }, (_, i) => addDays(today, i - 20));
const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'];
const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-html-'));

let db: TestDatabase;
let standIn: AyrshareStandIn;
let browser: Browser;

(SKIP_BROWSER ? describe.skip : describe)('the HTML report in Chromium', () => {
  beforeAll(async () => {
    db = await createTestDatabase('html');
    standIn = await startAyrshareStandIn();
    for (const [day, date] of DAYS.entries()) {
      const answer = loadFixture() as Record<string, any>;
      answer.twitter.analytics.followersCount = 11253 + 9 * day - (day === 12 ? 40 : 0);
      answer.instagram.analytics.followersCount = 1500 + 25 * day;
      answer.tiktok.analytics.commentCountTotal = 1500 + 40 * day;
      answer.youtube.analytics.subscriberCount = String(67 + day);
      // Threads fails on days 8 to 10: its line must break there, not drop to zero.
      if (day >= 8 && day <= 10) answer.threads = { status: 'error', code: 272, message: 'Threads token expired' };
      standIn.script({ body: answer });
      await runCliCaptured(['collect', '--date', date], {
        AYRSHARE_API_KEY: 'TEST-KEY-HTML',
        AYRSHARE_BASE_URL: standIn.baseUrl,
        DATABASE_URL: db.url,
      });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await standIn?.close();
    await db?.drop();
  });

  it('drives the Chromium shipped in the npm package (no system browser needed) unless CHROMIUM_PATH names another', async () => {
    const expected = process.env.CHROMIUM_PATH
      ? 'CHROMIUM_PATH'
      : process.platform === 'linux' && process.arch === 'x64'
        ? '@sparticuz/chromium'
        : 'system';
    expect((await findChromium())?.source).toBe(expected);
    expect(browser.version()).toMatch(/^\d+\./);
  });

  it('renders every chart, names the platforms and the best performer, and asks the network for nothing', async () => {
    const file = path.join(out, 'report.html');
    const run = await runCliCaptured(['report', '--days', '21', '--out', file], { DATABASE_URL: db.url });
    expect(run.code).toBe(0);
    const { page, outsideRequests } = await openReport(browser, file);

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return {
          chart: svg.getAttribute('data-chart'),
          platform: svg.getAttribute('data-platform'),
          points: Number(svg.getAttribute('data-points')),
          width: box.width,
          height: box.height,
          lines: svg.querySelectorAll('polyline').length,
          dots: svg.querySelectorAll('circle').length,
          bars: svg.querySelectorAll('rect').length,
        };
      }),
    );
    const of = (kind: string) => charts.filter((c) => c.chart === kind);
    expect(of('followers').map((c) => c.platform)).toEqual(PLATFORMS);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(50);
      expect(chart.points).toBeGreaterThan(0);
      expect(chart.lines + chart.dots + chart.bars).toBeGreaterThan(0);
    }
    expect(of('followers').find((c) => c.platform === 'twitter')).toMatchObject({ points: 21, lines: 1, dots: 21 });
    // Threads: 18 snapshots, the line broken in two around the three failed days.
    expect(of('followers').find((c) => c.platform === 'threads')).toMatchObject({ points: 18, lines: 2, dots: 18 });
    expect(of('growth').find((c) => c.platform === 'twitter')!.bars).toBe(20);
    expect(of('engagement-rate')[0].lines).toBeGreaterThanOrEqual(3);
    expect(of('best-performer')[0].bars).toBe(3);

    const text = await page.innerText('body');
    for (const platform of PLATFORMS) expect(text).toContain(platform);
    expect(await page.getAttribute('[data-best-performer]', 'data-best-performer')).toBe('tiktok');
    expect(text).toMatch(/Best performer\s+tiktok\s+[\d.]+ % average engagement rate/);
    // Twitter's drop on day 12 is a red bar.
    expect(
      await page.$$eval('svg[data-chart="growth"][data-platform="twitter"] rect.bar.down', (bars) => bars.length),
    ).toBe(1);
    expect(outsideRequests).toEqual([]);

    const shot = await screenshot(page, 'report.png');
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });

  it('shows a clear empty state when there is nothing to chart', async () => {
    const file = path.join(out, 'empty.html');
    expect(
      (await runCliCaptured(['report', '--profile', 'nobody', '--out', file], { DATABASE_URL: db.url })).code,
    ).toBe(0);
    const { page, outsideRequests } = await openReport(browser, file);
    expect(await page.isVisible('[data-empty="true"]')).toBe(true);
    expect(await page.innerText('[data-empty="true"]')).toMatch(
      /No data yet\s+No snapshots between .* for profile "nobody" yet/,
    );
    expect(await page.$$('svg.chart')).toHaveLength(0);
    expect(outsideRequests).toEqual([]);
    await screenshot(page, 'report-empty.png');
  });
});
