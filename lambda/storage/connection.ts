// node-postgres connections: BIGINT and NUMERIC come back as JavaScript numbers (exact up to 2^53, which every
// stored count respects), and the session time zone is the tracker's, so CURRENT_DATE means the same day as `date`.
import pg from 'pg';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => (value === null ? null : Number(value));
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface ConnectOptions {
  /** A connection string, or a full node-postgres config (the Lambda passes TLS settings this way). */
  connection: string | pg.ClientConfig;
  timeZone: string;
  /** Give up connecting after this long. */
  connectTimeoutMs?: number;
  /** Abort any single statement after this long. */
  statementTimeoutMs?: number;
}

/** Opens one connection; the caller ends it in `finally`. */
export async function connectDatabase(options: ConnectOptions): Promise<pg.Client> {
  const base: pg.ClientConfig =
    typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection;
  const client = new pg.Client({
    ...base,
    types,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: 'ayrshare-tracker',
  });
  // A connection that drops between queries must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`SELECT set_config('TimeZone', $1, false)`, [options.timeZone]);
  return client;
}

/** Runs `work` in one transaction: all of it is committed, or none. */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
