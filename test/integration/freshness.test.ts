// What Ayrshare's 2026 answers say beyond the figures, through the CLI and the Lambda handler against real PostgreSQL
// and the loopback stand-in (test/fixtures/ayrshare-social-2026-values.json): a -1 is "not computed" (NULL, never
// counted, said once), a warning is kept and its new code said once, an unmoved lastUpdated makes the day "not
// refreshed" (growth unknown, measured across on the next refreshed day, counted by the ledger, alerted after three
// days), LinkedIn's own total and unique impressions are used, and bad values are reported once, the platform kept.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers } from '../../lambda/handlers/index';
import type { RunSummary } from '../../lambda/pipeline/summarise';
import type { AyrshareStandIn } from '../support/ayrshare-stand-in';
import { runCliCaptured } from '../support/cli';
import { resetMigratedSchema, type TestDatabase } from '../support/database';
import { useDatabaseAndStandIn } from '../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../support/lambda';
import { readFixture } from '../support/paths';

const API_KEY = 'TEST-API-KEY-FRESH-8b1e';
const PROFILE_KEY = 'TEST-PROFILE-KEY-FRESH-2f7a';
const X = { xApiKey: 'TEST-X-KEY-FRESH-11', xApiSecret: 'TEST-X-SECRET-FRESH-22' };

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
let db: TestDatabase;
let standIn: AyrshareStandIn;
useDatabaseAndStandIn('freshness', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});
beforeEach(() => resetMigratedSchema(db.client));

type Answer = Record<string, any>;
const values = () => readFixture<Answer>('ayrshare-social-2026-values.json');
/** The answer with every block's lastUpdated set (a new refresh), and a change applied. */
function answer(lastUpdated: string, change: (a: Answer) => void = () => undefined): Answer {
  const a = values();
  for (const block of Object.values(a)) if (block && typeof block === 'object') block.lastUpdated = lastUpdated;
  change(a);
  return a;
}
const T1 = '2026-11-30T08:15:04.512Z';
const T2 = '2026-12-02T07:59:00.000Z';

async function viaCli(date: string, body: Answer): Promise<RunSummary> {
  standIn.script({ body });
  const run = await runCliCaptured(['collect', '--date', date, '--json'], {
    AYRSHARE_API_KEY: API_KEY,
    AYRSHARE_PROFILE_KEY: PROFILE_KEY,
    AYRSHARE_PROFILE_NAME: 'brand',
    AYRSHARE_X_API_KEY: X.xApiKey,
    AYRSHARE_X_API_SECRET: X.xApiSecret,
    AYRSHARE_BASE_URL: standIn.baseUrl,
    DATABASE_URL: db.url,
  });
  expect(run.stdout + run.stderr).not.toContain(API_KEY);
  return run.json<RunSummary>();
}

async function viaLambda(date: string, body: Answer): Promise<{ summary: RunSummary; alerts: string[] }> {
  standIn.script({ body });
  setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off' });
  resetAwsMocks(
    secretsManager,
    sns,
    { apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand', ...X },
    databaseSecretFor(db),
  );
  const { collect } = buildHandlers({
    databaseCa: process.env.TEST_PG_CA,
    httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const summary = (await collect({ date }, { ...lambdaContext(), awsRequestId: `fresh-${date}` })) as RunSummary;
  const alerts = sns.commandCalls(PublishCommand).map((c) => `${c.args[0].input.Subject}\n${c.args[0].input.Message}`);
  return { summary, alerts };
}

async function row(platform: string, date: string): Promise<Record<string, any>> {
  const { rows } = await db.client.query(
    `SELECT *, source_updated_at AT TIME ZONE 'UTC' AS updated_utc FROM social_media_analytics WHERE platform = $1 AND date = $2`,
    [platform, date],
  );
  return rows[0];
}

describe.each([
  ['the CLI', async (date: string, body: Answer) => viaCli(date, body)],
  ['the Lambda handler', async (date: string, body: Answer) => (await viaLambda(date, body)).summary],
] as const)('through %s', (_edge, collect) => {
  it('stores -1 as NULL, never counted, and says it once; keeps the warning and says its new code once', async () => {
    const first = await collect('2026-11-30', answer(T1));
    expect(first.status).toBe('success');
    const tiktok = await row('tiktok', '2026-11-30');
    expect(tiktok.comments_total).toBeNull();
    // likes 5 + shares 4: the -1 is not a count and is not in the sum.
    expect(Number(tiktok.engagement_total)).toBe(9);
    expect(tiktok.not_computed).toEqual(['commentCountTotal']);
    expect(tiktok.left_out).toEqual([]);
    expect(first.not_computed).toEqual([{ profile: 'brand', platform: 'tiktok', field: 'commentCountTotal' }]);
    expect(first.left_out).toBeUndefined();
    const instagram = await row('instagram', '2026-11-30');
    expect(instagram.raw_data.warning).toEqual([expect.objectContaining({ code: 395 })]);
    expect(first.warnings).toEqual([
      {
        profile: 'brand',
        platform: 'instagram',
        code: 395,
        message: expect.stringMatching(/fewer than 100 followers/),
      },
    ]);
    // LinkedIn: its own total (512, not organic 498 + paid 7) and unique impressions as reach; the rate stays over
    // impressions.
    const linkedin = await row('linkedin', '2026-11-30');
    expect([Number(linkedin.followers_count), Number(linkedin.reach)]).toEqual([512, 1400]);
    expect(linkedin.engagement_rate_basis).toBe('impressions');
    expect(linkedin.updated_utc.toISOString()).toBe(T1);

    // The next day, the same -1 and the same warning: nothing said again.
    const second = await collect('2026-12-01', answer(T2));
    expect(second.not_computed).toBeUndefined();
    expect(second.warnings).toBeUndefined();
  });

  it('marks a day whose lastUpdated did not move as not refreshed, and measures the next growth across it', async () => {
    await collect('2026-11-29', answer('2026-11-29T08:00:00.000Z'));
    await collect('2026-11-30', answer(T1));
    // Ayrshare did not refresh: the same lastUpdated and the same figures.
    await collect('2026-12-01', answer(T1));
    const stale = await row('tiktok', '2026-12-01');
    expect(stale.refreshed).toBe(false);
    expect(stale.growth_velocity).toBeNull();
    // Refreshed again, with 10 more followers than on 2026-11-30.
    await collect(
      '2026-12-02',
      answer(T2, (a) => (a.tiktok.analytics.followerCount += 10)),
    );
    const fresh = await row('tiktok', '2026-12-02');
    expect(fresh.refreshed).toBe(true);
    expect(Number(fresh.growth_velocity)).toBe(10);
    expect(fresh.days_since_previous).toBe(2);
    const ledger = await db.client.query(
      `SELECT snapshot_date::text AS day, outcome FROM platform_outcomes WHERE platform = 'tiktok' ORDER BY 1`,
    );
    expect(ledger.rows.map((r) => r.outcome)).toEqual(['stored', 'stored', 'stale', 'stored']);
  });

  it('reports a bad lastUpdated, a warning that is not a list and a -1 where a date belongs once, and keeps the platform', async () => {
    const bad = (a: Answer) => {
      a.facebook.lastUpdated = 'yesterday';
      a.instagram.warning = 'oops';
      a.threads.lastUpdated = -1;
    };
    const first = await collect('2026-11-30', answer(T1, bad));
    expect(first.status).toBe('success');
    expect(first.platforms_tracked).toBe(7);
    expect(first.left_out).toEqual([
      {
        profile: 'brand',
        platform: 'facebook',
        field: 'lastUpdated',
        reason: 'lastUpdated is not a date and time (got "yesterday")',
      },
      { profile: 'brand', platform: 'instagram', field: 'warning', reason: 'warning is not a list (got "oops")' },
      {
        profile: 'brand',
        platform: 'threads',
        field: 'lastUpdated',
        reason: 'lastUpdated is not a date and time (got -1)',
      },
    ]);
    expect((await row('facebook', '2026-11-30')).source_updated_at).toBeNull();
    const second = await collect('2026-12-01', answer(T2, bad));
    expect(second.left_out).toBeUndefined();
  });
});

describe('three days not refreshed', () => {
  it('are alerted like a failure streak, once the third comes', async () => {
    await viaLambda('2026-11-27', answer('2026-11-27T08:00:00.000Z'));
    const days = ['2026-11-28', '2026-11-29', '2026-11-30'];
    const alerts: string[][] = [];
    for (const day of days) alerts.push((await viaLambda(day, answer('2026-11-27T08:00:00.000Z'))).alerts);
    expect(alerts[0]).toEqual([]);
    expect(alerts[1]).toEqual([]);
    expect(alerts[2]).toHaveLength(1);
    expect(alerts[2][0]).toMatch(/thing\(s\) to check in the snapshot of 2026-11-30/);
    expect(alerts[2][0]).toMatch(/brand \/ tiktok: not refreshed 3 days in a row, since 2026-11-28/);
  });
});

describe('the reports', () => {
  it('show a not-refreshed day distinctly in the terminal, JSON, CSV and HTML', async () => {
    await viaCli('2026-11-30', answer(T1));
    await viaCli('2026-12-01', answer(T1));
    const report = (format: string) =>
      runCliCaptured(
        ['report', '--days', '3', '--platform', 'tiktok', '--format', format],
        { DATABASE_URL: db.url },
        { now: new Date('2026-12-01T15:00:00Z') },
      );
    const table = (await report('table')).stdout;
    expect(table).toMatch(/\n2026-12-01 +~/);
    expect(table).toContain('"~" not refreshed by Ayrshare (growth unknown)');
    const json = JSON.parse((await report('json')).stdout);
    const points = json.profiles[0].daily.map((d: any) => [d.date, d.refreshed]);
    expect(points).toEqual([
      ['2026-11-30', null],
      ['2026-12-01', false],
    ]);
    const csv = (await report('csv')).stdout.trim().split(/\r?\n/);
    expect(csv[0].split(',').pop()).toBe('refreshed');
    expect(csv[2]).toMatch(/^"2026-12-01",.*,"false"$/);
    const html = (await report('html')).stdout;
    expect(html).toContain('not refreshed by Ayrshare since the previous snapshot: growth unknown');
  });
});
