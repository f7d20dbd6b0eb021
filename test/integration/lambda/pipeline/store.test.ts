// Trustworthy history over scripted multi-day histories, through the deployed handler (real PostgreSQL,
// the loopback stand-in, SNS and Secrets Manager mocked): the ledger, failure streaks, gaps in reports, drift said
// once, anomaly flags, and the basis of every engagement rate.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { addDays } from '../../../../lambda/core/dates';
import { engagementRateWithBasis } from '../../../../lambda/pipeline/derive';
import { buildHandlers } from '../../../../lambda/handlers/index';
import { normaliseMetrics } from '../../../../lambda/pipeline/normalise';
import type { ReportData } from '../../../../lambda/storage/reports';
import type { RunSummary } from '../../../../lambda/pipeline/summarise';
import { loadFixture, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured } from '../../../support/cli';
import { resetMigratedSchema, type TestDatabase } from '../../../support/database';
import { useDatabaseAndStandIn } from '../../../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const D = (n: number) => addDays('2026-05-01', n - 1);

let db: TestDatabase;
let standIn: AyrshareStandIn;

useDatabaseAndStandIn('history', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});
beforeEach(async () => {
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-KEY-HISTORY', name: 'brand' }, databaseSecretFor(db));
  setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off' });
  await resetMigratedSchema(db.client);
});

type Edit = (answer: Record<string, any>) => void;

/** Runs the handler for one day with the fixture edited; returns the summary (or the error) and that day's alerts. */
async function day(
  date: string,
  edit: Edit = () => undefined,
  requestId = `request-${date}`,
): Promise<{ summary?: RunSummary; error?: Error; alerts: Array<{ Subject?: string; Message?: string }> }> {
  const answer = loadFixture() as Record<string, any>;
  edit(answer);
  standIn.script({ body: answer });
  const before = sns.commandCalls(PublishCommand).length;
  const handler = buildHandlers({
    databaseCa: process.env.TEST_PG_CA,
    httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
  }).collect;
  const context = { ...lambdaContext(), awsRequestId: requestId };
  let summary: RunSummary | undefined;
  let error: Error | undefined;
  try {
    summary = (await handler({ date }, context)) as RunSummary;
  } catch (caught) {
    error = caught as Error;
  }
  const alerts = sns
    .commandCalls(PublishCommand)
    .slice(before)
    .map((c) => c.args[0].input);
  return { summary, error, alerts };
}

const threadsDown: Edit = (a) => (a.threads = { status: 'error', code: 272, message: 'Threads token expired' });
const threadsAt =
  (followers: number): Edit =>
  (a) =>
    (a.threads.analytics.followersCount = followers);

/** The report as JSON for threads, over the last `days` days (the CLI's window ends today). */
async function threadsReport(days: number): Promise<ReportData> {
  const run = await runCliCaptured(['report', '--days', String(days), '--format', 'json', '--platform', 'threads'], {
    DATABASE_URL: db.url,
  });
  return JSON.parse(run.stdout) as ReportData;
}

describe('a platform failing three days in a row, then recovering', () => {
  it('records every attempt, says how long it has failed, keeps the gap, and measures growth across it', async () => {
    await day(D(1), threadsAt(1000));
    await day(D(2), threadsAt(1010));
    const first = await day(D(3), threadsDown);
    const second = await day(D(4), threadsDown);
    const third = await day(D(5), threadsDown);
    const back = await day(D(6), threadsAt(1040));

    expect(first.alerts[0].Message).toContain('  - threads: error 272: Threads token expired (first failure)');
    expect(second.alerts[0].Message).toContain(
      `  - threads: error 272: Threads token expired (failed 2 days in a row, since ${D(3)})`,
    );
    expect(third.alerts[0].Message).toContain(
      `  - threads: error 272: Threads token expired (failed 3 days in a row, since ${D(3)})`,
    );
    expect(third.summary!.failed).toEqual([
      {
        profile: 'brand',
        platform: 'threads',
        reason: 'error 272: Threads token expired',
        error_class: 'platform_error',
        failing_since: D(3),
        failed_days: 3,
      },
    ]);
    expect(back.alerts).toEqual([]);
    expect(back.summary!.status).toBe('success');

    // The ledger: one run a day, and threads' outcome each day.
    const runs = await db.client.query(
      `SELECT snapshot_date::text AS d, trigger, outcome, requests FROM collection_runs ORDER BY snapshot_date`,
    );
    // Nine requests a day: the six other platforms, X on its own, then each of the seven networks' posts.
    expect(runs.rows.map((r) => [r.d, r.trigger, r.outcome, r.requests])).toEqual([
      [D(1), 'manual', 'success', 9],
      [D(2), 'manual', 'success', 9],
      [D(3), 'manual', 'partial', 9],
      [D(4), 'manual', 'partial', 9],
      [D(5), 'manual', 'partial', 9],
      [D(6), 'manual', 'success', 9],
    ]);
    const ledger = await db.client.query(
      `SELECT date::text AS d, status, error_class, reason FROM collection_ledger WHERE platform = 'threads' AND ` +
        `date <= $1 ORDER BY date`,
      [D(6)],
    );
    expect(ledger.rows).toEqual([
      { d: D(1), status: 'collected', error_class: null, reason: null },
      { d: D(2), status: 'collected', error_class: null, reason: null },
      { d: D(3), status: 'failed', error_class: 'platform_error', reason: 'error 272: Threads token expired' },
      { d: D(4), status: 'failed', error_class: 'platform_error', reason: 'error 272: Threads token expired' },
      { d: D(5), status: 'failed', error_class: 'platform_error', reason: 'error 272: Threads token expired' },
      { d: D(6), status: 'collected', error_class: null, reason: null },
    ]);

    // The first good day: growth since D(2), and it says that spans 4 days.
    const row = await db.client.query(
      `SELECT followers_count, growth_velocity, days_since_previous FROM social_media_analytics WHERE platform = ` +
        `'threads' AND date = $1`,
      [D(6)],
    );
    expect(row.rows[0]).toEqual({ followers_count: 1040, growth_velocity: 30, days_since_previous: 4 });
  });

  it('shows the gap and its reason in the report, never a zero or an invented point', async () => {
    // Days relative to today, so the CLI's window (which ends today) holds them.
    const today = (await db.client.query(`SELECT CURRENT_DATE::text AS t`)).rows[0].t as string;
    const T = (n: number) => addDays(today, n - 6);
    await day(T(1), threadsAt(1000));
    await day(T(2), threadsAt(1010));
    for (const n of [3, 4, 5]) await day(T(n), threadsDown);
    await day(T(6), threadsAt(1040));

    const data = await threadsReport(6);
    const brand = data.profiles[0];
    expect(brand.daily.map((d) => d.date)).toEqual([T(1), T(2), T(6)]);
    expect(brand.daily[2]).toMatchObject({ daily_growth: 30, days_since_previous: 4 });
    expect(brand.gaps).toEqual(
      [3, 4, 5].map((n) => ({
        date: T(n),
        platform: 'threads',
        status: 'failed',
        error_class: 'platform_error',
        reason: 'error 272: Threads token expired',
      })),
    );

    const table = (await runCliCaptured(['report', '--days', '6', '--platform', 'threads'], { DATABASE_URL: db.url }))
      .stdout;
    expect(table).toMatch(new RegExp(`\\n${T(6)} +\\+30\\*\\n`));
    expect(table).toMatch(new RegExp(`\\n${T(4)} +\\.\\n`));
    expect(table).toContain(
      `Days without a snapshot, and why:\n  ${T(3)}  threads: failed: error 272: Threads token expired`,
    );
    const html = (await runCliCaptured(['report', '--days', '6', '--format', 'html'], { DATABASE_URL: db.url })).stdout;
    expect(html).toContain('no snapshot: failed (error 272: Threads token expired)');
  });

  it('lists the whole window as "never ran" when nothing ran at all since the last snapshot', async () => {
    const today = (await db.client.query(`SELECT CURRENT_DATE::text AS t`)).rows[0].t as string;
    await day(addDays(today, -5));
    const data = await threadsReport(3);
    expect(data.profiles.map((p) => p.profile)).toEqual(['brand']);
    expect(data.profiles[0].gaps.map((g) => [g.date, g.status])).toEqual(
      [0, 1, 2].map((n) => [addDays(today, n - 2), 'never ran']),
    );
  });

  it('says "never ran" for a day without any attempt, and "retry" when Lambda retries an event', async () => {
    await day(D(1));
    await day(D(3));
    await day(D(3), () => undefined, `request-${D(3)}`); // Lambda's own retry keeps the request id
    const ledger = await db.client.query(
      `SELECT date::text AS d, status, attempts::int AS attempts FROM collection_ledger WHERE platform = 'tiktok' ` +
        `AND date <= $1 ORDER BY date`,
      [D(3)],
    );
    expect(ledger.rows).toEqual([
      { d: D(1), status: 'collected', attempts: 1 },
      { d: D(2), status: 'never ran', attempts: null },
      { d: D(3), status: 'collected', attempts: 2 },
    ]);
    const triggers = await db.client.query(`SELECT trigger FROM collection_runs WHERE snapshot_date = $1 ORDER BY id`, [
      D(3),
    ]);
    expect(triggers.rows.map((r) => r.trigger)).toEqual(['manual', 'retry']);
  });

  it('records a run whose request failed as a whole, with its requests, 429s and rate-limit headers', async () => {
    standIn.script({
      status: 429,
      headers: { 'X-RateLimit-Max': '300', 'X-RateLimit-Count': '300' },
      body: { status: 'error', message: 'Too many requests' },
    });
    const handler = buildHandlers({
      databaseCa: process.env.TEST_PG_CA,
      httpPolicy: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 },
    }).collect;
    await expect(handler({ scheduledTime: `${D(2)}T10:00:00Z` }, lambdaContext())).rejects.toThrow(
      /Nothing was stored/,
    );
    const run = await db.client.query(
      `SELECT trigger, outcome, requests, rate_limited, rate_limit FROM collection_runs`,
    );
    // The six other platforms and X asked at once, then the profile's 3 shared retries, all answered 429; the posts
    // are then not asked at all.
    expect(run.rows).toEqual([
      {
        trigger: 'schedule',
        outcome: 'error',
        requests: 5,
        rate_limited: 5,
        rate_limit: { 'x-ratelimit-max': '300', 'x-ratelimit-count': '300' },
      },
    ]);
    const outcomes = await db.client.query(`SELECT DISTINCT outcome, error_class FROM platform_outcomes`);
    expect(outcomes.rows).toEqual([{ outcome: 'failed', error_class: 'rate_limited' }]);
  });
});

describe('metric drift', () => {
  it('says once that a field disappeared on day 4, and stores the other metrics', async () => {
    for (const n of [1, 2, 3]) expect((await day(D(n))).alerts).toEqual([]);
    const gone = await day(D(4), (a) => delete a.youtube.analytics.views);
    expect(gone.summary!.status).toBe('success');
    expect(gone.summary!.drift).toEqual([
      {
        profile: 'brand',
        platform: 'youtube',
        field: 'views',
        change: 'disappeared',
        detail: 'views (stored as views_total) was in the last 3 snapshots and is gone',
      },
    ]);
    expect(gone.alerts).toHaveLength(1);
    expect(gone.alerts[0].Subject).toBe(`Ayrshare tracker: 1 thing(s) to check in the snapshot of ${D(4)}`);
    expect(gone.alerts[0].Message).toContain(
      'Changes in what Ayrshare sends (said once):\n  - brand / youtube: views (stored as views_total) was in the ' +
        'last 3 snapshots and is gone',
    );
    const youtube = await db.client.query(
      `SELECT followers_count, views_total, likes_total, engagement_rate FROM social_media_analytics WHERE platform ` +
        `= 'youtube' AND date = $1`,
      [D(4)],
    );
    expect(youtube.rows[0]).toEqual({ followers_count: 67, views_total: null, likes_total: 3, engagement_rate: null });

    // The next day the field is still gone: nothing new to say.
    const still = await day(D(5), (a) => delete a.youtube.analytics.views);
    expect(still.summary!.drift).toBeUndefined();
    expect(still.alerts).toEqual([]);
    // Re-running day 4 does not say it again either.
    expect((await day(D(4), (a) => delete a.youtube.analytics.views, 'again')).alerts).toEqual([]);
    expect((await db.client.query(`SELECT count(*)::int AS n FROM metric_drift`)).rows[0].n).toBe(1);
  });

  it('says when a new field appears, and when a field changes type; the field is left out, the platform kept', async () => {
    for (const n of [1, 2, 3]) await day(D(n));
    const changed = await day(D(4), (a) => {
      a.tiktok.analytics.shortsViews = 120;
      a.twitter.analytics.followersCount = 'N/A';
    });
    expect(changed.summary!.drift).toEqual([
      {
        profile: 'brand',
        platform: 'tiktok',
        field: 'shortsViews',
        change: 'appeared',
        detail: 'shortsViews (kept in raw_data only) is new: a number none of the last 3 snapshots had',
      },
      {
        profile: 'brand',
        platform: 'twitter',
        field: 'followersCount',
        change: 'changed_type',
        detail:
          'followersCount (stored as followers_count) was a number in the last 3 snapshots and is now a string ("N/A")',
      },
    ]);
    // The type change is said as drift, not twice as a left-out figure too.
    expect(changed.summary!.left_out).toBeUndefined();
    const twitter = await db.client.query(
      `SELECT followers_count, following_count, posts_count, left_out FROM social_media_analytics WHERE platform = ` +
        `'twitter' AND date = $1`,
      [D(4)],
    );
    expect(twitter.rows[0]).toEqual({
      followers_count: null,
      following_count: 4242,
      posts_count: 2930,
      left_out: [{ field: 'followersCount', reason: 'followersCount must be a number (got "N/A")' }],
    });
  });
});

describe('anomaly flags', () => {
  it('flags a follower count that halves and one that drops to zero, with both values, and keeps the rows', async () => {
    await day(D(1));
    const flagged = await day(D(2), (a) => {
      a.twitter.analytics.followersCount = 5000;
      a.instagram.analytics.followersCount = 0;
    });
    expect(flagged.summary!.anomalies).toEqual([
      { profile: 'brand', platform: 'instagram', previous: 1500, current: 0, note: 'followers fell from 1,500 to 0' },
      {
        profile: 'brand',
        platform: 'twitter',
        previous: 11253,
        current: 5000,
        note: 'followers fell from 11,253 to 5,000 (-55.6 %)',
      },
    ]);
    expect(flagged.alerts[0].Message).toContain(
      'Follower counts to check (stored, and flagged in reports):\n  - brand / instagram: followers fell from 1,500 ' +
        'to 0\n  - brand / twitter: followers fell from 11,253 to 5,000 (-55.6 %)',
    );
    const rows = await db.client.query(
      `SELECT platform, followers_count, growth_velocity, anomaly FROM social_media_analytics WHERE date = $1 AND ` +
        `anomaly IS NOT NULL ORDER BY platform`,
      [D(2)],
    );
    expect(rows.rows).toEqual([
      { platform: 'instagram', followers_count: 0, growth_velocity: -1500, anomaly: 'followers fell from 1,500 to 0' },
      {
        platform: 'twitter',
        followers_count: 5000,
        growth_velocity: -6253,
        anomaly: 'followers fell from 11,253 to 5,000 (-55.6 %)',
      },
    ]);
  });

  it('follows the configured threshold, and marks flags in reports', async () => {
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off', TRACKER_ANOMALY_THRESHOLD: '0.9' });
    const today = (await db.client.query(`SELECT CURRENT_DATE::text AS t`)).rows[0].t as string;
    await day(addDays(today, -1));
    const flagged = await day(today, (a) => {
      a.twitter.analytics.followersCount = 5000; // -55.6 %: under the 90 % threshold
      a.instagram.analytics.followersCount = 0; // to zero: always flagged
      a.youtube.analytics.views = -7; // left out, and said in the report (-1 would be "not computed")
    });
    expect(flagged.summary!.anomalies!.map((a) => a.platform)).toEqual(['instagram']);
    const table = (await runCliCaptured(['report', '--days', '2'], { DATABASE_URL: db.url })).stdout;
    expect(table).toMatch(new RegExp(`\\n${today} +0 +-1,500!`));
    expect(table).toContain(
      `Flagged or incomplete (stored as received):\n  ${today}  instagram: followers fell from 1,500 to 0\n  ` +
        `${today}  youtube: left out views must not be negative (got -7)`,
    );
    const html = (await runCliCaptured(['report', '--days', '2', '--format', 'html'], { DATABASE_URL: db.url })).stdout;
    expect(html).toMatch(/<circle class="flag"[^>]*><title>[^<]*followers fell from 1,500 to 0<\/title>/);
    expect(html).toContain('stored without views must not be negative (got -7)');
  });
});

describe('engagement rate basis', () => {
  it("is stored with every rate, and stays each platform's own from day to day", async () => {
    // Facebook's rate is over media views whether impressions come (as before their retirement) or not.
    await day(D(1), (a) => (a.facebook.analytics.pagePostsImpressions = 0));
    await day(D(2));
    const rows = await db.client.query(
      `SELECT date::text AS d, platform, engagement_rate, engagement_rate_basis FROM social_media_analytics WHERE ` +
        `engagement_rate IS NOT NULL ORDER BY date, platform`,
    );
    expect(rows.rows).toEqual([
      { d: D(1), platform: 'facebook', engagement_rate: 2.15, engagement_rate_basis: 'views' },
      { d: D(1), platform: 'tiktok', engagement_rate: 121.43, engagement_rate_basis: 'views' },
      { d: D(1), platform: 'youtube', engagement_rate: 102.27, engagement_rate_basis: 'views' },
      { d: D(2), platform: 'facebook', engagement_rate: 2.15, engagement_rate_basis: 'views' },
      { d: D(2), platform: 'tiktok', engagement_rate: 121.43, engagement_rate_basis: 'views' },
      { d: D(2), platform: 'youtube', engagement_rate: 102.27, engagement_rate_basis: 'views' },
    ]);
    // Without a platform (figures of unknown origin) the rule prefers reach, then impressions, then views.
    const withReach = normaliseMetrics('youtube', { likes: 10, views: 1000 });
    expect(engagementRateWithBasis({ ...withReach, reach: 200 })).toEqual({ rate: 5, basis: 'reach' });
    expect(engagementRateWithBasis({ ...withReach, impressions: 500 })).toEqual({ rate: 2, basis: 'impressions' });
    expect(engagementRateWithBasis(withReach)).toEqual({ rate: 1, basis: 'views' });
  });
});
