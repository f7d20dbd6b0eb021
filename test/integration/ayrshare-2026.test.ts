// Ayrshare as it answers in 2026, through the CLI and the Lambda handler against real PostgreSQL and the loopback
// stand-in: X asked on its own with the owner's X credentials, the renamed and nested fields stored, partial answers
// that keep what is good, back-fills that leave no stale flag, and figures out of range said as such.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ADVICE } from '../../lambda/notify/alert';
import { buildHandlers } from '../../lambda/handlers/index';
import type { RunSummary } from '../../lambda/pipeline/summarise';
import type { AyrshareStandIn, RecordedRequest, ScriptedAnswer } from '../support/ayrshare-stand-in';
import { runCliCaptured } from '../support/cli';
import { resetMigratedSchema, type TestDatabase } from '../support/database';
import { useDatabaseAndStandIn } from '../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../support/lambda';
import { readFixture } from '../support/paths';

const API_KEY = 'TEST-API-KEY-2026-aa41';
const PROFILE_KEY = 'TEST-PROFILE-KEY-2026-c7d2';
const X_KEY = 'TEST-X-APP-KEY-5d1c';
const X_SECRET = 'TEST-X-APP-SECRET-9e2f';
const SECRETS = [API_KEY, PROFILE_KEY, X_KEY, X_SECRET];
const DATE = '2026-11-24';
const SEVEN = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'];

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
let db: TestDatabase;
let standIn: AyrshareStandIn;
useDatabaseAndStandIn('ayrshare2026', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});

const fixture2026 = () => readFixture('ayrshare-social-2026.json');
const xRefusal = () => readFixture<Record<string, unknown>>('ayrshare-x-credentials-required.json');
const asksForX = (r: RecordedRequest) => (r.body as { platforms: string[] }).platforms.includes('twitter');

/** No key, whole, in anything a run printed, returned, threw or published: checked by every run, in its test. */
function expectNoKey(...texts: string[]): void {
  const text = texts.join('\n');
  expect(SECRETS.filter((secret) => text.includes(secret))).toEqual([]);
}

interface Outcome {
  exit?: number;
  summary: RunSummary;
  alerts: Array<{ Subject?: string; Message?: string }>;
}

interface Credentials {
  x?: { key?: string; secret?: string };
}

/** One collection through the CLI (`collect --json`) with the given X settings. */
async function viaCli(
  date: string,
  { x }: Credentials = { x: { key: X_KEY, secret: X_SECRET } },
): Promise<Outcome & { stderr: string }> {
  const run = await runCliCaptured(['collect', '--date', date, '--json'], {
    AYRSHARE_API_KEY: API_KEY,
    AYRSHARE_PROFILE_KEY: PROFILE_KEY,
    AYRSHARE_PROFILE_NAME: 'brand',
    // Present as keys even when undefined: the test harness then adds no X credentials of its own.
    AYRSHARE_X_API_KEY: x?.key,
    AYRSHARE_X_API_SECRET: x?.secret,
    AYRSHARE_BASE_URL: standIn.baseUrl,
    DATABASE_URL: db.url,
  });
  expectNoKey(run.stdout, run.stderr);
  return {
    exit: run.code,
    summary: run.code === 2 ? (undefined as never) : run.json<RunSummary>(),
    alerts: [],
    stderr: run.stderr,
  };
}

/** The same collection through the deployed handler, with the X settings in the Ayrshare secret. */
async function viaLambda(
  date: string,
  { x }: Credentials = { x: { key: X_KEY, secret: X_SECRET } },
): Promise<Outcome & { error?: Error }> {
  resetAwsMocks(
    secretsManager,
    sns,
    { apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand', xApiKey: x?.key, xApiSecret: x?.secret },
    databaseSecretFor(db),
  );
  const { collect } = buildHandlers({
    databaseCa: process.env.TEST_PG_CA,
    httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  let summary: RunSummary | undefined;
  let error: Error | undefined;
  try {
    summary = (await collect(
      { date },
      { ...lambdaContext(), awsRequestId: `request-${date}-${Math.random()}` },
    )) as RunSummary;
  } catch (caught) {
    error = caught as Error;
    // A run that stored nothing throws with its summary attached (CollectionFailedError).
    summary = (caught as { summary?: RunSummary }).summary;
  }
  const alerts = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
  expectNoKey(
    JSON.stringify(summary ?? null),
    error?.message ?? '',
    ...alerts.flatMap((a) => [a.Subject ?? '', a.Message ?? '']),
  );
  return { summary: summary as RunSummary, alerts, error };
}

const EDGES = [
  ['the CLI', viaCli],
  ['the Lambda handler', viaLambda],
] as const;

async function row(platform: string, date = DATE): Promise<Record<string, any>> {
  const { rows } = await db.client.query(`SELECT * FROM social_media_analytics WHERE platform = $1 AND date = $2`, [
    platform,
    date,
  ]);
  return rows[0];
}

async function stored(date = DATE): Promise<string[]> {
  const { rows } = await db.client.query(
    `SELECT platform FROM social_media_analytics WHERE date = $1 ORDER BY platform`,
    [date],
  );
  return rows.map((r) => r.platform);
}

beforeEach(async () => {
  setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off' });
  resetAwsMocks(secretsManager, sns, { apiKey: API_KEY }, databaseSecretFor(db));
  standIn.script({ body: fixture2026() });
  await resetMigratedSchema(db.client);
});

describe.each(EDGES)('through %s', (_edge, collect) => {
  it('asks X on its own with both X headers, the others without them, and stores the 2026 figures', async () => {
    standIn.script({ body: fixture2026() });
    const outcome = await collect(DATE);
    expect(outcome.summary).toMatchObject({ status: 'success', platforms_tracked: 7, failed: [] });
    expect(outcome.exit ?? 0).toBe(0);

    expect(standIn.requests.map((r) => (r.body as { platforms: string[] }).platforms)).toEqual([
      SEVEN.filter((p) => p !== 'twitter'),
      ['twitter'],
    ]);
    const [others, x] = standIn.requests;
    expect([others.headers['x-twitter-oauth1-api-key'], others.headers['x-twitter-oauth1-api-secret']]).toEqual([
      undefined,
      undefined,
    ]);
    expect([x.headers['x-twitter-oauth1-api-key'], x.headers['x-twitter-oauth1-api-secret']]).toEqual([
      X_KEY,
      X_SECRET,
    ]);
    expect([others.headers['profile-key'], x.headers['profile-key']]).toEqual([PROFILE_KEY, PROFILE_KEY]);

    expect(await row('linkedin')).toMatchObject({
      followers_count: 505,
      engagement_total: 68,
      engagement_rate: 2.96,
      engagement_rate_basis: 'impressions',
    });
    expect(await row('instagram')).toMatchObject({
      reach: 5120,
      engagement_total: 439,
      engagement_rate: 8.57,
      engagement_rate_basis: 'reach',
    });
    expect(await row('threads')).toMatchObject({
      engagement_total: 110,
      engagement_rate: 3.24,
      engagement_rate_basis: 'views',
    });
    expect(await row('tiktok')).toMatchObject({ posts_count: 12 });
    expect(await row('youtube')).toMatchObject({ retention_rate: 43.7 });
    expect(await row('facebook')).toMatchObject({
      engagement_rate: 3.97,
      engagement_rate_basis: 'views',
      impressions: null,
    });
    // The raw block is kept as sent, nested objects included.
    expect((await row('linkedin')).raw_data.analytics.followers).toEqual({
      organicFollowerCount: 498,
      paidFollowerCount: 7,
    });
  });

  it('keeps the other six platforms when X refuses with code 419, and says which two settings to set', async () => {
    standIn.script((r): ScriptedAnswer => (asksForX(r) ? { status: 400, body: xRefusal() } : { body: fixture2026() }));
    const outcome = await collect(DATE);
    expect(outcome.exit ?? 3).toBe(3);
    expect(outcome.summary).toMatchObject({ status: 'partial', platforms_tracked: 6 });
    expect(outcome.summary.failed).toEqual([
      expect.objectContaining({
        platform: 'twitter',
        error_class: 'x_credentials',
        reason: expect.stringContaining('(code 419)'),
      }),
    ]);
    expect(await stored()).toEqual(SEVEN.filter((p) => p !== 'twitter'));
    expect(standIn.requests).toHaveLength(2);
    expectAdviceNamesBothSettings(outcome);
  });

  it('files a 401 on the X request alone, the others accepted, as X credentials at fault', async () => {
    standIn.script((r): ScriptedAnswer =>
      asksForX(r)
        ? { status: 401, body: { status: 'error', code: 102, message: 'Not authorized.' } }
        : { body: fixture2026() },
    );
    const outcome = await collect(DATE);
    expect(outcome.summary.failed).toEqual([
      expect.objectContaining({ platform: 'twitter', error_class: 'x_credentials' }),
    ]);
    expect(outcome.summary.platforms_tracked).toBe(6);
  });

  it('does not ask X at all without X credentials: the other six are stored, X fails with the same advice', async () => {
    standIn.script({ body: fixture2026() });
    const outcome = await collect(DATE, {});
    expect(outcome.exit ?? 3).toBe(3);
    expect(outcome.summary).toMatchObject({ status: 'partial', platforms_tracked: 6 });
    expect(outcome.summary.failed).toEqual([
      expect.objectContaining({
        platform: 'twitter',
        error_class: 'x_credentials',
        reason: expect.stringMatching(/^not asked: X\/Twitter needs your own X app credentials/),
      }),
    ]);
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests.some(asksForX)).toBe(false);
    expectAdviceNamesBothSettings(outcome);
  });

  it('stores the four good blocks of a 200 with top-level status "error" and fails the three others with their own reasons', async () => {
    const good = fixture2026();
    const answer = {
      status: 'error',
      code: 107,
      message: 'Some networks returned an error.',
      errors: [
        { action: 'analytics', status: 'error', code: 161, message: 'Instagram token expired', platform: 'instagram' },
        {
          action: 'analytics',
          status: 'error',
          code: 326,
          message: 'X/Twitter daily cap reached',
          platform: 'twitter',
        },
      ],
      facebook: good.facebook,
      linkedin: good.linkedin,
      tiktok: good.tiktok,
      youtube: good.youtube,
      threads: { status: 'error', code: 272, message: 'Threads access token expired' },
    };
    standIn.script({ body: answer });
    const outcome = await collect(DATE);
    expect(outcome.exit ?? 3).toBe(3);
    expect(await stored()).toEqual(['facebook', 'linkedin', 'tiktok', 'youtube']);
    expect(outcome.summary.failed.map((f) => [f.platform, f.error_class, f.reason])).toEqual([
      ['instagram', 'platform_error', 'error 161: Instagram token expired'],
      ['threads', 'platform_error', 'error 272: Threads access token expired'],
      ['twitter', 'platform_error', 'error 326: X/Twitter daily cap reached'],
    ]);
  });

  it('gives code 187 (no platform returned data) its own class and advice', async () => {
    standIn.script({
      status: 400,
      body: { action: 'analytics', status: 'error', code: 187, message: 'No analytics data was returned.' },
    });
    const outcome = await collect(DATE);
    expect(new Set(outcome.summary.failed.map((f) => f.error_class))).toEqual(new Set(['no_data']));
    expect(outcome.summary.status).toBe('error');
    if ('stderr' in outcome) expect(outcome.stderr).toContain(`what to do (no_data): ${ADVICE.no_data}`);
    else expect(outcome.alerts[0].Message).toContain(ADVICE.no_data);
  });

  it('recomputes the next day after a back-fill, anomaly flag included, leaving no stale flag', async () => {
    const withTikTok = (followers: number) => {
      const answer = fixture2026();
      answer.tiktok.analytics.followerCount = followers;
      return answer;
    };
    standIn.script({ body: withTikTok(34) });
    await collect('2026-11-01');
    standIn.script({ body: withTikTok(134) });
    await collect('2026-11-03');
    expect(await row('tiktok', '2026-11-03')).toMatchObject({
      growth_velocity: 100,
      days_since_previous: 2,
      anomaly: 'followers rose from 34 to 134 (+294.1 %)',
    });

    standIn.script({ body: withTikTok(124) });
    await collect('2026-11-02');
    expect(await row('tiktok', '2026-11-02')).toMatchObject({
      growth_velocity: 90,
      anomaly: 'followers rose from 34 to 124 (+264.7 %)',
    });
    expect(await row('tiktok', '2026-11-03')).toMatchObject({
      growth_velocity: 10,
      days_since_previous: 1,
      anomaly: null,
    });
  });

  it('says a figure such as 1e400 is out of range, and stores the rest of the platform', async () => {
    const text = JSON.stringify(fixture2026()).replace('"viewCountTotal":1530', '"viewCountTotal":1e400');
    standIn.script({ text });
    const outcome = await collect(DATE);
    expect(outcome.summary.status).toBe('success');
    expect(outcome.summary.left_out).toEqual([
      {
        profile: 'brand',
        platform: 'tiktok',
        field: 'viewCountTotal',
        reason: 'viewCountTotal is out of range (a number too large to hold)',
      },
    ]);
    expect(await row('tiktok')).toMatchObject({ views_total: null, followers_count: 36 });
  });
});

function expectAdviceNamesBothSettings(outcome: Outcome & { stderr?: string }): void {
  const text = outcome.stderr ?? outcome.alerts.map((a) => a.Message).join('\n');
  for (const setting of ['AYRSHARE_X_API_KEY', 'AYRSHARE_X_API_SECRET', 'xApiKey', 'xApiSecret'])
    expect(text).toContain(setting);
}

describe('only one of the two X settings', () => {
  it('is a configuration error for the CLI (exit 2), naming both', async () => {
    const run = await viaCli(DATE, { x: { key: X_KEY } });
    expect(run.exit).toBe(2);
    expect(run.stderr).toContain('AYRSHARE_X_API_KEY is set but AYRSHARE_X_API_SECRET is not');
    expect(standIn.requests).toHaveLength(0);
  });

  it('fails the deployed run before any request, with an alert naming the secret field', async () => {
    standIn.script({ body: fixture2026() });
    const outcome = await viaLambda(DATE, { x: { secret: X_SECRET } });
    expect(outcome.error?.message).toContain('xApiSecret is set but xApiKey is not');
    expect(outcome.alerts[0].Message).toContain('xApiSecret is set but xApiKey is not');
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('reports across a change of basis', () => {
  it("break Facebook's rate line where its basis moved from impressions to views, and chart YouTube's retention", async () => {
    // Yesterday's row as the tracker stored it before Meta retired impressions: a rate over impressions.
    await viaCli('2026-11-23');
    await db.client.query(
      `UPDATE social_media_analytics SET engagement_rate = 38.71, engagement_rate_basis = 'impressions'
       WHERE platform = 'facebook' AND date = '2026-11-23'`,
    );
    await viaCli(DATE);
    // The window ends today (the report's clock is the real one): wide enough to hold both days.
    const env = { DATABASE_URL: db.url };
    const days = String(Math.ceil((Date.now() - Date.parse('2026-11-23T00:00:00Z')) / 86_400_000) + 1);
    const html = (await runCliCaptured(['report', '--days', days, '--format', 'html'], env)).stdout;
    const rateChart = html.slice(
      html.indexOf('data-chart="engagement-rate"'),
      html.indexOf('</svg>', html.indexOf('data-chart="engagement-rate"')),
    );
    expect(rateChart.match(/<line class="measure-change"/g)).toHaveLength(1);
    expect(rateChart).toContain('facebook from 2026-11-24: of views (was of impressions)');
    expect(html).toContain('facebook (of impressions, then views)');
    expect(html).toContain('data-chart="retention"');
    const table = (await runCliCaptured(['report', '--days', days], env)).stdout;
    expect(table).toMatch(/facebook of impressions, then views/);
    const csv = (await runCliCaptured(['report', '--days', days, '--format', 'csv', '--platform', 'youtube'], env))
      .stdout;
    expect(
      csv
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',').slice(-3, -1)),
    ).toEqual([
      ['"views"', '43.7'],
      ['"views"', '43.7'],
    ]);
  });
});

describe('other networks Ayrshare measures', () => {
  it('are collected when the platform setting names them: Bluesky maps followers, Pinterest keeps its raw answer', async () => {
    standIn.script({
      body: {
        status: 'success',
        bluesky: { analytics: { handle: 'brand.bsky.social', followersCount: 220, followsCount: 80 } },
        pinterest: { analytics: { id: 'p-1', someCount: 5 } },
      },
    });
    const run = await runCliCaptured(['collect', '--date', DATE, '--json'], {
      AYRSHARE_API_KEY: API_KEY,
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
      TRACKER_PLATFORMS: 'bluesky,pinterest',
    });
    expectNoKey(run.stdout, run.stderr);
    expect(run.code).toBe(0);
    expect((standIn.requests[0].body as { platforms: string[] }).platforms).toEqual(['bluesky', 'pinterest']);
    expect(await row('bluesky')).toMatchObject({ followers_count: 220, following_count: 80 });
    expect(await row('pinterest')).toMatchObject({
      followers_count: null,
      raw_data: { analytics: { id: 'p-1', someCount: 5 } },
    });
  });

  it('refuses a network it does not know, naming the ones it does', async () => {
    const run = await runCliCaptured(['collect', '--date', DATE], {
      AYRSHARE_API_KEY: API_KEY,
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
      TRACKER_PLATFORMS: 'facebook,myspace',
    });
    expectNoKey(run.stdout, run.stderr);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'TRACKER_PLATFORMS has unknown platform(s) myspace; known: facebook, instagram, linkedin, threads, tiktok, ' +
        'twitter, youtube, bluesky, pinterest, reddit, snapchat, gmb',
    );
  });
});
