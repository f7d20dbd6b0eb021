// Every SQL statement on snapshot rows: the write lock, the neighbouring snapshots a run derives from, chunked
// upserts, the correction of the next later snapshot, and the history and records of metric drift. No derivation
// happens here: the pipeline computes, storage reads and writes.
import type pg from 'pg';
import {
  keyOf,
  type DerivedCorrection,
  type DriftEvent,
  type FieldProblem,
  type NeighbourSnapshot,
  type StoredSnapshot,
} from '../core/model';
import { DECIMAL_COLUMNS, METRIC_COLUMNS } from '../metrics/platforms';

/** Rows per upsert statement: large enough for few round trips, small enough to keep each statement's JSON modest. */
export const UPSERT_CHUNK = 2_000;

/** Serialises writers, so two runs started together never compute velocity from each other's half-written rows. */
const WRITE_LOCK_KEY = 0x41797273; // "Ayrs"

/** The profiles and platforms a write touches, as the two arrays the statements below unnest. */
export interface SnapshotKeys {
  profiles: string[];
  platforms: string[];
}

const COLUMN_TYPES: Record<string, string> = {
  ...Object.fromEntries(METRIC_COLUMNS.map((c) => [c, DECIMAL_COLUMNS.has(c) ? 'numeric' : 'bigint'])),
  engagement_rate: 'numeric',
  engagement_rate_basis: 'text',
  content_efficiency: 'numeric',
  growth_velocity: 'bigint',
  days_since_previous: 'integer',
  anomaly: 'text',
  left_out: 'jsonb',
  not_computed: 'jsonb',
  source_updated_at: 'timestamptz',
  refreshed: 'boolean',
};
const VALUE_COLUMNS = Object.keys(COLUMN_TYPES);

const VALUE_COLUMN_DEFINITIONS = VALUE_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ');

const UPSERT_SQL = `
INSERT INTO social_media_analytics (date, profile, platform, ${VALUE_COLUMNS.join(', ')}, raw_data, recorded_at)
SELECT $1::date, r.profile, r.platform, ${VALUE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.raw_data, now()
FROM jsonb_to_recordset($2::jsonb) AS r(profile text, platform text, ${VALUE_COLUMN_DEFINITIONS}, raw_data jsonb)
ON CONFLICT (profile, platform, date) DO UPDATE SET
  ${[...VALUE_COLUMNS, 'raw_data'].map((c) => `${c} = EXCLUDED.${c}`).join(',\n  ')},
  recorded_at = EXCLUDED.recorded_at`;

/** Restricts a query on snapshots `s` to the profile and platform pairs of $1 and $2. */
const KEYS_JOIN = `JOIN unnest($1::text[], $2::text[]) AS k(profile, platform) ON k.profile = s.profile AND k.platform = s.platform`;

/**
 * The nearest snapshot before (direction '<') or after ('>') the date, per profile and platform of the run. A snapshot
 * whose figures were not refreshed is nobody's neighbour: growth is measured across it, as across a missing day.
 */
const neighbourSql = (direction: '<' | '>') => `
SELECT DISTINCT ON (s.profile, s.platform) s.id, s.profile, s.platform, s.followers_count, s.date::text AS date, s.left_out,
       num_nonnulls(${METRIC_COLUMNS.map((c) => `s.${c}`).join(', ')}) > 0 AS has_metrics,
       to_char(s.source_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS source_updated_at, s.not_computed
FROM social_media_analytics s ${KEYS_JOIN}
WHERE s.date ${direction} $3::date AND s.refreshed IS NOT FALSE
ORDER BY s.profile, s.platform, s.date ${direction === '<' ? 'DESC' : 'ASC'}`;

/** Every warning code stored for these keys before this run (any date: a re-run does not say them again). */
const SEEN_WARNINGS_SQL = `
SELECT DISTINCT s.profile, s.platform, w ->> 'code' AS code
FROM social_media_analytics s ${KEYS_JOIN},
     jsonb_array_elements(CASE WHEN jsonb_typeof(s.raw_data -> 'warning') = 'array' THEN s.raw_data -> 'warning' ELSE '[]'::jsonb END) AS w
WHERE w ->> 'code' IS NOT NULL`;

/** The analytics objects of the last $4 snapshots before the date, newest first. */
const HISTORY_SQL = `
SELECT profile, platform, analytics FROM (
  SELECT s.profile, s.platform, s.raw_data -> 'analytics' AS analytics,
         ROW_NUMBER() OVER (PARTITION BY s.profile, s.platform ORDER BY s.date DESC) AS n
  FROM social_media_analytics s ${KEYS_JOIN}
  WHERE s.date < $3::date
) h WHERE n <= $4 ORDER BY profile, platform, n`;

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

/** Takes the transaction-level write lock; call inside the run's transaction. */
export async function lockWrites(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
}

/** The nearest earlier (`'<'`) or later (`'>'`) snapshot of each key, by "profile\0platform". */
export async function loadNeighbours(
  client: pg.ClientBase,
  keys: SnapshotKeys,
  date: string,
  direction: '<' | '>',
): Promise<Map<string, NeighbourSnapshot>> {
  const { rows } = await client.query<NeighbourSnapshot & { profile: string; platform: string }>(
    neighbourSql(direction),
    [keys.profiles, keys.platforms, date],
  );
  return new Map(rows.map((row) => [keyOf(row.profile, row.platform), row]));
}

/** Inserts or replaces one date's rows: one statement per chunk of rows, a few round trips however many there are. */
export async function upsertSnapshots(
  client: pg.ClientBase,
  date: string,
  stored: readonly StoredSnapshot[],
): Promise<void> {
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
    not_computed: s.not_computed,
    source_updated_at: s.source_updated_at,
    refreshed: s.refreshed,
    raw_data: s.raw_data,
  }));
  for (let start = 0; start < records.length; start += UPSERT_CHUNK) {
    await client.query(UPSERT_SQL, [date, JSON.stringify(records.slice(start, start + UPSERT_CHUNK))]);
  }
}

/** The warning codes already stored per "profile\0platform" (as text: Ayrshare sends numbers, sometimes strings). */
export async function loadSeenWarningCodes(
  client: pg.ClientBase,
  keys: SnapshotKeys,
): Promise<Map<string, Set<string>>> {
  const { rows } = await client.query<{ profile: string; platform: string; code: string }>(SEEN_WARNINGS_SQL, [
    keys.profiles,
    keys.platforms,
  ]);
  const seen = new Map<string, Set<string>>();
  for (const row of rows) {
    const key = keyOf(row.profile, row.platform);
    seen.set(key, (seen.get(key) ?? new Set()).add(row.code));
  }
  return seen;
}

export async function updateDerived(client: pg.ClientBase, corrections: readonly DerivedCorrection[]): Promise<void> {
  if (corrections.length > 0) await client.query(UPDATE_NEXT_SQL, [JSON.stringify(corrections)]);
}

/** The analytics objects of each key's last `depth` snapshots before the date, newest first. */
export async function loadRecentAnalytics(
  client: pg.ClientBase,
  keys: SnapshotKeys,
  date: string,
  depth: number,
): Promise<Map<string, Array<Record<string, unknown>>>> {
  const { rows } = await client.query<{ profile: string; platform: string; analytics: Record<string, unknown> | null }>(
    HISTORY_SQL,
    [keys.profiles, keys.platforms, date, depth],
  );
  const history = new Map<string, Array<Record<string, unknown>>>();
  for (const row of rows) {
    const key = keyOf(row.profile, row.platform);
    history.set(key, [...(history.get(key) ?? []), row.analytics ?? {}]);
  }
  return history;
}

/** Records drift events; returns those not recorded before (the same change on the same day is said once). */
export async function recordDriftEvents(
  client: pg.ClientBase,
  date: string,
  events: readonly DriftEvent[],
): Promise<DriftEvent[]> {
  if (events.length === 0) return [];
  const { rows } = await client.query<{ profile: string; platform: string; field: string; change: string }>(
    INSERT_DRIFT_SQL,
    [date, JSON.stringify(events)],
  );
  const isNew = new Set(rows.map((r) => `${keyOf(r.profile, r.platform)}\u0000${r.field}\u0000${r.change}`));
  return events.filter((e) => isNew.has(`${keyOf(e.profile, e.platform)}\u0000${e.field}\u0000${e.change}`));
}

export type { FieldProblem };
