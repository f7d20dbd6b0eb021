// Calls POST /api/analytics/social with a per-request timeout, and retries what is worth retrying (429, 5xx,
// timeouts, network errors) with exponential backoff and full jitter, honouring Retry-After, inside a time budget.
import { errorBodySchema } from './ayrshare-schema';
import { AyrshareRequestError, AyrshareResponseError, createRedactor, errorMessage } from './errors';
import { silentLog, type Log } from './log';
import type { Platform } from './platforms';

export interface HttpPolicy {
  /** Abort one request after this long. */
  requestTimeoutMs: number;
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles each retry, capped by maxDelayMs, then jittered. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wall-clock limit for all attempts and waits together; must fit inside the Lambda timeout. */
  budgetMs: number;
}

/**
 * Ayrshare allows 300 requests per 5 minutes per profile and suspends a profile after ~1,000 HTTP 429 answers in
 * 24 hours (its HTTP-errors page), so a daily job retries a handful of times, slowly, and then gives up.
 */
export const DEFAULT_HTTP_POLICY: HttpPolicy = {
  requestTimeoutMs: 20_000,
  maxAttempts: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 30_000,
  budgetMs: 120_000,
};

export interface AnalyticsRequest {
  baseUrl: string;
  apiKey: string;
  profileKey?: string;
  platforms: readonly Platform[];
}

export interface AnalyticsAnswer {
  body: unknown;
  attempts: number;
  /** Rate-limit headers of the last answer, when Ayrshare sent any. */
  rateLimit: Record<string, string>;
}

export interface ClientDependencies {
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  log?: Log;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function fetchSocialAnalytics(
  request: AnalyticsRequest,
  policy: HttpPolicy = DEFAULT_HTTP_POLICY,
  deps: ClientDependencies = {},
): Promise<AnalyticsAnswer> {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const redact = createRedactor([request.apiKey, request.profileKey]);
  const deadline = now() + policy.budgetMs;
  const url = `${request.baseUrl}/api/analytics/social`;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${request.apiKey}`,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  if (request.profileKey) headers['Profile-Key'] = request.profileKey;
  const payload = JSON.stringify({ platforms: request.platforms });

  let lastProblem = 'no attempt was made';
  let lastStatus: number | undefined;
  let attempt = 0;
  while (attempt < policy.maxAttempts) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    attempt += 1;
    const timeoutMs = Math.min(policy.requestTimeoutMs, remaining);
    let retryAfterMs: number | undefined;
    try {
      const response = await doFetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      const rateLimit = rateLimitHeaders(response.headers);
      const text = await response.text();
      const body = parseJson(text);
      if (response.ok) {
        if (body === undefined) {
          throw new AyrshareResponseError(`Ayrshare answered HTTP ${response.status} with a body that is not JSON.`);
        }
        return { body, attempts: attempt, rateLimit };
      }
      lastStatus = response.status;
      lastProblem = redact(describeHttpError(response.status, body, text));
      if (!isRetryableStatus(response.status)) {
        throw new AyrshareRequestError(
          lastProblem,
          { status: response.status, code: errorBodySchema.safeParse(body).data?.code, attempts: attempt, retryable: false },
          hintFor(response.status),
        );
      }
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
      log.warn('Ayrshare answered with a retryable error', { attempt, status: response.status, rateLimit });
    } catch (error) {
      if (error instanceof AyrshareRequestError || error instanceof AyrshareResponseError) throw error;
      lastStatus = undefined;
      lastProblem = isTimeout(error)
        ? `no answer within ${Math.round(timeoutMs / 1000)} s`
        : redact(`network error: ${describeNetworkError(error)}`);
      log.warn('Ayrshare request failed', { attempt, problem: lastProblem });
    }
    if (attempt >= policy.maxAttempts) break;
    const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.max(backoff, retryAfterMs ?? 0);
    if (now() + delay >= deadline) {
      lastProblem += retryAfterMs !== undefined && retryAfterMs > backoff
        ? ` (Ayrshare asked to wait ${Math.ceil(retryAfterMs / 1000)} s, beyond the time budget)`
        : '';
      break;
    }
    await sleep(delay);
  }
  throw new AyrshareRequestError(
    `Ayrshare request failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${lastProblem}`,
    { status: lastStatus, attempts: attempt, retryable: true },
    lastStatus === 429 ? 'Ayrshare is rate limiting this profile; the next scheduled run will try again.' : undefined,
  );
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function rateLimitHeaders(headers: Headers): Record<string, string> {
  const found: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (/ratelimit|rate-limit|retry-after/i.test(name)) found[name.toLowerCase()] = value;
  });
  return found;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeHttpError(status: number, body: unknown, text: string): string {
  const parsed = errorBodySchema.safeParse(body);
  const code = parsed.success && parsed.data.code !== undefined ? ` (code ${parsed.data.code})` : '';
  const message = parsed.success && parsed.data.message ? parsed.data.message : text.trim().slice(0, 200) || 'no message';
  return `Ayrshare answered HTTP ${status}${code}: ${message}`;
}

function hintFor(status: number): string | undefined {
  if (status === 401) return 'Check the Ayrshare API key (AYRSHARE_API_KEY locally, the apiKey field of the secret when deployed).';
  if (status === 403) return 'Check the Profile-Key and that your Ayrshare plan includes analytics for this profile.';
  return undefined;
}

function isTimeout(error: unknown): boolean {
  const name = error && typeof error === 'object' && 'name' in error ? error.name : undefined;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeNetworkError(error: unknown): string {
  const cause = error && typeof error === 'object' && 'cause' in error ? error.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause) return `${String(cause.code)} (${errorMessage(error)})`;
  return cause ? `${errorMessage(error)} (${errorMessage(cause)})` : errorMessage(error);
}
