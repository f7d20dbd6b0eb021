// The ayrshare-tracker command line: argv to a command, the command's result to an exit code, and every error to a
// message (never with a secret in it) and its exit code, in one place.
import { createBoundary } from '../lambda/core/boundary';
import { ConfigError, RefusedError, UsageError } from '../lambda/core/errors';
import { collectCommand, demoCommand, doctorCommand, migrateCommand, reportCommand } from '../local/commands';
import { wakeCommand } from '../local/commands/doctor';
import {
  EXIT,
  formatError,
  inFlight,
  requestStop,
  runCleanups,
  type CliContext,
  type RunContext,
} from '../local/commands/context';
import { dbCommand } from '../local/commands/db';
import { sqlCommand } from '../local/commands/sql';

export { EXIT, requestStop, type CliContext };

const USAGE = `Usage: ayrshare-tracker <command> [options]

Commands:
  collect [--date YYYY-MM-DD] [--json]   fetch today's analytics (or a given date's) and store one row per platform
  migrate                                apply the database migrations (collect and report do this too)
  report [--days N] [--profile NAME] [--platform NAME] [--format table|json|csv|html] [--out FILE]
         [--remote [--stack NAME] [--region REGION] [--wake]]
                                         growth over the last N days (default 30, today included): per platform,
                                         day by day, the best performer and the last 7 days; html has charts;
                                         --remote asks the deployed stack instead of a local database
  demo [--days N]                        simulated Ayrshare data for N days (default 30) into a local demo database,
                                         then the report, also written as HTML
  sql "SELECT ..." | --file FILE | --query NAME [--format table|csv|json] [--out FILE] [--max-rows N]
      [--timeout SECONDS] [--remote [--stack NAME] [--region REGION] [--wake]]      sql --list
                                         run one read-only statement as the read-only role (locally, or through
                                         the deployed stack); --list shows the named queries
  db [--port N]                          keep the local database running and print a read-only connection string
                                         for psql, Metabase or Grafana, until Ctrl-C
  doctor --remote [--stack NAME] [--region REGION] [--json] [--wake]
                                         check a deployed stack, read-only: stack, secret filled, alert email
                                         confirmed, alarms can publish, schedule and its next run, alarms, last run
  wake [--stack NAME] [--region REGION]  economy mode: start the deployed database and NAT instance and wait;
                                         remote commands never wake them unless given --wake

Exit codes: 0 success, 3 partial (some platforms failed), 1 error (nothing stored; for doctor: a check failed),
2 usage or configuration error, or SQL refused (a write, a second statement, something the read-only role may not).
Configuration: AYRSHARE_API_KEY, AYRSHARE_PROFILE_KEY, AYRSHARE_PROFILE_NAME, AYRSHARE_X_API_KEY,
AYRSHARE_X_API_SECRET, AYRSHARE_BASE_URL, DATABASE_URL, TRACKER_PLATFORMS, TRACKER_TIMEZONE, TRACKER_DATA_DIR
(see docs/REFERENCE.md).
`;

/** Runs every pending cleanup of every command in flight (on SIGINT and SIGTERM). */
export async function shutdown(): Promise<void> {
  for (const cleanups of inFlight) await runCleanups(cleanups);
}

export async function runCli(argv: string[], cliContext: CliContext): Promise<number> {
  const context: RunContext = { ...cliContext, cleanups: new Set() };
  inFlight.add(context.cleanups);
  // Everything the CLI prints passes the boundary: no configured secret (nor an 8-character part of one) and no
  // control character from outside reaches the terminal, whichever command or log line printed it.
  const boundary = createBoundary(configuredSecrets(context.env));
  context.stdout = { write: (text: string) => cliContext.stdout.write(boundary.lines(text)) };
  context.stderr = { write: (text: string) => cliContext.stderr.write(boundary.lines(text)) };
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
      case 'doctor':
        return await doctorCommand(rest, context);
      case 'sql':
        return await sqlCommand(rest, context);
      case 'db':
        return await dbCommand(rest, context);
      case 'wake':
        return await wakeCommand(rest, context);
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
    context.stderr.write(formatError(error));
    if (error instanceof UsageError) context.stderr.write('\n' + USAGE);
    return error instanceof UsageError || error instanceof ConfigError || error instanceof RefusedError
      ? EXIT.usage
      : EXIT.error;
  } finally {
    await runCleanups(context.cleanups);
    inFlight.delete(context.cleanups);
  }
}

/** Every secret the environment holds: keys, Profile-Keys (also those listed in AYRSHARE_PROFILES), passwords. */
export function configuredSecrets(env: NodeJS.ProcessEnv): string[] {
  const listed = (() => {
    try {
      const profiles = JSON.parse(env.AYRSHARE_PROFILES ?? '[]') as unknown;
      return Array.isArray(profiles)
        ? profiles.map((p) => (p && typeof p === 'object' ? (p as { profileKey?: unknown }).profileKey : undefined))
        : [];
    } catch {
      return [];
    }
  })();
  return [
    env.AYRSHARE_API_KEY,
    env.AYRSHARE_PROFILE_KEY,
    env.AYRSHARE_X_API_KEY,
    env.AYRSHARE_X_API_SECRET,
    ...listed,
    passwordOf(env.DATABASE_URL),
    passwordOf(env.AYRSHARE_BASE_URL),
    userOf(env.AYRSHARE_BASE_URL),
  ].flatMap((value) => (typeof value === 'string' && value.trim() !== '' ? [value.trim()] : []));
}

function userOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  return decodeURIComponent(new URL(url).username) || undefined;
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined;
  const password = decodeURIComponent(new URL(url).password);
  return password || undefined;
}
