// A hostile Ayrshare: it echoes the keys (whole, and in 8-character parts) into every place it can, sends control
// characters, redirects, answers without end, and nests a block thousands of levels deep. Through the CLI and the
// Lambda handler, nothing of a key may reach stdout, stderr, a log line, an alert, the summary or any table, and
// every such answer ends with a named reason.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SECRET_PART_LENGTH } from '../../lambda/core/boundary';
import type { RunSummary } from '../../lambda/core/model';
import { buildHandlers } from '../../lambda/handlers';
import {
  loadFixture,
  type AyrshareStandIn,
  type RecordedRequest,
  type ScriptedAnswer,
} from '../support/ayrshare-stand-in';
import { runCliCaptured } from '../support/cli';
import { resetMigratedSchema, type TestDatabase } from '../support/database';
import { useDatabaseAndStandIn } from '../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../support/lambda';

const API_KEY = 'HOSTILE-API-KEY-5c1e9a7d4b';
const PROFILE_KEY = 'HOSTILE-PROFILE-KEY-3f8b2c6e1a';
const X_KEY = 'HOSTILE-X-KEY-7d2e4a9c0b';
const X_SECRET = 'HOSTILE-X-SECRET-1b6f3e8d2c';
const SECRETS = [API_KEY, PROFILE_KEY, X_KEY, X_SECRET];
const DATE = '2026-11-20';
const POLICY = {
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
  baseDelayMs: 1,
  maxDelayMs: 2,
  budgetMs: 6_000,
  maxAnswerBytes: 64 * 1024,
};

/** Every piece of a key a leak could consist of: the keys, and each 8-character part of them. */
const PIECES = SECRETS.flatMap((s) =>
  Array.from({ length: s.length - SECRET_PART_LENGTH + 1 }, (_, i) => s.slice(i, i + SECRET_PART_LENGTH)),
);
/** Text that quotes each key whole, in parts, and split by control characters. */
const ECHO = SECRETS.map(
  (s) => `${s} ${s.slice(2, 12)} ${s.slice(0, 9)}\u0000${s.slice(9)} \u001b[31m${s}\u001b[0m`,
).join(' | ');

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
let db: TestDatabase;
let standIn: AyrshareStandIn;
useDatabaseAndStandIn('hostile', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});

/** Everything this test's runs printed, returned, logged or published (each test checks its own, and the tables). */
let seen: string[] = [];
let stdoutSpy: jest.SpyInstance;
beforeEach(async () => {
  seen = [];
  setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off' });
  resetAwsMocks(
    secretsManager,
    sns,
    { apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand', xApiKey: X_KEY, xApiSecret: X_SECRET },
    databaseSecretFor(db),
  );
  await resetMigratedSchema(db.client);
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    seen.push(chunk.toString());
    return true;
  });
});
afterEach(() => {
  stdoutSpy.mockRestore();
  // Anything the test's runs logged after its own check (there should be nothing): still this test's output.
  expect(leakedPieces(seen.join('\n'))).toEqual([]);
});

/** Every row of every table and view of the tracker's schema, as JSON (the database as a dump would show it). */
async function everyTable(): Promise<string> {
  const { rows: tables } = await db.client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const dumps = await Promise.all(
    tables.map(async ({ name }) => JSON.stringify((await db.client.query(`SELECT * FROM "${name}"`)).rows)),
  );
  return dumps.join('\n');
}

async function viaCli(env: Record<string, string | undefined> = {}, date = DATE) {
  const run = await runCliCaptured(
    ['collect', '--date', date, '--json'],
    {
      AYRSHARE_API_KEY: API_KEY,
      AYRSHARE_PROFILE_KEY: PROFILE_KEY,
      AYRSHARE_PROFILE_NAME: 'brand',
      AYRSHARE_X_API_KEY: X_KEY,
      AYRSHARE_X_API_SECRET: X_SECRET,
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
      ...env,
    },
    { httpPolicy: POLICY },
  );
  seen.push(run.stdout, run.stderr);
  return { code: run.code, summary: run.code === 2 ? undefined : run.json<RunSummary>(), stderr: run.stderr };
}

async function viaLambda() {
  const { collect } = buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: POLICY });
  try {
    const summary = (await collect({ date: DATE }, lambdaContext())) as RunSummary;
    seen.push(JSON.stringify(summary));
    return { summary, error: undefined };
  } catch (error) {
    seen.push((error as Error).message);
    return { summary: (error as { summary?: RunSummary }).summary, error: error as Error };
  }
}

const EDGES = [
  ['the CLI', viaCli],
  ['the Lambda handler', viaLambda],
] as const;

const hostileAnswers: Array<[string, ScriptedAnswer | ((r: RecordedRequest) => ScriptedAnswer)]> = [
  [
    'a 401 quoting the keys',
    { status: 401, body: { status: 'error', code: 102, message: `API Key ${ECHO} not valid.` } },
  ],
  [
    'a 200 with a platform error quoting the keys',
    { body: { ...loadFixture(), instagram: { status: 'error', code: 161, message: `token ${ECHO} expired` } } },
  ],
  [
    'a 200 with a top-level error quoting the keys',
    {
      body: {
        ...loadFixture(),
        status: 'error',
        code: 107,
        message: ECHO,
        errors: [{ platform: 'threads', code: 272, message: ECHO }],
        threads: undefined,
      },
    },
  ],
  [
    'an unknown field echoing the Authorization header',
    {
      body: {
        ...loadFixture(),
        youtube: { analytics: { subscriberCount: '67', echo: `Bearer ${ECHO}`, [`key ${API_KEY}`]: 1 } },
      },
    },
  ],
  // Node refuses control characters in header values, so these carry the keys only.
  [
    'rate-limit headers quoting the keys',
    {
      headers: { 'X-RateLimit-Max': API_KEY, 'X-RateLimit-Count': `${PROFILE_KEY.slice(0, 10)} ${X_SECRET}` },
      body: loadFixture(),
    },
  ],
  [
    'an HTML page quoting the keys',
    { text: `<html><body>Blocked: ${ECHO}</body></html>`, headers: { 'Content-Type': 'text/html' } },
  ],
];

describe.each(EDGES)('a hostile Ayrshare, through %s', (_edge, collect) => {
  it.each(hostileAnswers)('%s: nothing of a key anywhere, and no control character', async (_label, answer) => {
    standIn.script(answer);
    const outcome = await collect();
    expect(outcome.summary).toBeDefined();
    await expectNoLeak();
  });

  it('stores a block whose unknown fields echo the keys and control characters, redacted, without failing the run', async () => {
    standIn.script({
      body: { ...loadFixture(), youtube: { analytics: { subscriberCount: '67', echo: `Bearer ${ECHO}` } } },
    });
    const outcome = await collect();
    expect(outcome.summary).toMatchObject({ status: 'success', platforms_tracked: 7 });
    const { rows } = await db.client.query(
      `SELECT raw_data -> 'analytics' ->> 'echo' AS echo FROM social_media_analytics WHERE platform = 'youtube'`,
    );
    expect(rows[0].echo).toMatch(/^Bearer \[redacted\]/);
    expect([rows[0].echo.includes('\u0000'), rows[0].echo.includes('\u001b')]).toEqual([false, false]);
    await expectNoLeak();
  });

  it('quotes no key in a drift message when a field turns into a string holding one', async () => {
    for (const [day, views] of [
      ['2026-11-17', 1],
      ['2026-11-18', 2],
      ['2026-11-19', 3],
    ] as const) {
      const answer = loadFixture() as Record<string, any>;
      answer.youtube.analytics.views = views;
      standIn.script({ body: answer });
      await collectOn(collect, day);
    }
    const answer = loadFixture() as Record<string, any>;
    answer.youtube.analytics.views = `n/a ${ECHO}`;
    standIn.script({ body: answer });
    const outcome = await collect();
    expect(outcome.summary?.drift?.map((d) => [d.platform, d.field, d.change])).toEqual([
      ['youtube', 'views', 'changed_type'],
    ]);
    await expectNoLeak();
  });

  it('does not follow a redirect: the keys never reach the other address, and the reason says why', async () => {
    const elsewhere = await startRecorder();
    try {
      standIn.script({ status: 307, headers: { Location: `${elsewhere.url}/api/analytics/social` } });
      const outcome = await collect();
      expect(outcome.summary?.failed[0]).toMatchObject({
        error_class: 'request',
        reason: expect.stringContaining('a redirect, which is not followed'),
      });
      expect(elsewhere.requests).toBe(0);
    } finally {
      await elsewhere.close();
    }
    await expectNoLeak();
  });

  it('refuses an answer larger than the cap, declared or not, with a named reason', async () => {
    standIn.script(
      { headers: { 'Content-Length': String(200 * 1024 * 1024) }, text: '{}' },
      { text: JSON.stringify({ ...loadFixture(), padding: 'x'.repeat(200_000) }) },
    );
    const outcome = await collect();
    expect(new Set(outcome.summary?.failed.map((f) => f.reason.replace(/ \(HTTP \d+\)\.$/, '')))).toEqual(
      new Set(["Ayrshare's answer was larger than 64 KB and was not read"]),
    );
    await expectNoLeak();
  });

  it('fails only the platform whose block nests thousands of levels deep; the others are stored', async () => {
    // Written as text: 5,000 levels are more than a recursive JSON.stringify of the stand-in would take.
    const deep = `${'{"d":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const answer = JSON.stringify({
      ...loadFixture(),
      tiktok: { analytics: { followerCount: 1, nested: 'DEEP' } },
    }).replace('"DEEP"', deep);
    standIn.script({ text: answer });
    const outcome = await collect();
    expect(outcome.summary?.failed).toEqual([
      expect.objectContaining({
        platform: 'tiktok',
        error_class: 'invalid_data',
        reason: 'its block nests deeper than 32 levels, which no analytics need',
      }),
    ]);
    expect(outcome.summary?.platforms_tracked).toBe(6);
    await expectNoLeak();
  });
});

describe('an answer without end', () => {
  it('is abandoned at the byte cap, within the time budget, with a named reason', async () => {
    const endless = await startEndless();
    try {
      const started = Date.now();
      const outcome = await viaCli({ AYRSHARE_BASE_URL: endless.url });
      expect(outcome.summary?.failed[0].reason).toMatch(/^Ayrshare's answer was larger than 64 KB and was not read/);
      expect(Date.now() - started).toBeLessThan(POLICY.budgetMs * 2 + 5_000);
    } finally {
      await endless.close();
    }
    await expectNoLeak();
  });
});

describe('the answer size cap', () => {
  it('is TRACKER_MAX_ANSWER_MB when set: a 2 MB answer is refused under a 1 MB cap, by its name', async () => {
    standIn.script({ text: JSON.stringify({ ...loadFixture(), padding: 'x'.repeat(2 * 1024 * 1024) }) });
    const run = await runCliCaptured(
      ['collect', '--date', DATE, '--json'],
      {
        AYRSHARE_API_KEY: API_KEY,
        AYRSHARE_BASE_URL: standIn.baseUrl,
        DATABASE_URL: db.url,
        TRACKER_MAX_ANSWER_MB: '1',
      },
      { httpPolicy: { ...POLICY, maxAnswerBytes: undefined } },
    );
    seen.push(run.stdout, run.stderr);
    expect(run.code).toBe(1);
    expect(run.json<RunSummary>().failed[0].reason).toMatch(/^Ayrshare's answer was larger than 1 MB and was not read/);
    await expectNoLeak();
  });
});

describe('credentials in AYRSHARE_BASE_URL', () => {
  it('are a configuration error that names the variable and never repeats its value', async () => {
    const outcome = await viaCli({ AYRSHARE_BASE_URL: 'https://agency:TOPSECRET-TOKEN-991@api.example.com' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('AYRSHARE_BASE_URL must not hold a user name or password');
    expect(outcome.stderr).not.toContain('TOPSECRET');
    expect(outcome.stderr).not.toContain('agency');
    await expectNoLeak();
  });
});

/** The pieces of a key that `text` holds. */
const leakedPieces = (text: string) => PIECES.filter((piece) => text.includes(piece));

/** Checks everything this test has seen so far, the alerts sent and every table as they are now. */
async function expectNoLeak(): Promise<void> {
  seen.push(
    ...sns.commandCalls(PublishCommand).flatMap((c) => [c.args[0].input.Subject ?? '', c.args[0].input.Message ?? '']),
  );
  seen.push(await everyTable());
  const text = seen.join('\n');
  expect(leakedPieces(text)).toEqual([]);
  // Ayrshare's control characters never reach an output (the JSON logs escape them; the raw ones must be gone).
  expect(text.includes('\u001b[31m')).toBe(false);
}

async function collectOn(collect: (typeof EDGES)[number][1], day: string): Promise<void> {
  if (collect === viaCli) {
    await viaCli({}, day);
  } else {
    const { collect: handler } = buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: POLICY });
    seen.push(JSON.stringify(await handler({ date: day }, { ...lambdaContext(), awsRequestId: `r-${day}` })));
  }
}

/** A server that counts what reaches it: the target of the redirect. */
async function startRecorder(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    seen.push(JSON.stringify(req.headers));
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A server whose answer never ends: it writes until the client goes away. */
async function startEndless(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"status":"success","padding":"');
    const chunk = 'x'.repeat(16 * 1024);
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
  });
  server.on('connection', (socket) => socket.unref());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
