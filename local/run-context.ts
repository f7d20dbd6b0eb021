// What every CLI command runs with: its output streams and clock, its exit codes, and the cleanups Ctrl-C runs (the
// connections and the embedded server a command opened), with the signals that stop a command that runs until stopped.
import path from 'node:path';
import type { HttpPolicy } from '../lambda/ayrshare/client';

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

export const PROJECT_ROOT = path.resolve(__dirname, '..');

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
