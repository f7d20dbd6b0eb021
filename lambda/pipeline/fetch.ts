// Fetching one profile: the requests it needs (X/Twitter on its own, with the owner's X credentials), each answer
// validated platform by platform, normalised onto the snapshot columns, with its engagement rate and efficiency.
import {
  DEFAULT_HTTP_POLICY,
  fetchPostHistory,
  fetchSocialAnalytics,
  profileRateLimit,
  type ClientDependencies,
  type ProfileRateLimit,
  type HttpPolicy,
} from '../ayrshare/client';
import { X_CREDENTIALS_SETTINGS } from '../ayrshare/advice';
import { createBoundary, type Boundary } from '../core/boundary';
import { AyrshareRequestError, AyrshareResponseError } from '../core/errors';
import { silentLog, type Log } from '../core/log';
import type {
  CollectorSettings,
  FailedPlatform,
  Profile,
  RunRecord,
  RunTrigger,
  Snapshot,
  XCredentials,
} from '../core/model';
import { secretsOf } from '../core/schemas';
import { X_PLATFORM, type Platform } from '../metrics/platforms';
import { SETTINGS } from '../core/settings';
import { contentEfficiency, engagementRateWithBasis } from './derive';
import { normaliseMetrics } from './normalise';
import { parsePostHistory, type PostOutcome, type PostSnapshot } from './posts';
import { parseSocialAnalytics, type PlatformResult } from './validate';

export interface FetchDependencies extends Omit<ClientDependencies, 'log'> {
  log?: Log;
  httpPolicy?: HttpPolicy;
  /** What started the run, for the ledger. @default 'manual' */
  trigger?: RunTrigger;
  /** Lambda's request id: a second run with the same id is Lambda retrying the event. */
  invocationId?: string;
}

export interface ProfileCollection {
  snapshots: Snapshot[];
  failed: FailedPlatform[];
  run: RunRecord;
  /** Each network's recent posts (empty when posts are off). */
  posts: PostSnapshot[];
  /** One per network whose history was asked for, or could not be. */
  postOutcomes: PostOutcome[];
}

/** What one network's history request came back with. */
type HistoryOutcome =
  | { platform: Platform; body: unknown }
  | { platform: Platform; error: AyrshareRequestError | AyrshareResponseError }
  | { platform: Platform; notAsked: string; errorClass: FailedPlatform['error_class'] };

/** What one request of a profile came back with: Ayrshare's answer, or why the whole request failed. */
type GroupOutcome =
  { group: RequestGroup; body: unknown } | { group: RequestGroup; error: AyrshareRequestError | AyrshareResponseError };

/** A profile's answers as they came, before any parsing: what the I/O phase hands to the CPU phase. */
export interface FetchedProfile {
  profile: Profile;
  run: RunRecord;
  outcomes: GroupOutcome[];
  /** X was not asked: its credentials are missing. */
  xUnaskable: boolean;
  /** The post history requests, after the analytics ones (empty when posts are off). */
  history: HistoryOutcome[];
}

/**
 * Fetches and parses one profile. X/Twitter is asked in a request of its own (with the X credentials), at the same
 * time as the other platforms' request, so that an X refusal or X's own caps never fail the other platforms and cost
 * no extra round trip; the two share the profile's rate-limit budget (PROFILE_RATE_LIMIT_RETRIES). A whole-request
 * failure fails each platform of that request with the same reason. Everything from Ayrshare it returns (reasons,
 * raw blocks, rate-limit headers) has passed the run's boundary.
 */
export async function collectProfile(
  settings: CollectorSettings,
  profile: Profile,
  date: string,
  deps: FetchDependencies,
  boundary: Boundary = createBoundary(secretsOf(settings)),
): Promise<ProfileCollection> {
  return processProfile(settings, await fetchProfile(settings, profile, deps, boundary), date, deps, boundary);
}

/**
 * The I/O half: both requests of a profile, at the same time, and nothing else. A run starts the next profile's
 * requests as soon as these answers are in, and parses them while those are on the wire.
 */
export async function fetchProfile(
  settings: CollectorSettings,
  profile: Profile,
  deps: FetchDependencies,
  boundary: Boundary = createBoundary(secretsOf(settings)),
): Promise<FetchedProfile> {
  const log = boundary.log(deps.log ?? silentLog);
  const run: RunRecord = {
    profile: profile.name,
    trigger: deps.trigger ?? 'manual',
    invocationId: deps.invocationId,
    startedAt: new Date(),
    finishedAt: new Date(),
    requests: 0,
    rateLimited: 0,
    rateLimit: {},
  };
  const profileLimit = profileRateLimit();
  const groups = requestGroups(settings.platforms, settings.xCredentials);
  const outcomes = await Promise.all(
    groups
      .filter((g) => !g.unaskable)
      .map(async (group): Promise<GroupOutcome> => {
        try {
          const answer = await fetchSocialAnalytics(
            {
              baseUrl: settings.baseUrl,
              apiKey: settings.apiKey,
              profileKey: profile.profileKey,
              platforms: group.platforms,
              ...(group.xCredentials ? { xCredentials: group.xCredentials } : {}),
            },
            deps.httpPolicy ?? DEFAULT_HTTP_POLICY,
            { ...deps, log, boundary, profileLimit },
          );
          recordRequests(run, answer.attempts, answer.rateLimited, answer.rateLimit);
          if (Object.keys(answer.rateLimit).length > 0 || answer.rateLimited > 0) {
            log.info('Ayrshare rate limits', {
              profile: profile.name,
              attempts: answer.attempts,
              rateLimited: answer.rateLimited,
              headers: answer.rateLimit,
            });
          }
          return { group, body: answer.body };
        } catch (error) {
          if (!(error instanceof AyrshareRequestError || error instanceof AyrshareResponseError)) throw error;
          if (error instanceof AyrshareRequestError)
            recordRequests(run, error.details.attempts, error.details.rateLimited ?? 0, error.details.rateLimit ?? {});
          else recordRequests(run, 1, 0, {});
          return { group, error };
        }
      }),
  );
  // The keys refused for the account's own request: the posts would be refused the same way, so they are not asked.
  const refused = outcomes.flatMap((o) =>
    'error' in o && !o.group.xCredentials && failureClassOf(o.error) === 'auth' ? [o.error.message] : [],
  )[0];
  const history =
    (settings.posts ?? SETTINGS.posts.default)
      ? await fetchHistory(settings, profile, deps, log, run, profileLimit, refused)
      : [];
  run.finishedAt = new Date();
  return { profile, run, outcomes, xUnaskable: groups.some((g) => g.unaskable), history };
}

/**
 * Each network's recent posts, one request per network, all at once, after the analytics are in: a history request
 * never delays or fails the account's. They share the profile's rate-limit budget with the analytics requests: a
 * profile Ayrshare stopped answering is not asked again, and a monthly quota (code 106, which fails every post-related
 * call until the 1st) stops the other history requests at once, without a retry.
 */
async function fetchHistory(
  settings: CollectorSettings,
  profile: Profile,
  deps: FetchDependencies,
  log: Log,
  run: RunRecord,
  profileLimit: ProfileRateLimit,
  refused: string | undefined,
): Promise<HistoryOutcome[]> {
  if (refused)
    return settings.platforms.map((platform) => ({
      platform,
      notAsked: `not asked: the account's analytics request was refused (${refused})`,
      errorClass: 'auth' as const,
    }));
  // Rate limited until its retries ran out, or told to stop: more requests would only add to the profile's 429s.
  const stopped =
    profileLimit.stopped ??
    (profileLimit.retriesLeft <= 0 && run.rateLimited > 0
      ? { message: 'Ayrshare was rate limiting this profile and its retries in this run are spent.' }
      : undefined);
  return Promise.all(
    settings.platforms.map(async (platform): Promise<HistoryOutcome> => {
      const isX = platform === X_PLATFORM;
      if (stopped) return { platform, notAsked: `not asked: ${stopped.message}`, errorClass: 'rate_limited' };
      if (isX && !settings.xCredentials)
        return {
          platform,
          notAsked: `not asked: X/Twitter needs your own X app credentials (${X_CREDENTIALS_SETTINGS})`,
          errorClass: 'x_credentials',
        };
      try {
        const answer = await fetchPostHistory(
          {
            baseUrl: settings.baseUrl,
            apiKey: settings.apiKey,
            profileKey: profile.profileKey,
            platform,
            ...(isX && settings.xCredentials ? { xCredentials: settings.xCredentials } : {}),
          },
          deps.httpPolicy ?? DEFAULT_HTTP_POLICY,
          { ...deps, log, profileLimit },
        );
        recordRequests(run, answer.attempts, answer.rateLimited, answer.rateLimit);
        return { platform, body: answer.body };
      } catch (error) {
        if (!(error instanceof AyrshareRequestError || error instanceof AyrshareResponseError)) throw error;
        if (error instanceof AyrshareRequestError)
          recordRequests(run, error.details.attempts, error.details.rateLimited ?? 0, error.details.rateLimit ?? {});
        else recordRequests(run, 1, 0, {});
        log.warn('Post history request failed', { profile: profile.name, platform, reason: error.message });
        return { platform, error };
      }
    }),
  );
}

/** The CPU half: each answer validated platform by platform, normalised, with its rate and efficiency. */
export function processProfile(
  settings: CollectorSettings,
  fetched: FetchedProfile,
  date: string,
  deps: Pick<FetchDependencies, 'log'>,
  boundary: Boundary = createBoundary(secretsOf(settings)),
): ProfileCollection {
  const log = boundary.log(deps.log ?? silentLog);
  const { profile, run, outcomes } = fetched;
  const failed: FailedPlatform[] = [];
  const results: PlatformResult[] = [];
  if (fetched.xUnaskable) {
    // Ayrshare refuses every X request without the owner's credentials (code 419): not asked at all.
    failed.push({
      profile: profile.name,
      platform: X_PLATFORM,
      reason: `not asked: X/Twitter needs your own X app credentials (${X_CREDENTIALS_SETTINGS})`,
      error_class: 'x_credentials',
    });
  }
  // Did the same keys get accepted for the other platforms? Then a 401/403 on X is X's credentials at fault.
  const othersRefused = outcomes.some(
    (o) => 'error' in o && !o.group.xCredentials && failureClassOf(o.error) === 'auth',
  );
  for (const outcome of outcomes) {
    if ('body' in outcome) {
      try {
        results.push(...parseSocialAnalytics(outcome.body, outcome.group.platforms));
        continue;
      } catch (error) {
        // An answer that is not an analytics answer: its request was counted when it arrived; its platforms fail.
        if (!(error instanceof AyrshareResponseError)) throw error;
        Object.assign(outcome, { error });
      }
    }
    const { group } = outcome;
    const error = (outcome as { error: AyrshareRequestError | AyrshareResponseError }).error;
    const refused = failureClassOf(error);
    const errorClass = group.xCredentials && refused === 'auth' && !othersRefused ? 'x_credentials' : refused;
    log.warn('Analytics request failed', {
      profile: profile.name,
      platforms: group.platforms,
      reason: error.message,
    });
    failed.push(
      ...group.platforms.map((platform) => ({
        profile: profile.name,
        platform,
        reason: boundary.text(error.message),
        error_class: errorClass,
      })),
    );
  }

  const snapshots: Snapshot[] = [];
  for (const result of results) {
    if (!result.ok) {
      log.warn('Platform failed', { profile: profile.name, platform: result.platform, reason: result.reason });
      failed.push({
        profile: profile.name,
        platform: result.platform,
        reason: boundary.text(result.reason),
        error_class: result.failureClass,
      });
      continue;
    }
    const leftOut = result.problems.map((p) => ({
      field: boundary.text(p.field, 100),
      reason: boundary.text(p.reason),
    }));
    for (const problem of leftOut)
      log.warn('Figure left out', { profile: profile.name, platform: result.platform, reason: problem.reason });
    const metrics = normaliseMetrics(result.platform, result.analytics);
    const { rate, basis } = engagementRateWithBasis(metrics, result.platform);
    snapshots.push({
      profile: profile.name,
      platform: result.platform,
      date,
      metrics,
      engagement_rate: rate,
      engagement_rate_basis: basis,
      content_efficiency: contentEfficiency(metrics),
      // Stored as sent, but through the boundary: an echoed key in any field is redacted before the upsert.
      raw_data: boundary.json(result.raw),
      left_out: leftOut,
      not_computed: result.notComputed.map((field) => boundary.text(field, 100)),
      source_updated_at: result.sourceUpdatedAt,
      warnings: result.warnings.map((w) => ({
        code: typeof w.code === 'string' ? boundary.text(w.code, 20) : w.code,
        message: boundary.text(w.message, 300),
      })),
    });
  }
  // Failures in the order of the configured platforms, whichever request they came from.
  failed.sort(
    (a, b) => settings.platforms.indexOf(a.platform as Platform) - settings.platforms.indexOf(b.platform as Platform),
  );
  return { snapshots, failed, run, ...processHistory(fetched, date, log, boundary) };
}

/** Each history answer parsed into post snapshots; a bad one fails its network's posts only. */
function processHistory(
  fetched: FetchedProfile,
  date: string,
  log: Log,
  boundary: Boundary,
): Pick<ProfileCollection, 'posts' | 'postOutcomes'> {
  const profile = fetched.profile.name;
  const posts: PostSnapshot[] = [];
  const postOutcomes: PostOutcome[] = [];
  const failedWith = (platform: Platform, errorClass: FailedPlatform['error_class'], message: string) =>
    postOutcomes.push({ profile, platform, outcome: 'failed', posts: 0, error_class: errorClass, message });
  for (const outcome of fetched.history) {
    const { platform } = outcome;
    if ('notAsked' in outcome) {
      failedWith(platform, outcome.errorClass, boundary.text(outcome.notAsked));
      continue;
    }
    if ('error' in outcome) {
      failedWith(platform, failureClassOf(outcome.error), boundary.text(outcome.error.message));
      continue;
    }
    try {
      const parsed = parsePostHistory(outcome.body, { profile, platform, date, boundary });
      posts.push(...parsed.posts);
      postOutcomes.push({
        profile,
        platform,
        outcome: 'stored',
        posts: parsed.posts.length,
        error_class: null,
        message: parsed.skipped.length > 0 ? `skipped ${parsed.skipped.join(', ')}` : null,
      });
    } catch (error) {
      if (!(error instanceof AyrshareResponseError)) throw error;
      log.warn('Post history unreadable', { profile, platform, reason: error.message });
      failedWith(platform, classOfHistoryAnswer(outcome.body), boundary.text(error.message));
    }
  }
  return { posts, postOutcomes };
}

/** An answer without posts: a network that is not linked says so; anything else is a platform error. */
function classOfHistoryAnswer(body: unknown): FailedPlatform['error_class'] {
  const text = JSON.stringify(body ?? null).toLowerCase();
  return /not linked|not connected|no social account/.test(text) ? 'not_linked' : 'platform_error';
}

interface RequestGroup {
  platforms: Platform[];
  xCredentials?: XCredentials;
  /** X without credentials: Ayrshare would refuse it, so it is not asked. */
  unaskable?: boolean;
}

/** Every platform but X in one request; X in one of its own, with its credentials. */
export function requestGroups(platforms: readonly Platform[], xCredentials: XCredentials | undefined): RequestGroup[] {
  const others = platforms.filter((p) => p !== X_PLATFORM);
  const groups: RequestGroup[] = others.length > 0 ? [{ platforms: others }] : [];
  if (platforms.includes(X_PLATFORM))
    groups.push(
      xCredentials ? { platforms: [X_PLATFORM], xCredentials } : { platforms: [X_PLATFORM], unaskable: true },
    );
  return groups;
}

function failureClassOf(error: AyrshareRequestError | AyrshareResponseError) {
  return error instanceof AyrshareRequestError ? error.details.failureClass : error.failureClass;
}

/** Adds one request's attempts to the profile's ledger entry; the latest rate-limit headers win. */
function recordRequests(
  run: RunRecord,
  attempts: number,
  rateLimited: number,
  rateLimit: Record<string, string>,
): void {
  run.requests += attempts;
  run.rateLimited += rateLimited;
  if (Object.keys(rateLimit).length > 0) run.rateLimit = rateLimit;
}
