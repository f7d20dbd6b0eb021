// The middy-wrapped Lambda handlers end to end: real PostgreSQL serving TLS, the loopback Ayrshare stand-in,
// and only the Secrets Manager and SNS clients mocked (aws-sdk-client-mock). What is the handler's own is here (the
// scheduled date, TLS, logs and metrics, the database's refusals); how a run fails when Ayrshare, the values or the
// configuration go wrong, with its alerts, is in test/integration/fault-matrix.test.ts.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers, collect as deployedCollect } from '../../../../lambda/handlers/index';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { createTestDatabase, resetMigratedSchema, type TestDatabase } from '../../../support/database';
import { ARNS, databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const API_KEY = 'TEST-API-KEY-LAMBDA';
const PROFILE_KEY = 'TEST-PROFILE-KEY-LAMBDA';
const { databaseSecret: DATABASE_ARN } = ARNS;

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

let db: TestDatabase;
let databaseSecret: Record<string, unknown>;
let standIn: AyrshareStandIn;
let stdout: string;
let writeSpy: jest.SpyInstance;

const context = lambdaContext();

beforeAll(async () => {
  db = await createTestDatabase('handler');
  databaseSecret = databaseSecretFor(db);
  standIn = await startAyrshareStandIn();
  setFunctionEnvironment(standIn.baseUrl);
});

afterAll(async () => {
  await standIn.close();
  await db.drop();
});

beforeEach(async () => {
  resetAwsMocks(secretsManager, sns, { apiKey: API_KEY, profileKey: PROFILE_KEY, name: 'brand' }, databaseSecret);
  await resetMigratedSchema(db.client);
  stdout = '';
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
});
afterEach(() => {
  writeSpy.mockRestore();
  // Logs and metrics never carry a key, whatever the test did.
  expect(stdout).not.toContain(API_KEY);
  expect(stdout).not.toContain(PROFILE_KEY);
  expect(stdout).not.toContain(String(databaseSecret.password));
});

/** The handlers exactly as deployed, except that they trust the test CA instead of the RDS CAs. */
const handlers = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });
const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);

describe('the collect handler', () => {
  it('stores the day of the scheduled time in the configured zone over verified TLS and returns the summary', async () => {
    standIn.script({ body: loadFixture() });
    // 03:30 UTC on 9 March is still 8 March in New York.
    const summary = await handlers().collect({ scheduledTime: '2026-03-09T03:30:00Z' }, context);
    expect(summary).toEqual({
      status: 'success',
      date: '2026-03-08',
      platforms_tracked: 7,
      total_followers: 14941,
      total_engagement: 1878,
      top_performer: 'tiktok',
      failed: [],
      // The stand-in lists no recent posts: each network's history stored, with none in it.
      posts: { stored: 0, networks: 7, failed: [] },
    });
    const { rows } = await db.client.query(
      `SELECT platform, profile, engagement_rate::float AS rate FROM social_media_analytics WHERE date = '2026-03-08' ORDER BY platform`,
    );
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.platform === 'tiktok')).toEqual({ platform: 'tiktok', profile: 'brand', rate: 121.43 });
    expect(standIn.requests[0].headers['profile-key']).toBe(PROFILE_KEY);
    expect(standIn.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(published()).toEqual([]);
    // Powertools Metrics flushed the heartbeat as EMF, in the namespace and dimensions the heartbeat alarm watches.
    const emf = stdout
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line))
      .find((blob) => 'SuccessfulRuns' in blob);
    expect(emf).toMatchObject({
      SuccessfulRuns: 1,
      PlatformsStored: 7,
      PlatformsFailed: 0,
      service: 'ayrshare-tracker',
    });
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'AyrshareTracker', Dimensions: [['service']] });
    expect(stdout).toMatch(/"function_request_id":"request-1"/);
    // One EMF document per platform, with profile and platform as dimensions: what the dashboard's searches find.
    const perPlatform = stdout
      .split('\n')
      .filter((line) => line.includes('"_aws"') && line.includes('"platform"'))
      .map((line) => JSON.parse(line));
    expect(perPlatform.map((blob) => blob.platform).sort()).toEqual([
      'facebook',
      'instagram',
      'linkedin',
      'threads',
      'tiktok',
      'twitter',
      'youtube',
    ]);
    const tiktok = perPlatform.find((blob) => blob.platform === 'tiktok');
    expect(tiktok).toMatchObject({
      profile: 'brand',
      service: 'ayrshare-tracker',
      Followers: 34,
      EngagementRate: 121.43,
      PlatformCollected: 1,
    });
    expect(tiktok).not.toHaveProperty('FollowerGrowth'); // the first snapshot has no growth: nothing is sent, not a zero
    expect(tiktok._aws.CloudWatchMetrics[0].Namespace).toBe('AyrshareTracker');
    expect([...tiktok._aws.CloudWatchMetrics[0].Dimensions[0]].sort()).toEqual(['platform', 'profile', 'service']);
    expect(perPlatform.find((blob) => blob.platform === 'twitter')).not.toHaveProperty('EngagementRate');
  });

  it('refuses a database whose certificate no authority it trusts signed', async () => {
    standIn.script({ body: loadFixture() });
    // The exported handler trusts Node.js's authorities (plus NODE_EXTRA_CA_CERTS, unset in this process); the test
    // server's CA is not one of them.
    await expect(deployedCollect({ date: '2026-03-13' }, context)).rejects.toThrow(
      /self[- ]signed certificate|unable to verify/i,
    );
    expect(published()[0].Message).toMatch(/self[- ]signed certificate|unable to verify/i);
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM social_media_analytics`);
    expect(rows[0].n).toBe(0);
  });

  it('alerts without the password when the database refuses the credentials', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: DATABASE_ARN })
      .resolves({ SecretString: JSON.stringify({ ...databaseSecret, password: 'WRONG-PASSWORD-123' }) });
    await expect(handlers().collect({ date: '2026-03-14' }, context)).rejects.toThrow(/password authentication failed/);
    expect(published()[0].Message).not.toContain('WRONG-PASSWORD-123');
  });
});
