// What the CLI prints besides results: progress on stderr, errors with what to do under them, and a result written to
// --out (its path printed) or to stdout.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dateInTimeZone } from '../lambda/core/dates';
import { errorMessage, TrackerError, UsageError } from '../lambda/core/errors';
import type { Log } from '../lambda/core/log';
import type { CliContext } from './run-context';

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

/**
 * Writes a rendered result to --out (printing its path) or to stdout. The file appears whole or not at all: it is
 * written next to its name and renamed into place, so a failure never leaves half a report where the old one was.
 */
export async function emitReport(
  rendered: string | Uint8Array,
  out: string | undefined,
  context: CliContext,
): Promise<void> {
  if (!out) {
    if (typeof rendered !== 'string')
      throw new UsageError('A PDF is not printed to the terminal: name a file with --out.');
    context.stdout.write(rendered);
    return;
  }
  const partial = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.partial`);
  try {
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(partial, rendered);
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw new UsageError(`--out: cannot write ${out} (${errorMessage(error)}).`);
  }
  context.stdout.write(`${out}\n`);
}
