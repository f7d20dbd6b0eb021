// One collection run: fetch each profile's analytics, validate, normalise, derive, store in one transaction,
// summarise. Plain code over injected dependencies, shared by the CLI, the Lambda handler and the tests.
import type pg from 'pg';
import { fetchSocialAnalytics, DEFAULT_HTTP_POLICY, type ClientDependencies, type HttpPolicy } from './ayrshare-client';
import type { CollectorSettings, Profile } from './config';
import { daysBetween } from './dates';
import { contentEfficiency, engagementRate } from './derive';
import { AyrshareRequestError, AyrshareResponseError, DatabaseError, createRedactor, errorMessage } from './errors';
import { silentLog, type Log } from './log';
import { normaliseMetrics } from './normalise';
import { parseSocialAnalytics } from './parse-response';
import { upsertSnapshots, type Snapshot, type StoredSnapshot } from './storage';
import { summariseRun, type FailedPlatform, type RunSummary } from './summary';

export interface PipelineDependencies extends Omit<ClientDependencies, 'log'> {
  db: pg.ClientBase;
  log?: Log;
  httpPolicy?: HttpPolicy;
  /** Today in the run's time zone; when the run's date is further away, the log says what that means. */
  today?: string;
}

export interface ProfileCollection {
  snapshots: Snapshot[];
  failed: FailedPlatform[];
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
  const redact = createRedactor([settings.apiKey, ...settings.profiles.map((p) => p.profileKey)]);
  const snapshots: Snapshot[] = [];
  const failed: FailedPlatform[] = [];
  if (deps.today && Math.abs(daysBetween(deps.today, date)) > 1) {
    log.warn(`Ayrshare answers with current figures: they will be stored under ${date}, ${describeDistance(deps.today, date)}`, { date, today: deps.today });
  }

  // Profiles run one after another: Ayrshare's limits are per profile, and a daily job has time to spare.
  for (const profile of settings.profiles) {
    log.info('Fetching analytics', { profile: profile.name, platforms: settings.platforms, date });
    const result = await collectProfile(settings, profile, date, deps);
    snapshots.push(...result.snapshots);
    failed.push(...result.failed.map((f) => ({ ...f, reason: redact(f.reason) })));
  }

  let stored: StoredSnapshot[] = [];
  if (snapshots.length > 0) {
    try {
      const written = await upsertSnapshots(deps.db, snapshots);
      stored = written.stored;
      for (const refused of written.rejected) {
        log.warn('Platform refused', { profile: refused.profile, platform: refused.platform, reason: refused.reason });
        failed.push(refused);
      }
    } catch (error) {
      throw new DatabaseError(
        `Nothing was stored for ${date}: the database write failed (${redact(errorMessage(error))}). The whole run was rolled back.`,
        'Check that PostgreSQL is reachable and the schema is current (`ayrshare-tracker migrate`), then run the collection again.',
      );
    }
  }
  const summary = summariseRun(date, settings.profiles.map((p) => p.name), stored, failed);
  log.info('Collection finished', { status: summary.status, stored: stored.length, failed: failed.length, date });
  return { summary, stored };
}

/** Fetches and parses one profile; a whole-request failure fails each of its platforms with the same reason. */
export async function collectProfile(
  settings: CollectorSettings,
  profile: Profile,
  date: string,
  deps: Omit<PipelineDependencies, 'db'>,
): Promise<ProfileCollection> {
  const log = deps.log ?? silentLog;
  let results;
  try {
    const answer = await fetchSocialAnalytics(
      { baseUrl: settings.baseUrl, apiKey: settings.apiKey, profileKey: profile.profileKey, platforms: settings.platforms },
      deps.httpPolicy ?? DEFAULT_HTTP_POLICY,
      { ...deps, log },
    );
    if (Object.keys(answer.rateLimit).length > 0 || answer.rateLimited > 0) {
      log.info('Ayrshare rate limits', { profile: profile.name, attempts: answer.attempts, rateLimited: answer.rateLimited, headers: answer.rateLimit });
    }
    results = parseSocialAnalytics(answer.body, settings.platforms);
  } catch (error) {
    if (!(error instanceof AyrshareRequestError || error instanceof AyrshareResponseError)) throw error;
    const errorClass = error instanceof AyrshareRequestError ? error.details.failureClass : error.failureClass;
    log.warn('Analytics request failed', { profile: profile.name, reason: error.message });
    return {
      snapshots: [],
      failed: settings.platforms.map((platform) => ({ profile: profile.name, platform, reason: error.message, error_class: errorClass })),
    };
  }

  const snapshots: Snapshot[] = [];
  const failed: FailedPlatform[] = [];
  for (const result of results) {
    if (!result.ok) {
      log.warn('Platform failed', { profile: profile.name, platform: result.platform, reason: result.reason });
      failed.push({ profile: profile.name, platform: result.platform, reason: result.reason, error_class: result.failureClass });
      continue;
    }
    const metrics = normaliseMetrics(result.platform, result.analytics);
    snapshots.push({
      profile: profile.name,
      platform: result.platform,
      date,
      metrics,
      engagement_rate: engagementRate(metrics),
      content_efficiency: contentEfficiency(metrics),
      raw_data: result.raw,
    });
  }
  return { snapshots, failed };
}

function describeDistance(today: string, date: string): string {
  const days = daysBetween(today, date);
  return days < 0 ? `${-days} days ago` : `${days} days ahead`;
}
