// Economy mode's late database, end to end through the deployed collect handler: real PostgreSQL serving TLS,
// reached through a real TCP port that refuses connections until the "database" comes up (a proxy started late),
// or never does. The handler waits within TRACKER_DATABASE_WAIT_SECONDS, alerts with the reason when it gives up,
// and the next scheduled run records the lost day in the ledger.
import net from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandlers } from '../../../../lambda/handlers/index';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { createTestDatabase, resetMigratedSchema, type TestDatabase } from '../../../support/database';
import { databaseSecretFor, lambdaContext, resetAwsMocks, setFunctionEnvironment } from '../../../support/lambda';

const secretsManager = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const AYRSHARE = { apiKey: 'TEST-API-KEY-LATE', profileKey: 'TEST-PROFILE-KEY-LATE', name: 'brand' };

let db: TestDatabase;
let standIn: AyrshareStandIn;
let port: number;
let proxy: net.Server | undefined;
let stdout: string;
let writeSpy: jest.SpyInstance;
let errorSpy: jest.SpyInstance;

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** The database "comes up": from now on, `port` forwards to the real server. */
async function startProxy(target: number): Promise<void> {
  proxy = net.createServer((socket) => {
    const upstream = net.connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy!.listen(port, '127.0.0.1', resolve));
}

const handlers = () =>
  buildHandlers({ databaseCa: process.env.TEST_PG_CA, httpPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });
const context = lambdaContext();
/** Each day's invocation has its own request id (the same id twice is Lambda retrying one event). */
const dayContext = (id: string) => ({ ...lambdaContext(), awsRequestId: id });
const published = () => sns.commandCalls(PublishCommand).map((call) => String(call.args[0].input.Message));

beforeAll(async () => {
  db = await createTestDatabase('late');
  standIn = await startAyrshareStandIn();
});
afterAll(async () => {
  await standIn.close();
  await db.drop();
});
beforeEach(async () => {
  await resetMigratedSchema(db.client);
  port = await freePort();
  // The secret names the port in front of the database, not the database itself.
  resetAwsMocks(secretsManager, sns, AYRSHARE, { ...databaseSecretFor(db), port });
  standIn.script({ body: loadFixture() });
  stdout = '';
  // Logs, warnings included (on stderr), collected to assert on them.
  const capture = (chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  };
  writeSpy = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  errorSpy = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(async () => {
  writeSpy.mockRestore();
  errorSpy.mockRestore();
  if (proxy) await new Promise((resolve) => proxy!.close(resolve));
  proxy = undefined;
  expect(stdout).not.toContain(AYRSHARE.apiKey);
});

const realPort = () => Number(new URL(db.url).port);

describe('a database that economy mode is still waking', () => {
  it('is waited for: the run stores the day once it answers, after logging each refused attempt', async () => {
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DATABASE_WAIT_SECONDS: '30', TRACKER_DIGEST_DAY: 'off' });
    const run = handlers().collect({ scheduledTime: '2026-03-09T11:00:00Z' }, context);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await startProxy(realPort());
    const summary = await run;
    expect(summary).toMatchObject({ status: 'success', date: '2026-03-09', platforms_tracked: 7 });
    const { rows } = await db.client.query(`SELECT count(*)::int AS n FROM social_media_analytics`);
    expect(rows).toEqual([{ n: 7 }]);
    expect(stdout).toMatch(/Database connection failed; retrying.*ECONNREFUSED/);
    expect(published()).toEqual([]);
  });

  it('that never answers fails the run with the reason in the alert, and the next run records the lost day', async () => {
    // Day 1: the database is there.
    await startProxy(realPort());
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DATABASE_WAIT_SECONDS: '3', TRACKER_DIGEST_DAY: 'off' });
    await handlers().collect({ scheduledTime: '2026-03-09T11:00:00Z' }, context);
    await new Promise((resolve) => proxy!.close(resolve));
    proxy = undefined;

    // Day 2: it never comes within the wait.
    const started = Date.now();
    await expect(handlers().collect({ scheduledTime: '2026-03-10T10:00:00Z' }, dayContext('day-2'))).rejects.toThrow(
      /did not accept a connection within 3 s/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    const [alert] = published();
    expect(alert).toMatch(/2026-03-10/);
    expect(alert).toMatch(/did not accept a connection within 3 s.*ECONNREFUSED/s);
    expect(alert).toMatch(/economy mode/);

    // Day 3: back; the run records day 2 as failed for every platform, and the streaks count it.
    await startProxy(realPort());
    await handlers().collect({ scheduledTime: '2026-03-11T10:00:00Z' }, dayContext('day-3'));
    const runs = await db.client.query(
      `SELECT snapshot_date::text AS day, outcome, trigger FROM collection_runs ORDER BY snapshot_date, id`,
    );
    expect(runs.rows).toEqual([
      { day: '2026-03-09', outcome: 'success', trigger: 'schedule' },
      { day: '2026-03-10', outcome: 'error', trigger: 'schedule' },
      { day: '2026-03-11', outcome: 'success', trigger: 'schedule' },
    ]);
    const outcomes = await db.client.query(
      `SELECT outcome, error_class, message FROM platform_outcomes WHERE snapshot_date = '2026-03-10'`,
    );
    expect(outcomes.rows).toHaveLength(7);
    for (const row of outcomes.rows) {
      expect(row).toMatchObject({ outcome: 'failed', error_class: 'database' });
      expect(row.message).toMatch(/No run reached the database for 2026-03-10/);
    }
    expect(stdout).toMatch(/Recorded days that no run reached the database for/);
  });

  it('a manual run records nothing missed (only the schedule promises a run every day)', async () => {
    await startProxy(realPort());
    setFunctionEnvironment(standIn.baseUrl, { TRACKER_DATABASE_WAIT_SECONDS: '3', TRACKER_DIGEST_DAY: 'off' });
    await handlers().collect({ scheduledTime: '2026-03-09T11:00:00Z' }, context);
    await handlers().collect({ date: '2026-03-12' }, dayContext('manual'));
    const { rows } = await db.client.query(
      `SELECT DISTINCT snapshot_date::text AS day FROM collection_runs ORDER BY 1`,
    );
    expect(rows).toEqual([{ day: '2026-03-09' }, { day: '2026-03-12' }]);
  });
});
