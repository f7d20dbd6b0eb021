// Writes a run's snapshot rows: one upsert per (profile, platform, date), all in one transaction, with growth
// velocity against the most recent earlier snapshot (and the next later one corrected when a gap is back-filled).
import type pg from 'pg';
import { inTransaction } from './database';
import { growthVelocity } from './derive';
import type { Metrics } from './normalise';
import { METRIC_COLUMNS } from './platforms';
import type { FailedPlatform } from './summary';

export interface Snapshot {
  profile: string;
  platform: string;
  date: string;
  metrics: Metrics;
  engagement_rate: number | null;
  content_efficiency: number | null;
  raw_data: Record<string, unknown>;
}

export interface StoredSnapshot extends Snapshot {
  growth_velocity: number | null;
}

/** Serialises writers, so two runs started together never compute velocity from each other's half-written rows. */
const WRITE_LOCK_KEY = 0x41797273; // "Ayrs"

const COLUMN_TYPES: Record<string, string> = {
  ...Object.fromEntries(METRIC_COLUMNS.map((c) => [c, c === 'watch_time_minutes' || c === 'avg_view_duration' ? 'numeric' : 'bigint'])),
  engagement_rate: 'numeric',
  content_efficiency: 'numeric',
  growth_velocity: 'bigint',
};
const VALUE_COLUMNS = Object.keys(COLUMN_TYPES);

const UPSERT_SQL = `
INSERT INTO social_media_analytics (date, profile, platform, ${VALUE_COLUMNS.join(', ')}, raw_data, recorded_at)
SELECT $1::date, r.profile, r.platform, ${VALUE_COLUMNS.map((c) => `r.${c}`).join(', ')}, r.raw_data, now()
FROM jsonb_to_recordset($2::jsonb) AS r(profile text, platform text, ${VALUE_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ')}, raw_data jsonb)
ON CONFLICT (profile, platform, date) DO UPDATE SET
  ${[...VALUE_COLUMNS, 'raw_data'].map((c) => `${c} = EXCLUDED.${c}`).join(',\n  ')},
  recorded_at = EXCLUDED.recorded_at`;

/** The nearest snapshot before (direction '<') or after ('>') the date, per profile and platform of the run. */
const neighbourSql = (direction: '<' | '>') => `
SELECT DISTINCT ON (s.profile, s.platform) s.id, s.profile, s.platform, s.followers_count, s.date::text AS date,
       num_nonnulls(${METRIC_COLUMNS.map((c) => `s.${c}`).join(', ')}) > 0 AS has_metrics
FROM social_media_analytics s
JOIN unnest($1::text[], $2::text[]) AS k(profile, platform) ON k.profile = s.profile AND k.platform = s.platform
WHERE s.date ${direction} $3::date
ORDER BY s.profile, s.platform, s.date ${direction === '<' ? 'DESC' : 'ASC'}`;

const UPDATE_VELOCITY_SQL = `
UPDATE social_media_analytics s SET growth_velocity = r.growth_velocity
FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, growth_velocity bigint)
WHERE s.id = r.id`;

interface Neighbour {
  id: number;
  profile: string;
  platform: string;
  followers_count: number | null;
  date: string;
  has_metrics: boolean;
}

export interface WriteResult {
  stored: StoredSnapshot[];
  /** Snapshots refused inside the transaction (an empty block over a non-empty history), with the reason. */
  rejected: FailedPlatform[];
}

/** True when the platform sent an analytics block without a single mapped figure. */
export function hasNoFigures(snapshot: Snapshot): boolean {
  return METRIC_COLUMNS.every((column) => snapshot.metrics[column] === null);
}

/**
 * Upserts the snapshots of one date. Re-running a day replaces its values and recomputes velocity against the
 * previous date, never against itself. A snapshot without a single figure is refused when the previous snapshot had
 * figures: a gap is honest, a row of NULLs (or zeros) over real history is not. Throws (and writes nothing) if any
 * statement fails.
 */
export async function upsertSnapshots(client: pg.ClientBase, candidates: readonly Snapshot[]): Promise<WriteResult> {
  if (candidates.length === 0) return { stored: [], rejected: [] };
  const date = candidates[0].date;
  if (candidates.some((s) => s.date !== date)) throw new Error('upsertSnapshots takes the snapshots of one date at a time');
  const keyOf = (profile: string, platform: string) => `${profile}\u0000${platform}`;

  return inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
    const keys = [candidates.map((s) => s.profile), candidates.map((s) => s.platform), date];
    const neighbours = async (direction: '<' | '>') => {
      const { rows } = await client.query<Neighbour>(neighbourSql(direction), keys);
      return new Map(rows.map((row) => [keyOf(row.profile, row.platform), row]));
    };
    const previous = await neighbours('<');
    const next = await neighbours('>');

    const rejected: FailedPlatform[] = [];
    const snapshots = candidates.filter((s) => {
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
    if (snapshots.length === 0) return { stored: [], rejected };

    const stored: StoredSnapshot[] = snapshots.map((s) => ({
      ...s,
      growth_velocity: previous.has(keyOf(s.profile, s.platform))
        ? growthVelocity(s.metrics.followers_count, previous.get(keyOf(s.profile, s.platform))!.followers_count)
        : null,
    }));
    const records = stored.map((s) => ({
      profile: s.profile,
      platform: s.platform,
      ...s.metrics,
      engagement_rate: s.engagement_rate,
      content_efficiency: s.content_efficiency,
      growth_velocity: s.growth_velocity,
      raw_data: s.raw_data,
    }));
    await client.query(UPSERT_SQL, [date, JSON.stringify(records)]);

    // A back-filled day becomes the "most recent earlier snapshot" of the next later one: correct its velocity.
    const corrections = stored.flatMap((s) => {
      const later = next.get(keyOf(s.profile, s.platform));
      return later ? [{ id: later.id, growth_velocity: growthVelocity(later.followers_count, s.metrics.followers_count) }] : [];
    });
    if (corrections.length > 0) await client.query(UPDATE_VELOCITY_SQL, [JSON.stringify(corrections)]);
    return { stored, rejected };
  });
}
