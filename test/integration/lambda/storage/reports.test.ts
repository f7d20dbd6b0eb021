import { readFileSync } from 'node:fs';
import { addDays, dateInTimeZone } from '../../../../lambda/core/dates';
import { PLATFORMS } from '../../../../lambda/metrics/platforms';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured } from '../../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { fromRoot } from '../../../support/paths';

let db: TestDatabase;
let standIn: AyrshareStandIn;
const today = dateInTimeZone(new Date(), 'America/New_York');
// Ten days ending today: twitter gains 7 a day, tiktok's engagement changes with the day.
const DAYS = Array.from({ length: 10 }, (_, i) => addDays(today, i - 9));

function answerFor(dayIndex: number): Record<string, unknown> {
  const answer = loadFixture() as Record<string, { analytics: Record<string, number> }>;
  answer.twitter.analytics.followersCount = 11253 + 7 * dayIndex;
  answer.tiktok.analytics.commentCountTotal = 1000 * (dayIndex + 1);
  return answer;
}

beforeAll(async () => {
  db = await createTestDatabase('dashboard');
  standIn = await startAyrshareStandIn();
  const env = { AYRSHARE_API_KEY: 'TEST-API-KEY', AYRSHARE_BASE_URL: standIn.baseUrl, DATABASE_URL: db.url };
  for (const [index, date] of DAYS.entries()) {
    standIn.script({ body: answerFor(index) });
    const run = await runCliCaptured(['collect', '--date', date], env);
    if (run.code !== 0) throw new Error(run.stderr);
  }
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});

/** The three dashboard queries of the product's documentation (docs/metrics.md), exactly as users have them. */
const [dailyGrowthSql, bestPlatformSql, weeklySummarySql] = readFileSync(
  fromRoot('test', 'support', 'dashboard-queries.sql'),
  'utf8',
)
  .split(';')
  .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
  .filter(Boolean);

describe("the users' dashboard queries, unchanged, after a ten-day run", () => {
  it('daily growth lists every platform and day with the day-over-day change', async () => {
    const { rows } = await db.client.query(dailyGrowthSql);
    expect(rows).toHaveLength(70);
    const twitter = rows.filter((r) => r.platform === 'twitter');
    expect(twitter.map((r) => Number(r.daily_growth))).toEqual([...Array(9).fill(7), 0]);
    expect(Number(twitter[0].followers_count)).toBe(11253 + 63);
    expect(rows[0].platform).toBe('facebook');
  });

  it('best performing platform ranks average engagement over the last 7 days', async () => {
    const { rows } = await db.client.query(bestPlatformSql);
    // DESC puts NULL averages (platforms without a rate) first in PostgreSQL; the ranked ones follow.
    const ranked = rows.filter((r) => r.avg_engagement !== null);
    expect(ranked.map((r) => r.platform)).toEqual(['tiktok', 'youtube', 'facebook']);
    // tiktok: (2 + 1000(d+1) + 4) / 1493 views for the 8 days from today-7 (d = 2..9).
    const expected = [3, 4, 5, 6, 7, 8, 9, 10].map((k) => Math.round(((6 + 1000 * k) * 10_000) / 1493) / 100);
    expect(Number(ranked[0].avg_engagement)).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 8, 6);
    // Facebook: 20 post engagements over 929 media views.
    expect(Number(ranked[2].avg_engagement)).toBeCloseTo(2.15, 6);
  });

  it('weekly summary gives follower growth, total engagement and average rate per platform', async () => {
    const { rows } = await db.client.query(weeklySummarySql);
    const by = Object.fromEntries(rows.map((r) => [r.platform, r]));
    expect(rows).toHaveLength(7);
    expect(Number(by.twitter.follower_growth)).toBe(7 * 7);
    expect(Number(by.facebook.total_engagement)).toBe(20 * 8);
    expect(Number(by.youtube.total_engagement)).toBe(45 * 8);
    expect(by.twitter.total_engagement).toBeNull();
    expect(Number(by.facebook.avg_engagement_rate)).toBeCloseTo(2.15, 6);
  });
});

describe('the report views', () => {
  it("give the same per-platform numbers as the seed's queries on the same data", async () => {
    const seed = (await db.client.query(weeklySummarySql)).rows;
    // The seed's window is CURRENT_DATE - 7 (8 days); the same window through the function is 8 days.
    const { rows } = await db.client.query(
      `SELECT platform, total_engagement, avg_engagement_rate FROM report_period_summary(8) ORDER BY platform`,
    );
    // Every platform of the ten-day run is there on both sides; an empty result fails here, not silently below.
    expect(rows.map((r) => r.platform)).toEqual([...PLATFORMS]);
    expect(seed.map((r) => r.platform).sort()).toEqual(rows.map((r) => r.platform));
    for (const row of rows) {
      const match = seed.find((r) => r.platform === row.platform);
      const rate = (value: unknown) => (value === null ? null : Math.round(Number(value) * 100) / 100);
      expect([row.platform, row.total_engagement, rate(row.avg_engagement_rate)]).toEqual([
        row.platform,
        match.total_engagement === null ? null : Number(match.total_engagement),
        rate(match.avg_engagement_rate),
      ]);
    }
  });
});
