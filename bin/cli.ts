// The ayrshare-tracker command line: argv to a command, the command's result to an exit code, and every error to a
// message (never with a secret in it) and its exit code, in one place.
import { CommanderError } from '@commander-js/extra-typings';
import { createBoundary } from '../lambda/core/boundary';
import { ConfigError, RefusedError, UsageError } from '../lambda/core/errors';
import { buildProgram } from '../local/commands';
import { formatError } from '../local/output';
import { EXIT, inFlight, requestStop, runCleanups, type CliContext, type RunContext } from '../local/run-context';

export { EXIT, requestStop, type CliContext };

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
  let code: number = EXIT.usage;
  const program = buildProgram(context, (exitCode) => (code = exitCode));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    // Commander has printed its own message (an unknown command or flag, a missing value) or the help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.success : EXIT.usage;
    context.stderr.write(formatError(error));
    if (error instanceof UsageError) context.stderr.write('(run `ayrshare-tracker help` for the list of commands)\n');
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
