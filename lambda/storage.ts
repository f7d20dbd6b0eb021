// Writes one run's results in one transaction: the snapshot rows (one upsert per profile, platform and date, with
// growth velocity and the days it spans, an anomaly flag, the figures left out), the correction of the next later
// snapshot when a gap is back-filled, metric drift, and the ledger of the attempt (runs and per-platform outcomes).
import type pg from 'pg';
import type { FieldProblem } from './ayrshare-schema';
import { inTransaction } from './database';
import { daysBetween } from './dates';
import { followerAnomaly, growthVelocity, type EngagementBasis } from './derive';
import { detectDrift, DRIFT_WINDOW, type DriftEvent } from './drift';
import type { FailureClass } from './errors';
import type { Metrics } from './normalise';
import { DECIMAL_COLUMNS, METRIC_COLUMNS } from './platforms';
import type { FailedPlatform } from './summary';

export interface Snapshot {
  profile: string;
  platform: string;
  date: string;
  metrics: Metrics;
  engagement_rate: number | null;
  engagement_rate_basis: EngagementBasis | null;
  content_efficiency: number | null;
  raw_data: Record<string, unknown>;
  /** Mapped fields that could not be stored as numbers (their columns stay NULL). */
  left_out: FieldProblem[];
}

export interface StoredSnapshot extends Snapshot {
  growth_velocity: number | null;
  days_since_previous: number | null;
  anomaly: string | null;
}

export type RunTrigger = 'schedule' | 'manual' | 'retry';

/** One profile's collection attempt, for the ledger. */
export interface RunRecord {
  profile: string;
  trigger: RunTrigger;
  /** Lambda's request id: the same on Lambda's own retries of one event, which makes the trigger "retry". */
  invocationId?: string;
  startedAt: Date;
  finishedAt: Date;
  requests: number;
  rateLimited: number;
  rateLimit: Record<string, string>;
}

export interface WriteRequest {
  date: string;
  snapshots: readonly Snapshot[];
  failed: readonly FailedPlatform[];
  runs: readonly RunRecord[];
  /** Share of the previous follower count beyond which a change is flagged (0.5 = 50 %). */
  anomalyThreshold: number;
}

/** A figure left out that the previous snapshot did have: said in the alert once, not every day after. */
export interface LeftOutWarning extends FieldProblem {
  profile: string;
  platform: string;
}

export interface FlaggedSnapshot {
  profile: string;
  platform: string;
  previous: number;
  current: number;
  note: string;
}

export interface WriteResult {
  stored: StoredSnapshot[];
  /** Snapshots refused inside the transaction (an empty block over a non-empty history), with the reason. */
  rejected: FailedPlatform[];
  /** New drift events (already recorded ones are not repeated). */
  drift: DriftEvent[];
  warnings: LeftOutWarning[];
  anomalies: FlaggedSnapshot[];
  /** Per failed "profile\0platform": how long it has been failing, from the ledger. */
  streaks: Map<string, { days: number; since: string }>;
}

/** Rows per upsert statement: large enough for few round trips, small enough to keep each statement's JSON modest. */
export const UPSERT_CHUNK = 2_000;

/** Serialises writers, so two runs started together never compute velocity from each other's half-written rows. */
const WRITE_LOCK_KEY = 0x41797273; // "Ayrs"

const COLUMN_TYPES: Record<string, string> = {
  ...Object.fromEntries(METRIC_COLUMNS.map((c) => [c, DECIMAL_COLUMNS.has(c) ? 'numeric' : 'bigint'])),
  engagement_rate: 'numeric',
  engagement_rate_basis: 'text',
  content_efficiency: 'numeric',
  growth_velocity: 'bigint',
  days_since_previous: 'integer',
  anomaly: 'text',
  left_out: 'jsonb',
};
const VALUE_COLUMNS = Object.keys(COLUMN_TYPES);

const UPSERT_SQL = `
INSERT INTO social_media_analytics (date, profile, platform, ${VALUE_COLUMNS.join(', ')}, raw_data, recorded_at)
SELECT $1::date, r.profile, r.platform, ${VALUE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.raw_data, now()
FROM jsonb_to_recordset($2::jsonb) AS r(profile text, platform text, ${VALUE_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ')}, raw_data jsonb)
ON CONFLICT (profile, platform, date) DO UPDATE SET
  ${[...VALUE_COLUMNS, 'raw_data'].map((c) => `${c} = EXCLUDED.${c}`).join(',\n  ')},
  recorded_at = EXCLUDED.recorded_at`;

const KEYS_JOIN = `JOIN unnest($1::text[], $2::text[]) AS k(profile, platform) ON k.profile = s.profile AND k.platform = s.platform`;

/** The nearest snapshot before (direction '<') or after ('>') the date, per profile and platform of the run. */
const neighbourSql = (direction: '<' | '>') => `
SELECT DISTINCT ON (s.profile, s.platform) s.id, s.profile, s.platform, s.followers_count, s.date::text AS date, s.left_out,
       num_nonnulls(${METRIC_COLUMNS.map((c) => `s.${c}`).join(', ')}) > 0 AS has_metrics
FROM social_media_analytics s ${KEYS_JOIN}
WHERE s.date ${direction} $3::date
ORDER BY s.profile, s.platform, s.date ${direction === '<' ? 'DESC' : 'ASC'}`;

/** The analytics objects of the last DRIFT_WINDOW snapshots before the date, newest first. */
const HISTORY_SQL = `
SELECT profile, platform, analytics FROM (
  SELECT s.profile, s.platform, s.raw_data -> 'analytics' AS analytics,
         ROW_NUMBER() OVER (PARTITION BY s.profile, s.platform ORDER BY s.date DESC) AS n
  FROM social_media_analytics s ${KEYS_JOIN}
  WHERE s.date < $3::date
) h WHERE n <= ${DRIFT_WINDOW} ORDER BY profile, platform, n`;

/** Everything the next later snapshot derives from its previous one: growth, the days between, the anomaly flag. */
const UPDATE_NEXT_SQL = `
UPDATE social_media_analytics s SET growth_velocity = r.growth_velocity, days_since_previous = r.days_since_previous, anomaly = r.anomaly
FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, growth_velocity bigint, days_since_previous integer, anomaly text)
WHERE s.id = r.id`;

const INSERT_DRIFT_SQL = `
INSERT INTO metric_drift (profile, platform, field, change, detail, detected_on)
SELECT r.profile, r.platform, r.field, r.change, r.detail, $1::date
FROM jsonb_to_recordset($2::jsonb) AS r(profile text, platform text, field text, change text, detail text)
ON CONFLICT DO NOTHING
RETURNING profile, platform, field, change`;

/** Every profile's run of this write in one statement; a request id seen before makes them retries. */
const INSERT_RUNS_SQL = `
WITH seen AS (SELECT EXISTS (SELECT 1 FROM collection_runs WHERE invocation_id = ANY($3::text[])) AS retry)
INSERT INTO collection_runs (profile, snapshot_date, trigger, invocation_id, started_at, finished_at, outcome, requests, rate_limited, rate_limit)
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
WHERE o.outcome <> 'stored' AND o.snapshot_date <= $3::date
  AND o.snapshot_date > COALESCE(
        (SELECT MAX(s.date) FROM social_media_analytics s WHERE s.profile = o.profile AND s.platform = o.platform AND s.date <= $3::date),
        '-infinity'::date)
GROUP BY o.profile, o.platform`;

interface Neighbour {
  id: number;
  profile: string;
  platform: string;
  followers_count: number | null;
  date: string;
  left_out: FieldProblem[];
  has_metrics: boolean;
}

export const keyOf = (profile: string, platform: string) => `${profile}\u0000${platform}`;

/** True when the platform sent an analytics block without a single mapped figure. */
export function hasNoFigures(snapshot: Snapshot): boolean {
  return METRIC_COLUMNS.every((column) => snapshot.metrics[column] === null);
}

/** The ledger's word for a failure: a platform absent from the answer is "missing", anything else "failed". */
function outcomeOf(errorClass: FailureClass): 'failed' | 'missing' {
  return errorClass === 'not_linked' ? 'missing' : 'failed';
}

/**
 * Writes one date's run. Re-running a day replaces its values and recomputes velocity against the previous date,
 * never against itself. A snapshot without a single figure is refused when the previous snapshot had figures: a gap
 * is honest, a row of NULLs (or zeros) over real history is not. Throws (and writes nothing) if any statement fails.
 */
export async function writeRun(client: pg.ClientBase, request: WriteRequest): Promise<WriteResult> {
  const { date } = request;
  if (request.snapshots.some((s) => s.date !== date)) throw new Error('writeRun takes the snapshots of one date at a time');

  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
    const candidates = request.snapshots;
    const keys = [candidates.map((s) => s.profile), candidates.map((s) => s.platform), date];
    const neighbours = async (direction: '<' | '>') => {
      const { rows } = await client.query<Neighbour>(neighbourSql(direction), keys);
      return new Map(rows.map((row) => [keyOf(row.profile, row.platform), row]));
    };
    const previous = await neighbours('<');
    const next = await neighbours('>');

    const rejected: FailedPlatform[] = [];
    const accepted = candidates.filter((s) => {
      const before = previous.get(keyOf(s.profile, s.platform));
      if (!before?.has_metrics || !hasNoFigures(s)) return true;
      rejected.push({
        profile: s.profile,
        platform: s.platform,
        reason: `Ayrshare sent no figures for this platform, though the snapshot of ${before.date} had them; nothing was stored for this day rather than empty values`,
        error_class: 'invalid_data',
      });
      return false;
    });

    const stored: StoredSnapshot[] = accepted.map((s) => {
      const before = previous.get(keyOf(s.profile, s.platform));
      return {
        ...s,
        growth_velocity: before ? growthVelocity(s.metrics.followers_count, before.followers_count) : null,
        days_since_previous: before ? daysBetween(before.date, date) : null,
        anomaly: followerAnomaly(s.metrics.followers_count, before?.followers_count, request.anomalyThreshold),
      };
    });
    if (stored.length > 0) {
      const records = stored.map((s) => ({
        profile: s.profile,
        platform: s.platform,
        ...s.metrics,
        engagement_rate: s.engagement_rate,
        engagement_rate_basis: s.engagement_rate_basis,
        content_efficiency: s.content_efficiency,
        growth_velocity: s.growth_velocity,
        days_since_previous: s.days_since_previous,
        anomaly: s.anomaly,
        left_out: s.left_out,
        raw_data: s.raw_data,
      }));
      // One statement per chunk of rows, not one per row: a few round trips however many profiles a run has.
      for (let start = 0; start < records.length; start += UPSERT_CHUNK) {
        await client.query(UPSERT_SQL, [date, JSON.stringify(records.slice(start, start + UPSERT_CHUNK))]);
      }
    }

    // A back-filled (or corrected) day becomes the "most recent earlier snapshot" of the next later one: recompute
    // everything that one derives from its previous snapshot, in this transaction.
    const corrections = stored.flatMap((s) => {
      const later = next.get(keyOf(s.profile, s.platform));
      return later
        ? [{
            id: later.id,
            growth_velocity: growthVelocity(later.followers_count, s.metrics.followers_count),
            days_since_previous: daysBetween(date, later.date),
            anomaly: followerAnomaly(later.followers_count, s.metrics.followers_count, request.anomalyThreshold),
          }]
        : [];
    });
    if (corrections.length > 0) await client.query(UPDATE_NEXT_SQL, [JSON.stringify(corrections)]);

    const drift = await recordDrift(client, keys, date, stored);
    const warnings = stored.flatMap((s) => {
      const before = new Set((previous.get(keyOf(s.profile, s.platform))?.left_out ?? []).map((p) => p.field));
      const drifted = new Set(drift.filter((d) => d.profile === s.profile && d.platform === s.platform).map((d) => d.field));
      return s.left_out.filter((p) => !before.has(p.field) && !drifted.has(p.field)).map((p) => ({ profile: s.profile, platform: s.platform, ...p }));
    });
    const anomalies = stored.flatMap((s) =>
      s.anomaly ? [{ profile: s.profile, platform: s.platform, previous: previous.get(keyOf(s.profile, s.platform))!.followers_count!, current: s.metrics.followers_count!, note: s.anomaly }] : [],
    );

    const failed = [...request.failed, ...rejected];
    await recordRuns(client, request, stored, failed);
    const streaks = await failureStreaks(client, failed, date);
    return { stored, rejected, drift, warnings, anomalies, streaks };
  });
}

async function recordDrift(client: pg.ClientBase, keys: unknown[], date: string, stored: StoredSnapshot[]): Promise<DriftEvent[]> {
  if (stored.length === 0) return [];
  const { rows } = await client.query<{ profile: string; platform: string; analytics: Record<string, unknown> | null }>(HISTORY_SQL, keys);
  const events = stored.flatMap((s) => {
    const history = rows.filter((r) => r.profile === s.profile && r.platform === s.platform).map((r) => r.analytics ?? {});
    const analytics = (s.raw_data.analytics ?? {}) as Record<string, unknown>;
    return detectDrift(s.profile, s.platform, analytics, history);
  });
  if (events.length === 0) return [];
  const { rows: inserted } = await client.query<{ profile: string; platform: string; field: string; change: string }>(INSERT_DRIFT_SQL, [date, JSON.stringify(events)]);
  const isNew = new Set(inserted.map((r) => `${keyOf(r.profile, r.platform)}\u0000${r.field}\u0000${r.change}`));
  return events.filter((e) => isNew.has(`${keyOf(e.profile, e.platform)}\u0000${e.field}\u0000${e.change}`));
}

async function recordRuns(client: pg.ClientBase, request: WriteRequest, stored: StoredSnapshot[], failed: FailedPlatform[]): Promise<void> {
  if (request.runs.length === 0) return;
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
  const { rows } = await client.query<{ id: number; profile: string }>(INSERT_RUNS_SQL, [request.date, JSON.stringify(runs), invocations]);
  const runIds = new Map(rows.map((r) => [r.profile, r.id]));
  const outcomes = [
    ...stored.map((s) => ({ run_id: runIds.get(s.profile), profile: s.profile, platform: s.platform, outcome: 'stored', error_class: null, message: s.left_out.length > 0 ? `stored without ${s.left_out.map((p) => p.reason).join('; ')}` : null })),
    ...failed.map((f) => ({ run_id: runIds.get(f.profile), profile: f.profile, platform: f.platform, outcome: outcomeOf(f.error_class), error_class: f.error_class, message: f.reason })),
  ].filter((o) => o.run_id !== undefined);
  if (outcomes.length > 0) await client.query(INSERT_OUTCOMES_SQL, [request.date, JSON.stringify(outcomes)]);
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

async function failureStreaks(client: pg.ClientBase, failed: FailedPlatform[], date: string): Promise<WriteResult['streaks']> {
  const streaks: WriteResult['streaks'] = new Map();
  if (failed.length === 0) return streaks;
  const { rows } = await client.query<{ profile: string; platform: string; days: number; since: string }>(STREAK_SQL, [failed.map((f) => f.profile), failed.map((f) => f.platform), date]);
  for (const row of rows) streaks.set(keyOf(row.profile, row.platform), { days: row.days, since: row.since });
  return streaks;
}

/**
 * Records a run whose data write failed (the database refused or dropped it): a separate, small transaction, so the
 * ledger still says "failed because the database write failed". Best effort: it may fail for the same reason.
 */
export async function recordFailedRuns(client: pg.ClientBase, date: string, runs: readonly RunRecord[], failed: readonly FailedPlatform[]): Promise<void> {
  await inTransaction(client, () => recordRuns(client, { date, snapshots: [], failed, runs, anomalyThreshold: 0 }, [], [...failed]));
}
