// Connection to the deployed RDS instance: TLS verified against the certificate authorities Node.js trusts, short
// connect timeouts, and a few retries with backoff for a database still waking up. In Lambda the function sets
// NODE_EXTRA_CA_CERTS to the runtime's own file of Amazon RDS authorities (/var/runtime/ca-cert.pem, kept current by
// AWS for every region), so nothing is bundled and a new region's CA needs no release of ours.
import type pg from 'pg';
import { connectDatabase } from '../storage/connection';
import type { DatabaseCredentials } from '../core/deployed-config';
import { errorCode, errorMessage, TrackerError } from '../core/errors';
import { silentLog, type Log } from '../core/log';

export interface RdsConnectOptions {
  credentials: DatabaseCredentials;
  timeZone: string;
  /** Trusted CAs instead of Node.js's (its store plus NODE_EXTRA_CA_CERTS); for tests. */
  ca?: string | string[];
  attempts?: number;
  /**
   * Keep trying for this long instead of `attempts` times: a database that economy mode is still starting. Past it,
   * a DatabaseUnavailableError says how long it waited.
   */
  waitMs?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  log?: Log;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the wait is measured on. @default Date.now */
  now?: () => number;
}

/** The database did not accept a connection within the wait: asleep, still starting, or unreachable. */
export class DatabaseUnavailableError extends TrackerError {
  constructor(waitedMs: number, lastError: string) {
    super(
      `The database did not accept a connection within ${Math.round(waitedMs / 1000)} s (last error: ${lastError}).`,
      'In economy mode it is started by a schedule 20 minutes before the run: check it is not stopped or stuck ' +
        '(`npx ayrshare-tracker doctor --remote`); `npx ayrshare-tracker wake` starts it now. The day is recorded ' +
        'as missed by the next run that reaches the database.',
    );
    this.name = 'DatabaseUnavailableError';
  }
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
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;
  const started = now();
  const deadline = options.waitMs === undefined ? undefined : started + options.waitMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await connectDatabase({
        connection: rdsClientConfig(options.credentials, options.ca),
        timeZone: options.timeZone,
        connectTimeoutMs: options.connectTimeoutMs ?? 8_000,
        statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
      });
    } catch (error) {
      if (isPermanent(error)) throw error;
      // Backoff doubles from 1 s; while waiting for a waking database, it is at most 10 s and ends at the deadline.
      let pause = 1_000 * 2 ** (attempt - 1);
      if (deadline === undefined) {
        if (attempt >= attempts) throw error;
      } else {
        const remaining = deadline - now();
        if (remaining <= 0) throw new DatabaseUnavailableError(now() - started, errorMessage(error));
        pause = Math.min(pause, 10_000, remaining);
      }
      log.warn('Database connection failed; retrying', { attempt, error: errorMessage(error) });
      await sleep(pause);
    }
  }
}

/** A certificate that fails verification, or credentials PostgreSQL refuses (28xxx), fail again: do not retry. */
function isPermanent(error: unknown): boolean {
  const code = errorCode(error);
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|^28/.test(code);
}
