// Calls Ayrshare (POST /api/analytics/social, GET /api/history/:platform) with a per-request timeout, and retries what
// is worth retrying (429, 5xx,
// timeouts, network errors) with exponential backoff and full jitter, honouring Retry-After, inside a time budget.
import type { XCredentials } from '../core/model';
import { likelyCause } from './advice';
import { errorBodySchema } from './schema';
import { createBoundary, type Boundary } from '../core/boundary';
import { DEFAULT_BASE_URL, DEFAULT_MAX_ANSWER_MB } from '../core/defaults';
import { AyrshareRequestError, errorMessage, type FailureClass } from '../core/errors';
import { silentLog, type Log } from '../core/log';
import type { Platform } from '../metrics/platforms';

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
  /** An answer larger than this many bytes is refused (a Content-Length above it before reading anything). */
  maxAnswerBytes?: number;
}

export const DEFAULT_MAX_ANSWER_BYTES = DEFAULT_MAX_ANSWER_MB * 1024 * 1024;

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
  /** Sent as X-Twitter-OAuth1-Api-Key / -Secret; only on the request that asks for X. */
  xCredentials?: XCredentials;
}

/** How many posts one history request asks for: Ayrshare recommends at most 100. */
export const HISTORY_LIMIT = 100;

export interface HistoryRequest extends Omit<AnalyticsRequest, 'platforms'> {
  platform: Platform;
}

export interface AnalyticsAnswer {
  body: unknown;
  attempts: number;
  /** Rate-limit headers of the last answer, when Ayrshare sent any. */
  rateLimit: Record<string, string>;
  /** How many HTTP 429 answers came before this one. */
  rateLimited: number;
}

/**
 * Retries after a 429 that one profile may make in a run, all its requests together (the six platforms and X, asked
 * at the same time): two first attempts and these make at most 5 requests for a profile Ayrshare rate limits
 * throughout. Ayrshare counts its limits per profile and suspends one after about 1,000 429s in 24 hours.
 */
export const PROFILE_RATE_LIMIT_RETRIES = 3;

/** The rate-limit state one profile's requests share during a run. */
export interface ProfileRateLimit {
  /** Retries after a 429 still allowed to this profile in this run. */
  retriesLeft: number;
  /** Set once the profile must not be asked again in this run: every request still going stops with this. */
  stopped?: { message: string; hint: string };
}

export function profileRateLimit(): ProfileRateLimit {
  return { retriesLeft: PROFILE_RATE_LIMIT_RETRIES };
}

/** Ayrshare's code for a profile whose monthly post quota is used up (HTTP 429): no retry helps until the 1st. */
export const MONTHLY_QUOTA_CODE = 106;

const RATE_LIMIT_HINT =
  'Ayrshare is rate limiting this profile; the tracker stopped retrying to keep the profile from being suspended. ' +
  'The next scheduled run tries again.';

export interface ClientDependencies {
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  log?: Log;
  /** An absolute time (ms) shared by every request of a run: no attempt or wait goes past it. */
  deadline?: number;
  /** Everything Ayrshare sends passes it before reaching a message (the run's, with every secret of the run). */
  boundary?: Boundary;
  /** Shared by the requests of one profile: its 429 retry budget, and whether it was told to stop. */
  profileLimit?: ProfileRateLimit;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One profile's account analytics for some platforms: POST /api/analytics/social. */
export function fetchSocialAnalytics(
  request: AnalyticsRequest,
  policy: HttpPolicy = DEFAULT_HTTP_POLICY,
  deps: ClientDependencies = {},
): Promise<AnalyticsAnswer> {
  return callAyrshare(
    {
      ...request,
      method: 'POST',
      path: '/api/analytics/social',
      payload: JSON.stringify({ platforms: request.platforms }),
    },
    policy,
    deps,
  );
}

/** One network's recent posts of one profile, with their metrics: GET /api/history/:platform?limit=100. */
export function fetchPostHistory(
  request: HistoryRequest,
  policy: HttpPolicy = DEFAULT_HTTP_POLICY,
  deps: ClientDependencies = {},
): Promise<AnalyticsAnswer> {
  return callAyrshare(
    { ...request, method: 'GET', path: `/api/history/${encodeURIComponent(request.platform)}?limit=${HISTORY_LIMIT}` },
    policy,
    deps,
  );
}

interface AyrshareCall extends Omit<AnalyticsRequest, 'platforms'> {
  method: 'GET' | 'POST';
  /** The path and query, after the base URL. */
  path: string;
  payload?: string;
}

async function callAyrshare(
  request: AyrshareCall,
  policy: HttpPolicy,
  deps: ClientDependencies,
): Promise<AnalyticsAnswer> {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLog;
  const boundary =
    deps.boundary ??
    createBoundary([request.apiKey, request.profileKey, request.xCredentials?.apiKey, request.xCredentials?.apiSecret]);
  const maxBytes = policy.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const deadline = Math.min(now() + policy.budgetMs, deps.deadline ?? Infinity);
  const url = `${request.baseUrl}${request.path}`;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${request.apiKey}`,
    Accept: 'application/json',
  };
  if (request.payload !== undefined) headers['Content-Type'] = 'application/json';
  if (request.profileKey) headers['Profile-Key'] = request.profileKey;
  if (request.xCredentials) {
    headers['X-Twitter-OAuth1-Api-Key'] = request.xCredentials.apiKey;
    headers['X-Twitter-OAuth1-Api-Secret'] = request.xCredentials.apiSecret;
  }

  // What is said when the run's shared deadline passed before this profile's first attempt.
  let lastProblem = "the run's time budget was used up before this profile's turn";
  let lastStatus: number | undefined;
  let lastClass: FailureClass = 'time_budget';
  let rateLimited = 0;
  let lastRateLimit: Record<string, string> = {};
  let attempt = 0;
  const limit = deps.profileLimit;
  /** This profile was told to stop (by this request or the other one): the same message and advice, no request. */
  const stopNow = () =>
    new AyrshareRequestError(
      limit!.stopped!.message,
      {
        status: lastStatus,
        attempts: attempt,
        retryable: false,
        failureClass: 'rate_limited',
        rateLimited,
        rateLimit: lastRateLimit,
      },
      limit!.stopped!.hint,
    );
  // A retry this request was granted from the profile's budget is sent even if the other request spent the rest.
  let granted = false;
  while (attempt < policy.maxAttempts) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    if (limit?.stopped && !granted) throw stopNow();
    granted = false;
    attempt += 1;
    const timeoutMs = Math.min(policy.requestTimeoutMs, remaining);
    let retryAfterMs: number | undefined;
    try {
      const response = await doFetch(url, {
        method: request.method,
        headers,
        body: request.payload,
        // A redirect is never followed: it would carry the keys and the request to another address.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const rateLimit = rateLimitHeaders(response.headers, boundary);
      lastRateLimit = rateLimit;
      lastStatus = response.status;
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new AyrshareRequestError(
          `Ayrshare answered HTTP ${response.status}, a redirect, which is not followed: the keys go to Ayrshare's own address only.`,
          {
            status: response.status,
            attempts: attempt,
            retryable: false,
            failureClass: 'request',
            rateLimited,
            rateLimit,
          },
          `Check that AYRSHARE_BASE_URL is Ayrshare's API address (${DEFAULT_BASE_URL}), not one that redirects.`,
        );
      }
      const text = await readCapped(response, maxBytes);
      if (text === undefined) {
        throw new AyrshareRequestError(
          `Ayrshare's answer was larger than ${formatBytes(maxBytes)} and was not read (HTTP ${response.status}).`,
          {
            status: response.status,
            attempts: attempt,
            retryable: false,
            failureClass: 'server',
            rateLimited,
            rateLimit,
          },
          'An answer this large is not analytics; if Ayrshare really sends that much, raise TRACKER_MAX_ANSWER_MB.',
        );
      }
      const body = parseJson(text);
      if (response.ok && body !== undefined) return { body, attempts: attempt, rateLimit, rateLimited };
      if (response.ok) {
        // A truncated body or a proxy's HTML page: transient more often than not, so it is retried like a 5xx.
        lastClass = 'server';
        lastProblem = `Ayrshare answered HTTP ${response.status} with a body that is not JSON (${describeBody(text, boundary)})`;
        log.warn('Ayrshare answered with an unreadable body', { attempt, status: response.status });
      } else {
        lastProblem = describeHttpError(response.status, body, text, boundary);
        const code = errorBodySchema.safeParse(body).data?.code;
        if (response.status === 429 && code === MONTHLY_QUOTA_CODE) {
          // Not a rate limit: the profile's monthly quota. Retrying cannot help and only spends the 429 allowance.
          rateLimited += 1;
          const stopped = {
            message:
              `${lastProblem}${/[.!?]$/.test(lastProblem) ? '' : '.'} ` +
              `This profile's monthly quota is used up (code ${MONTHLY_QUOTA_CODE}); it resets on the 1st of the month, 00:07 UTC.`,
            hint: 'Nothing to fix here: Ayrshare answers again once the quota resets. Raise the plan in Ayrshare for more.',
          };
          if (limit) limit.stopped = stopped;
          throw new AyrshareRequestError(
            stopped.message,
            {
              status: 429,
              code,
              attempts: attempt,
              retryable: false,
              failureClass: 'rate_limited',
              rateLimited,
              rateLimit,
            },
            stopped.hint,
          );
        }
        if (!isRetryableStatus(response.status)) {
          const cause = likelyCause(response.status, errorBodySchema.safeParse(body).data);
          throw new AyrshareRequestError(
            cause
              ? `${lastProblem}${/[.!?]$/.test(lastProblem) ? '' : '.'} Likely cause: ${cause.cause}.`
              : lastProblem,
            {
              status: response.status,
              code: errorBodySchema.safeParse(body).data?.code,
              attempts: attempt,
              retryable: false,
              failureClass: cause?.failureClass ?? 'request',
              rateLimited,
              rateLimit,
            },
            cause?.hint,
          );
        }
        lastClass = response.status === 429 ? 'rate_limited' : 'server';
        if (response.status === 429) rateLimited += 1;
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
        log.warn('Ayrshare answered with a retryable error', { attempt, status: response.status, rateLimit });
        if (response.status === 429 && limit) {
          // The profile's budget is shared with its other request: spent, both stop here.
          if (limit.stopped) throw stopNow();
          if (limit.retriesLeft <= 0) {
            limit.stopped = {
              message:
                `Ayrshare rate limited this profile (${lastProblem}); its ${PROFILE_RATE_LIMIT_RETRIES} retries after ` +
                'a rate limit in this run are spent, so it was not asked again.',
              hint: RATE_LIMIT_HINT,
            };
            throw stopNow();
          }
          if (attempt < policy.maxAttempts) {
            limit.retriesLeft -= 1;
            granted = true;
          }
        }
      }
    } catch (error) {
      if (error instanceof AyrshareRequestError) throw error;
      lastStatus = undefined;
      lastClass = 'network';
      lastProblem = isTimeout(error)
        ? `no answer within ${Number((timeoutMs / 1000).toFixed(1))} s`
        : `network error: ${boundary.text(describeNetworkError(error), 200)}`;
      log.warn('Ayrshare request failed', { attempt, problem: lastProblem });
    }
    if (attempt >= policy.maxAttempts) break;
    const backoff = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.max(backoff, retryAfterMs ?? 0);
    if (now() + delay >= deadline) {
      const waitTooLong = retryAfterMs !== undefined && retryAfterMs > backoff;
      lastProblem += waitTooLong
        ? ` (Ayrshare asked to wait ${Math.ceil(retryAfterMs! / 1000)} s, beyond the time budget)`
        : '';
      // Asked to wait longer than the run can: the profile's other request would be told the same.
      if (waitTooLong && lastClass === 'rate_limited' && limit && !limit.stopped) {
        limit.stopped = {
          message: `Ayrshare request failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${lastProblem}`,
          hint: RATE_LIMIT_HINT,
        };
      }
      break;
    }
    await sleep(delay);
  }
  throw new AyrshareRequestError(
    `Ayrshare request failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${lastProblem}`,
    {
      status: lastStatus,
      attempts: attempt,
      retryable: true,
      failureClass: lastClass,
      rateLimited,
      rateLimit: lastRateLimit,
    },
    lastClass === 'rate_limited'
      ? RATE_LIMIT_HINT
      : 'Ayrshare or the network failed; this usually clears by itself. The next scheduled run tries again, or re-run the day by hand.',
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

/** Rate-limit headers, their values through the boundary (they are stored in the ledger). */
function rateLimitHeaders(headers: Headers, boundary: Boundary): Record<string, string> {
  const found: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (/ratelimit|rate-limit|retry-after/i.test(name))
      found[boundary.text(name.toLowerCase(), 60)] = boundary.text(value, 100);
  });
  return found;
}

/**
 * The body as text, or undefined when it is larger than `maxBytes`: a Content-Length above it is refused before
 * anything is read, and a body without one is read as a stream and abandoned as soon as it passes the cap.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  // A declared length within the cap: read it in one go (the HTTP client holds the server to that length).
  if (Number.isFinite(declared) && response.headers.get('content-length') !== null) {
    return Buffer.from(await response.arrayBuffer()).toString('utf8');
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} bytes`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeHttpError(status: number, body: unknown, text: string, boundary: Boundary): string {
  const parsed = errorBodySchema.safeParse(body);
  const code =
    parsed.success && parsed.data.code !== undefined ? ` (code ${boundary.text(String(parsed.data.code), 20)})` : '';
  const message = parsed.success && parsed.data.message ? parsed.data.message : text.trim() || 'no message';
  return `Ayrshare answered HTTP ${status}${code}: ${boundary.text(message, 200)}`;
}

/** The first characters of an unreadable body, on one line, so a user can tell a proxy page from a cut-off answer. */
function describeBody(text: string, boundary: Boundary): string {
  const trimmed = boundary.text(text.trim(), 43);
  if (trimmed === '') return 'empty';
  return `starts "${trimmed}", ${text.length} characters`;
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
