// Connection to the deployed RDS instance: TLS verified against the certificate authorities Node.js trusts, short
// connect timeouts, and a few retries with backoff for a database still waking up. In Lambda the function sets
// NODE_EXTRA_CA_CERTS to the runtime's own file of Amazon RDS authorities (/var/runtime/ca-cert.pem, kept current by
// AWS for every region), so nothing is bundled and a new region's CA needs no release of ours.
import type pg from 'pg';
import { connectDatabase } from '../storage/connection';
import type { DatabaseCredentials } from '../core/deployed-config';
import { errorCode, errorMessage } from '../core/errors';
import { silentLog, type Log } from '../core/log';

export interface RdsConnectOptions {
  credentials: DatabaseCredentials;
  timeZone: string;
  /** Trusted CAs instead of Node.js's (its store plus NODE_EXTRA_CA_CERTS); for tests. */
  ca?: string | string[];
  attempts?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  log?: Log;
  sleep?: (ms: number) => Promise<void>;
}

export function rdsClientConfig(credentials: DatabaseCredentials, ca?: string | string[]): pg.ClientConfig {
  return {
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database: credentials.dbname,
    // Never `rejectUnauthorized: false`, never an sslmode in a connection string (it would replace this object).
    ssl: ca === undefined ? { rejectUnauthorized: true } : { ca, rejectUnauthorized: true },
  };
}

export async function connectToRds(options: RdsConnectOptions): Promise<pg.Client> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? silentLog;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await connectDatabase({
        connection: rdsClientConfig(options.credentials, options.ca),
        timeZone: options.timeZone,
        connectTimeoutMs: options.connectTimeoutMs ?? 8_000,
        statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
      });
    } catch (error) {
      if (attempt >= attempts || isPermanent(error)) throw error;
      log.warn('Database connection failed; retrying', { attempt, error: errorMessage(error) });
      await sleep(1_000 * 2 ** (attempt - 1));
    }
  }
}

/** A certificate that fails verification, or credentials PostgreSQL refuses (28xxx), fail again: do not retry. */
function isPermanent(error: unknown): boolean {
  const code = errorCode(error);
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|^28/.test(code);
}
