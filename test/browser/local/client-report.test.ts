// What a client receives, on a deterministic simulated history: 14 days collected by `collect` from the demo's
// simulated Ayrshare (account analytics and each network's posts), then the 7-day report in every format. The
// expected figures are computed here, apart from the report's SQL: the comparison from the stored daily rows (and,
// for Instagram, from the simulator's own answers), the top posts from the simulator's post lists with engagement
// summed by hand as docs/metrics.md defines it per network. A post whose text is a script shows as text everywhere.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { addDays } from '../../../lambda/core/dates';
import {
  HOSTILE_POST_TEXT,
  simulatedAnswer,
  simulatedHistory,
  startSimulatedAyrshare,
  type SimulatedAyrshare,
} from '../../../local/simulated-ayrshare';
import { launchBrowser, openReport, SKIP_BROWSER } from '../../support/browser';
import { runCliCaptured } from '../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { poppler } from '../../support/poppler';

const AS_OF = '2026-11-29';
const FROM = '2026-11-23';
const PREVIOUS = { from: '2026-11-16', to: '2026-11-22' };
const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'] as const;
const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-client-report-'));

let db: TestDatabase;
let simulator: SimulatedAyrshare;
let browser: Browser;

interface Expected {
  platform: string;
  growth: number | null;
  previousGrowth: number | null;
  engagement: number | null;
  previousEngagement: number | null;
  rate: number | null;
  previousRate: number | null;
}
let expected: Expected[];
let expectedTotal: { growth: number; previousGrowth: number };
let expectedTop: Array<{ platform: string; post_id: string; engagement: number; text: string }>;

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const pct = (current: number | null, previous: number | null) =>
  current === null || previous === null || previous === 0
    ? null
    : round((100 * (current - previous)) / Math.abs(previous), 1);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const signed = (n: number) => `${n > 0 ? '+' : ''}${n.toLocaleString('en-US')}`;

/** Engagement of one simulated post, by hand, as docs/metrics.md defines it per network. */
function engagementByHand(platform: string, post: Record<string, any>): number {
  switch (platform) {
    case 'twitter': {
      const m = post.publicMetrics;
      return m.likeCount + m.replyCount + m.retweetCount + m.quoteCount;
    }
    case 'linkedin':
      return post.likeCount + post.commentCount + post.shareCount + post.clickCount;
    case 'instagram':
      return post.likeCount + post.commentsCount;
    case 'facebook':
    case 'tiktok':
      return post.likeCount + post.commentsCount + post.sharesCount;
    case 'youtube':
      return post.likeCount + post.commentCount;
    default:
      return post.likeCount + post.replyCount + post.repostCount;
  }
}

(SKIP_BROWSER ? describe.skip : describe)('the client report', () => {
  beforeAll(async () => {
    db = await createTestDatabase('client_report');
    simulator = await startSimulatedAyrshare();
    for (let day = 0; day < 14; day += 1) {
      const date = addDays(PREVIOUS.from, day);
      simulator.setDate(date);
      const run = await runCliCaptured(['collect', '--date', date], {
        AYRSHARE_API_KEY: 'TEST-KEY-CLIENT-REPORT',
        AYRSHARE_BASE_URL: simulator.baseUrl,
        DATABASE_URL: db.url,
      });
      expect(run.stderr).not.toMatch(/^Error/m);
    }

    // The comparison, from the stored rows: last minus first followers, summed engagement, mean rate.
    const { rows } = await db.client.query(
      `SELECT platform, date::text AS date, followers_count, engagement_total, engagement_rate
       FROM social_media_analytics ORDER BY platform, date`,
    );
    const windowOf = (platform: string, from: string, to: string) => {
      const days = rows.filter((r) => r.platform === platform && r.date >= from && r.date <= to);
      const followers = days.filter((d) => d.followers_count !== null);
      const engagement = days.filter((d) => d.engagement_total !== null);
      const rates = days.filter((d) => d.engagement_rate !== null).map((d) => d.engagement_rate as number);
      return {
        growth: followers.length ? followers.at(-1)!.followers_count - followers[0].followers_count : null,
        engagement: engagement.length ? engagement.reduce((s, d) => s + d.engagement_total, 0) : null,
        rate: rates.length ? round(rates.reduce((a, b) => a + b, 0) / rates.length, 2) : null,
      };
    };
    expected = PLATFORMS.map((platform) => {
      const now = windowOf(platform, FROM, AS_OF);
      const before = windowOf(platform, PREVIOUS.from, PREVIOUS.to);
      return {
        platform,
        growth: now.growth,
        previousGrowth: before.growth,
        engagement: now.engagement,
        previousEngagement: before.engagement,
        rate: now.rate,
        previousRate: before.rate,
      };
    });
    expectedTotal = {
      growth: expected.reduce((s, e) => s + (e.growth ?? 0), 0),
      previousGrowth: expected.reduce((s, e) => s + (e.previousGrowth ?? 0), 0),
    };

    // The top 5, from the simulator's post lists on the last day (every network answered that day).
    expectedTop = PLATFORMS.flatMap((platform) =>
      (simulatedHistory(platform, AS_OF).posts as Array<Record<string, any>>)
        .filter((p) => {
          const day = String(p.created ?? p.publishedAt).slice(0, 10);
          return day >= FROM && day <= AS_OF;
        })
        .map((p) => ({
          platform,
          post_id: String(p.id),
          engagement: engagementByHand(platform, p),
          text: String(p.post),
          at: String(p.created ?? p.publishedAt),
        })),
    )
      .sort((a, b) => b.engagement - a.engagement || b.at.localeCompare(a.at))
      .slice(0, 5)
      .map(({ at: _at, ...post }) => post);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await simulator?.close();
    await db?.drop();
  });

  const report = (args: string[]) =>
    runCliCaptured(
      ['report', '--days', '7', ...args],
      { DATABASE_URL: db.url },
      { now: new Date(`${AS_OF}T20:00:00Z`) },
    );

  it('has an outside anchor: Instagram growth equals the simulator’s own follower counts', () => {
    const followers = (date: string) =>
      (simulatedAnswer(['instagram'], date).instagram as { analytics: { followersCount: number } }).analytics
        .followersCount;
    expect(expected.find((e) => e.platform === 'instagram')!.growth).toBe(followers(AS_OF) - followers(FROM));
    // The week holds at least one script post among the top 5, and each network differs (not a flat fixture).
    expect(expectedTop.some((p) => p.text === HOSTILE_POST_TEXT)).toBe(true);
    expect(new Set(expectedTop.map((p) => p.platform)).size).toBeGreaterThan(1);
  });

  it('JSON carries the comparison with the previous 7 days and the top 5 posts', async () => {
    const run = await report(['--format', 'json']);
    expect(run.code).toBe(0);
    const [profile] = JSON.parse(run.stdout).profiles;
    expect(profile.comparison.previous_from).toBe(PREVIOUS.from);
    expect(profile.comparison.previous_to).toBe(PREVIOUS.to);
    const [total, ...rows] = profile.comparison.rows;
    expect(total.platform).toBe('all platforms');
    expect(total.follower_growth).toEqual({
      current: expectedTotal.growth,
      previous: expectedTotal.previousGrowth,
      change: expectedTotal.growth - expectedTotal.previousGrowth,
      change_pct: pct(expectedTotal.growth, expectedTotal.previousGrowth),
    });
    expect(rows.map((r: any) => r.platform)).toEqual([...PLATFORMS]);
    for (const [i, e] of expected.entries()) {
      const row = rows[i];
      expect([row.platform, row.follower_growth.current, row.follower_growth.previous]).toEqual([
        e.platform,
        e.growth,
        e.previousGrowth,
      ]);
      expect(row.follower_growth.change_pct).toBe(pct(e.growth, e.previousGrowth));
      expect([row.total_engagement.current, row.total_engagement.previous]).toEqual([
        e.engagement,
        e.previousEngagement,
      ]);
      expect(row.total_engagement.change_pct).toBe(pct(e.engagement, e.previousEngagement));
      if (e.rate === null) expect(row.avg_engagement_rate.current).toBeNull();
      else expect(row.avg_engagement_rate.current).toBeCloseTo(e.rate, 9);
    }
    expect(profile.top_posts.map((p: any) => [p.rank, p.platform, p.post_id, p.engagement])).toEqual(
      expectedTop.map((p, i) => [i + 1, p.platform, p.post_id, p.engagement]),
    );
    // Grown since the snapshot the day before: each post's engagement is its figure of that day.
    const first = profile.top_posts[0];
    expect(first.previous_snapshot_date).toBe(addDays(AS_OF, -1));
    expect(typeof first.engagement_growth).toBe('number');
    expect(profile.posts_missing).toEqual([]);
  });

  it('the terminal table shows each change and percentage, and the top posts with their links', async () => {
    const run = await report([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Compared with the previous 7 days (${PREVIOUS.from} to ${PREVIOUS.to})`);
    const e = expected.find((x) => x.platform === 'instagram')!;
    const change = e.growth! - e.previousGrowth!;
    const percent = pct(e.growth, e.previousGrowth)!;
    const cells = [
      signed(e.growth!),
      signed(e.previousGrowth!),
      signed(change),
      `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`,
    ];
    expect(run.stdout).toMatch(new RegExp(`^instagram +follower growth +${cells.map(escapeRegExp).join(' +')}$`, 'm'));
    const top = run.stdout.split('Top posts')[1];
    for (const [i, post] of expectedTop.entries()) {
      const engagement = escapeRegExp(post.engagement.toLocaleString('en-US'));
      expect(top).toMatch(new RegExp(`^${i + 1} +${post.platform} +\\d{4}-\\d{2}-\\d{2} +${engagement} `, 'm'));
    }
    expect(top).toContain('https://social.example/');
  });

  it('CSV holds the comparison and the top posts, one table per file', async () => {
    const comparison = await report(['--format', 'csv', '--table', 'comparison']);
    expect(comparison.code).toBe(0);
    const lines = comparison.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'profile,platform,from,to,previous_from,previous_to,figure,current,previous,change,change_pct,days_collected,previous_days_collected',
    );
    const e = expected.find((x) => x.platform === 'facebook')!;
    expect(lines).toContain(
      `"primary","facebook","${FROM}","${AS_OF}","${PREVIOUS.from}","${PREVIOUS.to}","follower_growth",` +
        `${e.growth},${e.previousGrowth},${e.growth! - e.previousGrowth!},${pct(e.growth, e.previousGrowth) ?? ''},7,7`,
    );
    const top = await report(['--format', 'csv', '--table', 'top-posts']);
    const rows = top.stdout.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.split(',').slice(0, 4).join(','))).toEqual(
      expectedTop.map((p, i) => `"primary",${i + 1},"${p.platform}","${p.post_id}"`),
    );
    // The script post stays one quoted cell, its quotes doubled.
    expect(top.stdout).toContain('"<script>document.title=""pwned""</script>');
    const wrong = await report(['--format', 'json', '--table', 'comparison']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('--table goes with --format csv');
  });

  it('HTML shows the comparison and the top posts in Chromium, the script post as text that never runs', async () => {
    const file = path.join(out, 'client.html');
    expect((await report(['--out', file])).code).toBe(0);
    const { page, outsideRequests } = await openReport(browser, file);
    const growthCard = await page.textContent('[data-comparison="follower_growth"]');
    expect(growthCard).toContain(signed(expectedTotal.growth));
    expect(growthCard).toContain(`from ${signed(expectedTotal.previousGrowth)}`);
    const rows = await page.$$eval('table[data-table="top-posts"] tbody tr', (trs) =>
      trs.map((tr) => ({
        post: tr.getAttribute('data-post'),
        text: tr.querySelector('td.post')!.textContent,
        engagement: tr.children[3].textContent,
      })),
    );
    expect(rows.map((r) => [r.post, r.engagement])).toEqual(
      expectedTop.map((p) => [p.post_id, p.engagement.toLocaleString('en-US')]),
    );
    const hostile = rows.find((r) => r.text === HOSTILE_POST_TEXT);
    expect(hostile).toBeDefined();
    expect(await page.title()).not.toBe('pwned');
    expect(await page.$$('td.post img, td.post script')).toHaveLength(0);
    expect(outsideRequests).toEqual([]);
    await page.close();
  });

  it('PDF: A4 by default or Letter, with the profile, the period, the figures and the posts as text', async () => {
    const file = path.join(out, 'client.pdf');
    const run = await report(['--out', file]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(file);
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = poppler('pdftotext', pdf, out, 'read.pdf');
    expect(text).toContain('Profile primary');
    expect(text).toContain(`7 days, ${FROM} to ${AS_OF}`);
    expect(text).toContain(`Compared with the previous 7 days (${PREVIOUS.from} to ${PREVIOUS.to})`);
    expect(text).toContain(signed(expectedTotal.growth));
    expect(text).toContain(expectedTop[0].engagement.toLocaleString('en-US'));
    // In reading order, the script post's words are there, as words (wrapped in its cell).
    const raw = poppler('pdftotext', pdf, out, 'read-raw.pdf', 'raw');
    expect(raw.replace(/\s+/g, '')).toContain(HOSTILE_POST_TEXT.replace(/\s+/g, ''));
    expect(poppler('pdfinfo', pdf, out, 'info.pdf')).toMatch(/Page size: +595\.\d+ x 84[12]\.\d+ pts \(A4\)/);
    const letter = path.join(out, 'letter.pdf');
    expect((await report(['--format', 'pdf', '--paper', 'letter', '--out', letter])).code).toBe(0);
    expect(poppler('pdfinfo', readFileSync(letter), out, 'info-letter.pdf')).toMatch(/Page size: +612 x 792 pts/);
    const toTerminal = await report(['--format', 'pdf']);
    expect(toTerminal.code).not.toBe(0);
    expect(toTerminal.stderr).toContain('name a file with --out');
  });
});
