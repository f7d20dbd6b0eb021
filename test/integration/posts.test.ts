// Posts and their metrics, collected by `collect` from the loopback stand-in's GET /api/history/:platform (answers in
// the shape of Ayrshare's own API tests) into post_snapshots on a real PostgreSQL: one request per network, X with
// the X credentials, one row per post per day, a failed history that never fails the account, code 106 not retried,
// and the posts setting that turns it off.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../support/ayrshare-stand-in';
import { runCliCaptured, TEST_X_CREDENTIALS, type CliRun } from '../support/cli';
import { createTestDatabase, resetSchema, type TestDatabase } from '../support/database';

const API_KEY = 'TEST-API-KEY-POSTS-0123';
const DATE = '2026-11-30';
const history = JSON.parse(
  readFileSync(path.resolve(__dirname, '../fixtures/ayrshare-history-2026.json'), 'utf8'),
) as Record<string, unknown>;
const fromFixture = (platform: string) => ({
  body: history[platform] ?? { status: 'success', posts: [] },
});

let db: TestDatabase;
let standIn: AyrshareStandIn;

beforeAll(async () => {
  db = await createTestDatabase('posts');
  standIn = await startAyrshareStandIn();
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  await resetSchema(db.client);
  standIn.script({ body: loadFixture() });
});

async function collect(extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const run = await runCliCaptured(['collect', '--date', DATE], {
    AYRSHARE_API_KEY: API_KEY,
    AYRSHARE_BASE_URL: standIn.baseUrl,
    DATABASE_URL: db.url,
    ...extraEnv,
  });
  expect(run.stdout + run.stderr).not.toContain(API_KEY);
  return run;
}

const posts = async () =>
  (
    await db.client.query(
      `SELECT platform, post_id, snapshot_date::text AS date, likes::int, comments::int, shares::int,
              impressions::int, views::int, engagement::int, post_url
       FROM post_snapshots ORDER BY platform, post_id`,
    )
  ).rows;

describe('posts collected with the account analytics', () => {
  it("asks each network once for its 100 latest posts, X with the X credentials, and stores each post's figures", async () => {
    standIn.scriptHistory(fromFixture);
    const run = await collect();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('posts: 6 post snapshot(s) from 7 network(s)');

    const asked = standIn.historyRequests.map((r) => [r.method, r.url]).sort();
    expect(asked).toEqual(
      ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'].map((p) => [
        'GET',
        `/api/history/${p}?limit=100`,
      ]),
    );
    for (const request of standIn.historyRequests) {
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
      const isX = request.url.startsWith('/api/history/twitter');
      expect(request.headers['x-twitter-oauth1-api-key']).toBe(isX ? TEST_X_CREDENTIALS.AYRSHARE_X_API_KEY : undefined);
      expect(request.headers['x-twitter-oauth1-api-secret']).toBe(
        isX ? TEST_X_CREDENTIALS.AYRSHARE_X_API_SECRET : undefined,
      );
    }
    // Figures by hand from the fixture; engagement as docs/metrics.md defines it per network.
    expect(await posts()).toEqual([
      {
        platform: 'facebook',
        post_id: '104599345678901_122187654321098',
        date: DATE,
        likes: 41,
        comments: 7,
        shares: 3,
        impressions: null,
        views: null,
        engagement: 51,
        post_url: 'https://www.facebook.com/104599345678901/posts/122187654321098',
      },
      expect.objectContaining({ platform: 'instagram', post_id: '17912345678901234', engagement: 230 }),
      expect.objectContaining({ platform: 'instagram', post_id: '17912345678905678', engagement: 103 }),
      expect.objectContaining({ platform: 'linkedin', impressions: 3400, engagement: 191, post_url: null }),
      expect.objectContaining({ platform: 'tiktok', likes: 880, views: 15200, engagement: 880 }),
      expect.objectContaining({ platform: 'twitter', impressions: 9800, engagement: 159 }),
    ]);
    const outcomes = await db.client.query(`SELECT platform, outcome, posts FROM post_outcomes ORDER BY platform`);
    expect(outcomes.rows.map((o) => [o.platform, o.outcome, o.posts])).toEqual([
      ['facebook', 'stored', 1],
      ['instagram', 'stored', 2],
      ['linkedin', 'stored', 1],
      ['threads', 'stored', 0],
      ['tiktok', 'stored', 1],
      ['twitter', 'stored', 1],
      ['youtube', 'stored', 0],
    ]);
  });

  it('replaces the same day on a re-run: one row per post per day, with the newer figures', async () => {
    standIn.scriptHistory(fromFixture);
    await collect();
    standIn.scriptHistory((platform) => {
      const answer = structuredClone(fromFixture(platform).body) as { posts: Array<Record<string, unknown>> };
      if (platform === 'facebook') answer.posts[0].likeCount = 45;
      return { body: answer };
    });
    await collect();
    const rows = await posts();
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ platform: 'facebook', likes: 45, engagement: 55 });
  });

  it('keeps the account snapshot when a history fails, and says which and why on a line of its own', async () => {
    standIn.scriptHistory((platform) =>
      platform === 'instagram'
        ? { status: 500, body: { status: 'error', message: 'Internal error' } }
        : fromFixture(platform),
    );
    const run = await collect();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^2026-11-30: success - 7 platform\(s\) stored/);
    expect(run.stdout).toContain('posts: 4 post snapshot(s) from 6 network(s), history failed for 1');
    expect(run.stdout).toMatch(/posts failed: instagram \(profile primary\): .*HTTP 500/);
    // A 500 is retried as any server error (FAST_RETRIES: 3 attempts).
    expect(standIn.historyRequests.filter((r) => r.url.includes('/instagram')).length).toBe(3);
    const outcomes = await db.client.query(
      `SELECT platform, error_class FROM post_outcomes WHERE outcome = 'failed' ORDER BY platform`,
    );
    expect(outcomes.rows).toEqual([{ platform: 'instagram', error_class: 'server' }]);
    const stored = await db.client.query(`SELECT count(*)::int AS n FROM social_media_analytics`);
    expect(stored.rows[0].n).toBe(7);

    // The report says which network's posts it cannot show, and why, in every format.
    const report = (format: string) =>
      runCliCaptured(
        ['report', '--days', '1', '--format', format],
        { DATABASE_URL: db.url },
        {
          now: new Date(`${DATE}T20:00:00Z`),
        },
      );
    const [profile] = JSON.parse((await report('json')).stdout).profiles;
    expect(profile.posts_missing).toEqual([
      {
        platform: 'instagram',
        reason: expect.stringMatching(/^its latest post history \(2026-11-30\) failed: .*HTTP 500/),
      },
    ]);
    expect((await report('table')).stdout).toMatch(/posts not shown for instagram: its latest post history/);
    expect((await report('html')).stdout).toMatch(/data-posts-missing="instagram">Posts not shown for instagram/);
    // A window with nothing before it says so; it never shows 0 %.
    expect(profile.comparison.rows[0]).toMatchObject({
      platform: 'all platforms',
      previous_days_collected: 0,
      follower_growth: { previous: null, change: null, change_pct: null },
    });
    expect((await report('table')).stdout).toMatch(/^all platforms +follower growth +0 +no earlier data$/m);
  });

  it('does not retry a monthly quota (code 106): it fails every post-related call until the 1st', async () => {
    standIn.scriptHistory((platform) =>
      platform === 'threads'
        ? { status: 429, body: { status: 'error', code: 106, message: 'Monthly post quota reached.' } }
        : fromFixture(platform),
    );
    const run = await collect();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/posts failed: threads \(profile primary\): .*monthly quota is used up \(code 106\)/);
    expect(standIn.historyRequests.filter((r) => r.url.includes('/threads')).length).toBe(1);
    const outcomes = await db.client.query(
      `SELECT platform, error_class FROM post_outcomes WHERE outcome = 'failed' ORDER BY platform`,
    );
    expect(outcomes.rows).toEqual([{ platform: 'threads', error_class: 'rate_limited' }]);
  });

  it('asks nothing about posts with TRACKER_POSTS=off, and the summary has no posts line', async () => {
    standIn.scriptHistory(fromFixture);
    const run = await collect({ TRACKER_POSTS: 'off' });
    expect(run.code).toBe(0);
    expect(standIn.historyRequests).toEqual([]);
    expect(run.stdout).not.toContain('posts:');
    expect(await posts()).toEqual([]);
  });

  it('refuses a posts setting that is neither on nor off, by name', async () => {
    const run = await collect({ TRACKER_POSTS: 'maybe' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('TRACKER_POSTS must be on or off');
  });

  it('redacts a key Ayrshare echoes in a post, and keeps a script in a post as plain text', async () => {
    standIn.scriptHistory((platform) =>
      platform === 'facebook'
        ? {
            body: {
              status: 'success',
              posts: [
                {
                  id: 'p1',
                  created: '2026-11-29T10:00:00Z',
                  post: `<script>alert(1)</script> key ${API_KEY}`,
                  postUrl: 'javascript:alert(1)',
                  likeCount: 1,
                },
              ],
            },
          }
        : fromFixture('none'),
    );
    await collect();
    const { rows } = await db.client.query(`SELECT post_text, post_url, raw_data::text AS raw FROM post_snapshots`);
    expect(rows).toHaveLength(1);
    expect(rows[0].post_text).toMatch(/^<script>alert\(1\)<\/script> key \[redacted\]/);
    expect(rows[0].raw).not.toContain(API_KEY);
    expect(rows[0].post_url).toBeNull();
  });
});
