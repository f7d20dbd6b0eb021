// The ledger: every collection attempt (collection_runs) and every platform's outcome in it (platform_outcomes), and
// the failure streaks alerts quote. All SQL; the pipeline decides what to record.
import type pg from 'pg';
import {
  keyOf,
  type FailedPlatform,
  type FailureClass,
  type RunRecord,
  type StaleStreak,
  type StoredSnapshot,
} from '../core/model';
import type { LatestRun, RunOutcome } from '../core/contracts';
import { inTransaction } from './connection';

/** Every profile's run of this write in one statement; a request id seen before makes them retries. */
const INSERT_RUNS_SQL = `
WITH seen AS (SELECT EXISTS (SELECT 1 FROM collection_runs WHERE invocation_id = ANY($3::text[])) AS retry)
INSERT INTO collection_runs (profile, snapshot_date, trigger, invocation_id, started_at, finished_at, outcome, requests,
                             rate_limited, rate_limit)
SELECT r.profile, $1::date, CASE WHEN seen.retry THEN 'retry' ELSE r.trigger END, r.invocation_id, r.started_at, r.finished_at,
       r.outcome, r.requests, r.rate_limited, r.rate_limit
FROM jsonb_to_recordset($2::jsonb) AS r(profile text, trigger text, invocation_id text, started_at timestamptz, finished_at timestamptz,
                                         outcome text, requests integer, rate_limited integer, rate_limit jsonb), seen
RETURNING id, profile`;

const INSERT_OUTCOMES_SQL = `
INSERT INTO platform_outcomes (run_id, profile, platform, snapshot_date, outcome, error_class, message)
SELECT r.run_id, r.profile, r.platform, $1::date, r.outcome, r.error_class, r.message
FROM jsonb_to_recordset($2::jsonb) AS r(run_id bigint, profile text, platform text, outcome text, error_class text, message text)`;

/** Failed days since the last stored snapshot, per failed platform (today's failure included). */
const STREAK_SQL = `
SELECT o.profile, o.platform, COUNT(DISTINCT o.snapshot_date)::int AS days, MIN(o.snapshot_date)::text AS since
FROM platform_outcomes o JOIN unnest($1::text[], $2::text[]) AS k(profile, platform) ON k.profile = o.profile AND k.platform = o.platform
WHERE o.outcome NOT IN ('stored', 'stale') AND o.snapshot_date <= $3::date
  AND o.snapshot_date > COALESCE(
        (SELECT MAX(s.date) FROM social_media_analytics s WHERE s.profile = o.profile AND s.platform = o.platform AND s.date <= $3::date),
        '-infinity'::date)
GROUP BY o.profile, o.platform`;

/** The ledger's word for a failure: a platform absent from the answer is "missing", anything else "failed". */
function outcomeOf(errorClass: FailureClass): 'failed' | 'missing' {
  return errorClass === 'not_linked' ? 'missing' : 'failed';
}

/** Records each profile's run of one date, and the outcome of each of its platforms; returns the runs' ids. */
export async function recordRuns(
  client: pg.ClientBase,
  request: { date: string; runs: readonly RunRecord[] },
  stored: readonly StoredSnapshot[],
  failed: readonly FailedPlatform[],
): Promise<Map<string, number>> {
  if (request.runs.length === 0) return new Map();
  const storedBy = groupBy(stored, (s) => s.profile);
  const failedBy = groupBy(failed, (f) => f.profile);
  const runs = request.runs.map((run) => {
    const mine = storedBy.get(run.profile) ?? [];
    const myFailures = failedBy.get(run.profile) ?? [];
    return {
      profile: run.profile,
      trigger: run.trigger,
      invocation_id: run.invocationId ?? null,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      outcome: mine.length === 0 ? 'error' : myFailures.length > 0 ? 'partial' : 'success',
      requests: run.requests,
      rate_limited: run.rateLimited,
      rate_limit: run.rateLimit,
    };
  });
  const invocations = [...new Set(request.runs.flatMap((r) => (r.invocationId ? [r.invocationId] : [])))];
  const { rows } = await client.query<{ id: number; profile: string }>(INSERT_RUNS_SQL, [
    request.date,
    JSON.stringify(runs),
    invocations,
  ]);
  const runIds = new Map(rows.map((r) => [r.profile, r.id]));
  const outcomes = [
    ...stored.map((s) => ({
      run_id: runIds.get(s.profile),
      profile: s.profile,
      platform: s.platform,
      // Stored, but Ayrshare had not refreshed the figures since the previous snapshot: the ledger counts these days.
      outcome: s.refreshed === false ? 'stale' : 'stored',
      error_class: null,
      message: s.left_out.length > 0 ? `stored without ${s.left_out.map((p) => p.reason).join('; ')}` : null,
    })),
    ...failed.map((f) => ({
      run_id: runIds.get(f.profile),
      profile: f.profile,
      platform: f.platform,
      outcome: outcomeOf(f.error_class),
      error_class: f.error_class,
      message: f.reason,
    })),
  ].filter((o) => o.run_id !== undefined);
  if (outcomes.length > 0) await client.query(INSERT_OUTCOMES_SQL, [request.date, JSON.stringify(outcomes)]);
  return runIds;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Snapshots in a row whose figures Ayrshare had not refreshed, for the platforms stored stale today. */
const STALE_STREAK_SQL = `
SELECT s.profile, s.platform, COUNT(*)::int AS days, MIN(s.date)::text AS since,
       to_char(MAX(s.source_updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_updated
FROM social_media_analytics s JOIN unnest($1::text[], $2::text[]) AS k(profile, platform)
  ON k.profile = s.profile AND k.platform = s.platform
WHERE s.refreshed = false AND s.date <= $3::date
  AND s.date > COALESCE(
        (SELECT MAX(r.date) FROM social_media_analytics r
         WHERE r.profile = s.profile AND r.platform = s.platform AND r.date <= $3::date AND r.refreshed IS NOT FALSE),
        '-infinity'::date)
GROUP BY s.profile, s.platform`;

/** A platform stale for this many snapshots in a row is alerted, as a failure streak is. */
export const STALE_ALERT_DAYS = 3;

/** The platforms (of `stale`) not refreshed for STALE_ALERT_DAYS snapshots or more in a row, up to `date`. */
export async function staleStreaks(
  client: pg.ClientBase,
  stale: ReadonlyArray<{ profile: string; platform: string }>,
  date: string,
): Promise<StaleStreak[]> {
  if (stale.length === 0) return [];
  const { rows } = await client.query<StaleStreak>(STALE_STREAK_SQL, [
    stale.map((s) => s.profile),
    stale.map((s) => s.platform),
    date,
  ]);
  return rows.filter((r) => r.days >= STALE_ALERT_DAYS);
}

/** How long a platform has been failing, from the ledger. */
export interface FailureStreak {
  days: number;
  since: string;
}

/** Per failed "profile\0platform": how many days it has failed since its last stored snapshot, and since when. */
export async function failureStreaks(
  client: pg.ClientBase,
  failed: readonly FailedPlatform[],
  date: string,
): Promise<Map<string, FailureStreak>> {
  const streaks = new Map<string, FailureStreak>();
  if (failed.length === 0) return streaks;
  const { rows } = await client.query<{ profile: string; platform: string; days: number; since: string }>(STREAK_SQL, [
    failed.map((f) => f.profile),
    failed.map((f) => f.platform),
    date,
  ]);
  for (const row of rows) streaks.set(keyOf(row.profile, row.platform), { days: row.days, since: row.since });
  return streaks;
}

/**
 * Records a run whose data write failed (the database refused or dropped it): a separate, small transaction, so the
 * ledger still says "failed because the database write failed". Best effort: it may fail for the same reason.
 */
export async function recordFailedRuns(
  client: pg.ClientBase,
  date: string,
  runs: readonly RunRecord[],
  failed: readonly FailedPlatform[],
): Promise<void> {
  await inTransaction(client, () => recordRuns(client, { date, runs }, [], failed));
}

/**
 * The last run: every profile's latest attempt for the snapshot date of the most recent attempt (fan-out chunks and
 * several profiles write one row each, so one row alone could hide a failed profile).
 */
const LATEST_RUNS_SQL = `
WITH latest AS (SELECT snapshot_date FROM collection_runs ORDER BY started_at DESC, id DESC LIMIT 1)
SELECT DISTINCT ON (r.profile) r.id, r.profile, r.snapshot_date::text AS snapshot_date, r.trigger, r.started_at,
       r.finished_at, r.outcome
FROM collection_runs r JOIN latest l ON l.snapshot_date = r.snapshot_date
ORDER BY r.profile, r.started_at DESC, r.id DESC`;

const RUN_FAILURES_SQL = `
SELECT profile, platform, outcome, error_class, message
FROM platform_outcomes
WHERE run_id = ANY($1::bigint[]) AND outcome <> 'stored'
ORDER BY profile, platform`;

/** The last run from the ledger, or null when nothing ever ran. */
export async function latestRun(client: pg.ClientBase): Promise<LatestRun | null> {
  const { rows } = await client.query<{
    id: number;
    profile: string;
    snapshot_date: string;
    trigger: string;
    started_at: Date;
    finished_at: Date;
    outcome: RunOutcome;
  }>(LATEST_RUNS_SQL);
  if (rows.length === 0) return null;
  const failures = await client.query<LatestRun['failures'][number]>(RUN_FAILURES_SQL, [rows.map((r) => r.id)]);
  const newest = rows.reduce((a, b) =>
    b.started_at > a.started_at || (+b.started_at === +a.started_at && b.id > a.id) ? b : a,
  );
  const outcomes = new Set(rows.map((r) => r.outcome));
  return {
    snapshot_date: rows[0].snapshot_date,
    trigger: newest.trigger,
    started_at: new Date(Math.min(...rows.map((r) => +r.started_at))).toISOString(),
    finished_at: new Date(Math.max(...rows.map((r) => +r.finished_at))).toISOString(),
    outcome: outcomes.size === 1 ? rows[0].outcome : 'partial',
    profiles: rows.map((r) => ({
      profile: r.profile,
      outcome: r.outcome,
      started_at: r.started_at.toISOString(),
      finished_at: r.finished_at.toISOString(),
    })),
    failures: failures.rows,
  };
}

/** How far back a scheduled run looks for days that no run reached the database. */
export const MISSED_DAYS_LOOKBACK = 14;

/** The days after the last scheduled run (within the lookback) and before this one with no run of these profiles. */
const MISSED_DAYS_SQL = `
WITH last AS (
  SELECT MAX(snapshot_date) AS day FROM collection_runs
  WHERE trigger IN ('schedule', 'retry') AND snapshot_date < $1::date AND snapshot_date >= $1::date - $2::int
)
SELECT d::date::text AS day
FROM last, generate_series(last.day + 1, $1::date - 1, interval '1 day') AS d
WHERE last.day IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM collection_runs r WHERE r.snapshot_date = d::date AND r.profile = ANY($3::text[]))
ORDER BY 1`;

/**
 * The days between the last scheduled run and this one that no run reached the database for (the database asleep or
 * unreachable, the network down, the function never started): one failed run per profile and day, with every platform
 * failed as `database`, so the failure streaks count them and no day is lost silently. Only after an earlier scheduled
 * run (a first deploy misses nothing) and at most MISSED_DAYS_LOOKBACK days back. Returns the days recorded.
 */
export async function recordMissedDays(
  client: pg.ClientBase,
  request: { date: string; profiles: readonly string[]; platforms: readonly string[]; now: Date },
): Promise<string[]> {
  const { rows } = await client.query<{ day: string }>(MISSED_DAYS_SQL, [
    request.date,
    MISSED_DAYS_LOOKBACK,
    request.profiles,
  ]);
  for (const { day } of rows) {
    const runs: RunRecord[] = request.profiles.map((profile) => ({
      profile,
      trigger: 'schedule',
      startedAt: request.now,
      finishedAt: request.now,
      requests: 0,
      rateLimited: 0,
      rateLimit: {},
    }));
    const reason =
      `No run reached the database for ${day} (it was asleep or unreachable, or the run never started); ` +
      `recorded by the run of ${request.date}.`;
    const failed: FailedPlatform[] = request.profiles.flatMap((profile) =>
      request.platforms.map((platform) => ({ profile, platform, reason, error_class: 'database' as const })),
    );
    await inTransaction(client, () => recordRuns(client, { date: day, runs }, [], failed));
  }
  return rows.map((r) => r.day);
}
