// The ayrshare-tracker command line: parse flags, call the pipeline, map errors to exit codes in one place.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import {
  collectorSettingsFromEnvironment,
  readLocalEnvironment,
  type CollectorSettings,
  type LocalEnvironment,
} from '../lambda/config';
import { connectDatabase } from '../lambda/database';
import { addDays, dateInTimeZone, isIsoDate } from '../lambda/dates';
import { ConfigError, DatabaseError, TrackerError, UsageError, createRedactor, errorMessage } from '../lambda/errors';
import type { Log } from '../lambda/log';
import { migrateDatabase } from '../lambda/migrate';
import { runCollection } from '../lambda/pipeline';
import { isPlatform, KNOWN_PLATFORMS, PLATFORMS, type Platform } from '../lambda/platforms';
import type { RunSummary } from '../lambda/summary';
import { startEmbeddedDatabase } from '../local/embedded-database';
import { fetchRemoteReport, DEFAULT_STACK_NAME } from '../local/remote-report';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../local/report-render';
import { loadReport, type ReportData, type ReportRequest } from '../lambda/report';
import { startSimulatedAyrshare } from '../local/simulated-ayrshare';
import { ADVICE } from '../lambda/alert';

export const EXIT = { success: 0, error: 1, usage: 2, partial: 3 } as const;

export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Clock for "today"; tests pin it. */
  now?: () => Date;
  /** Ayrshare client knobs (tests shorten the backoff). */
  httpPolicy?: import('../lambda/ayrshare-client').HttpPolicy;
}

const PROJECT_ROOT = path.resolve(__dirname, '..');
const MAIN_DATABASE = 'ayrshare_tracker';
const DEMO_DATABASE = 'ayrshare_tracker_demo';
const MINIMUM_SERVER_VERSION = 140000;

const USAGE = `Usage: ayrshare-tracker <command> [options]

Commands:
  collect [--date YYYY-MM-DD] [--json]   fetch today's analytics (or a given date's) and store one row per platform
  migrate                                apply the database migrations (collect and report do this too)
  report [--days N] [--profile NAME] [--platform NAME] [--format table|json|csv|html] [--out FILE]
         [--remote [--stack NAME] [--region REGION]]
                                         growth over the last N days (default 30, today included): per platform,
                                         day by day, the best performer and the last 7 days; html has charts;
                                         --remote asks the deployed stack instead of a local database
  demo [--days N]                        simulated Ayrshare data for N days (default 30) into a local demo database,
                                         then the report, also written as HTML

Exit codes: 0 success, 3 partial (some platforms failed), 1 error (nothing stored), 2 usage or configuration error.
Configuration: AYRSHARE_API_KEY, AYRSHARE_PROFILE_KEY, AYRSHARE_PROFILE_NAME, AYRSHARE_X_API_KEY,
AYRSHARE_X_API_SECRET, AYRSHARE_BASE_URL, DATABASE_URL, TRACKER_PLATFORMS, TRACKER_TIMEZONE, TRACKER_DATA_DIR
(see README.md).
`;

type Cleanup = () => Promise<void>;

/** A command in flight: its own cleanups (connections, the embedded server), so runs in one process never mix. */
interface RunContext extends CliContext {
  cleanups: Set<Cleanup>;
}

/** The cleanups of every command in flight, for Ctrl-C. */
const inFlight = new Set<Set<Cleanup>>();

async function runCleanups(cleanups: Set<Cleanup>): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch(() => undefined);
  }
}

/** Runs every pending cleanup of every command in flight (on SIGINT and SIGTERM). */
export async function shutdown(): Promise<void> {
  for (const cleanups of inFlight) await runCleanups(cleanups);
}

export async function runCli(argv: string[], cliContext: CliContext): Promise<number> {
  const context: RunContext = { ...cliContext, cleanups: new Set() };
  inFlight.add(context.cleanups);
  const secrets = [context.env.AYRSHARE_API_KEY, context.env.AYRSHARE_PROFILE_KEY, context.env.AYRSHARE_X_API_KEY, context.env.AYRSHARE_X_API_SECRET, passwordOf(context.env.DATABASE_URL)];
  const redact = createRedactor(secrets);
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'collect':
        return await collectCommand(rest, context);
      case 'migrate':
        return await migrateCommand(rest, context);
      case 'report':
        return await reportCommand(rest, context);
      case 'demo':
        return await demoCommand(rest, context);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        context.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.success;
      default:
        throw new UsageError(`Unknown command "${command}".`, 'Run `ayrshare-tracker help` for the list of commands.');
    }
  } catch (error) {
    context.stderr.write(redact(formatError(error)));
    if (error instanceof UsageError) context.stderr.write('\n' + USAGE);
    return error instanceof UsageError || error instanceof ConfigError ? EXIT.usage : EXIT.error;
  } finally {
    await runCleanups(context.cleanups);
    inFlight.delete(context.cleanups);
  }
}

async function collectCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, { date: { type: 'string' }, json: { type: 'boolean' } });
  const env = readLocalEnvironment(context.env);
  const settings = collectorSettingsFromEnvironment(env);
  const date = values.date === undefined ? today(settings.timeZone, context) : checkedDate(values.date as string);
  const progress = progressWriter(context);
  progress(`Collecting ${date} for ${settings.platforms.length} platform(s), profile ${settings.profiles.map((p) => p.name).join(', ')}...`);

  let summary: RunSummary;
  try {
    summary = await withDatabase(env, MAIN_DATABASE, context, async (db) =>
      runCollection(settings, date, { db, log: progressLog(progress), httpPolicy: context.httpPolicy, today: today(settings.timeZone, context) }),
    );
  } catch (error) {
    if (!(error instanceof DatabaseError) || !values.json) throw error;
    context.stderr.write(formatError(error));
    summary = databaseFailureSummary(settings, date, error);
  }
  if (values.json) {
    // stdout carries only the summary; what to do about failures goes with the progress, to stderr.
    context.stderr.write(describeAdvice(summary));
    context.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    context.stdout.write(describeSummary(summary) + describeAdvice(summary));
  }
  return exitCodeFor(summary);
}

async function migrateCommand(args: string[], context: RunContext): Promise<number> {
  parseFlags(args, {});
  const env = readLocalEnvironment(context.env);
  const applied = await withDatabase(env, MAIN_DATABASE, context, async (_db, appliedNow) => appliedNow);
  context.stdout.write(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The schema is up to date; nothing to apply.\n');
  return EXIT.success;
}

async function reportCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, {
    days: { type: 'string' },
    profile: { type: 'string' },
    platform: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    remote: { type: 'boolean' },
    stack: { type: 'string' },
    region: { type: 'string' },
  });
  const request: ReportRequest = {
    days: checkedDays(values.days as string | undefined),
    profile: checkedText('--profile', values.profile as string | undefined),
    platform: checkedPlatform(values.platform as string | undefined),
  };
  const out = values.out === undefined ? undefined : path.resolve(checkedText('--out', values.out as string)!);
  const format = checkedFormat(values.format as string | undefined, out);
  if (!values.remote && (values.stack !== undefined || values.region !== undefined)) throw new UsageError('--stack and --region go with --remote.');

  let report: ReportData;
  if (values.remote) {
    const stackName = checkedText('--stack', values.stack as string | undefined) ?? DEFAULT_STACK_NAME;
    progressWriter(context)(`Asking the deployed collector of stack ${stackName} for the report...`);
    report = await fetchRemoteReport(request, { stackName, region: checkedText('--region', values.region as string | undefined) });
  } else {
    const env = readLocalEnvironment(context.env);
    report = await withDatabase(env, MAIN_DATABASE, context, (db) => loadReport(db, request, context.now?.()));
  }
  await emitReport(renderReport(report, format), out, context);
  return EXIT.success;
}

/** Writes the rendered report to --out (printing its path) or to stdout. */
async function emitReport(rendered: string, out: string | undefined, context: RunContext): Promise<void> {
  if (!out) {
    context.stdout.write(rendered);
    return;
  }
  try {
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, rendered, 'utf8');
  } catch (error) {
    throw new UsageError(`--out: cannot write ${out} (${errorMessage(error)}).`);
  }
  context.stdout.write(`${out}\n`);
}

/**
 * Collects N consecutive days from the built-in simulated Ayrshare server into a demo database of the embedded
 * server, always apart from real data (DATABASE_URL is not used), then prints the report and writes it as HTML.
 */
async function demoCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, { days: { type: 'string' } });
  const days = checkedDays(values.days as string | undefined);
  const env = readLocalEnvironment({ ...context.env, DATABASE_URL: undefined });
  const progress = progressWriter(context);
  if (context.env.DATABASE_URL) progress('demo keeps simulated data apart: it uses the local embedded database, not DATABASE_URL.');
  const simulator = await startSimulatedAyrshare();
  context.cleanups.add(simulator.close);
  const timeZone = env.TRACKER_TIMEZONE;
  const settings: CollectorSettings = {
    apiKey: 'DEMO-KEY-NOT-SECRET',
    // A fully configured account: the simulator refuses X without X app credentials, as Ayrshare does.
    xCredentials: { apiKey: 'DEMO-X-KEY-NOT-SECRET', apiSecret: 'DEMO-X-SECRET-NOT-SECRET' },
    baseUrl: simulator.baseUrl,
    profiles: [{ name: 'demo' }],
    platforms: env.TRACKER_PLATFORMS ?? [...PLATFORMS],
    timeZone,
  };
  const lastDay = today(timeZone, context);
  const report = await withDatabase(env, DEMO_DATABASE, context, async (db) => {
    const statuses: Record<string, number> = { success: 0, partial: 0, error: 0 };
    for (let offset = days - 1; offset >= 0; offset -= 1) {
      const date = addDays(lastDay, -offset);
      simulator.setDate(date);
      const summary = await runCollection(settings, date, { db, httpPolicy: context.httpPolicy });
      statuses[summary.status] += 1;
      const failed = summary.failed.map((f) => ` (${f.platform} failed: ${f.reason})`).join('');
      progress(`  ${date}  ${summary.status.padEnd(7)} ${summary.platforms_tracked} platform(s) stored${failed}`);
    }
    progress(`Collected ${days} day(s): ${statuses.success} success, ${statuses.partial} partial, ${statuses.error} error.`);
    return loadReport(db, { days, asOf: lastDay }, context.now?.());
  });
  const banner = '*** SIMULATED DATA: produced by the built-in demo server, not by your Ayrshare account. ***';
  const htmlPath = path.join(env.TRACKER_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'), 'demo-report.html');
  context.stdout.write(`${renderReport(report, 'table', { banner })}\n${banner}\n\nHTML report with charts (open it in a browser):\n`);
  await emitReport(renderReport(report, 'html', { banner: 'Simulated data: produced by the built-in demo server, not by your Ayrshare account.' }), htmlPath, context);
  return EXIT.success;
}

/**
 * Connects to DATABASE_URL, or to a database of the embedded server under .data/; applies pending migrations
 * first; closes everything afterwards, whatever happens.
 */
async function withDatabase<T>(
  env: LocalEnvironment,
  database: string,
  context: RunContext,
  work: (db: pg.Client, appliedMigrations: string[]) => Promise<T>,
): Promise<T> {
  const progress = progressWriter(context);
  let connection = env.DATABASE_URL;
  if (!connection) {
    const embedded = await startEmbeddedDatabase({ baseDir: env.TRACKER_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'), progress });
    const stopEmbedded = async () => {
      progress('Stopping the local PostgreSQL server.');
      await embedded.stop();
    };
    context.cleanups.add(stopEmbedded);
    connection = await embedded.databaseUrl(database);
  }
  let db: pg.Client;
  try {
    db = await connectDatabase({ connection, timeZone: env.TRACKER_TIMEZONE });
  } catch (error) {
    throw new DatabaseError(`Could not connect to PostgreSQL: ${errorMessage(error)}`, 'Check DATABASE_URL and that the server is running.');
  }
  const closeDb = () => db.end();
  context.cleanups.add(closeDb);
  try {
    const version = Number((await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    if (version < MINIMUM_SERVER_VERSION) {
      throw new ConfigError(`DATABASE_URL points at PostgreSQL ${Math.floor(version / 10000)}; the tracker needs PostgreSQL 14 or newer.`);
    }
    const applied = await migrateDatabase(db).catch((error: unknown) => {
      throw new DatabaseError(`Database migration failed: ${errorMessage(error)}`);
    });
    if (applied.length > 0) progress(`Applied migration(s): ${applied.join(', ')}`);
    return await work(db, applied);
  } finally {
    context.cleanups.delete(closeDb);
    await closeDb().catch(() => undefined);
  }
}

function exitCodeFor(summary: RunSummary): number {
  return summary.status === 'success' ? EXIT.success : summary.status === 'partial' ? EXIT.partial : EXIT.error;
}

function databaseFailureSummary(settings: CollectorSettings, date: string, error: DatabaseError): RunSummary {
  return {
    status: 'error',
    date,
    platforms_tracked: 0,
    total_followers: 0,
    total_engagement: 0,
    top_performer: null,
    failed: settings.profiles.flatMap((p) => settings.platforms.map((platform) => ({ profile: p.name, platform, reason: error.message, error_class: 'database' as const }))),
  };
}

function describeSummary(summary: RunSummary): string {
  const lines = [
    `${summary.date}: ${summary.status} - ${summary.platforms_tracked} platform(s) stored, ${summary.total_followers.toLocaleString('en-US')} followers, ${summary.total_engagement.toLocaleString('en-US')} engagements, top performer ${summary.top_performer ?? 'none'}`,
    ...summary.failed.map((f) => `  failed: ${f.platform} (profile ${f.profile}): ${f.reason}`),
  ];
  return lines.join('\n') + '\n';
}

/** One line of advice per kind of failure in the run, as the alert gives it. */
function describeAdvice(summary: RunSummary): string {
  return [...new Set(summary.failed.map((f) => f.error_class))].map((c) => `  what to do (${c}): ${ADVICE[c]}\n`).join('');
}

function parseFlags(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }) as { values: Record<string, string | boolean | undefined> };
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

function checkedDate(value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`--date must be a calendar date as YYYY-MM-DD (got "${value}").`);
  return value;
}

function checkedText(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value.trim();
}

function checkedPlatform(value: string | undefined): Platform | undefined {
  const platform = checkedText('--platform', value)?.toLowerCase();
  if (platform !== undefined && !isPlatform(platform)) throw new UsageError(`--platform must be one of ${KNOWN_PLATFORMS.join(', ')} (got "${value}").`);
  return platform;
}

/** --format, or the --out file's extension, or a table. */
function checkedFormat(value: string | undefined, out: string | undefined): ReportFormat {
  const chosen = value ?? (out ? path.extname(out).slice(1).toLowerCase() : 'table');
  if ((REPORT_FORMATS as readonly string[]).includes(chosen)) return chosen as ReportFormat;
  if (value === undefined) return 'table';
  throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${value}").`);
}

function checkedDays(value: string | undefined): number {
  if (value === undefined) return 30;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3660) {
    throw new UsageError(`--days must be a whole number from 1 to 3660 (got "${value}").`);
  }
  return Number(value);
}

function today(timeZone: string, context: CliContext): string {
  return dateInTimeZone(context.now ? context.now() : new Date(), timeZone);
}

function progressWriter(context: CliContext): (message: string) => void {
  return (message) => context.stderr.write(`${message}\n`);
}

function progressLog(progress: (message: string) => void): Log {
  const render = (message: string, data?: Record<string, unknown>) => {
    const detail = data && 'reason' in data ? `: ${String(data.platform ?? data.profile ?? '')} ${String(data.reason)}` : '';
    return `${message}${detail}`;
  };
  return { info: (m, d) => progress(render(m, d)), warn: (m, d) => progress(`warning: ${render(m, d)}`) };
}

function formatError(error: unknown): string {
  if (error instanceof TrackerError) return `Error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`;
  return `Error: ${errorMessage(error)}\n`;
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const password = decodeURIComponent(new URL(url).password);
  return password || undefined;
}
