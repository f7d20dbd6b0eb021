// The `status` request (`ayrshare-tracker doctor --remote`) end to end: the handler as deployed, real PostgreSQL over
// TLS, the ledger written by a real collection and by recordRuns, only Secrets Manager and SNS mocked.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { FailedPlatform, RunRecord, StoredSnapshot } from '../../../../lambda/core/model';
import { buildHandlers } from '../../../../lambda/handlers/index';
import type { StatusAnswer } from '../../../../lambda/core/contracts';
import { recordRuns } from '../../../../lambda/storage/ledger';
import { migrateDatabase } from '../../../../lambda/storage/migrations';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { createTestDatabase, resetSchema, type TestDatabase } from '../../../support/database';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const context = lambdaContext();

let db: TestDatabase;
let standIn: AyrshareStandIn;
let writeSpy: jest.SpyInstance;

beforeAll(async () => {
  db = await createTestDatabase('status');
  standIn = await startAyrshareStandIn();
  setFunctionEnvironment(standIn.baseUrl);
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-API-KEY-STATUS', name: 'brand' }, databaseSecretFor(db));
  await resetSchema(db.client);
  // As the deploy's migrate step does: the collector itself only checks the schema.
  await migrateDatabase(db.client);
  // Powertools logs to stdout; keep the test output readable.
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => writeSpy.mockRestore());

const handlers = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });
const status = async () => (await handlers().collect({ action: 'status' }, context)) as StatusAnswer;

function attempt(profile: string, startedAt: string, overrides: Partial<RunRecord> = {}): RunRecord {
  const started = new Date(startedAt);
  return {
    profile,
    trigger: 'schedule',
    invocationId: `request-${profile}-${startedAt}`,
    startedAt: started,
    finishedAt: new Date(started.getTime() + 4_000),
    requests: 2,
    rateLimited: 0,
    rateLimit: {},
    ...overrides,
  };
}
const stored = (profile: string, platform: string) =>
  ({ profile, platform, left_out: [] }) as unknown as StoredSnapshot;
const failure = (profile: string, platform: string, reason: string): FailedPlatform => ({
  profile,
  platform,
  reason,
  error_class: 'platform_error',
});

describe('the status handler', () => {
  it('answers lastRun null on an empty ledger', async () => {
    expect(await status()).toEqual({ status: 'ayrshare-analytics-tracker', lastRun: null });
  });

  it('reads the outcome of a real scheduled collection, with the platform that was not stored', async () => {
    const answer = loadFixture();
    delete answer.threads;
    standIn.script({ body: answer });
    const summary = await handlers().collect({ scheduledTime: '2026-03-09T11:00:00Z' }, context);
    expect(summary).toMatchObject({ status: 'partial', date: '2026-03-09' });

    const { lastRun } = await status();
    expect(lastRun).toMatchObject({
      snapshot_date: '2026-03-09',
      trigger: 'schedule',
      outcome: 'partial',
      profiles: [{ profile: 'brand', outcome: 'partial' }],
      failures: [{ profile: 'brand', platform: 'threads', outcome: 'missing', error_class: 'not_linked' }],
    });
    expect(Date.parse(lastRun!.finished_at)).toBeGreaterThanOrEqual(Date.parse(lastRun!.started_at));
    expect(lastRun!.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('takes every profile’s latest attempt of the latest date: a retry supersedes, an older date does not count', async () => {
    // 8 March: both profiles failed. 9 March: brand stored, primary failed, then primary's retry stored.
    await recordRuns(
      db.client,
      {
        date: '2026-03-08',
        runs: [attempt('brand', '2026-03-08T11:00:00Z'), attempt('primary', '2026-03-08T11:00:00Z')],
      },
      [],
      [failure('brand', 'tiktok', 'token expired'), failure('primary', 'youtube', 'token expired')],
    );
    await recordRuns(
      db.client,
      {
        date: '2026-03-09',
        runs: [attempt('brand', '2026-03-09T10:00:00Z'), attempt('primary', '2026-03-09T10:00:01Z')],
      },
      [stored('brand', 'tiktok'), stored('primary', 'tiktok')],
      [failure('primary', 'youtube', 'YouTube refused the token')],
    );
    expect((await status()).lastRun).toMatchObject({
      snapshot_date: '2026-03-09',
      outcome: 'partial',
      started_at: '2026-03-09T10:00:00.000Z',
      finished_at: '2026-03-09T10:00:05.000Z',
      profiles: [
        { profile: 'brand', outcome: 'success' },
        { profile: 'primary', outcome: 'partial' },
      ],
      failures: [{ profile: 'primary', platform: 'youtube', message: 'YouTube refused the token' }],
    });

    await recordRuns(
      db.client,
      { date: '2026-03-09', runs: [attempt('primary', '2026-03-09T12:00:00Z', { trigger: 'manual' })] },
      [stored('primary', 'tiktok'), stored('primary', 'youtube')],
      [],
    );
    expect((await status()).lastRun).toMatchObject({
      snapshot_date: '2026-03-09',
      trigger: 'manual',
      outcome: 'success',
      finished_at: '2026-03-09T12:00:04.000Z',
      profiles: [
        { profile: 'brand', outcome: 'success' },
        { profile: 'primary', outcome: 'success' },
      ],
      failures: [],
    });
  });

  it('says error when no profile stored anything', async () => {
    await recordRuns(
      db.client,
      { date: '2026-03-10', runs: [attempt('brand', '2026-03-10T10:00:00Z')] },
      [],
      [failure('brand', 'tiktok', 'down')],
    );
    expect((await status()).lastRun).toMatchObject({ outcome: 'error', failures: [{ platform: 'tiktok' }] });
  });

  it('refuses a status request with anything else in it', async () => {
    await expect(handlers().collect({ action: 'status', days: 3 }, context)).rejects.toThrow(/Invalid status request/);
  });
});
