// The collect command on a real PostgreSQL and the loopback Ayrshare stand-in: what it stores, growth across days,
// its flags and its time zone. How a run fails (Ayrshare, the values, the database, the settings) is in
// test/integration/fault-matrix.test.ts, through this command and the Lambda handler alike.
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured, type CliRun } from '../../../support/cli';
import { createTestDatabase, resetSchema, type TestDatabase } from '../../../support/database';

const API_KEY = 'TEST-API-KEY-COLLECT';

let db: TestDatabase;
let standIn: AyrshareStandIn;

beforeAll(async () => {
  db = await createTestDatabase('collect');
  standIn = await startAyrshareStandIn();
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  await resetSchema(db.client);
});

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  AYRSHARE_API_KEY: API_KEY,
  AYRSHARE_BASE_URL: standIn.baseUrl,
  DATABASE_URL: db.url,
  ...extra,
});

/** One `collect`; whatever it printed is checked for the API key before the test goes on. */
async function collect(args: string[], extraEnv: NodeJS.ProcessEnv = {}, now?: Date): Promise<CliRun> {
  const run = await runCliCaptured(['collect', ...args], env(extraEnv), { now });
  expect(run.stdout).not.toContain(API_KEY);
  expect(run.stderr).not.toContain(API_KEY);
  return run;
}

/** The fixture with every follower count shifted, to tell days apart. */
function fixtureWithFollowers(delta: number): Record<string, unknown> {
  const answer = loadFixture() as Record<string, { analytics: Record<string, unknown> }>;
  const keys: Record<string, string> = { tiktok: 'followerCount', youtube: 'subscriberCount' };
  for (const platform of ['facebook', 'instagram', 'tiktok', 'youtube', 'twitter', 'linkedin', 'threads']) {
    const field = keys[platform] ?? 'followersCount';
    answer[platform].analytics[field] = Number(answer[platform].analytics[field]) + delta;
  }
  return answer;
}

async function rows(where = 'TRUE'): Promise<Record<string, any>[]> {
  const result = await db.client.query(
    `SELECT *, date::text AS date FROM social_media_analytics WHERE ${where} ORDER BY social_media_analytics.date, profile, platform`,
  );
  return result.rows;
}

describe('collect', () => {
  it('stores the fixture exactly as docs/metrics.md maps it and prints the summary as the last JSON line', async () => {
    standIn.script({ body: loadFixture() });
    const run = await collect(['--date', '2026-01-05', '--json']);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      status: 'success',
      date: '2026-01-05',
      platforms_tracked: 7,
      total_followers: 14941,
      total_engagement: 1878,
      top_performer: 'tiktok',
      failed: [],
      // The stand-in lists no recent posts: each network's history stored, with none in it.
      posts: { stored: 0, networks: 7, failed: [] },
    });
    const stored = await rows();
    expect(stored).toHaveLength(7);
    const by = Object.fromEntries(stored.map((r) => [r.platform, r]));
    expect(stored.every((r) => r.date === '2026-01-05' && r.profile === 'primary' && r.growth_velocity === null)).toBe(
      true,
    );
    expect(by.tiktok).toMatchObject({
      engagement_rate: 121.43,
      engagement_total: 1813,
      followers_count: 34,
      views_total: 1493,
      profile_views: 79346,
      content_efficiency: null,
    });
    // Facebook's rate is over media views (20 / 929), the basis that outlived the retirement of impressions.
    expect(by.facebook).toMatchObject({
      engagement_rate: 2.15,
      engagement_rate_basis: 'views',
      engagement_total: 20,
      impressions: 124,
      views_total: 929,
    });
    expect(by.youtube).toMatchObject({
      followers_count: 67,
      engagement_rate: 102.27,
      subscribers_gained: 34,
      subscribers_lost: 2,
      watch_time_minutes: 72,
      avg_view_duration: 99,
    });
    expect(by.twitter).toMatchObject({
      followers_count: 11253,
      following_count: 4242,
      posts_count: 2930,
      engagement_total: null,
      likes_total: null,
    });
    expect(by.instagram).toMatchObject({ reach: 5000, impressions: 8000, posts_count: 150, engagement_rate: null });
    expect(by.youtube.raw_data).toEqual((loadFixture() as Record<string, unknown>).youtube);
    expect(by.tiktok.raw_data.analytics.bioLinkClicks).toBe(2);
  });

  it('keeps one row per platform when the same day is collected twice, with the latest values', async () => {
    standIn.script({ body: fixtureWithFollowers(0) });
    await collect(['--date', '2026-01-04']);
    await collect(['--date', '2026-01-05']);
    const first = await rows(`date = '2026-01-05'`);
    standIn.script({ body: fixtureWithFollowers(25) });
    const rerun = await collect(['--date', '2026-01-05', '--json']);
    expect(rerun.code).toBe(0);
    const second = await rows(`date = '2026-01-05'`);
    expect(second).toHaveLength(7);
    expect((await rows()).length).toBe(14);
    const twitter = second.find((r) => r.platform === 'twitter')!;
    expect(twitter.followers_count).toBe(11253 + 25);
    // Against the previous date (2026-01-04), never against the replaced row of the same day.
    expect(twitter.growth_velocity).toBe(25);
    const before = first.find((r) => r.platform === 'twitter')!;
    expect(twitter.id).toBe(before.id);
    expect(twitter.created_at).toEqual(before.created_at);
    expect(twitter.recorded_at.getTime()).toBeGreaterThan(before.recorded_at.getTime());
  });

  it('computes growth velocity against the most recent earlier snapshot, across gaps and back-fills', async () => {
    const day = async (date: string, delta: number) => {
      standIn.script({ body: fixtureWithFollowers(delta) });
      expect((await collect(['--date', date])).code).toBe(0);
    };
    await day('2026-02-01', 0);
    await day('2026-02-02', 10);
    await day('2026-02-05', 4); // a gap of two days, and a loss
    const velocity = async () =>
      (await rows(`platform = 'linkedin'`)).map((r) => [r.date, r.followers_count, r.growth_velocity]);
    expect(await velocity()).toEqual([
      ['2026-02-01', 500, null],
      ['2026-02-02', 510, 10],
      ['2026-02-05', 504, -6],
    ]);
    await day('2026-02-03', 30); // back-fill inside the gap: the next snapshot is recomputed against it
    expect(await velocity()).toEqual([
      ['2026-02-01', 500, null],
      ['2026-02-02', 510, 10],
      ['2026-02-03', 530, 20],
      ['2026-02-05', 504, -26],
    ]);
  });

  it('writes nothing of a run when the database fails part-way through its transaction', async () => {
    standIn.script({ body: fixtureWithFollowers(0) });
    await collect(['--date', '2026-03-01']);
    standIn.script({ body: fixtureWithFollowers(5) });
    await collect(['--date', '2026-03-03']);
    standIn.script({ body: fixtureWithFollowers(2) });
    // The back-fill below inserts 2026-03-02, then must correct 2026-03-03: make that second statement fail.
    await db.client.query(`
      CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'simulated disk failure'; END $$;
      CREATE TRIGGER refuse_update BEFORE UPDATE ON social_media_analytics FOR EACH ROW EXECUTE FUNCTION refuse_update();`);
    try {
      const run = await collect(['--date', '2026-03-02', '--json']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /Nothing was stored for 2026-03-02: the database write failed \(simulated disk failure\)/,
      );
      expect(run.json<{ status: string }>().status).toBe('error');
      expect(await rows(`date = '2026-03-02'`)).toHaveLength(0);
      // 2026-03-03 keeps its velocity against 2026-03-01 (+5); the failed run's +3 was rolled back with it.
      expect((await rows(`date = '2026-03-03'`)).map((r) => r.growth_velocity)).toEqual([5, 5, 5, 5, 5, 5, 5]);
    } finally {
      await db.client.query('DROP TRIGGER refuse_update ON social_media_analytics; DROP FUNCTION refuse_update()');
    }
  });

  it("collects for today's date in the configured time zone when --date is absent", async () => {
    standIn.script({ body: loadFixture() });
    const now = new Date('2026-07-01T02:30:00Z'); // 30 June, 22:30 in New York
    expect((await collect(['--json'], {}, now)).json<{ date: string }>().date).toBe('2026-06-30');
    expect((await collect(['--json'], { TRACKER_TIMEZONE: 'Asia/Tokyo' }, now)).json<{ date: string }>().date).toBe(
      '2026-07-01',
    );
  });

  it('warns that a date more than a day from today gets the figures of today', async () => {
    standIn.script({ body: loadFixture() });
    const now = new Date('2026-07-10T12:00:00Z');
    const old = await collect(['--date', '2026-07-01'], {}, now);
    expect(old.stderr).toMatch(
      /warning: Ayrshare answers with current figures: they will be stored under 2026-07-01, 9 days ago/,
    );
    const yesterday = await collect(['--date', '2026-07-09'], {}, now);
    expect(yesterday.stderr).not.toMatch(/current figures/);
  });

  it('asks only for the configured platforms', async () => {
    standIn.script({ body: loadFixture() });
    const run = await collect(['--date', '2026-01-09', '--json'], { TRACKER_PLATFORMS: 'tiktok,youtube' });
    expect(standIn.requests[0].body).toEqual({ platforms: ['tiktok', 'youtube'] });
    expect(run.json()).toMatchObject({ platforms_tracked: 2, total_followers: 101, top_performer: 'tiktok' });
  });

  it.each([
    [['--date', '2026-13-01'], /--date must be a calendar date as YYYY-MM-DD \(got "2026-13-01"\)/],
    [['--when', 'today'], /unknown option '--when'/i],
  ])('exits 2 with a message naming the flag: %p', async (args, message) => {
    standIn.script({ body: loadFixture() });
    const run = await collect(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(standIn.requests).toHaveLength(0);
  });
});
