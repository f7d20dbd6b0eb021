// Reports on a known data set in real PostgreSQL: the report_* views, `report` in every format (the numbers parse
// back the same), filters, the empty state, and `report --remote` through the deployed handler.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, dateInTimeZone } from '../../../../lambda/core/dates';
import { buildHandlers } from '../../../../lambda/handlers/index';
import type { ReportData } from '../../../../lambda/core/contracts';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured } from '../../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { lambdaContext } from '../../../support/lambda';
import { invokeAnswer } from '../../../support/deployment';
import { deployedFunction } from '../../../support/remote-function';

let db: TestDatabase;
let standIn: AyrshareStandIn;
const today = dateInTimeZone(new Date(), 'America/New_York');
const DAYS = Array.from({ length: 10 }, (_, i) => addDays(today, i - 9));
/** Days on which the "brand" profile was not collected: a two-day gap. */
const BRAND_GAP = [4, 5];
const outDir = mkdtempSync(path.join(os.tmpdir(), 'tracker-report-'));

function answerFor(day: number, twitterBase: number, twitterStep: number): Record<string, unknown> {
  const answer = loadFixture() as Record<string, { analytics: Record<string, number> }>;
  answer.twitter.analytics.followersCount = twitterBase + twitterStep * day;
  answer.tiktok.analytics.commentCountTotal = 1000 * (day + 1);
  answer.tiktok.analytics.videoCount = 10 + day;
  return answer;
}

beforeAll(async () => {
  db = await createTestDatabase('report');
  standIn = await startAyrshareStandIn();
  const env = { AYRSHARE_API_KEY: 'TEST-API-KEY-REPORT', AYRSHARE_BASE_URL: standIn.baseUrl, DATABASE_URL: db.url };
  for (const [day, date] of DAYS.entries()) {
    standIn.script({ body: answerFor(day, 11253, 7) });
    expect((await runCliCaptured(['collect', '--date', date], env)).code).toBe(0);
    if (BRAND_GAP.includes(day)) continue;
    standIn.script({ body: answerFor(day, 2000, 10) });
    const brand = await runCliCaptured(['collect', '--date', date], {
      ...env,
      AYRSHARE_PROFILE_NAME: 'brand',
      TRACKER_PLATFORMS: 'twitter,youtube',
    });
    expect(brand.code).toBe(0);
  }
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});

const report = (args: string[]) => runCliCaptured(['report', ...args], { DATABASE_URL: db.url });

describe('the report views', () => {
  it('report_daily_growth: growth and the days it spans, across the gap', async () => {
    const { rows } = await db.client.query(
      'SELECT date::text AS date, followers_count, daily_growth, days_since_previous FROM report_daily_growth ' +
        "WHERE profile = 'brand' AND platform = 'twitter' ORDER BY date",
    );
    expect(rows.map((r) => r.date)).toEqual(DAYS.filter((_, i) => !BRAND_GAP.includes(i)));
    expect(rows[0]).toEqual({ date: DAYS[0], followers_count: 2000, daily_growth: null, days_since_previous: null });
    expect(rows[4]).toEqual({ date: DAYS[6], followers_count: 2060, daily_growth: 30, days_since_previous: 3 });
    expect(rows[5]).toMatchObject({ daily_growth: 10, days_since_previous: 1 });
  });

  it('report_period_summary: first, last and growth over any window, per profile', async () => {
    const { rows } = await db.client.query(
      `SELECT * FROM report_period_summary(7) WHERE platform = 'twitter' ORDER BY profile`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        profile: 'brand',
        first_followers: 2030,
        last_followers: 2090,
        follower_growth: 60,
        days_collected: 5,
      }),
      expect.objectContaining({
        profile: 'primary',
        first_followers: 11253 + 21,
        last_followers: 11253 + 63,
        follower_growth: 42,
        days_collected: 7,
      }),
    ]);
    const all = await db.client.query(`SELECT sum(days_collected)::int AS n FROM report_period_summary(10)`);
    expect(all.rows[0].n).toBe(70 + 16);
  });

  it('report_best_platform: rank 1 per profile over N days, ties by total engagement', async () => {
    const { rows } = await db.client.query(
      `SELECT profile, platform, rank FROM report_best_platform(7) WHERE rank <= 2 ORDER BY profile, rank`,
    );
    expect(rows).toEqual([
      { profile: 'brand', platform: 'youtube', rank: 1 },
      { profile: 'brand', platform: 'twitter', rank: 2 },
      { profile: 'primary', platform: 'tiktok', rank: 1 },
      { profile: 'primary', platform: 'youtube', rank: 2 },
    ]);
  });

  it('report_weekly_summary and report_content_efficiency cover every stored row', async () => {
    const weeks = await db.client.query(
      `SELECT sum(days_collected)::int AS n FROM report_weekly_summary WHERE profile = 'primary' AND platform = 'twitter'`,
    );
    expect(weeks.rows[0].n).toBe(10);
    // Growth inside each calendar week, plus one day's +7 across each week boundary, is the whole ten days' +63.
    const growth = await db.client.query(
      'SELECT sum(follower_growth)::int AS inside, count(*)::int AS weeks FROM report_weekly_summary ' +
        "WHERE profile = 'primary' AND platform = 'twitter'",
    );
    expect(growth.rows[0].weeks).toBeGreaterThanOrEqual(2);
    expect(growth.rows[0].inside + 7 * (growth.rows[0].weeks - 1)).toBe(63);
    const efficiency = await db.client.query(`SELECT count(*)::int AS n FROM report_content_efficiency`);
    const direct = await db.client.query(
      `SELECT count(*)::int AS n FROM social_media_analytics WHERE content_efficiency IS NOT NULL`,
    );
    expect(efficiency.rows[0].n).toBe(direct.rows[0].n);
    expect(direct.rows[0].n).toBeGreaterThan(0);
  });
});

describe('ayrshare-tracker report', () => {
  it('prints tables that fit 80 columns, with the gap marked', async () => {
    const run = await report(['--days', '10']);
    expect(run.code).toBe(0);
    expect(Math.max(...run.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(run.stdout).toMatch(new RegExp(`^Growth report: ${DAYS[0]} to ${today} \\(10 days\\)\\n`));
    expect(run.stdout).toContain('Profile "primary": best performer tiktok (');
    expect(run.stdout).toMatch(/\ntwitter +11,316 +\+63 +- +- +- +10\/10\n/);
    // brand's twitter after the gap: +30 over 3 days, starred; the missing days are dots.
    const brand = run.stdout.split('Profile "brand"')[1].split('Profile "primary"')[0];
    expect(brand).toMatch(new RegExp(`\\n${DAYS[6]} +\\+30\\* +0\\*\\n`));
    expect(brand).toMatch(new RegExp(`\\n${DAYS[5]} +\\. +\\.\\n`));
    expect(brand).toContain('"*" across missing days');
  });

  it('answers JSON and CSV that parse back to the same numbers', async () => {
    const json = JSON.parse((await report(['--days', '10', '--format', 'json'])).stdout) as ReportData;
    expect(json).toMatchObject({
      report: 'ayrshare-analytics-tracker',
      version: 3,
      days: 10,
      from: DAYS[0],
      as_of: today,
    });
    expect(json.profiles.map((p) => p.profile)).toEqual(['brand', 'primary']);
    const primary = json.profiles[1];
    expect(primary.best_performer?.platform).toBe('tiktok');
    expect(primary.platforms.find((p) => p.platform === 'twitter')).toMatchObject({
      followers_count: 11316,
      follower_growth: 63,
      days_collected: 10,
    });
    expect(primary.weekly.find((w) => w.platform === 'twitter')).toMatchObject({
      follower_growth: 42,
      days_collected: 7,
    });

    const csv = (await report(['--days', '10', '--format', 'csv'])).stdout;
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    expect(header).toBe(
      'date,profile,platform,followers_count,daily_growth,days_since_previous,engagement_total,engagement_rate,' +
        'content_efficiency,engagement_rate_basis,retention_rate,refreshed',
    );
    const fromCsv = lines.map((line) => {
      // Text cells are quoted; these carry no comma, so splitting and unquoting is enough here.
      const cells = line.split(',').map((cell) => cell.replace(/^"(.*)"$/, '$1'));
      const value = (i: number) => (cells[i] === '' ? null : Number(cells[i]));
      return {
        date: cells[0],
        profile: cells[1],
        platform: cells[2],
        followers_count: value(3),
        daily_growth: value(4),
        days_since_previous: value(5),
        engagement_total: value(6),
        engagement_rate: value(7),
        content_efficiency: value(8),
        engagement_rate_basis: cells[9] === '' ? null : cells[9],
        retention_rate: value(10),
      };
    });
    const fromJson = json.profiles.flatMap((p) => p.daily.map((d) => ({ ...d, profile: p.profile })));
    expect(fromCsv).toHaveLength(70 + 16);
    expect(fromCsv).toEqual(
      fromJson.map((d) => ({
        date: d.date,
        profile: d.profile,
        platform: d.platform,
        followers_count: d.followers_count,
        daily_growth: d.daily_growth,
        days_since_previous: d.days_since_previous,
        engagement_total: d.engagement_total,
        engagement_rate: d.engagement_rate,
        content_efficiency: d.content_efficiency,
        engagement_rate_basis: d.engagement_rate_basis,
        retention_rate: d.retention_rate,
      })),
    );
  });

  it('filters by profile and platform', async () => {
    const json = JSON.parse(
      (await report(['--days', '10', '--format', 'json', '--profile', 'brand', '--platform', 'Twitter'])).stdout,
    ) as ReportData;
    expect(json.filters).toEqual({ profile: 'brand', platform: 'twitter' });
    expect(json.profiles).toHaveLength(1);
    expect(json.profiles[0].platforms.map((p) => p.platform)).toEqual(['twitter']);
    expect(json.profiles[0].daily).toHaveLength(8);
  });

  it('writes the format the --out file names, and prints its path', async () => {
    const out = path.join(outDir, 'nested', 'growth.html');
    const run = await report(['--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${out}\n`);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html.match(/data-chart="followers"/g)).toHaveLength(9);
  });

  it('says plainly when the window holds no data, in every format', async () => {
    const empty = await runCliCaptured(['report', '--platform', 'threads', '--profile', 'brand'], {
      DATABASE_URL: db.url,
    });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(
      /No snapshots between .* for profile "brand", threads yet\. Run `ayrshare-tracker collect`/,
    );
    const html = await runCliCaptured(['report', '--profile', 'nobody', '--format', 'html'], { DATABASE_URL: db.url });
    expect(html.stdout).toContain('data-empty="true"');
    expect(JSON.parse((await report(['--profile', 'nobody', '--format', 'json'])).stdout).profiles).toEqual([]);
  });

  it.each([
    [['--format', 'docx'], /--format must be one of table, json, csv, html, pdf \(got "docx"\)/],
    [['--format', 'pdf'], /A PDF is not printed to the terminal: name a file with --out/],
    [['--format', 'csv', '--table', 'weekly'], /--table must be one of daily, comparison, top-posts \(got "weekly"\)/],
    [['--format', 'pdf', '--out', 'x.pdf', '--paper', 'a3'], /--paper must be one of a4, letter \(got "a3"\)/],
    [['--paper', 'letter'], /--paper goes with --format pdf/],
    [['--platform', 'myspace'], /--platform must be one of facebook/],
    [['--days', '0'], /--days must be a whole number from 1 to 3660/],
    [['--stack', 'X'], /--stack, --region and --wake go with --remote/],
  ])('exits 2 on %p', async (args, message) => {
    const run = await report(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('ayrshare-tracker report --remote', () => {
  const deployed = deployedFunction();
  const lambda = deployed.lambda;
  const secretsManager = mockClient(SecretsManagerClient);
  const DATABASE_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:database-Report1';

  beforeEach(() => {
    deployed.reset();
    secretsManager.reset();
    const url = new URL(db.url);
    secretsManager.on(GetSecretValueCommand, { SecretId: DATABASE_ARN }).resolves({
      SecretString: JSON.stringify({
        host: '127.0.0.1',
        port: Number(url.port),
        username: url.username,
        password: decodeURIComponent(url.password),
        dbname: db.name,
      }),
    });
    Object.assign(process.env, { DATABASE_SECRET_ARN: DATABASE_ARN, TRACKER_TIMEZONE: 'America/New_York' });
    // The deployed function, for real: the handler as bundled, reading the database over verified TLS.
    deployed.serve();
  });

  it('prints the same report as the local database gives', async () => {
    const remote = await runCliCaptured(['report', '--remote', '--days', '10', '--format', 'json'], {});
    expect(remote.code).toBe(0);
    expect(remote.stderr).toContain(
      'Asking the deployed collector of stack AyrshareAnalyticsTracker for the report...',
    );
    const local = JSON.parse((await report(['--days', '10', '--format', 'json'])).stdout) as ReportData;
    const { generated_at: _g1, ...remoteData } = JSON.parse(remote.stdout) as ReportData;
    const { generated_at: _g2, ...localData } = local;
    expect(remoteData).toEqual(localData);
    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input).toMatchObject({
      FunctionName: 'tracker-collect',
      InvocationType: 'RequestResponse',
    });
  });

  it('renders the remote report as a table too', async () => {
    const remote = await runCliCaptured(['report', '--remote', '--platform', 'twitter'], {});
    expect(remote.stdout).toMatch(/Profile "primary": best performer none/);
  });

  it('names the stack when it has no collector output, and the cause when AWS refuses', async () => {
    const missing = await runCliCaptured(['report', '--remote', '--stack', 'Other'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Could not read the stack "Other": .*\n {2}Use AWS credentials of the account/);
    lambda.on(InvokeCommand).rejects(new Error('User is not authorized to perform: lambda:InvokeFunction'));
    const refused = await runCliCaptured(['report', '--remote'], {});
    expect(refused.stderr).toMatch(/Could not invoke tracker-collect: User is not authorized/);
  });

  it('passes on what the function says when it cannot build the report', async () => {
    // The function cannot reach its database: Lambda answers with a FunctionError, the CLI says so and exits 1.
    secretsManager.on(GetSecretValueCommand, { SecretId: DATABASE_ARN }).resolves({
      SecretString: JSON.stringify({ host: '127.0.0.1', port: 1, username: 'u', password: 'p', dbname: 'd' }),
    });
    const run = await runCliCaptured(['report', '--remote'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Error: The deployed function could not build the report: connect ECONNREFUSED 127\.0\.0\.1:1\n {2}Its log group has the details/,
    );
    // A malformed request is refused by the function with a message naming the field.
    const bad = await buildHandlers({ databaseCa: process.env.TEST_PG_CA })
      .collect({ action: 'report', days: 0 } as never, lambdaContext())
      .catch((error: Error) => error.message);
    expect(bad).toMatch(/^Invalid report request: days /);
  }, 20_000);

  it('refuses an answer that is not a report of this version, naming what is off', async () => {
    // An older or foreign function: the answer is decoded with the report's contract, not cast.
    const answer = { report: 'ayrshare-analytics-tracker', version: 1, profiles: 'none' };
    lambda.on(InvokeCommand).resolves(invokeAnswer(answer));
    const run = await runCliCaptured(['report', '--remote'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/answered "report" in a form this version does not know \(generated_at /);
    expect(run.stderr).toMatch(/The stack and this command are different versions\. Deploy this version/);
  });
});
