// Runs the CLI in-process, exactly as bin/ayrshare-tracker.js does, capturing what it prints.
import { runCli } from '../../bin/cli';
import type { HttpPolicy } from '../../lambda/ayrshare/client';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the run summary with --json). */
  json<T = Record<string, unknown>>(): T;
}

export const FAST_RETRIES: HttpPolicy = {
  requestTimeoutMs: 2_000,
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 5,
  budgetMs: 10_000,
};

/** A fully configured account's X app credentials (test values), used unless a test names its own or unsets them. */
export const TEST_X_CREDENTIALS = { AYRSHARE_X_API_KEY: 'TEST-X-API-KEY', AYRSHARE_X_API_SECRET: 'TEST-X-API-SECRET' };

/**
 * Runs the CLI as a fully configured account: with X credentials unless `env` has either X variable as a key (set to
 * undefined to run without them).
 */
export async function runCliCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: { now?: Date; httpPolicy?: HttpPolicy } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: 'AYRSHARE_X_API_KEY' in env || 'AYRSHARE_X_API_SECRET' in env ? env : { ...TEST_X_CREDENTIALS, ...env },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    now: options.now ? () => options.now! : undefined,
    httpPolicy: options.httpPolicy ?? FAST_RETRIES,
  });
  return {
    code,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout.trimEnd().split('\n').pop() ?? '') as T,
  };
}
