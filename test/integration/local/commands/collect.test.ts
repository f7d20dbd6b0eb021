import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured, type CliRun } from '../../../support/cli';
import { createTestDatabase, resetSchema, type TestDatabase } from '../../../support/database';

const API_KEY = 'TEST-API-KEY-COLLECT';
const PROFILE_KEY = 'TEST-PROFILE-KEY-COLLECT';

let db: TestDatabase;
let standIn: AyrshareStandIn;
const outputs: string[] = [];

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

async function collect(args: string[], extraEnv: NodeJS.ProcessEnv = {}, now?: Date): Promise<CliRun> {
  const run = await runCliCaptured(['collect', ...args], env(extraEnv), { now });
  outputs.push(run.stdout, run.stderr);
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

  it('stores the good platforms, reports the failed one and exits 3 on a partial run', async () => {
    const answer = loadFixture();
    answer.threads = { status: 'error', code: 272, message: 'Threads token expired' };
    delete answer.linkedin;
    standIn.script({ body: answer });
    const run = await collect(['--date', '2026-01-06', '--json'], {
      AYRSHARE_PROFILE_KEY: PROFILE_KEY,
      AYRSHARE_PROFILE_NAME: 'brand',
    });
    expect(run.code).toBe(3);
    const summary = run.json<{ status: string; platforms_tracked: number; failed: unknown[] }>();
    expect(summary.status).toBe('partial');
    expect(summary.platforms_tracked).toBe(5);
    expect(summary.failed).toEqual([
      {
        profile: 'brand',
        platform: 'linkedin',
        reason: 'not in the response (is the account linked in Ayrshare?)',
        error_class: 'not_linked',
        failing_since: '2026-01-06',
        failed_days: 1,
      },
      {
        profile: 'brand',
        platform: 'threads',
        reason: 'error 272: Threads token expired',
        error_class: 'platform_error',
        failing_since: '2026-01-06',
        failed_days: 1,
      },
    ]);
    expect((await rows()).map((r) => r.platform)).toEqual(['facebook', 'instagram', 'tiktok', 'twitter', 'youtube']);
    expect(standIn.requests[0].headers['profile-key']).toBe(PROFILE_KEY);
    expect((await rows()).every((r) => r.profile === 'brand')).toBe(true);
  });

  it('stores nothing, exits 1 and says why when Ayrshare refuses the key', async () => {
    standIn.script({
      status: 401,
      body: { action: 'authorization', status: 'error', code: 102, message: `API Key ${API_KEY} not valid.` },
    });
    const run = await collect(['--date', '2026-01-07', '--json']);
    expect(run.code).toBe(1);
    const summary = run.json<{ status: string; failed: Array<{ reason: string; error_class: string }> }>();
    expect(summary.status).toBe('error');
    expect(summary.failed).toHaveLength(7);
    expect(summary.failed[0].reason).toBe(
      'Ayrshare answered HTTP 401 (code 102): API Key [redacted] not valid. Likely cause: Ayrshare refused the API key.',
    );
    expect(summary.failed[0].error_class).toBe('auth');
    // Not retried: one request for the six other platforms, one for X.
    expect(standIn.requests).toHaveLength(2);
    expect(await rows()).toHaveLength(0);
  });

  it('retries a 503 and then stores the day', async () => {
    standIn.script({ status: 503, body: { status: 'error', message: 'maintenance' } }, { body: loadFixture() });
    const run = await collect(['--date', '2026-01-08', '--json']);
    expect(run.code).toBe(0);
    // The 503, its retry, then X's own request.
    expect(standIn.requests).toHaveLength(3);
    expect(await rows()).toHaveLength(7);
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
    [['--date', '2026-13-01'], {}, /--date must be a calendar date as YYYY-MM-DD \(got "2026-13-01"\)/],
    [['--when', 'today'], {}, /Unknown option '--when'/],
    [[], { AYRSHARE_API_KEY: '' }, /AYRSHARE_API_KEY is not set/],
    [[], { TRACKER_PLATFORMS: 'facebook,orkut' }, /TRACKER_PLATFORMS has unknown platform\(s\) orkut/],
  ])('exits 2 with a message naming the flag or variable: %p %p', async (args, extraEnv, message) => {
    standIn.script({ body: loadFixture() });
    const run = await collect(args, extraEnv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(standIn.requests).toHaveLength(0);
  });

  it('never prints the API key or the Profile-Key, on any path above', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const text of outputs) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(PROFILE_KEY);
    }
  });
});
