// One collection run: fetch each profile's analytics, validate, normalise, derive, store in one transaction with the
// ledger of the attempt, summarise. Plain code over injected dependencies, shared by the CLI, the Lambda handler and
// the tests.
import type pg from 'pg';
import { fetchSocialAnalytics, DEFAULT_HTTP_POLICY, X_CREDENTIALS_SETTINGS, type ClientDependencies, type HttpPolicy, type XCredentials } from './ayrshare-client';
import { DEFAULT_ANOMALY_THRESHOLD, DEFAULT_CONCURRENCY, secretsOf, type CollectorSettings, type Profile } from './config';
import { daysBetween } from './dates';
import { contentEfficiency, engagementRateWithBasis } from './derive';
import { AyrshareRequestError, AyrshareResponseError, DatabaseError, createRedactor, errorMessage } from './errors';
import { silentLog, type Log } from './log';
import { normaliseMetrics } from './normalise';
import { parseSocialAnalytics, type PlatformResult } from './parse-response';
import { X_PLATFORM, type Platform } from './platforms';
import { keyOf, recordFailedRuns, writeRun, type RunRecord, type RunTrigger, type Snapshot, type StoredSnapshot } from './storage';
import { summariseRun, type FailedPlatform, type RunSummary } from './summary';


export interface PipelineDependencies extends Omit<ClientDependencies, 'log'> {
  db: pg.ClientBase;
  log?: Log;
  httpPolicy?: HttpPolicy;
  /** Today in the run's time zone; when the run's date is further away, the log says what that means. */
  today?: string;
  /** What started the run, for the ledger. @default 'manual' */
  trigger?: RunTrigger;
  /** Lambda's request id: a second run with the same id is Lambda retrying the event. */
  invocationId?: string;
}

export interface ProfileCollection {
  snapshots: Snapshot[];
  failed: FailedPlatform[];
  run: RunRecord;
}

export interface RunResult {
  summary: RunSummary;
  /** The rows this run stored, with their derived metrics (the Lambda turns them into CloudWatch metrics). */
  stored: StoredSnapshot[];
}

/** Collects and stores one date's snapshots for every configured profile and platform. */
export async function runCollection(settings: CollectorSettings, date: string, deps: PipelineDependencies): Promise<RunSummary> {
  return (await collectAndStore(settings, date, deps)).summary;
}

/** runCollection, also returning the stored rows. */
export async function collectAndStore(settings: CollectorSettings, date: string, deps: PipelineDependencies): Promise<RunResult> {
  const log = deps.log ?? silentLog;
  const redact = createRedactor(secretsOf(settings));
  const snapshots: Snapshot[] = [];
  const failed: FailedPlatform[] = [];
  const runs: RunRecord[] = [];
  if (deps.today && Math.abs(daysBetween(deps.today, date)) > 1) {
    log.warn(`Ayrshare answers with current figures: they will be stored under ${date}, ${describeDistance(deps.today, date)}`, { date, today: deps.today });
  }

  // Ayrshare limits each profile (300 requests per 5 minutes), not the account, and a run asks each profile at most
  // maxAttempts times: profiles run side by side, a bounded number at once, inside one deadline shared by all.
  const policy = deps.httpPolicy ?? DEFAULT_HTTP_POLICY;
  const deadline = Date.now() + policy.budgetMs;
  log.info('Fetching analytics', { profiles: settings.profiles.length, platforms: settings.platforms, date, concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY });
  const results = await mapWithConcurrency(settings.profiles, settings.concurrency ?? DEFAULT_CONCURRENCY, (profile) =>
    collectProfile(settings, profile, date, { ...deps, httpPolicy: policy, deadline }, redact),
  );
  for (const result of results) {
    snapshots.push(...result.snapshots);
    failed.push(...result.failed);
    runs.push(result.run);
  }

  let written;
  try {
    written = await writeRun(deps.db, { date, snapshots, failed, runs, anomalyThreshold: settings.anomalyThreshold ?? DEFAULT_ANOMALY_THRESHOLD });
  } catch (error) {
    const reason = `Nothing was stored for ${date}: the database write failed (${redact(errorMessage(error))}). The whole run was rolled back.`;
    // The ledger still says why, when the database takes that much.
    const lost = snapshots.map((s) => ({ profile: s.profile, platform: s.platform, reason, error_class: 'database' as const }));
    await recordFailedRuns(deps.db, date, runs, [...failed, ...lost]).catch(() => log.warn('Could not record the failed run in the ledger', { date }));
    throw new DatabaseError(reason, 'Check that PostgreSQL is reachable and the schema is current (`ayrshare-tracker migrate`), then run the collection again.');
  }
  for (const refused of written.rejected) log.warn('Platform refused', { profile: refused.profile, platform: refused.platform, reason: refused.reason });
  const withStreaks = [...failed, ...written.rejected].map((f) => {
    const streak = written.streaks.get(keyOf(f.profile, f.platform));
    return streak ? { ...f, failing_since: streak.since, failed_days: streak.days } : f;
  });
  const summary = summariseRun(
    date,
    settings.profiles.map((p) => p.name),
    written.stored,
    withStreaks,
    { anomalies: written.anomalies, drift: written.drift, left_out: written.warnings },
  );
  log.info('Collection finished', { status: summary.status, stored: written.stored.length, failed: withStreaks.length, date });
  return { summary, stored: written.stored };
}

/**
 * Fetches and parses one profile. X/Twitter is asked in a request of its own (with the X credentials), so that an X
 * refusal or X's own caps never fail the other platforms; a whole-request failure fails each platform of that request
 * with the same reason. Every reason it returns has already passed `redact`.
 */
export async function collectProfile(
  settings: CollectorSettings,
  profile: Profile,
  date: string,
  deps: Omit<PipelineDependencies, 'db'>,
  redact: (text: string) => string = createRedactor(secretsOf(settings)),
): Promise<ProfileCollection> {
  const log = deps.log ?? silentLog;
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
  const failed: FailedPlatform[] = [];
  const results: PlatformResult[] = [];
  for (const group of requestGroups(settings.platforms, settings.xCredentials)) {
    if (group.unaskable) {
      // Ayrshare refuses every X request without the owner's credentials (code 419): not asked at all.
      failed.push({ profile: profile.name, platform: X_PLATFORM, reason: `not asked: X/Twitter needs your own X app credentials (${X_CREDENTIALS_SETTINGS})`, error_class: 'x_credentials' });
      continue;
    }
    try {
      const answer = await fetchSocialAnalytics(
        { baseUrl: settings.baseUrl, apiKey: settings.apiKey, profileKey: profile.profileKey, platforms: group.platforms, ...(group.xCredentials ? { xCredentials: group.xCredentials } : {}) },
        deps.httpPolicy ?? DEFAULT_HTTP_POLICY,
        { ...deps, log },
      );
      recordRequests(run, answer.attempts, answer.rateLimited, answer.rateLimit);
      if (Object.keys(answer.rateLimit).length > 0 || answer.rateLimited > 0) {
        log.info('Ayrshare rate limits', { profile: profile.name, attempts: answer.attempts, rateLimited: answer.rateLimited, headers: answer.rateLimit });
      }
      results.push(...parseSocialAnalytics(answer.body, group.platforms));
    } catch (error) {
      if (!(error instanceof AyrshareRequestError || error instanceof AyrshareResponseError)) throw error;
      if (error instanceof AyrshareRequestError) recordRequests(run, error.details.attempts, error.details.rateLimited ?? 0, error.details.rateLimit ?? {});
      else recordRequests(run, 1, 0, {});
      const errorClass = error instanceof AyrshareRequestError ? error.details.failureClass : error.failureClass;
      log.warn('Analytics request failed', { profile: profile.name, platforms: group.platforms, reason: error.message });
      failed.push(...group.platforms.map((platform) => ({ profile: profile.name, platform, reason: redact(error.message), error_class: errorClass })));
    }
  }
  run.finishedAt = new Date();

  const snapshots: Snapshot[] = [];
  for (const result of results) {
    if (!result.ok) {
      log.warn('Platform failed', { profile: profile.name, platform: result.platform, reason: result.reason });
      failed.push({ profile: profile.name, platform: result.platform, reason: redact(result.reason), error_class: result.failureClass });
      continue;
    }
    const leftOut = result.problems.map((p) => ({ ...p, reason: redact(p.reason) }));
    for (const problem of leftOut) log.warn('Figure left out', { profile: profile.name, platform: result.platform, reason: problem.reason });
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
      raw_data: result.raw,
      left_out: leftOut,
    });
  }
  // Failures in the order of the configured platforms, whichever request they came from.
  failed.sort((a, b) => settings.platforms.indexOf(a.platform as Platform) - settings.platforms.indexOf(b.platform as Platform));
  return { snapshots, failed, run };
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
  if (platforms.includes(X_PLATFORM)) groups.push(xCredentials ? { platforms: [X_PLATFORM], xCredentials } : { platforms: [X_PLATFORM], unaskable: true });
  return groups;
}

/** Adds one request's attempts to the profile's ledger entry; the latest rate-limit headers win. */
function recordRequests(run: RunRecord, attempts: number, rateLimited: number, rateLimit: Record<string, string>): void {
  run.requests += attempts;
  run.rateLimited += rateLimited;
  if (Object.keys(rateLimit).length > 0) run.rateLimit = rateLimit;
}

function describeDistance(today: string, date: string): string {
  const days = daysBetween(today, date);
  return days < 0 ? `${-days} days ago` : `${days} days ahead`;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the order of `items`. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
