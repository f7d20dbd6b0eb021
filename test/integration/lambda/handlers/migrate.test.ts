// The migrate handler as deployed (the database owner's secret), the logins it gives the tracker's roles, and what
// those roles may and may not do on a real PostgreSQL: the collector runs a whole collection with its own login and
// cannot change the schema; the reader reads and cannot write, create, or reach secrets and server files.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { buildHandlers } from '../../../../lambda/handlers/index';
import { scramVerifier } from '../../../../lambda/storage/roles';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { createTestDatabase, resetSchema, type TestDatabase } from '../../../support/database';
import {
  ARNS,
  databaseSecretFor,
  lambdaContext,
  resetAwsMocks,
  setFunctionEnvironment,
  TEST_ROLE_PASSWORDS,
} from '../../../support/lambda';
import { MIGRATION_NAMES } from '../../../support/migrations';

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const COLLECTOR_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:collector-AbCdEf';
const READER_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:reader-AbCdEf';
const { tracker_collector: COLLECTOR_PASSWORD, tracker_reader: READER_PASSWORD } = TEST_ROLE_PASSWORDS;

let db: TestDatabase;
let standIn: AyrshareStandIn;
const context = lambdaContext();
const handlers = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });
const login = (username: string, password: string) => ({ ...databaseSecretFor(db), username, password });

beforeAll(async () => {
  db = await createTestDatabase('migrate');
  standIn = await startAyrshareStandIn();
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  setFunctionEnvironment(standIn.baseUrl, {
    TRACKER_DIGEST_DAY: 'off',
    COLLECTOR_SECRET_ARN: undefined,
    READER_SECRET_ARN: undefined,
  });
  resetAwsMocks(secretsManager, sns, { apiKey: 'TEST-KEY-MIGRATE', name: 'brand' }, databaseSecretFor(db));
  secretsManager
    .on(GetSecretValueCommand, { SecretId: COLLECTOR_ARN })
    .resolves({ SecretString: JSON.stringify(login('tracker_collector', COLLECTOR_PASSWORD)) });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: READER_ARN })
    .resolves({ SecretString: JSON.stringify(login('tracker_reader', READER_PASSWORD)) });
  await resetSchema(db.client);
});

/** A TLS connection as `username`, for what a role may do. */
async function connectAs(username: string, password: string): Promise<pg.Client> {
  const url = new URL(db.url);
  const client = new pg.Client({
    host: '127.0.0.1',
    port: Number(url.port),
    database: db.name,
    user: username,
    password,
    ssl: { ca: process.env.TEST_PG_CA, rejectUnauthorized: true },
  });
  await client.connect();
  return client;
}

/** The PostgreSQL error code a statement fails with ('' when it succeeds). */
async function refusal(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return '';
  } catch (error) {
    return String((error as { code?: string }).code);
  }
}

describe('the migrate handler', () => {
  it('applies the schema once; running it again applies nothing', async () => {
    const { migrate } = handlers();
    expect(await migrate({}, context)).toEqual({ applied: MIGRATION_NAMES, logins: [] });
    expect(await migrate({}, context)).toEqual({ applied: [], logins: [] });
    expect((await db.client.query(`SELECT to_regclass('social_media_analytics') AS t`)).rows[0].t).toBe(
      'social_media_analytics',
    );
  });

  it('fails (and so fails the deploy) when the database cannot be reached', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ARNS.databaseSecret })
      .resolves({ SecretString: JSON.stringify({ ...databaseSecretFor(db), password: 'WRONG-PASSWORD-123' }) });
    await expect(handlers().migrate({}, context)).rejects.toThrow(/password authentication failed/);
  });

  it('refuses a login secret that names another user, and gives no login', async () => {
    process.env.COLLECTOR_SECRET_ARN = COLLECTOR_ARN;
    secretsManager
      .on(GetSecretValueCommand, { SecretId: COLLECTOR_ARN })
      .resolves({ SecretString: JSON.stringify(login('tracker', COLLECTOR_PASSWORD)) });
    await expect(handlers().migrate({}, context)).rejects.toThrow(
      /The secret for the tracker_collector role names the user "tracker"/,
    );
  });
});

describe('the tracker roles, with the logins the migrate handler gives them', () => {
  beforeEach(async () => {
    process.env.COLLECTOR_SECRET_ARN = COLLECTOR_ARN;
    process.env.READER_SECRET_ARN = READER_ARN;
    const result = await handlers().migrate({}, context);
    expect(result.logins).toEqual(['tracker_collector', 'tracker_reader']);
  });

  it('never sends a password in clear: the server keeps the verifier, which the password alone opens', async () => {
    const { rows } = await db.client.query<{ rolname: string; rolpassword: string; rolcanlogin: boolean }>(
      `SELECT rolname, rolpassword, rolcanlogin FROM pg_authid WHERE rolname IN ('tracker_collector', 'tracker_reader')`,
    );
    for (const row of rows) {
      expect(row.rolcanlogin).toBe(true);
      expect(row.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    }
    await expect(connectAs('tracker_reader', 'WRONG-PASSWORD')).rejects.toThrow(/password authentication failed/);
    // The verifier RFC 5802 and RFC 7677 define, SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, worked
    // out apart from this code (Python's hashlib: PBKDF2-HMAC-SHA-256 of the password, 4096 rounds; StoredKey the
    // SHA-256 of its HMAC of "Client Key", ServerKey its HMAC of "Server Key"; all base64).
    const salt = Buffer.from('0123456789abcdef');
    expect(scramVerifier('a', salt)).toBe(
      'SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==' +
        '$L8gfk2vT/xsUcH5JAJH1MJzhhiPb7e10GqM/YzUrL4Y=:cFgyfg2244XE1OAqtpz+YSApH0ihf7BFHiSv7TA6MXU=',
    );
    expect(scramVerifier('b', salt)).toBe(
      'SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==' +
        '$NIJfrlwALnJp41PMcCItVgfIsA/USA3cyimtfCJjOuM=:mHAdKzUNI9QlvrzEPZST8/u3cHh5FByXnTL0dnrUFpw=',
    );
  });

  it('the collector runs a whole collection with its own login, and cannot change the schema', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ARNS.databaseSecret })
      .resolves({ SecretString: JSON.stringify(login('tracker_collector', COLLECTOR_PASSWORD)) });
    standIn.script({ body: loadFixture() });
    const summary = await handlers().collect({ date: '2026-03-14' }, context);
    expect(summary).toMatchObject({ status: 'success' });
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM social_media_analytics`);
    expect(rows[0].n).toBe(7);

    const collector = await connectAs('tracker_collector', COLLECTOR_PASSWORD);
    try {
      expect(await refusal(collector, 'SELECT count(*) FROM report_daily_growth')).toBe('');
      for (const sql of [
        'DROP TABLE social_media_analytics',
        'ALTER TABLE social_media_analytics ADD COLUMN x int',
        'CREATE TABLE intruder (id int)',
        'CREATE TEMP TABLE scratch (id int)',
        'TRUNCATE social_media_analytics',
        `INSERT INTO pgmigrations (name, run_on) VALUES ('fake', now())`,
        'DELETE FROM pgmigrations',
        `SELECT pg_read_file('/etc/passwd')`,
        'SET ROLE tracker_reader',
      ]) {
        expect([sql, await refusal(collector, sql)]).toEqual([sql, '42501']);
      }
    } finally {
      await collector.end();
    }
  });

  it('the reader reads tables and report views, and cannot write, create, or reach secrets and server files', async () => {
    const reader = await connectAs('tracker_reader', READER_PASSWORD);
    const ownerPid = (await db.client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    try {
      for (const table of ['social_media_analytics', 'report_daily_growth', 'report_weekly_summary', 'collection_runs'])
        expect([table, await refusal(reader, `SELECT * FROM ${table} LIMIT 1`)]).toEqual([table, '']);
      // Read-only by default: a write fails for the transaction mode (25006) even before privileges (42501).
      expect(await refusal(reader, `SHOW default_transaction_read_only`)).toBe('');
      expect((await reader.query('SHOW default_transaction_read_only')).rows[0].default_transaction_read_only).toBe(
        'on',
      );
      await reader.query('SET default_transaction_read_only = off');
      for (const sql of [
        `INSERT INTO social_media_analytics (date, profile, platform) VALUES ('2026-01-01', 'x', 'x')`,
        'UPDATE social_media_analytics SET followers_count = 0',
        'DELETE FROM social_media_analytics',
        'DROP TABLE social_media_analytics',
        'CREATE TABLE intruder (id int)',
        'CREATE TEMP TABLE scratch (id int)',
        'SELECT * FROM pg_authid',
        `SELECT pg_read_file('/etc/passwd')`,
        `SELECT pg_ls_dir('.')`,
        `COPY (SELECT 1) TO PROGRAM 'id'`,
        `COPY social_media_analytics TO '/tmp/out.csv'`,
        'SET ROLE tracker_collector',
        `SELECT pg_terminate_backend(${ownerPid})`,
      ]) {
        expect([sql, await refusal(reader, sql)]).toEqual([sql, '42501']);
      }
    } finally {
      await reader.end();
    }
  });
});

describe('the collector on a schema the deploy did not migrate', () => {
  it('refuses to run and says what to do, instead of migrating with a login that may not', async () => {
    standIn.script({ body: loadFixture() });
    await expect(handlers().collect({ date: '2026-03-14' }, context)).rejects.toThrow(
      /schema is behind this code: \d+ migration\(s\) not applied/,
    );
    expect((await db.client.query(`SELECT to_regclass('pgmigrations') AS t`)).rows[0].t).toBeNull();
  });
});
