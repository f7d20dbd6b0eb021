// Typed errors that speak to the user: a plain message, and what to do next. Edges map them to exit codes or alerts.

export class TrackerError extends Error {
  constructor(
    message: string,
    /** What the user can do about it, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad or missing configuration: names the variable, field or flag. */
export class ConfigError extends TrackerError {}

/** Bad command-line usage. */
export class UsageError extends TrackerError {}

/**
 * Why a platform was not stored, in a few words a user can act on (alerts pick their advice by it):
 * - auth: Ayrshare refused the API key or Profile-Key (401/403);
 * - request: Ayrshare refused the request itself (400, 404 and other 4xx): wrong base URL or platform list;
 * - rate_limited: 429 until the retries or the time budget ran out;
 * - server: 5xx, or a 2xx answer that is not usable JSON;
 * - network: no answer (timeout, refused or reset connection, DNS);
 * - not_linked: the platform is missing from the answer (not linked to the profile);
 * - platform_error: the platform's own block carries an error (token expired, network refused);
 * - invalid_data: the figures fail validation, or an empty block would replace a non-empty history;
 * - database: PostgreSQL was unreachable or the write failed (the whole run was rolled back);
 * - time_budget: the run's shared deadline passed before this profile could be asked (or asked again);
 * - x_credentials: X/Twitter needs the account owner's own X app credentials, and they are missing or refused;
 * - no_data: Ayrshare answered that no platform returned data (its code 187).
 */
export type FailureClass =
  | 'auth'
  | 'request'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'not_linked'
  | 'platform_error'
  | 'invalid_data'
  | 'database'
  | 'time_budget'
  | 'x_credentials'
  | 'no_data';

/** The analytics request failed as a whole (HTTP error, timeout, network). */
export class AyrshareRequestError extends TrackerError {
  constructor(
    message: string,
    readonly details: { status?: number; code?: number | string; attempts: number; retryable: boolean; failureClass: FailureClass; rateLimited?: number; rateLimit?: Record<string, string> },
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

/** Replaces every occurrence of the given secrets in a text; used on everything that leaves the pipeline. */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  // Longest first, so a key that contains another is hidden whole.
  values.sort((a, b) => b.length - a.length);
  return (text: string) => values.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/** The message of anything thrown; duck-typed, since errors from fetch or another realm fail `instanceof Error`. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
