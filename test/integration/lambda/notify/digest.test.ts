// The weekly digest on a fixed week (Monday 2026-11-09 to Sunday 2026-11-15), sent by the Monday run, once.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { addDays } from '../../../../lambda/core/dates';
import { digestPlanFor, weeklyDigestText, type DigestPlan } from '../../../../lambda/notify/digest';
import { loadReport } from '../../../../lambda/storage/reports';
import { buildHandlers } from '../../../../lambda/handlers/index';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { runCliCaptured } from '../../../support/cli';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { ARNS, databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const WEEK = Array.from({ length: 7 }, (_, i) => addDays('2026-11-09', i));
const MONDAY_RUN = '2026-11-16';

let db: TestDatabase;
let standIn: AyrshareStandIn;

function answerFor(day: number): Record<string, unknown> {
  const answer = loadFixture() as Record<string, any>;
  answer.twitter.analytics.followersCount = 11_000 + 5 * day;
  answer.instagram.analytics.followersCount = 1_500 - day;
  if (day === 2 || day === 3) answer.threads = { status: 'error', code: 272, message: 'Threads token expired' };
  return answer;
}

beforeAll(async () => {
  db = await createTestDatabase('digest');
  standIn = await startAyrshareStandIn();
  for (const [day, date] of WEEK.entries()) {
    standIn.script({ body: answerFor(day) });
    await runCliCaptured(['collect', '--date', date], {
      AYRSHARE_API_KEY: 'TEST-KEY-DIGEST',
      AYRSHARE_PROFILE_NAME: 'brand',
      AYRSHARE_BASE_URL: standIn.baseUrl,
      DATABASE_URL: db.url,
    });
  }
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-KEY-DIGEST', name: 'brand' }, databaseSecretFor(db));
  setFunctionEnvironment(standIn.baseUrl);
  await db.client.query('DELETE FROM weekly_digests');
  await db.client.query(`DELETE FROM social_media_analytics WHERE date = $1`, [MONDAY_RUN]);
  standIn.script({ body: answerFor(7) });
});

const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const collect = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } }).collect(
    { scheduledTime: `${MONDAY_RUN}T11:00:00Z` },
    lambdaContext(),
  );

describe('the weekly digest', () => {
  it('is due on the configured weekday and covers the seven days before it', () => {
    expect(digestPlanFor(MONDAY_RUN, 'monday')).toEqual({ weekStarting: '2026-11-09', weekEnding: '2026-11-15' });
    expect(digestPlanFor('2026-11-17', 'monday')).toBeUndefined();
    expect(digestPlanFor('2026-11-20', 'friday')).toEqual({ weekStarting: '2026-11-13', weekEnding: '2026-11-19' });
    expect(digestPlanFor(MONDAY_RUN, 'off')).toBeUndefined();
  });

  it('says growth per platform, the best performer and the days without a snapshot', async () => {
    const plan: DigestPlan = { weekStarting: '2026-11-09', weekEnding: '2026-11-15' };
    const digest = weeklyDigestText(plan, await loadReport(db.client, { days: 7, asOf: plan.weekEnding }), {
      profiles: ['brand'],
      platforms: ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'],
    });
    expect(digest.subject).toBe('Ayrshare tracker: weekly digest, 2026-11-09 to 2026-11-15');
    expect(digest.message).toBe(
      [
        'Your social accounts from 2026-11-09 to 2026-11-15.',
        '',
        'Profile "brand"',
        '  Best performer: tiktok, 121.43 % average engagement rate.',
        '  platform     followers   this week',
        '  facebook           587           0',
        '  instagram        1,494          -6',
        '  linkedin           500           0',
        '  threads          1,000           0',
        '  tiktok              34           0',
        '  twitter         11,030         +30',
        '  youtube             67           0',
        '',
        'Missing this week, and why:',
        '  brand / threads: no snapshot on 2026-11-11, 2026-11-12 (error 272: Threads token expired).',
        '',
        'Growth is last minus first follower count of the week. The full report: `ayrshare-tracker report --remote --format html`.',
      ].join('\n'),
    );
  });

  it('is published by the Monday run after its own result, once however often the run repeats', async () => {
    expect(await collect()).toMatchObject({ status: 'success', date: MONDAY_RUN });
    expect(published().map((p) => p.Subject)).toEqual(['Ayrshare tracker: weekly digest, 2026-11-09 to 2026-11-15']);
    expect(published()[0].TopicArn).toBe(ARNS.topic);
    await collect();
    expect(published()).toHaveLength(1);
  });

  it('is tried again by the next run when publishing it failed, and never fails the run', async () => {
    sns.on(PublishCommand).rejects(new Error('SNS is down'));
    expect(await collect()).toMatchObject({ status: 'success' });
    expect((await db.client.query('SELECT count(*)::int AS n FROM weekly_digests')).rows[0].n).toBe(0);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await collect();
    expect(published().map((p) => p.Subject)).toEqual([
      'Ayrshare tracker: weekly digest, 2026-11-09 to 2026-11-15',
      'Ayrshare tracker: weekly digest, 2026-11-09 to 2026-11-15',
    ]);
    expect((await db.client.query('SELECT week_ending::text AS w FROM weekly_digests')).rows).toEqual([
      { w: '2026-11-15' },
    ]);
  });

  it('is not sent when turned off, nor on other days', async () => {
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off' });
    await collect();
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'tuesday' });
    await collect();
    expect(published()).toEqual([]);
  });
});
