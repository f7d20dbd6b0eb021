// Agency scale: many Ayrshare profiles in one run, fetched side by side within a concurrency bound, one profile's
// failure never blocking the others; rows, summary, ledger, alerts and reports grouped by profile.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers } from '../../../../lambda/handlers/index';
import type { ReportData } from '../../../../lambda/storage/reports';
import type { RunSummary } from '../../../../lambda/pipeline/summarise';
import { loadFixture, type AyrshareStandIn, type RecordedRequest } from '../../../support/ayrshare-stand-in';
import { runCliCaptured } from '../../../support/cli';
import { resetMigratedSchema, type TestDatabase } from '../../../support/database';
import { useDatabaseAndStandIn } from '../../../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const API_KEY = 'TEST-API-KEY-AGENCY';
const PROFILES = [
  { name: 'acme', profileKey: 'KEY-ACME-0001' },
  { name: 'bistro', profileKey: 'KEY-BISTRO-0002' },
  { name: 'refused', profileKey: 'KEY-REFUSED-0003' },
  { name: 'dental', profileKey: 'KEY-DENTAL-0004' },
  { name: 'estate', profileKey: 'KEY-ESTATE-0005' },
  { name: 'primary' },
];
const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

let db: TestDatabase;
let standIn: AyrshareStandIn;

/** No Profile-Key in what a run printed or published: each test checks its own runs. */
function expectNoProfileKey(...texts: string[]): void {
  const text = texts.join('\n');
  expect(PROFILES.flatMap((p) => (p.profileKey && text.includes(p.profileKey) ? [p.profileKey] : []))).toEqual([]);
}

/** Each profile answers with its own follower counts; the "refused" one is suspended (HTTP 403). */
const byProfile = (request: RecordedRequest) => {
  const key = request.headers['profile-key'] as string | undefined;
  if (key === 'KEY-REFUSED-0003')
    return { status: 403, delayMs: 150, body: { status: 'error', code: 146, message: 'User profile suspended' } };
  const answer = loadFixture() as Record<string, any>;
  answer.twitter.analytics.followersCount = 1000 + PROFILES.findIndex((p) => p.profileKey === key) * 100;
  return { delayMs: 150, body: answer };
};

useDatabaseAndStandIn('profiles', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});
beforeEach(async () => {
  await resetMigratedSchema(db.client);
  resetAwsMocks(secretsManager, sns, { apiKey: API_KEY, profiles: PROFILES }, databaseSecretFor(db));
  setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off', TRACKER_CONCURRENCY: '3' });
});

async function collect(extra: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured(['collect', '--date', '2026-06-01', '--json'], {
    AYRSHARE_API_KEY: API_KEY,
    AYRSHARE_PROFILES: JSON.stringify(PROFILES),
    AYRSHARE_BASE_URL: standIn.baseUrl,
    DATABASE_URL: db.url,
    TRACKER_CONCURRENCY: '2',
    ...extra,
  });
  expectNoProfileKey(run.stdout, run.stderr);
  return run;
}

describe('several profiles', () => {
  it('fetches each once (X on its own), at most the configured number at a time, stores every profile but the refused one', async () => {
    standIn.script(byProfile);
    const run = await collect();
    expect(run.code).toBe(3);
    // Two requests per profile, at the same time: the six other platforms, and X on its own. So at most twice the
    // profile concurrency (2 here) is open at once.
    expect(standIn.requests).toHaveLength(12);
    expect(standIn.maxInFlight).toBe(4);
    const keysOf = (x: boolean) =>
      standIn.requests
        .filter((r) => (r.body as { platforms: string[] }).platforms.includes('twitter') === x)
        .map((r) => r.headers['profile-key'] ?? 'none')
        .sort();
    expect(keysOf(false)).toEqual([...PROFILES.map((p) => p.profileKey ?? 'none')].sort());
    expect(keysOf(true)).toEqual([...PROFILES.map((p) => p.profileKey ?? 'none')].sort());

    const summary = run.json<RunSummary>();
    expect(summary).toMatchObject({ status: 'partial', platforms_tracked: 35 });
    expect(summary.profiles!.map((p) => [p.profile, p.status, p.platforms_tracked])).toEqual([
      ['acme', 'success', 7],
      ['bistro', 'success', 7],
      ['refused', 'error', 0],
      ['dental', 'success', 7],
      ['estate', 'success', 7],
      ['primary', 'success', 7],
    ]);
    expect(new Set(summary.failed.map((f) => `${f.profile}:${f.error_class}`))).toEqual(new Set(['refused:auth']));
    const { rows } = await db.client.query(
      `SELECT profile, followers_count FROM social_media_analytics WHERE platform = 'twitter' ORDER BY profile`,
    );
    expect(rows).toEqual([
      { profile: 'acme', followers_count: 1000 },
      { profile: 'bistro', followers_count: 1100 },
      { profile: 'dental', followers_count: 1300 },
      { profile: 'estate', followers_count: 1400 },
      { profile: 'primary', followers_count: 1500 },
    ]);
    const ledger = await db.client.query(`SELECT profile, outcome FROM collection_runs ORDER BY profile`);
    expect(ledger.rows.map((r) => `${r.profile}:${r.outcome}`)).toEqual([
      'acme:success',
      'bistro:success',
      'dental:success',
      'estate:success',
      'primary:success',
      'refused:error',
    ]);
  });

  it('groups the report by profile, the failed profile included with the reason for its gap', async () => {
    standIn.script(byProfile);
    const run = await runCliCaptured(['collect', '--json'], {
      AYRSHARE_API_KEY: API_KEY,
      AYRSHARE_PROFILES: JSON.stringify(PROFILES),
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
    });
    const reportRun = await runCliCaptured(['report', '--days', '1', '--format', 'json'], { DATABASE_URL: db.url });
    expectNoProfileKey(run.stdout, run.stderr, reportRun.stdout, reportRun.stderr);
    const report = JSON.parse(reportRun.stdout) as ReportData;
    expect(report.profiles.map((p) => p.profile)).toEqual(['acme', 'bistro', 'dental', 'estate', 'primary', 'refused']);
    const refused = report.profiles.find((p) => p.profile === 'refused')!;
    expect(refused.daily).toEqual([]);
    expect(refused.gaps).toHaveLength(7);
    expect(refused.gaps[0].reason).toMatch(/HTTP 403 \(code 146\): User profile suspended\. Likely cause:/);
  });

  it('in the Lambda: one alert, grouped by profile, and the run returns after it', async () => {
    standIn.script(byProfile);
    const handler = buildHandlers({
      databaseCa: process.env.TEST_PG_CA,
      httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 },
    }).collect;
    const summary = (await handler({ date: '2026-06-02' }, lambdaContext())) as RunSummary;
    const alerts = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expectNoProfileKey(JSON.stringify(summary), ...alerts.flatMap((a) => [a.Subject ?? '', a.Message ?? '']));
    expect(summary.status).toBe('partial');
    // Three profiles at a time, each with its two requests in flight.
    expect(standIn.maxInFlight).toBe(6);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].Subject).toBe('Ayrshare tracker: 7 of 42 platform(s) failed on 2026-06-02');
    expect(alerts[0].Message).toContain(
      'Profile "refused": all 7 platforms (facebook, instagram, linkedin, threads, tiktok, twitter, youtube) ' +
        'failed (first failure):',
    );
  });

  it('shares one time budget between all profiles: once it is spent, the rest are not asked and say why', async () => {
    standIn.script({ status: 503, delayMs: 100, body: { status: 'error', message: 'Unavailable' } });
    // One profile at a time; each request takes 100 ms and is retried up to 10 times, but the run has 250 ms in all.
    const run = await runCliCaptured(
      ['collect', '--date', '2026-06-03', '--json'],
      {
        AYRSHARE_API_KEY: API_KEY,
        AYRSHARE_PROFILES: JSON.stringify(PROFILES.slice(0, 4)),
        AYRSHARE_BASE_URL: standIn.baseUrl,
        DATABASE_URL: db.url,
        TRACKER_CONCURRENCY: '1',
      },
      { httpPolicy: { requestTimeoutMs: 1_000, maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 250 } },
    );
    expectNoProfileKey(run.stdout, run.stderr);
    expect(run.code).toBe(1);
    expect(new Set(standIn.requests.map((r) => r.headers['profile-key']))).toEqual(new Set(['KEY-ACME-0001']));
    const failed = run.json<RunSummary>().failed;
    // The first profile used the whole budget on retries (its last try cut short by the deadline).
    expect(standIn.requests.length).toBeGreaterThanOrEqual(2);
    // Both of acme's requests (X asked at the same time as the others) spent the budget on retries.
    expect(
      failed
        .filter((f) => f.profile === 'acme')
        .every((f) => f.error_class === 'server' || f.error_class === 'network'),
    ).toBe(true);
    expect(
      standIn.requests.filter((r) => (r.body as { platforms: string[] }).platforms.includes('twitter')).length,
    ).toBeGreaterThanOrEqual(1);
    for (const name of ['bistro', 'refused', 'dental']) {
      expect(failed.filter((f) => f.profile === name).map((f) => [f.error_class, f.reason])).toEqual(
        Array(7).fill([
          'time_budget',
          "Ayrshare request failed after 0 attempts: the run's time budget was used up before this profile's turn",
        ]),
      );
    }
    const ledger = await db.client.query(`SELECT profile, requests FROM collection_runs ORDER BY profile`);
    expect(ledger.rows).toEqual([
      { profile: 'acme', requests: standIn.requests.length },
      { profile: 'bistro', requests: 0 },
      { profile: 'dental', requests: 0 },
      { profile: 'refused', requests: 0 },
    ]);
  });
});
