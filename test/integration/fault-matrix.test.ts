// The fault matrix: every way Ayrshare, the values, the database or the configuration can go wrong, run
// through the CLI and the Lambda handler against real PostgreSQL and the loopback stand-in. Each case checks the exit
// code or invocation outcome, the rows stored, the summary, the alert text, how many requests were made, and that no
// key appears anywhere: every run checks what it printed, logged, threw and published before it hands back.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ADVICE } from '../../lambda/notify/alert';
import type { HttpPolicy } from '../../lambda/ayrshare/client';
import type { FailureClass } from '../../lambda/core/errors';
import { buildHandlers, httpPolicyFor } from '../../lambda/handlers/index';
import type { RunSummary } from '../../lambda/pipeline/summarise';
import {
  loadFixture,
  startAyrshareStandIn,
  type AyrshareStandIn,
  type Responder,
  type ScriptedAnswer,
} from '../support/ayrshare-stand-in';
import { runCliCaptured, type CliRun } from '../support/cli';
import {
  ARNS,
  databaseSecretFor,
  lambdaContext,
  putSecrets as putSecretsFor,
  resetAwsMocks,
  setFunctionEnvironment,
} from '../support/lambda';
import { MIGRATION_NAMES } from '../support/migrations';
import { createTestDatabase, resetSchema, type TestDatabase } from '../support/database';

const API_KEY = 'FAULT-API-KEY-7f3a9c';
const PROFILE_KEY = 'FAULT-PROFILE-KEY-b21e44';
const PLATFORM_NAMES = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'];
const DATE = '2026-04-15';
/** Requests one run makes without retries: the six other platforms together, and X/Twitter on its own. */
const REQUESTS_PER_RUN = 2;

/** Three tries, short waits, a 300 ms request timeout: the real policy's shape at test speed. */
const POLICY: HttpPolicy = { requestTimeoutMs: 300, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5_000 };

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

let db: TestDatabase;
let databaseSecret: Record<string, unknown>;
let standIn: AyrshareStandIn;
/** What this test's runs printed, logged and threw (alerts are read from the SNS mock): checked for keys. */
let seen: string[] = [];

const context = lambdaContext();

beforeAll(async () => {
  db = await createTestDatabase('faults');
  databaseSecret = databaseSecretFor(db);
  standIn = await startAyrshareStandIn();
  // Apply the schema once; each case starts from an empty table.
  expect((await runCliCaptured(['migrate'], { DATABASE_URL: db.url })).code).toBe(0);
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});

let stdoutSpy: jest.SpyInstance;
beforeEach(async () => {
  await db.client.query('TRUNCATE social_media_analytics');
  setEnvironment();
  resetAwsMocks(secretsManager, sns, { apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand' }, databaseSecret);
  seen = [];
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    seen.push(chunk.toString());
    return true;
  });
});
afterEach(() => {
  stdoutSpy.mockRestore();
});

const setEnvironment = (extra: Record<string, string | undefined> = {}) =>
  setFunctionEnvironment(standIn.baseUrl, extra);

const putSecrets = (ayrshare: unknown, database: unknown) => putSecretsFor(secretsManager, ayrshare, database);

const alerts = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);

/** No key, password or Authorization header in anything this test's runs printed, logged, threw or published. */
function expectNoSecrets(): void {
  const text = [...seen, ...alerts().flatMap((a) => [a.Subject ?? '', a.Message ?? ''])].join('\n');
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain(PROFILE_KEY);
  expect(text).not.toContain(String(databaseSecret.password));
  expect(text).not.toMatch(/authorization|bearer/i);
}

async function cli(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const run = await runCliCaptured(
    ['collect', '--date', DATE, '--json', ...args],
    {
      AYRSHARE_API_KEY: API_KEY,
      AYRSHARE_PROFILE_KEY: PROFILE_KEY,
      AYRSHARE_PROFILE_NAME: 'brand',
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
      ...env,
    },
    { httpPolicy: POLICY },
  );
  seen.push(run.stdout, run.stderr);
  expectNoSecrets();
  return run;
}

type Outcome = { ok: true; summary: RunSummary } | { ok: false; error: Error };

async function lambda(event: Record<string, unknown> = { date: DATE }): Promise<Outcome> {
  const { collect } = buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: POLICY });
  let outcome: Outcome;
  try {
    outcome = { ok: true, summary: (await collect(event, context)) as RunSummary };
    seen.push(JSON.stringify(outcome.summary));
  } catch (error) {
    outcome = { ok: false, error: error as Error };
    seen.push(outcome.error.message);
  }
  expectNoSecrets();
  return outcome;
}

async function storedPlatforms(date = DATE): Promise<string[]> {
  const { rows } = await db.client.query(
    `SELECT platform FROM social_media_analytics WHERE date = $1 ORDER BY platform`,
    [date],
  );
  return rows.map((r) => r.platform);
}

function fixtureWith(edit: (answer: Record<string, any>) => void): Record<string, unknown> {
  const answer = loadFixture() as Record<string, any>;
  edit(answer);
  return answer;
}

interface WholeRequestCase {
  label: string;
  script: Array<ScriptedAnswer | Responder>;
  /** Requests per request group (the six platforms, and X). */
  requests: number;
  /** Requests in all, when the two groups do not each make `requests`. */
  totalRequests?: number;
  errorClass: FailureClass;
  reason: RegExp;
}

/** Failures of the request as a whole: nothing stored, every platform failed with the same reason, one alert. */
const WHOLE_REQUEST_FAILURES: WholeRequestCase[] = [
  {
    label: 'HTTP 400',
    script: [
      {
        status: 400,
        body: { action: 'analytics', status: 'error', code: 101, message: 'Missing or incorrect parameters' },
      },
    ],
    requests: 1,
    errorClass: 'request',
    reason:
      /^Ayrshare answered HTTP 400 \(code 101\): Missing or incorrect parameters\. Likely cause: Ayrshare could not read the request\.$/,
  },
  {
    label: 'HTTP 401 (a refused key, echoed by the server)',
    script: [
      {
        status: 401,
        body: { action: 'authorization', status: 'error', code: 102, message: `API Key ${API_KEY} not valid.` },
      },
    ],
    requests: 1,
    errorClass: 'auth',
    reason:
      /^Ayrshare answered HTTP 401 \(code 102\): API Key \[redacted\] not valid\. Likely cause: Ayrshare refused the API key\.$/,
  },
  {
    label: 'HTTP 403',
    script: [{ status: 403, body: { status: 'error', code: 146, message: 'Profile suspended' } }],
    requests: 1,
    errorClass: 'auth',
    reason: new RegExp(
      /HTTP 403 \(code 146\): Profile suspended\. Likely cause: /.source +
        /the key may not read analytics for this profile, or the profile is suspended\./.source,
    ),
  },
  {
    label: 'HTTP 404',
    script: [{ status: 404, text: 'Not Found' }],
    requests: 1,
    errorClass: 'request',
    reason: /HTTP 404: Not Found\. Likely cause: the endpoint or the profile does not exist\./,
  },
  {
    label: 'HTTP 429 without Retry-After, lasting',
    script: [{ status: 429, body: { status: 'error', code: 429, message: 'Too many requests' } }],
    requests: 3,
    // The profile's two requests share 3 retries after a 429: 2 first attempts and 3 retries, then both stop.
    totalRequests: 5,
    errorClass: 'rate_limited',
    reason: new RegExp(
      /^Ayrshare rate limited this profile \(Ayrshare answered HTTP 429 \(code 429\): Too many requests\); /.source +
        /its 3 retries after a rate limit in this run are spent, so it was not asked again\.$/.source,
    ),
  },
  {
    label: 'HTTP 429 with code 106, the monthly quota',
    script: [{ status: 429, body: { status: 'error', code: 106, message: 'Monthly post quota reached' } }],
    requests: 1,
    errorClass: 'rate_limited',
    reason: new RegExp(
      /HTTP 429 \(code 106\): Monthly post quota reached\. /.source +
        /This profile's monthly quota is used up \(code 106\); it resets on the 1st of the month, 00:07 UTC\.$/.source,
    ),
  },
  {
    label: 'HTTP 429 with a Retry-After beyond the time budget',
    script: [
      { status: 429, headers: { 'Retry-After': '3600' }, body: { status: 'error', message: 'Too many requests' } },
    ],
    requests: 1,
    errorClass: 'rate_limited',
    reason: /after 1 attempt: .*HTTP 429: Too many requests \(Ayrshare asked to wait 3600 s, beyond the time budget\)/,
  },
  ...[500, 502, 503].map((status) => ({
    label: `HTTP ${status}, lasting`,
    script: [{ status, body: { status: 'error', message: 'Internal error' } }],
    requests: 3,
    errorClass: 'server' as const,
    reason: new RegExp(`^Ayrshare request failed after 3 attempts: Ayrshare answered HTTP ${status}: Internal error$`),
  })),
  {
    label: 'a connection reset on every try',
    script: [{ reset: true }],
    requests: 3,
    errorClass: 'network',
    reason: /^Ayrshare request failed after 3 attempts: network error: (ECONNRESET|UND_ERR_SOCKET)/,
  },
  {
    label: 'an answer slower than the request timeout',
    script: [{ delayMs: 1_000, body: loadFixture() }],
    requests: 3,
    errorClass: 'network',
    reason: /^Ayrshare request failed after 3 attempts: no answer within 0\.3 s$/,
  },
  {
    label: 'HTTP 200 with an HTML page',
    script: [
      {
        text: '<!DOCTYPE html><html><body>Service Unavailable</body></html>',
        headers: { 'Content-Type': 'text/html' },
      },
    ],
    requests: 3,
    errorClass: 'server',
    reason:
      /HTTP 200 with a body that is not JSON \(starts "<!DOCTYPE html><html><body>Service Unava\.\.\.", 60 characters\)$/,
  },
  {
    label: 'HTTP 200 with a truncated body',
    script: [{ text: JSON.stringify(loadFixture()).slice(0, 200) }],
    requests: 3,
    errorClass: 'server',
    reason:
      /HTTP 200 with a body that is not JSON \(starts "\{"status":"success","facebook":\{"analyti\.\.\.", 200 characters\)$/,
  },
  {
    label: 'HTTP 200 with status "error"',
    script: [
      { body: { action: 'analytics', status: 'error', code: 168, message: 'Analytics are temporarily unavailable' } },
    ],
    requests: 1,
    errorClass: 'server',
    reason: /^Ayrshare answered with an error \(code 168\): Analytics are temporarily unavailable$/,
  },
];

describe('Ayrshare failing the whole request', () => {
  it.each(WHOLE_REQUEST_FAILURES.map((c) => [c.label, c] as const))(
    '%s: CLI exits 1, Lambda alerts and throws, nothing stored',
    async (_label, c) => {
      standIn.script(...c.script);
      const run = await cli();
      expect(run.code).toBe(1);
      const summary = run.json<RunSummary>();
      expect(summary).toMatchObject({ status: 'error', date: DATE, platforms_tracked: 0 });
      expect(summary.failed.map((f) => f.platform)).toEqual(PLATFORM_NAMES);
      expect(new Set(summary.failed.map((f) => f.error_class))).toEqual(new Set([c.errorClass]));
      expect(summary.failed[0].reason).toMatch(c.reason);
      expect(standIn.requests).toHaveLength(c.totalRequests ?? c.requests * REQUESTS_PER_RUN);
      expect(await storedPlatforms()).toEqual([]);

      standIn.script(...c.script);
      const outcome = await lambda();
      expect(outcome.ok).toBe(false);
      expect(!outcome.ok && outcome.error.message).toMatch(new RegExp(`^Nothing was stored for ${DATE}: facebook: `));
      expect(standIn.requests).toHaveLength(c.totalRequests ?? c.requests * REQUESTS_PER_RUN);
      expect(await storedPlatforms()).toEqual([]);
      const [alert, ...more] = alerts();
      expect(more).toEqual([]);
      expect(alert.TopicArn).toBe(ARNS.topic);
      expect(alert.Subject).toBe(`Ayrshare tracker: nothing stored for ${DATE}`);
      const lines = alert.Message!.split('\n');
      expect(lines).toEqual([
        `The daily Ayrshare collection for ${DATE} stored nothing.`,
        '',
        `Profile "brand": all 7 platforms (${PLATFORM_NAMES.join(', ')}) failed (first failure):`,
        expect.stringMatching(/^ {2}\S/),
        '',
        'What to do:',
        `  * ${ADVICE[c.errorClass]}`,
        '',
        'To collect today again once the cause is fixed, see "Re-run a day" in docs/OPERATIONS.md.',
      ]);
      // The reason, said once for the seven platforms.
      expect(lines[3].trim()).toMatch(c.reason);
    },
  );
});

describe('Ayrshare failing, then recovering', () => {
  it('waits what Retry-After asks on a 429, then stores the day', async () => {
    standIn.script(
      { status: 429, headers: { 'Retry-After': '1' }, body: { status: 'error', message: 'Too many requests' } },
      { body: loadFixture() },
    );
    const run = await cli();
    expect(run.code).toBe(0);
    // The two requests at once (one answered 429), then the retry a second later.
    expect(standIn.requests).toHaveLength(1 + REQUESTS_PER_RUN);
    expect(standIn.requests[2].at - standIn.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(await storedPlatforms()).toEqual(PLATFORM_NAMES);
  });

  it('retries a 503 and then stores the day: the CLI exits 0', async () => {
    standIn.script({ status: 503, body: { status: 'error', message: 'maintenance' } }, { body: loadFixture() });
    const run = await cli();
    expect(run.code).toBe(0);
    // The 503, its retry, and X's own request.
    expect(standIn.requests).toHaveLength(1 + REQUESTS_PER_RUN);
    expect(await storedPlatforms()).toEqual(PLATFORM_NAMES);
  });

  it.each([
    ['a connection reset', { reset: true }],
    ['a 502', { status: 502, text: 'Bad Gateway' }],
    ['a slow answer', { delayMs: 1_000, body: loadFixture() }],
    ['a truncated body', { text: '{"status":"succ' }],
  ] as Array<[string, ScriptedAnswer]>)(
    'retries after %s and stores everything, without an alert',
    async (_label, first) => {
      standIn.script(first, { body: loadFixture() });
      const outcome = await lambda();
      expect(outcome.ok && outcome.summary.status).toBe('success');
      expect(standIn.requests).toHaveLength(1 + REQUESTS_PER_RUN);
      expect(alerts()).toEqual([]);
      expect(await storedPlatforms()).toEqual(PLATFORM_NAMES);
    },
  );
});

describe('Ayrshare failing some platforms', () => {
  it('stores what succeeded, exits 3, and the Lambda returns the summary after one alert', async () => {
    const answer = fixtureWith((a) => {
      a.instagram = { status: 'error', code: 161, message: 'Instagram token expired' };
      delete a.linkedin;
      a.threads = { analytics: { followersCount: -3 } };
    });
    standIn.script({ body: answer });
    const run = await cli();
    expect(run.code).toBe(3);
    const summary = run.json<RunSummary>();
    expect(summary).toMatchObject({ status: 'partial', platforms_tracked: 5 });
    const since = { failing_since: DATE, failed_days: 1 };
    expect(summary.failed).toEqual([
      {
        profile: 'brand',
        platform: 'instagram',
        reason: 'error 161: Instagram token expired',
        error_class: 'platform_error',
        ...since,
      },
      {
        profile: 'brand',
        platform: 'linkedin',
        reason: 'not in the response (is the account linked in Ayrshare?)',
        error_class: 'not_linked',
        ...since,
      },
    ]);
    // A bad figure is left out, not the platform: threads is stored without its follower count.
    expect(summary.left_out).toEqual([
      {
        profile: 'brand',
        platform: 'threads',
        field: 'followersCount',
        reason: 'followersCount must not be negative (got -3)',
      },
    ]);
    expect(await storedPlatforms()).toEqual(['facebook', 'threads', 'tiktok', 'twitter', 'youtube']);
    // Both requests (the six, and X) carried the profile's key, and the rows its name.
    expect(standIn.requests.map((r) => r.headers['profile-key'])).toEqual([PROFILE_KEY, PROFILE_KEY]);
    const { rows: profiles } = await db.client.query(`SELECT DISTINCT profile FROM social_media_analytics`);
    expect(profiles).toEqual([{ profile: 'brand' }]);

    standIn.script({ body: answer });
    const outcome = await lambda();
    expect(outcome.ok && outcome.summary).toEqual(summary);
    expect(standIn.requests).toHaveLength(REQUESTS_PER_RUN);
    expect(await storedPlatforms()).toEqual(['facebook', 'threads', 'tiktok', 'twitter', 'youtube']);
    // One alert, in plain language: each failed platform and why, the figure left out, and what to do about each.
    expect(alerts()).toEqual([
      {
        TopicArn: ARNS.topic,
        Subject: `Ayrshare tracker: 2 of 7 platform(s) failed on ${DATE}`,
        Message: [
          `The daily Ayrshare collection for ${DATE} stored 5 platform(s); 2 failed.`,
          '',
          'Profile "brand":',
          '  - instagram: error 161: Instagram token expired (first failure)',
          '  - linkedin: not in the response (is the account linked in Ayrshare?) (first failure)',
          '',
          'Figures left out (the rest of the platform was stored):',
          '  - brand / threads: followersCount must not be negative (got -3)',
          '',
          'What to do:',
          `  * ${ADVICE.platform_error}`,
          `  * ${ADVICE.not_linked}`,
          `  * ${ADVICE.invalid_data}`,
          '',
          'To collect today again once the cause is fixed, see "Re-run a day" in docs/OPERATIONS.md.',
        ].join('\n'),
      },
    ]);
  });

  it('exits 1 and alerts "nothing stored" when every platform fails inside a successful answer', async () => {
    const answer = Object.fromEntries([
      ['status', 'success'],
      ...PLATFORM_NAMES.map((p) => [p, { status: 'error', code: 272, message: `${p} token expired` }]),
    ]);
    standIn.script({ body: answer });
    const run = await cli();
    expect(run.code).toBe(1);
    expect(run.json<RunSummary>().failed.map((f) => f.reason)).toEqual(
      PLATFORM_NAMES.map((p) => `error 272: ${p} token expired`),
    );
    standIn.script({ body: answer });
    expect((await lambda()).ok).toBe(false);
    expect(alerts()[0].Message).toContain('  - youtube: error 272: youtube token expired');
    expect(await storedPlatforms()).toEqual([]);
  });

  it('never stores an empty analytics block over a day that had figures; the previous day stays as it was', async () => {
    standIn.script({ body: loadFixture() });
    expect((await cli(['--date', '2026-04-14'])).code).toBe(0);
    const before = (
      await db.client.query(`SELECT platform, followers_count, raw_data FROM social_media_analytics ORDER BY platform`)
    ).rows;

    standIn.script({ body: fixtureWith((a) => void (a.tiktok.analytics = {})) });
    const partial = await cli();
    expect(partial.code).toBe(3);
    expect(partial.json<RunSummary>().failed).toEqual([
      {
        profile: 'brand',
        platform: 'tiktok',
        reason:
          'Ayrshare sent no figures for this platform, though the snapshot of 2026-04-14 had them; ' +
          'nothing was stored for this day rather than empty values',
        error_class: 'invalid_data',
        failing_since: DATE,
        failed_days: 1,
      },
    ]);
    expect(await storedPlatforms()).toEqual(PLATFORM_NAMES.filter((p) => p !== 'tiktok'));

    await db.client.query(`DELETE FROM social_media_analytics WHERE date = $1`, [DATE]);
    standIn.script({ body: fixtureWith((a) => PLATFORM_NAMES.forEach((p) => (a[p].analytics = {}))) });
    expect((await cli()).code).toBe(1);
    expect(await storedPlatforms()).toEqual([]);
    expect(
      (
        await db.client.query(
          `SELECT platform, followers_count, raw_data FROM social_media_analytics ORDER BY platform`,
        )
      ).rows,
    ).toEqual(before);
  });

  it('stores an empty block as NULLs (never zeros) when there is no history to contradict', async () => {
    standIn.script({ body: fixtureWith((a) => void (a.linkedin.analytics = {})) });
    expect((await cli()).code).toBe(0);
    const { rows } = await db.client.query(
      `SELECT followers_count, engagement_rate FROM social_media_analytics WHERE platform = 'linkedin'`,
    );
    expect(rows).toEqual([{ followers_count: null, engagement_rate: null }]);
  });
});

describe('values', () => {
  const TWO_53_PLUS_1 = '9007199254740993';
  it.each([
    ['a numeric string', { subscriberCount: ' 1234 ' }, { followers_count: 1234 }],
    ['a count past 2^31', { subscriberCount: 3_000_000_000 }, { followers_count: 3_000_000_000 }],
    ['a rate past 1000 %', { views: 10, likes: 1_500, comments: 0, shares: 0 }, { engagement_rate: 15_000 }],
    [
      'the largest rate a safe count gives',
      { views: 1, likes: Number.MAX_SAFE_INTEGER, comments: null, shares: null },
      { engagement_rate: 900719925474099100 },
    ],
    ['fractional minutes', { estimatedMinutesWatched: 12.5 }, { watch_time_minutes: 12.5 }],
  ])('stores %s', async (_label, fields, expected) => {
    standIn.script({ body: fixtureWith((a) => Object.assign(a.youtube.analytics, fields)) });
    const run = await cli();
    expect(run.code).toBe(0);
    const { rows } = await db.client.query(
      `SELECT followers_count, engagement_rate, watch_time_minutes FROM social_media_analytics WHERE platform = 'youtube'`,
    );
    expect(rows[0]).toMatchObject(expected);
  });

  it.each([
    ['a negative number', '"subscriberCount": -5', 'subscriberCount must not be negative (got -5)'],
    ['a negative numeric string', '"subscriberCount": "-5"', 'subscriberCount must be a number (got "-5")'],
    ['"NaN"', '"subscriberCount": "NaN"', 'subscriberCount must be a number (got "NaN")'],
    ['"Infinity"', '"views": "Infinity"', 'views must be a number (got "Infinity")'],
    ['a word', '"likes": "lots"', 'likes must be a number (got "lots")'],
    ['a float where a count belongs', '"subscriberCount": 10.5', 'subscriberCount must be a whole number (got 10.5)'],
    [
      'a count past 2^53 as a number',
      `"views": ${TWO_53_PLUS_1}`,
      'views is too large to store exactly (got 9007199254740992)',
    ],
    [
      'a count past 2^53 as a string',
      `"views": "${TWO_53_PLUS_1}"`,
      `views is too large to store exactly (got "${TWO_53_PLUS_1}")`,
    ],
    [
      'minutes past 2^53',
      '"estimatedMinutesWatched": 1e300',
      'estimatedMinutesWatched is too large to store exactly (got 1e+300)',
    ],
  ])('stores the platform without that figure on %s, and names the field', async (_label, field, reason) => {
    // Raw JSON text, so the stand-in sends the number exactly as written (JSON.stringify would round it first);
    // the field goes last in YouTube's analytics, where it wins over the fixture's own value.
    const text = JSON.stringify(fixtureWith((a) => (a.youtube.analytics.__marker__ = 1))).replace(
      '"__marker__":1',
      field,
    );
    standIn.script({ text });
    const run = await cli();
    expect(run.code).toBe(0);
    const name = reason.split(' ')[0];
    expect(run.json<RunSummary>().left_out).toEqual([{ profile: 'brand', platform: 'youtube', field: name, reason }]);
    expect(await storedPlatforms()).toEqual(PLATFORM_NAMES);
    const { rows } = await db.client.query(
      `SELECT followers_count, views_total, likes_total, watch_time_minutes, left_out, raw_data
       FROM social_media_analytics WHERE platform = 'youtube'`,
    );
    const column = {
      subscriberCount: 'followers_count',
      views: 'views_total',
      likes: 'likes_total',
      estimatedMinutesWatched: 'watch_time_minutes',
    }[name]!;
    expect(rows[0][column]).toBeNull();
    expect(rows[0].left_out).toEqual([{ field: name, reason }]);
    // Never rounded: the other figures are the fixture's, and raw_data keeps the value as it came.
    expect(rows[0].raw_data.analytics).toHaveProperty(name);
  });
});

describe('the database', () => {
  it('unreachable at start: the CLI exits 1 naming it, before asking Ayrshare anything', async () => {
    const closed = new URL(db.url);
    closed.port = '1';
    standIn.script({ body: loadFixture() });
    const run = await cli([], { DATABASE_URL: closed.toString() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error: Could not connect to PostgreSQL: connect ECONNREFUSED 127\.0\.0\.1:1\n {2}Check DATABASE_URL/m,
    );
    expect(run.stderr).not.toContain(closed.password);
    expect(standIn.requests).toHaveLength(0);
  });

  it('unreachable at start: the Lambda alerts and throws, without the password', async () => {
    putSecrets({ apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand' }, { ...databaseSecret, port: 1 });
    standIn.script({ body: loadFixture() });
    const outcome = await lambda();
    expect(!outcome.ok && outcome.error.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
    expect(alerts()[0].Subject).toBe(`Ayrshare tracker: the run for ${DATE} failed`);
    expect(alerts()[0].Message).toMatch(/failed before storing anything:\n\n {2}connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(alerts()[0].Message).not.toContain(String(databaseSecret.password));
  }, 20_000);

  it('connection lost in the middle of the write: nothing half-written, the run fails and says so', async () => {
    standIn.script({ body: loadFixture() });
    expect((await cli(['--date', '2026-04-14'])).code).toBe(0);
    // The server ends the writer's own session while its upsert is running: a real connection loss mid-transaction.
    await db.client.query(`
      CREATE FUNCTION drop_connection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
      CREATE TRIGGER drop_connection BEFORE INSERT ON social_media_analytics FOR EACH ROW EXECUTE FUNCTION drop_connection();`);
    try {
      const run = await cli();
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `Nothing was stored for ${DATE}: the database write failed ` +
            `\\((terminating connection|Connection terminated)[^)]*\\)\\. The whole run was rolled back\\.`,
        ),
      );
      expect(run.json<RunSummary>()).toMatchObject({ status: 'error', platforms_tracked: 0 });
      expect(new Set(run.json<RunSummary>().failed.map((f) => f.error_class))).toEqual(new Set(['database']));

      const outcome = await lambda();
      expect(!outcome.ok && outcome.error.message).toMatch(
        /Nothing was stored for 2026-04-15: the database write failed/,
      );
      expect(alerts()[0].Message).toMatch(
        /the database write failed .*The whole run was rolled back\. Check that PostgreSQL is reachable/,
      );
    } finally {
      await db.client.query('DROP TRIGGER drop_connection ON social_media_analytics; DROP FUNCTION drop_connection()');
    }
    expect(await storedPlatforms()).toEqual([]);
    expect(await storedPlatforms('2026-04-14')).toEqual(PLATFORM_NAMES);
  });

  it('two runs for the same date at the same time, on a database without the schema yet: one row per platform, both clean', async () => {
    await resetSchema(db.client);
    standIn.script({ body: loadFixture() });
    const [first, second] = await Promise.all([cli(), cli()]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.json()).toEqual(second.json());
    const { rows } = await db.client.query(
      `SELECT platform, count(*)::int AS n FROM social_media_analytics GROUP BY platform ORDER BY platform`,
    );
    expect(rows).toEqual(PLATFORM_NAMES.map((platform) => ({ platform, n: 1 })));
    expect((await db.client.query('SELECT count(*)::int AS n FROM pgmigrations')).rows[0].n).toBe(
      MIGRATION_NAMES.length,
    );
  });

  it('two Lambda invocations for one scheduled time at once, then a third: one row per platform', async () => {
    standIn.script({ body: loadFixture() });
    const event = { scheduledTime: '2026-04-15T10:00:00Z' };
    const outcomes = await Promise.all([lambda(event), lambda(event)]);
    expect(outcomes.map((o) => o.ok && o.summary.status)).toEqual(['success', 'success']);
    expect((await lambda(event)).ok).toBe(true);
    const { rows } = await db.client.query(
      `SELECT date::text AS date, count(*)::int AS n FROM social_media_analytics GROUP BY date`,
    );
    expect(rows).toEqual([{ date: DATE, n: 7 }]);
  });

  it('re-running a date stores identical values and leaves growth velocity unchanged', async () => {
    standIn.script({ body: fixtureWith((a) => (a.twitter.analytics.followersCount = 11_000)) });
    await cli(['--date', '2026-04-14']);
    standIn.script({ body: loadFixture() });
    await cli();
    const snapshot = async () =>
      (
        await db.client.query(`SELECT * FROM social_media_analytics WHERE date = $1 ORDER BY platform`, [DATE])
      ).rows.map(({ recorded_at: _r, ...row }) => row);
    const first = await snapshot();
    expect(first.find((r) => r.platform === 'twitter')!.growth_velocity).toBe(253);
    expect((await cli()).code).toBe(0);
    expect((await lambda()).ok).toBe(true);
    expect(await snapshot()).toEqual(first);
  });
});

describe('configuration', () => {
  it.each([
    ['an empty API key', { AYRSHARE_API_KEY: '' }, /^Error: AYRSHARE_API_KEY is not set\./],
    ['a blank API key', { AYRSHARE_API_KEY: '   ' }, /^Error: AYRSHARE_API_KEY is not set\./],
    ['a missing API key', { AYRSHARE_API_KEY: undefined }, /^Error: AYRSHARE_API_KEY is not set\./],
    [
      'a Profile-Key with a space',
      { AYRSHARE_PROFILE_KEY: 'two words' },
      /AYRSHARE_PROFILE_KEY contains spaces or characters that cannot be sent in an HTTP header\.$/m,
    ],
    [
      'an unknown platform',
      { TRACKER_PLATFORMS: 'tiktok,myspace' },
      /TRACKER_PLATFORMS has unknown platform\(s\) myspace; known: facebook, instagram/,
    ],
    [
      'a bad time zone',
      { TRACKER_TIMEZONE: 'Mars/Olympus' },
      /TRACKER_TIMEZONE is not an IANA time zone such as America\/New_York or Europe\/Berlin \(got "Mars\/Olympus"\)/,
    ],
    [
      'a DATABASE_URL that is not PostgreSQL',
      { DATABASE_URL: 'mysql://root:hunter2@localhost/db' },
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL\.$/m,
    ],
    [
      'a base URL that is not http(s)',
      { AYRSHARE_BASE_URL: 'ftp://example.com' },
      /AYRSHARE_BASE_URL must be an http\(s\) URL/,
    ],
  ])('CLI exits 2 on %s, naming the variable', async (_label, env, message) => {
    standIn.script({ body: loadFixture() });
    const run = await cli([], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('hunter2');
    expect(standIn.requests).toHaveLength(0);
  });

  it.each([
    ['a missing apiKey', { profileKey: PROFILE_KEY }, /The Ayrshare secret is invalid: apiKey/],
    ['an empty apiKey', { apiKey: '' }, /The Ayrshare secret is invalid: apiKey is empty/],
    ['a blank apiKey', { apiKey: '  ' }, /The Ayrshare secret is invalid: apiKey is empty/],
    ['malformed JSON', `{"apiKey": "${API_KEY}",`, /^The Ayrshare secret is not JSON\.$/],
    [
      'a blank profile name',
      { apiKey: API_KEY, profiles: [{ name: ' ', profileKey: PROFILE_KEY }] },
      /The Ayrshare secret is invalid: profiles\.0\.name is empty/,
    ],
    [
      'both profileKey and profiles',
      { apiKey: API_KEY, profileKey: PROFILE_KEY, profiles: [{ name: 'a' }] },
      /profiles has both profileKey and profiles; use one/,
    ],
  ])('Lambda fails on an Ayrshare secret with %s, naming the field, and alerts', async (_label, secret, message) => {
    putSecrets(secret, databaseSecret);
    const outcome = await lambda();
    expect(!outcome.ok && outcome.error.message).toMatch(message);
    const [alert, ...more] = alerts();
    expect(more).toEqual([]);
    expect(alert.Subject).toBe(`Ayrshare tracker: the run for ${DATE} failed`);
    // The alert says the run failed before storing anything, then gives the error and its hint, indented.
    const [opening, blank, reason] = alert.Message!.split('\n');
    expect([opening, blank]).toEqual([`The daily Ayrshare collection for ${DATE} failed before storing anything:`, '']);
    expect(reason).toMatch(/^ {2}The Ayrshare secret is /);
    expect(reason).toMatch(new RegExp(message.source.replace(/^\^|\$$/g, '')));
    expect(alert.Message).toMatch(/Fix the field named above in Secrets Manager|Its value must be JSON/);
    expect(standIn.requests).toHaveLength(0);
  });

  it('Lambda fails on a malformed database secret, naming it', async () => {
    putSecrets({ apiKey: API_KEY }, '{not json');
    const outcome = await lambda();
    expect(!outcome.ok && outcome.error.message).toBe('The database secret is not JSON.');
    expect(alerts()).toHaveLength(1);
  });

  it.each([
    ['TRACKER_PLATFORMS', 'tiktok,myspace', /TRACKER_PLATFORMS has unknown platform\(s\) myspace/],
    ['TRACKER_TIMEZONE', 'Mars/Olympus', /TRACKER_TIMEZONE is not an IANA time zone/],
    ['AYRSHARE_SECRET_ARN', '', /AYRSHARE_SECRET_ARN/],
  ])('Lambda fails on a bad %s in its environment, names it, and still alerts', async (name, value, message) => {
    setEnvironment({ [name]: value });
    const outcome = await lambda();
    expect(!outcome.ok && outcome.error.message).toMatch(message);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0].Message).toMatch(message);
  });

  it('Lambda rejects an event date that is not a calendar date, and alerts', async () => {
    const outcome = await lambda({ date: '2026-02-30' });
    expect(!outcome.ok && outcome.error.message).toBe('The event\'s "date" must be YYYY-MM-DD (got "2026-02-30").');
    expect(alerts()).toHaveLength(1);
  });
});

describe('the retry budget', () => {
  it('ends every Ayrshare attempt and wait 90 s before the function timeout, and never asks more than 4 times', () => {
    for (const remaining of [300_000, 200_000, 120_000]) {
      const policy = httpPolicyFor(remaining);
      expect(policy.budgetMs).toBeLessThanOrEqual(remaining - 90_000);
      expect(policy.maxAttempts).toBe(4);
    }
    expect(httpPolicyFor(300_000).budgetMs).toBe(120_000);
    expect(httpPolicyFor(150_000).budgetMs).toBe(60_000);
    // 4 requests a run are far below Ayrshare's 300 per 5 minutes per profile, and 1,000 429s a day.
    expect(httpPolicyFor(30_000).budgetMs).toBe(10_000);
  });
});
