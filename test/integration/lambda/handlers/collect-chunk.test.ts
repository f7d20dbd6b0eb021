// Fan-out through SQS: a scheduled run with more profiles than the threshold is split into chunk messages; each
// chunk is collected by the same handler; the last chunk assembles the run and alerts once. SQS itself is mocked
// (there is no local equivalent); the messages the dispatcher sent are fed back to the handler as SQS events.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers, type DispatchSummary } from '../../../../lambda/handlers/index';
import type { ChunkMessage } from '../../../../lambda/core/schemas';
import { loadFixture, type AyrshareStandIn, type RecordedRequest } from '../../../support/ayrshare-stand-in';
import { resetMigratedSchema, type TestDatabase } from '../../../support/database';
import { useDatabaseAndStandIn } from '../../../support/fixtures';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111111111111/tracker-chunks';
const PROFILES = Array.from({ length: 7 }, (_, i) => ({
  name: `client-${i + 1}`,
  profileKey: `KEY-CLIENT-${1000 + i}`,
}));
const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

let db: TestDatabase;
let standIn: AyrshareStandIn;

useDatabaseAndStandIn('fanout', (database, ayrshare) => {
  db = database;
  standIn = ayrshare;
});
beforeEach(async () => {
  await resetMigratedSchema(db.client);
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-KEY-FANOUT', profiles: PROFILES }, databaseSecretFor(db));
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  setFunctionEnvironment(standIn.baseUrl, {
    TRACKER_DIGEST_DAY: 'off',
    FANOUT_QUEUE_URL: QUEUE_URL,
    TRACKER_FANOUT_ABOVE: '4',
    TRACKER_FANOUT_CHUNK: '3',
  });
  // client-5 is refused, so the run is partial and has something to alert about.
  standIn.script((request: RecordedRequest) =>
    request.headers['profile-key'] === 'KEY-CLIENT-1004'
      ? { status: 403, body: { status: 'error', code: 146, message: 'User profile suspended' } }
      : { body: loadFixture() },
  );
});

const handler = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } }).collect;
const sent = (): ChunkMessage[] =>
  sqs
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)));
const sqsEvent = (message: ChunkMessage, id = `message-${message.chunk}`): SQSEvent =>
  ({
    Records: [
      {
        messageId: id,
        receiptHandle: 'r',
        body: JSON.stringify(message),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:tracker-chunks',
        awsRegion: 'us-east-1',
      },
    ],
  }) as SQSEvent;
const alerts = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const rowsFor = async () =>
  (
    await db.client.query(
      `SELECT profile, count(*)::int AS n FROM social_media_analytics GROUP BY profile ORDER BY profile`,
    )
  ).rows;

describe('fan-out', () => {
  it('dispatches chunks instead of collecting when the profiles pass the threshold', async () => {
    const answer = (await handler()({ scheduledTime: '2026-07-01T10:00:00Z' }, lambdaContext())) as DispatchSummary;
    expect(answer).toEqual({ status: 'dispatched', date: '2026-07-01', profiles: 7, chunks: 3 });
    expect(standIn.requests).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0].args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(sent().map((m) => [m.chunk, m.chunks, m.profiles])).toEqual([
      [0, 3, ['client-1', 'client-2', 'client-3']],
      [1, 3, ['client-4', 'client-5', 'client-6']],
      [2, 3, ['client-7']],
    ]);
    expect(
      sent().every((m) => m.date === '2026-07-01' && m.trigger === 'schedule' && m.action === 'collect-chunk'),
    ).toBe(true);
    // No key travels through SQS: chunks name profiles, the consumer reads the keys from the secret.
    expect(JSON.stringify(sent())).not.toMatch(/KEY-CLIENT/);
  });

  it('collects every chunk, and alerts once, when the last chunk finishes, with the whole run', async () => {
    await handler()({ scheduledTime: '2026-07-01T10:00:00Z' }, lambdaContext());
    const [first, second, third] = sent();
    expect(await handler()(sqsEvent(first), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler()(sqsEvent(third), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(alerts()).toEqual([]);
    // SQS delivers the first chunk again: same rows, no alert yet.
    await handler()(sqsEvent(first, 'message-0-again'), lambdaContext());
    expect(alerts()).toEqual([]);
    await handler()(sqsEvent(second), lambdaContext());
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0].Subject).toBe('Ayrshare tracker: 7 of 49 platform(s) failed on 2026-07-01');
    expect(alerts()[0].Message).toContain('Profile "client-5": all 7 platforms');
    expect(await rowsFor()).toEqual(
      ['client-1', 'client-2', 'client-3', 'client-4', 'client-6', 'client-7'].map((profile) => ({ profile, n: 7 })),
    );
    // A late redelivery of a finished chunk never alerts twice.
    await handler()(sqsEvent(third, 'message-2-again'), lambdaContext());
    expect(alerts()).toHaveLength(1);
    const triggers = await db.client.query(
      `SELECT trigger, count(*)::int AS n FROM collection_runs GROUP BY trigger ORDER BY trigger`,
    );
    expect(triggers.rows).toEqual([
      { trigger: 'retry', n: 4 },
      { trigger: 'schedule', n: 7 },
    ]);
  });

  it('returns a failed chunk to SQS (batch item failure) when it cannot be collected, and alerts nothing yet', async () => {
    await handler()({ scheduledTime: '2026-07-01T10:00:00Z' }, lambdaContext());
    resetAwsMocks(
      secretsManager,
      sns,
      { apiKey: 'TEST-KEY-FANOUT', profiles: PROFILES },
      { ...databaseSecretFor(db), password: 'WRONG-PASSWORD-99' },
    );
    const answer = await handler()(sqsEvent(sent()[0], 'm-fails'), lambdaContext());
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-fails' }] });
    expect(alerts()).toEqual([]);
  });

  it('does not fan out below the threshold, nor without a queue', async () => {
    setFunctionEnvironment(standIn.baseUrl, {
      TRACKER_DIGEST_DAY: 'off',
      FANOUT_QUEUE_URL: QUEUE_URL,
      TRACKER_FANOUT_ABOVE: '7',
    });
    expect(await handler()({ date: '2026-07-02' }, lambdaContext())).toMatchObject({
      status: 'partial',
      date: '2026-07-02',
    });
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DIGEST_DAY: 'off', TRACKER_FANOUT_ABOVE: '1' });
    expect(await handler()({ date: '2026-07-03' }, lambdaContext())).toMatchObject({
      status: 'partial',
      date: '2026-07-03',
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
