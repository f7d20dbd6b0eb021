// What the Lambda handler tests share: an invocation context, the database secret of a test database, and the
// function's environment as the stack sets it.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { TestDatabase } from './database';

export const ARNS = {
  ayrshareSecret: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:ayrshare-AbCdEf',
  databaseSecret: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:database-AbCdEf',
  topic: 'arn:aws:sns:us-east-1:111111111111:tracker-alerts',
};

export function lambdaContext(remainingMs = 300_000): Context {
  return {
    functionName: 'collector',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:collector',
    memoryLimitInMB: '512',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/collector',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
}

/** The secret RDS would generate, pointing at a test database. */
export function databaseSecretFor(db: TestDatabase): Record<string, unknown> {
  const url = new URL(db.url);
  return {
    engine: 'postgres',
    host: '127.0.0.1',
    port: Number(url.port),
    username: url.username,
    password: decodeURIComponent(url.password),
    dbname: db.name,
  };
}

/** Sets the collector's environment as lib/constructs/collector.ts does; `undefined` removes a variable. */
export function setFunctionEnvironment(baseUrl: string, extra: Record<string, string | undefined> = {}): void {
  const values: Record<string, string | undefined> = {
    AYRSHARE_SECRET_ARN: ARNS.ayrshareSecret,
    DATABASE_SECRET_ARN: ARNS.databaseSecret,
    ALERT_TOPIC_ARN: ARNS.topic,
    TRACKER_TIMEZONE: 'America/New_York',
    TRACKER_PLATFORMS: undefined,
    TRACKER_DIGEST_DAY: undefined,
    TRACKER_ANOMALY_THRESHOLD: undefined,
    TRACKER_CONCURRENCY: undefined,
    FANOUT_QUEUE_URL: undefined,
    TRACKER_FANOUT_ABOVE: undefined,
    TRACKER_FANOUT_CHUNK: undefined,
    AYRSHARE_BASE_URL: baseUrl,
    POWERTOOLS_METRICS_NAMESPACE: 'AyrshareTracker',
    ...extra,
  };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * Passwords of the tracker's database roles in tests. Roles belong to the whole server, which every test file shares,
 * so every file sets the same ones.
 */
export const TEST_ROLE_PASSWORDS = {
  tracker_collector: 'TEST-COLLECTOR-PASSWORD-7Qx',
  tracker_reader: 'TEST-READER-PASSWORD-3Kd',
};

/** A fully configured account's X app credentials in the Ayrshare secret (test values). */
export const TEST_X_SECRET_FIELDS = { xApiKey: 'TEST-X-API-KEY', xApiSecret: 'TEST-X-API-SECRET' };

/**
 * Answers GetSecretValue for the two secrets the collector reads (objects are sent as JSON, strings as they are). An
 * Ayrshare secret object without either X field gets the test X credentials, as a fully configured account has.
 */
export function putSecrets(
  secretsManager: AwsClientStub<SecretsManagerClient>,
  ayrshare: unknown,
  database: unknown,
): void {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const configured =
    ayrshare && typeof ayrshare === 'object' && !('xApiKey' in ayrshare) && !('xApiSecret' in ayrshare)
      ? { ...TEST_X_SECRET_FIELDS, ...ayrshare }
      : ayrshare;
  secretsManager
    .on(GetSecretValueCommand, { SecretId: ARNS.ayrshareSecret })
    .resolves({ SecretString: text(configured) });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: ARNS.databaseSecret })
    .resolves({ SecretString: text(database) });
}

/** Before each handler test: fresh mocks, both secrets answered, and SNS accepting every alert. */
export function resetAwsMocks(
  secretsManager: AwsClientStub<SecretsManagerClient>,
  sns: AwsClientStub<SNSClient>,
  ayrshare: unknown,
  database: unknown,
): void {
  secretsManager.reset();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  putSecrets(secretsManager, ayrshare, database);
}
