// One collection run, in order: fetch each profile (validate, normalise, derive its rates), store everything in one
// transaction with the ledger of the attempt, summarise. Plain code over injected dependencies, shared by the CLI,
// the Lambda handlers and the tests.
import type pg from 'pg';
import { DEFAULT_HTTP_POLICY } from '../ayrshare/client';
import { daysBetween } from '../core/dates';
import { SETTINGS } from '../core/settings';
import { createBoundary } from '../core/boundary';
import { DatabaseError, errorMessage } from '../core/errors';
import { silentLog } from '../core/log';
import {
  keyOf,
  type CollectorSettings,
  type FailedPlatform,
  type RunRecord,
  type RunSummary,
  type Snapshot,
  type StoredSnapshot,
} from '../core/model';
import { secretsOf } from '../core/schemas';
import { recordFailedRuns } from '../storage/ledger';
import { fetchProfile, processProfile, type FetchDependencies } from './fetch';
import { writeRun } from './store';
import type { PostOutcome, PostSnapshot } from './posts';
import { summarisePosts, summariseRun } from './summarise';

export interface PipelineDependencies extends FetchDependencies {
  db: pg.ClientBase;
  /** Today in the run's time zone; when the run's date is further away, the log says what that means. */
  today?: string;
  /** Secrets beyond the settings' own (the database password) that must not reach a log or a row either. */
  secrets?: ReadonlyArray<string | undefined>;
}

export interface RunResult {
  summary: RunSummary;
  /** The rows this run stored, with their derived metrics (the Lambda turns them into CloudWatch metrics). */
  stored: StoredSnapshot[];
}

/** Collects and stores one date's snapshots for every configured profile and platform. */
export async function runCollection(
  settings: CollectorSettings,
  date: string,
  deps: PipelineDependencies,
): Promise<RunSummary> {
  return (await collectAndStore(settings, date, deps)).summary;
}

/** runCollection, also returning the stored rows. */
export async function collectAndStore(
  settings: CollectorSettings,
  date: string,
  deps: PipelineDependencies,
): Promise<RunResult> {
  // Every secret of the run: whatever comes from Ayrshare or the database passes this before any log, row or summary.
  const boundary = createBoundary([...secretsOf(settings), ...(deps.secrets ?? [])]);
  const log = boundary.log(deps.log ?? silentLog);
  const snapshots: Snapshot[] = [];
  const failed: FailedPlatform[] = [];
  const runs: RunRecord[] = [];
  const posts: PostSnapshot[] = [];
  const postOutcomes: PostOutcome[] = [];
  if (deps.today && Math.abs(daysBetween(deps.today, date)) > 1) {
    log.warn(
      `Ayrshare answers with current figures: they will be stored under ${date}, ${describeDistance(deps.today, date)}`,
      { date, today: deps.today },
    );
  }

  // Ayrshare limits each profile (300 requests per 5 minutes), not the account, and a run asks each profile at most
  // maxAttempts times: profiles run side by side, a bounded number at once, inside one deadline shared by all.
  const given = deps.httpPolicy ?? DEFAULT_HTTP_POLICY;
  const policy = settings.maxAnswerBytes ? { ...given, maxAnswerBytes: settings.maxAnswerBytes } : given;
  const deadline = Date.now() + policy.budgetMs;
  const concurrency = settings.concurrency ?? SETTINGS.concurrency.default;
  log.info('Fetching analytics', {
    profiles: settings.profiles.length,
    platforms: settings.platforms,
    date,
    concurrency,
  });
  // The requests only: each worker moves to its next profile as soon as its answers are in, and the answers are
  // parsed while the next requests are on the wire, not between them.
  const fetchDeps = { ...deps, log, httpPolicy: policy, deadline };
  const parsing: Array<Promise<ReturnType<typeof processProfile>>> = [];
  await mapWithConcurrency(
    settings.profiles.map((profile, index) => ({ profile, index })),
    concurrency,
    async (p) => {
      const fetched = await fetchProfile(settings, p.profile, fetchDeps, boundary);
      parsing[p.index] = new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(processProfile(settings, fetched, date, fetchDeps, boundary));
          } catch (error) {
            reject(error);
          }
        }),
      );
    },
  );
  const results = await Promise.all(parsing);
  for (const result of results) {
    snapshots.push(...result.snapshots);
    failed.push(...result.failed);
    runs.push(result.run);
    posts.push(...result.posts);
    postOutcomes.push(...result.postOutcomes);
  }

  let written;
  try {
    written = await writeRun(deps.db, {
      date,
      snapshots,
      failed,
      runs,
      anomalyThreshold: settings.anomalyThreshold ?? SETTINGS.anomalyThreshold.default,
      boundary,
      posts,
      postOutcomes,
    });
  } catch (error) {
    const cause = boundary.text(errorMessage(error), 300);
    const reason = `Nothing was stored for ${date}: the database write failed (${cause}). The whole run was rolled back.`;
    // The ledger still says why, when the database takes that much.
    const lost = snapshots.map((s) => ({
      profile: s.profile,
      platform: s.platform,
      reason,
      error_class: 'database' as const,
    }));
    await recordFailedRuns(deps.db, date, runs, [...failed, ...lost]).catch(() =>
      log.warn('Could not record the failed run in the ledger', { date }),
    );
    throw new DatabaseError(
      reason,
      'Check that PostgreSQL is reachable and the schema is current (`ayrshare-tracker migrate`), then run the collection again.',
      { cause: error },
    );
  }
  for (const refused of written.rejected)
    log.warn('Platform refused', { profile: refused.profile, platform: refused.platform, reason: refused.reason });
  const withStreaks = [...failed, ...written.rejected].map((f) => {
    const streak = written.streaks.get(keyOf(f.profile, f.platform));
    return streak ? { ...f, failing_since: streak.since, failed_days: streak.days } : f;
  });
  const summary = summariseRun(
    date,
    settings.profiles.map((p) => p.name),
    written.stored,
    withStreaks,
    {
      anomalies: written.anomalies,
      drift: written.drift,
      left_out: written.warnings,
      not_computed: written.notComputed,
      warnings: written.newWarnings,
      stale: written.stale,
    },
    (settings.posts ?? SETTINGS.posts.default) ? summarisePosts(written.postOutcomes) : undefined,
  );
  log.info('Collection finished', {
    status: summary.status,
    stored: written.stored.length,
    failed: withStreaks.length,
    date,
  });
  return { summary, stored: written.stored };
}

function describeDistance(today: string, date: string): string {
  const days = daysBetween(today, date);
  return days < 0 ? `${-days} days ago` : `${days} days ahead`;
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the order of `items`. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
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
