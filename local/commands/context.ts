// What every CLI command shares: the run context (output streams, clock, cleanups for Ctrl-C), exit codes, flag
// parsing and checks, progress on stderr, and the database a command works on (DATABASE_URL or the embedded server).
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { HttpPolicy } from '../../lambda/ayrshare/client';
import { dateInTimeZone, isIsoDate } from '../../lambda/core/dates';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS } from '../../lambda/core/defaults';
import { ConfigError, DatabaseError, errorMessage, TrackerError, UsageError } from '../../lambda/core/errors';
import type { Log } from '../../lambda/core/log';
import { isPlatform, KNOWN_PLATFORMS, type Platform } from '../../lambda/metrics/platforms';
import { connectDatabase } from '../../lambda/storage/connection';
import { migrateDatabase, pendingMigrations } from '../../lambda/storage/migrations';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../embedded-database';
import type { LocalEnvironment } from '../environment';
import { REPORT_FORMATS, type ReportFormat } from '../report-render';

export const EXIT = { success: 0, error: 1, usage: 2, partial: 3 } as const;

export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Clock for "today"; tests pin it. */
  now?: () => Date;
  /** Ayrshare client knobs (tests shorten the backoff). */
  httpPolicy?: HttpPolicy;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const MAIN_DATABASE = 'ayrshare_tracker';
export const DEMO_DATABASE = 'ayrshare_tracker_demo';
const MINIMUM_SERVER_VERSION = 140000;

export type Cleanup = () => Promise<void>;

/** A command in flight: its own cleanups (connections, the embedded server), so runs in one process never mix. */
export interface RunContext extends CliContext {
  cleanups: Set<Cleanup>;
}

/** Commands that run until Ctrl-C (`db`): there the signal ends them normally, with their own exit code. */
const stopWaiters = new Set<(signal: string) => void>();

/** Resolves with the signal's name when the user stops the command (SIGINT, SIGTERM). */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => stopWaiters.add(resolve));
}

/** Hands a signal to the commands waiting for it; false when none waits (the signal then interrupts). */
export function requestStop(signal: string): boolean {
  if (stopWaiters.size === 0) return false;
  for (const stop of [...stopWaiters]) {
    stopWaiters.delete(stop);
    stop(signal);
  }
  return true;
}

/** The cleanups of every command in flight, for Ctrl-C. */
export const inFlight = new Set<Set<Cleanup>>();

export async function runCleanups(cleanups: Set<Cleanup>): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch(() => undefined);
  }
}

/**
 * Connects to DATABASE_URL, or to a database of the embedded server under .data/; applies pending migrations
 * first; closes everything afterwards, whatever happens.
 */
export async function withDatabase<T>(
  env: LocalEnvironment,
  database: string,
  context: RunContext,
  work: (db: pg.Client, appliedMigrations: string[], embedded?: EmbeddedDatabase) => Promise<T>,
  options: {
    /** Only reads: a DATABASE_URL is not migrated (its user may be read-only), only checked to be current. */
    readOnly?: boolean;
    /** The embedded server's port (`db --port`); a free one when unset. */
    port?: number;
    /** `db`: other commands use this server while it runs. */
    share?: boolean;
  } = {},
): Promise<T> {
  const progress = progressWriter(context);
  let connection = env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!connection) {
    embedded = await openEmbeddedDatabase({
      port: options.port,
      baseDir: env.TRACKER_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'),
      progress,
      share: options.share,
    });
    const server = embedded;
    const stopEmbedded = async () => {
      // A server `db` serves stays up for the others.
      if (!server.attached) progress('Stopping the local PostgreSQL server.');
      await server.stop();
    };
    context.cleanups.add(stopEmbedded);
    connection = await embedded.databaseUrl(database);
  }
  let db: pg.Client;
  try {
    db = await connectDatabase({ connection, timeZone: env.TRACKER_TIMEZONE });
  } catch (error) {
    throw new DatabaseError(
      `Could not connect to PostgreSQL: ${errorMessage(error)}`,
      'Check DATABASE_URL and that the server is running.',
    );
  }
  const closeDb = () => db.end();
  context.cleanups.add(closeDb);
  try {
    const version = Number(
      (await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v,
    );
    if (version < MINIMUM_SERVER_VERSION) {
      throw new ConfigError(
        `DATABASE_URL points at PostgreSQL ${Math.floor(version / 10000)}; the tracker needs PostgreSQL 14 or newer.`,
      );
    }
    if (options.readOnly && !embedded) {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) {
        throw new DatabaseError(
          `The database at DATABASE_URL is behind this version: ${pending.length} migration(s) not applied.`,
          'Run `ayrshare-tracker migrate` with a DATABASE_URL of the database owner, then try again.',
        );
      }
      return await work(db, [], embedded);
    }
    const applied = await migrateDatabase(db).catch((error: unknown) => {
      throw new DatabaseError(`Database migration failed: ${errorMessage(error)}`);
    });
    if (applied.length > 0) progress(`Applied migration(s): ${applied.join(', ')}`);
    return await work(db, applied, embedded);
  } finally {
    context.cleanups.delete(closeDb);
    await closeDb().catch(() => undefined);
  }
}

export function parseFlags(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    };
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

export function checkedDate(value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`--date must be a calendar date as YYYY-MM-DD (got "${value}").`);
  return value;
}

export function checkedText(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value.trim();
}

export function checkedPlatform(value: string | undefined): Platform | undefined {
  const platform = checkedText('--platform', value)?.toLowerCase();
  if (platform !== undefined && !isPlatform(platform))
    throw new UsageError(`--platform must be one of ${KNOWN_PLATFORMS.join(', ')} (got "${value}").`);
  return platform;
}

/** --format, or the --out file's extension, or a table. */
export function checkedFormat(value: string | undefined, out: string | undefined): ReportFormat {
  const chosen = value ?? (out ? path.extname(out).slice(1).toLowerCase() : 'table');
  if ((REPORT_FORMATS as readonly string[]).includes(chosen)) return chosen as ReportFormat;
  if (value === undefined) return 'table';
  throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${value}").`);
}

export function checkedDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REPORT_DAYS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_REPORT_DAYS) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_REPORT_DAYS} (got "${value}").`);
  }
  return Number(value);
}

export function today(timeZone: string, context: CliContext): string {
  return dateInTimeZone(context.now ? context.now() : new Date(), timeZone);
}

export function progressWriter(context: CliContext): (message: string) => void {
  return (message) => context.stderr.write(`${message}\n`);
}

export function progressLog(progress: (message: string) => void): Log {
  const render = (message: string, data?: Record<string, unknown>) => {
    const detail =
      data && 'reason' in data ? `: ${String(data.platform ?? data.profile ?? '')} ${String(data.reason)}` : '';
    return `${message}${detail}`;
  };
  return { info: (m, d) => progress(render(m, d)), warn: (m, d) => progress(`warning: ${render(m, d)}`) };
}

/** An error as the user reads it: its message, and what to do under it. */
export function formatError(error: unknown): string {
  if (error instanceof TrackerError) return `Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`;
  return `Error: ${errorMessage(error)}\n`;
}
