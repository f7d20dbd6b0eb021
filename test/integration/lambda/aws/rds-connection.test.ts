// The connection to the deployed database, against the run's real PostgreSQL serving TLS with a throwaway CA.
import { connectToRds, rdsClientConfig } from '../../../../lambda/aws/rds-connection';
import { parseDatabaseSecret } from '../../../../lambda/core/deployed-config';
import { createTestDatabase, type TestDatabase } from '../../../support/database';
import { databaseSecretFor } from '../../../support/lambda';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('rds');
});
afterAll(async () => {
  await db.drop();
});

const credentials = () => parseDatabaseSecret(JSON.stringify(databaseSecretFor(db)));

describe('the connection to RDS', () => {
  it('verifies the server certificate against the authorities Node.js trusts, and never turns it off', () => {
    // No `ca`: Node.js's store plus NODE_EXTRA_CA_CERTS, which the deployed function points at the runtime's RDS CAs.
    expect(rdsClientConfig(credentials()).ssl).toEqual({ rejectUnauthorized: true });
    expect(rdsClientConfig(credentials(), 'PEM').ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true });
  });

  it('connects over verified TLS to a server its CA signed, in the tracker time zone', async () => {
    const client = await connectToRds({
      credentials: credentials(),
      timeZone: 'Europe/Berlin',
      ca: process.env.TEST_PG_CA,
    });
    try {
      const { rows } = await client.query<{ ssl: boolean; zone: string }>(
        `SELECT ssl, current_setting('TimeZone') AS zone FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
      );
      expect(rows).toEqual([{ ssl: true, zone: 'Europe/Berlin' }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a server whose certificate no trusted authority signed, at once and without retrying', async () => {
    const waits: number[] = [];
    await expect(
      connectToRds({
        credentials: credentials(),
        timeZone: 'UTC',
        attempts: 3,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toThrow(/self[- ]signed certificate|unable to verify/i);
    expect(waits).toEqual([]);
  });

  it('retries a refused connection with backoff, then gives up', async () => {
    const waits: number[] = [];
    const unreachable = { ...credentials(), port: 1 };
    await expect(
      connectToRds({
        credentials: unreachable,
        timeZone: 'UTC',
        ca: process.env.TEST_PG_CA,
        attempts: 3,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('does not retry a password PostgreSQL refuses', async () => {
    const waits: number[] = [];
    await expect(
      connectToRds({
        credentials: { ...credentials(), password: 'WRONG-PASSWORD' },
        timeZone: 'UTC',
        ca: process.env.TEST_PG_CA,
        attempts: 3,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toThrow(/password authentication failed/);
    expect(waits).toEqual([]);
  });
});
