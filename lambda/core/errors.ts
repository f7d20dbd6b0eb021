// Typed errors that speak to the user: a plain message, and what to do next. Edges map them to exit codes or alerts.
import { createBoundary } from './boundary';
import type { FailureClass } from './model';

export type { FailureClass };

export class TrackerError extends Error {
  constructor(
    message: string,
    /** What the user can do about it, printed under the message. */
    readonly hint?: string,
    /** The underlying error, for the logs; never shown to the user as is. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad or missing configuration: names the variable, field or flag. */
export class ConfigError extends TrackerError {}

/** Bad command-line usage. */
export class UsageError extends TrackerError {}

/** A request refused on purpose (a write or a second statement where only one read may run): exit code 2. */
export class RefusedError extends TrackerError {}

/** The analytics request failed as a whole (HTTP error, timeout, network). */
export class AyrshareRequestError extends TrackerError {
  constructor(
    message: string,
    readonly details: {
      status?: number;
      code?: number | string;
      attempts: number;
      retryable: boolean;
      failureClass: FailureClass;
      rateLimited?: number;
      rateLimit?: Record<string, string>;
    },
    hint?: string,
  ) {
    super(message, hint);
  }
}

/** Ayrshare answered 2xx with a body that cannot be used at all. */
export class AyrshareResponseError extends TrackerError {
  readonly failureClass: FailureClass = 'server';
}

/** PostgreSQL could not be reached or refused a write; nothing of the run was stored. */
export class DatabaseError extends TrackerError {}

/** Redacts the given secrets (and any 8-character part of one) from a text: the boundary's redaction, kept whole. */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  return createBoundary(secrets).lines;
}

/** The message of anything thrown; duck-typed, since errors from fetch or another realm fail `instanceof Error`. */
/** The `code` an error carries (PostgreSQL's SQLSTATE, Node's ERR_*, the SDK's), or '' when it has none. */
export function errorCode(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
}

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}
