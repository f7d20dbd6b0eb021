// `ayrshare-tracker sql` through both doors on one known multi-profile history: the CLI as the read-only role
// (DATABASE_URL with tracker_reader's login) and the deployed function's `sql` action (its reader secret). The named
// queries give the same numbers through both and match the report; every refused statement is refused with exit 2
// (an answer that says so, through the function) and leaves every table exactly as it was.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { dateInTimeZone, addDays } from '../../../../lambda/core/dates';
import { buildHandlers } from '../../../../lambda/handlers/index';
import type { ReportData, SqlAnswer, SqlResult } from '../../../../lambda/core/contracts';
import { grantLogin } from '../../../../lambda/storage/roles';
import { migrateDatabase } from '../../../../lambda/storage/migrations';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { namedQueries } from '../../../../local/named-queries';
import { runCliCaptured } from '../../../support/cli';
import { deployedFunction } from '../../../support/remote-function';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import {
  databaseSecretFor,
  lambdaContext,
  resetAwsMocks,
  setFunctionEnvironment,
  TEST_ROLE_PASSWORDS,
} from '../../../support/lambda';

const ZONE = 'America/New_York';
const READER_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:reader-AbCdEf';
const PROFILES = [
  { name: 'brand', profileKey: 'TEST-PROFILE-KEY-BRAND' },
  { name: 'ceo', profileKey: 'TEST-PROFILE-KEY-CEO' },
];
const DAYS = 10;
const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const deployed = deployedFunction();

let db: TestDatabase;
let standIn: AyrshareStandIn;
let readerUrl: string;
const today = dateInTimeZone(new Date(), ZONE);

/** Every number of the sample answer scaled by profile and day; the ceo's counts dip on day 6 (growth is not monotonic). */
function answerFor(profileIndex: number, day: number): Record<string, unknown> {
  const factor =
    1 + 0.03 * day * (profileIndex + 1) + 0.2 * profileIndex - (profileIndex === 1 && day === 6 ? 0.25 : 0);
  const scale = (value: unknown): unknown => {
    if (typeof value === 'number') return Math.round(value * factor);
    if (Array.isArray(value)) return value.map(scale);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scale(v)]));
    return value;
  };
  const { status, ...platforms } = loadFixture();
  return { status, ...(scale(platforms) as Record<string, unknown>) };
}

beforeAll(async () => {
  db = await createTestDatabase('sql');
  standIn = await startAyrshareStandIn();
  await migrateDatabase(db.client);
  await grantLogin(db.client, 'tracker_reader', TEST_ROLE_PASSWORDS.tracker_reader);
  const url = new URL(db.url);
  url.username = 'tracker_reader';
  url.password = TEST_ROLE_PASSWORDS.tracker_reader;
  readerUrl = url.toString();
  // Ten days of history for two profiles, stored by the real collection path (derivations included).
  for (let day = 0; day < DAYS; day += 1) {
    standIn.script((request) => {
      const index = PROFILES.findIndex((p) => p.profileKey === request.headers['profile-key']);
      return { status: 200, body: answerFor(index, day) };
    });
    const date = addDays(today, day - (DAYS - 1));
    const run = await runCliCaptured(['collect', '--date', date, '--json'], {
      DATABASE_URL: db.url,
      AYRSHARE_API_KEY: 'TEST-API-KEY-SQL',
      AYRSHARE_PROFILES: JSON.stringify(PROFILES),
      AYRSHARE_BASE_URL: standIn.baseUrl,
      TRACKER_TIMEZONE: ZONE,
    });
    expect([date, run.code]).toEqual([date, 0]);
  }
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(() => {
  setFunctionEnvironment(standIn.baseUrl, { READER_SECRET_ARN: READER_ARN, TRACKER_TIMEZONE: ZONE });
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-API-KEY-SQL' }, databaseSecretFor(db));
  deployed.reset();
  deployed.serve();
  secretsManager.on(GetSecretValueCommand, { SecretId: READER_ARN }).resolves({
    SecretString: JSON.stringify({
      ...databaseSecretFor(db),
      username: 'tracker_reader',
      password: TEST_ROLE_PASSWORDS.tracker_reader,
    }),
  });
});

/** The CLI door: as the read-only role, JSON out. */
async function local(args: string[]) {
  return runCliCaptured(['sql', ...args], { DATABASE_URL: readerUrl, TRACKER_TIMEZONE: ZONE });
}

/** The function door: the deployed handler's `sql` action. */
async function remote(sql: string, maxRows = 1_000): Promise<SqlAnswer> {
  const handlers = buildHandlers({ databaseCa: process.env.TEST_PG_CA });
  return (await handlers.collect({ action: 'sql', sql, maxRows, timeoutMs: 30_000 }, lambdaContext())) as SqlAnswer;
}

const namedSql = (name: string): string => namedQueries().find((q) => q.name === name)!.sql;

async function report(days: number): Promise<ReportData> {
  const run = await runCliCaptured(['report', '--days', String(days), '--format', 'json'], {
    DATABASE_URL: db.url,
    TRACKER_TIMEZONE: ZONE,
  });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as ReportData;
}

const rowsAsObjects = (result: SqlResult) =>
  result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));

describe('named queries through both doors', () => {
  it.each(['daily-growth', 'best-platform', 'weekly-summary'])(
    '%s: the same answer locally and remotely',
    async (name) => {
      const run = await local(['--query', name, '--format', 'json']);
      expect(run.code).toBe(0);
      const fromCli = JSON.parse(run.stdout) as SqlResult;
      const fromFunction = await remote(namedSql(name));
      expect(fromFunction).toEqual(fromCli);
      expect(fromCli.rows.length).toBeGreaterThan(0);
      // Both profiles are there, never added together.
      expect(new Set(rowsAsObjects(fromCli).map((r) => r.profile))).toEqual(new Set(['brand', 'ceo']));
    },
  );

  it('daily-growth matches the report, day by day, for every profile and platform', async () => {
    const run = await local(['--query', 'daily-growth', '--format', 'json']);
    const rows = rowsAsObjects(JSON.parse(run.stdout) as SqlResult);
    const fromReport = (await report(30)).profiles.flatMap((p) =>
      p.daily.map((d) => ({
        date: d.date,
        profile: p.profile,
        platform: d.platform,
        followers_count: d.followers_count,
        daily_growth: d.daily_growth,
        days_since_previous: d.days_since_previous,
      })),
    );
    const key = (r: Record<string, unknown>) => `${String(r.date)} ${String(r.profile)} ${String(r.platform)}`;
    expect(rows.map(key).sort()).toEqual(fromReport.map(key).sort());
    const byKey = new Map(fromReport.map((r) => [key(r), r]));
    for (const row of rows) expect(row).toEqual(byKey.get(key(row)));
    // The dip is there: the ceo lost followers on day 6.
    expect(rows.some((r) => r.profile === 'ceo' && typeof r.daily_growth === 'number' && r.daily_growth < 0)).toBe(
      true,
    );
  });

  it('best-platform and weekly-summary match the report over the last 7 days', async () => {
    const seven = await report(7);
    const best = rowsAsObjects(JSON.parse((await local(['--query', 'best-platform', '--format', 'json'])).stdout));
    for (const profile of seven.profiles) {
      const first = best.find((r) => r.profile === profile.profile && r.rank === 1)!;
      expect({ platform: first.platform, rate: first.avg_engagement_rate }).toEqual({
        platform: profile.best_performer!.platform,
        rate: profile.best_performer!.avg_engagement_rate,
      });
    }
    const weekly = rowsAsObjects(JSON.parse((await local(['--query', 'weekly-summary', '--format', 'json'])).stdout));
    const fromReport = seven.profiles.flatMap((p) =>
      p.weekly.map((w) => ({
        profile: p.profile,
        platform: w.platform,
        follower_growth: w.follower_growth,
        total_engagement: w.total_engagement,
        avg_engagement_rate: w.avg_engagement_rate,
        days_collected: w.days_collected,
      })),
    );
    expect(weekly).toEqual(fromReport);
  });

  it('--list names and describes every named query', async () => {
    const run = await local(['--list']);
    expect(run.code).toBe(0);
    for (const query of namedQueries()) expect(run.stdout).toContain(`${query.name}\n  ${query.description}\n`);
    expect(namedQueries().map((q) => q.name)).toEqual(
      expect.arrayContaining(['daily-growth', 'best-platform', 'weekly-summary', 'daily-growth-all-profiles']),
    );
  });

  it('ships the documented dashboard queries unchanged', () => {
    const docs = readFileSync(path.resolve(__dirname, '../../../../docs/metrics.md'), 'utf8');
    const block = /## Dashboard queries[\s\S]*?```sql\n([\s\S]*?)```/.exec(docs)![1];
    for (const name of ['daily-growth-all-profiles', 'best-platform-all-profiles', 'weekly-summary-all-profiles']) {
      const query = namedQueries().find((q) => q.name === name)!;
      expect(block).toContain(query.sql);
    }
  });

  it('the documented dashboard queries run unchanged, and add the profiles up as documented', async () => {
    const run = await local(['--query', 'weekly-summary-all-profiles', '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as SqlResult;
    expect(result.columns.map((c) => c.name)).toEqual([
      'platform',
      'follower_growth',
      'total_engagement',
      'avg_engagement_rate',
    ]);
    expect(result.rows).toHaveLength(7);
  });
});

/** Row counts and a checksum of every table of the schema. */
async function fingerprint(): Promise<Record<string, string>> {
  const { rows } = await db.client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const result: Record<string, string> = {};
  for (const { name } of rows) {
    const { rows: sums } = await db.client.query<{ n: number; sum: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum FROM "${name}" t`,
    );
    result[name] = `${sums[0].n} ${sums[0].sum}`;
  }
  return result;
}

describe('refusals, through both doors', () => {
  let ownerPid: number;
  beforeAll(async () => {
    ownerPid = (await db.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  });

  const refused = () => [
    'DROP TABLE social_media_analytics',
    'UPDATE social_media_analytics SET followers_count = 0',
    `COPY (SELECT 1) TO PROGRAM 'touch /tmp/tracker-sql-escaped'`,
    'SET ROLE tracker_collector',
    `SELECT pg_terminate_backend(${ownerPid})`,
    'SELECT 1; DELETE FROM social_media_analytics',
    'WITH gone AS (DELETE FROM social_media_analytics RETURNING 1) SELECT count(*) FROM gone',
    `SELECT set_config('transaction_read_only', 'off', true)`,
    `SELECT pg_read_file('/etc/passwd')`,
    'CREATE TABLE intruder AS SELECT 1',
    // Statements hidden from a reading of the text that took é$$ for a dollar quote: PostgreSQL gets one statement
    // at a time (extended protocol) whatever the reading.
    "SELECT 1 AS é$$; COMMIT; BEGIN READ WRITE; ALTER ROLE tracker_reader PASSWORD 'pwned'; COMMIT; SELECT 1 AS é$$",
    "SELECT $é$'$é$; COMMIT; SELECT lo_from_bytea(0, 'x'); SELECT $é$'$é$",
    '/* /* */ SHOW */ DO $$ BEGIN PERFORM 1; END $$',
  ];

  it('refuses each with exit 2 and a clear message, and changes nothing', async () => {
    const before = await fingerprint();
    expect(Number(before.social_media_analytics.split(' ')[0])).toBe(DAYS * PROFILES.length * 7);
    for (const sql of refused()) {
      const run = await local([sql]);
      expect([sql, run.code]).toEqual([sql, 2]);
      expect(run.stderr).toMatch(/^Error: (Refused|Only reads run here|One statement at a time)/m);
      const answer = await remote(sql);
      expect([sql, answer.result]).toEqual([sql, 'ayrshare-analytics-tracker-sql-refused']);
    }
    expect(await fingerprint()).toEqual(before);
    // The reader's password is still the one its secret holds, and no large object was written.
    const reader = new URL(readerUrl);
    const { rows: objects } = await db.client.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata');
    expect(objects).toEqual([{ n: 0 }]);
    expect(decodeURIComponent(reader.password)).toBe(TEST_ROLE_PASSWORDS.tracker_reader);
    expect((await local(['SELECT 1 AS still_in', '--format', 'json'])).code).toBe(0);
    // The server is still there for the owner, and nothing ran a program.
    expect((await db.client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    expect(existsSync('/tmp/tracker-sql-escaped')).toBe(false);
  });

  it('runs as the read-only role in a read-only transaction', async () => {
    const sql = `SELECT current_user AS role, current_setting('transaction_read_only') AS read_only`;
    const run = await local([sql, '--format', 'json']);
    expect((JSON.parse(run.stdout) as SqlResult).rows).toEqual([['tracker_reader', 'on']]);
    expect(((await remote(sql)) as SqlResult).rows).toEqual([['tracker_reader', 'on']]);
  });
});

describe('limits, stated when they cut', () => {
  it('cuts at the row cap and says so', async () => {
    const run = await local(['SELECT * FROM social_media_analytics', '--max-rows', '3', '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\r\n')).toHaveLength(4);
    expect(run.stderr).toContain('Cut at 3 rows (row cap)');
    const answer = (await remote('SELECT * FROM social_media_analytics', 3)) as SqlResult;
    expect({ rows: answer.rows.length, truncated: answer.truncated }).toEqual({ rows: 3, truncated: true });
    const all = (await remote('SELECT count(*) AS n FROM social_media_analytics', 3)) as SqlResult;
    expect(all.truncated).toBe(false);
  });

  it('stops at the byte budget through the function, and says so', async () => {
    const answer = (await remote(`SELECT repeat('x', 1000000) AS big FROM generate_series(1, 20)`, 100)) as SqlResult;
    expect(answer.truncated).toBe(true);
    expect(answer.cutBy).toBe('bytes');
    expect(answer.rows.length).toBeLessThan(20);
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(6 * 1024 * 1024);
  });

  it('answers a timeout through the function as a failure for the person, not a function error', async () => {
    const handlers = buildHandlers({ databaseCa: process.env.TEST_PG_CA });
    const answer = await handlers.collect(
      { action: 'sql', sql: 'SELECT pg_sleep(3)', maxRows: 10, timeoutMs: 1_000 },
      lambdaContext(),
    );
    expect(answer).toMatchObject({
      result: 'ayrshare-analytics-tracker-sql-failed',
      message: expect.stringContaining('stopped after 1 s'),
    });
    const invalid = await handlers.collect({ action: 'sql', sql: '' }, lambdaContext());
    expect(invalid).toMatchObject({ result: 'ayrshare-analytics-tracker-sql-refused' });
  });

  it('keeps one deadline for the whole answer, even when a row turns the timeout off or every batch sleeps', async () => {
    const sneaky =
      `SELECT CASE WHEN g = 1 THEN set_config('statement_timeout', '0', true) ELSE pg_sleep(2)::text END ` +
      'FROM generate_series(1, 3) g';
    const slowBatches =
      'SELECT g, pg_sleep(CASE WHEN g IN (1, 2, 4, 8) THEN 0.4 ELSE 0 END) FROM generate_series(1, 20) g';
    for (const sql of [sneaky, slowBatches]) {
      const started = Date.now();
      const run = await local([sql, '--timeout', '1']);
      expect([sql, run.code]).toEqual([sql, 1]);
      expect(run.stderr).toContain('stopped after 1 s (statement timeout)');
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    const answer = await buildHandlers({ databaseCa: process.env.TEST_PG_CA }).collect(
      { action: 'sql', sql: sneaky, maxRows: 10, timeoutMs: 1_000 },
      lambdaContext(),
    );
    expect(answer).toMatchObject({ result: 'ayrshare-analytics-tracker-sql-failed' });
  });

  it('stops wide rows on the way in: a narrow first row does not let a hundred wide ones through', async () => {
    const answer = (await remote(
      `SELECT CASE WHEN g = 1 THEN 'x' ELSE repeat('x', 2000000) END AS v FROM generate_series(1, 101) g`,
      1_000,
    )) as SqlResult;
    expect(answer).toMatchObject({ truncated: true, cutBy: 'bytes' });
    expect(Buffer.byteLength(JSON.stringify(answer))).toBeLessThan(6 * 1024 * 1024);
    // One value wider than a whole answer may be: refused on the way in, said plainly, nothing else harmed.
    const huge = await remote(`SELECT repeat('x', 30000000) AS v`);
    expect(huge).toMatchObject({
      result: 'ayrshare-analytics-tracker-sql-failed',
      message: expect.stringContaining('One row of the answer is larger than an answer may be (5 MB)'),
    });
    expect(((await remote('SELECT 1 AS fine')) as SqlResult).rows).toEqual([[1]]);
  });

  it('stops a statement at the timeout and says so (exit 1: nothing was wrong with it but its time)', async () => {
    const run = await local(['SELECT pg_sleep(5)', '--timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stopped after 1 s (statement timeout)');
  });

  it('writes CSV for a spreadsheet: text quoted, numbers bare, --out to a file', async () => {
    const run = await local([
      `SELECT 'brand' AS profile, 12 AS n, '=1+1' AS formula, NULL::int AS nothing`,
      '--format',
      'csv',
    ]);
    expect(run.stdout).toBe(`"profile","n","formula","nothing"\r\n"brand",12,"'=1+1",\r\n`);
  });
});

describe('sql --remote prints what the function said, for each kind of answer', () => {
  const cli = (args: string[]) => runCliCaptured(['sql', '--remote', ...args], {});

  it('a result: the rows, exit 0', async () => {
    const run = await cli(['SELECT 41 + 1 AS answer', '--format', 'json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(rowsAsObjects(result)).toEqual([{ answer: 42 }]);
    expect(result.truncated).toBe(false);
  });

  it("a refusal: the function's message, exit 2", async () => {
    // Past the CLI's own check (one read statement), refused by the read-only role in the database.
    const run = await cli(["SELECT pg_read_file('/etc/passwd')"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Error: .*permission denied|Error: .*not allowed|Error: .*refused/i);
    expect(run.stdout).toBe('');
  });

  it("a timeout: the function's message and hint, exit 1", async () => {
    const run = await cli(['SELECT pg_sleep(3)', '--timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error: .*stopped after 1 s/);
    expect(run.stderr).not.toMatch(/did not answer with a SQL result|deploy this version/i);
  });
});

describe('a DATABASE_URL behind this version', () => {
  it('is refused before any statement, with what to run, and left as it was (sql only reads)', async () => {
    const empty = await createTestDatabase('sql-behind');
    try {
      const run = await runCliCaptured(['sql', 'SELECT 1 AS one'], { DATABASE_URL: empty.url });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/behind this version: \d+ migration\(s\) not applied/);
      expect(run.stderr).toContain('Run `ayrshare-tracker migrate` with a DATABASE_URL of the database owner');
      expect(run.stdout).toBe('');
      const table = await empty.client.query<{ t: string | null }>(`SELECT to_regclass('pgmigrations')::text AS t`);
      expect(table.rows[0].t).toBeNull();
    } finally {
      await empty.drop();
    }
  });
});
