// Derived metrics, all plain functions: engagement rate, content efficiency, growth velocity, anomaly flags, and
// what a run's snapshots derive from their stored neighbours (growth, days between, flags, corrections of the next
// later snapshot after a back-fill, the empty-block rule).
import { daysBetween } from '../core/dates';
import {
  keyOf,
  type DriftEvent,
  type FailedPlatform,
  type FlaggedSnapshot,
  type LeftOutWarning,
  type NotComputed,
  type Metrics,
  type NeighbourSnapshot,
  type Snapshot,
  type StoredSnapshot,
  type DerivedCorrection,
} from '../core/model';
import { METRIC_COLUMNS, type Platform } from '../metrics/platforms';
import type { EngagementBasis } from '../core/platform-names';
import { ENGAGEMENT_BASIS } from '../metrics/registry';

export type { EngagementBasis };

/**
 * Engagement as a percentage of a basis. With a platform: its own basis from the registry, and no other (a rate that
 * silently moved from impressions to views would join two measures in one line). Without one: the first basis
 * present and above zero, reach, then impressions, then views. Not capped: more interactions than views give more
 * than 100 %.
 */
export function engagementRate(metrics: Metrics, platform?: Platform): number | null {
  return engagementRateWithBasis(metrics, platform).rate;
}

const BASIS_COLUMN = { reach: 'reach', impressions: 'impressions', views: 'views_total' } as const satisfies Record<
  EngagementBasis,
  keyof Metrics
>;

/** The rate and what it is a percentage of (stored in engagement_rate_basis). */
export function engagementRateWithBasis(
  metrics: Metrics,
  platform?: Platform,
): { rate: number | null; basis: EngagementBasis | null } {
  if (metrics.engagement_total === null) return { rate: null, basis: null };
  const order: EngagementBasis[] = platform
    ? ENGAGEMENT_BASIS[platform]
      ? [ENGAGEMENT_BASIS[platform].basis]
      : []
    : ['reach', 'impressions', 'views'];
  const candidates = order.map((basis): [EngagementBasis, number | null] => [basis, metrics[BASIS_COLUMN[basis]]]);
  const found = candidates.find((c): c is [EngagementBasis, number] => c[1] !== null && c[1] > 0);
  if (!found) return { rate: null, basis: null };
  // One division on integers keeps the 2-decimal rounding exact (20 / 124 -> 16.13).
  return { rate: Math.round((metrics.engagement_total * 10_000) / found[1]) / 100, basis: found[0] };
}

/** Engagement per published post; NULL without posts to divide by. */
export function contentEfficiency(metrics: Metrics): number | null {
  if (metrics.engagement_total === null || metrics.posts_count === null || metrics.posts_count === 0) return null;
  return Math.round((metrics.engagement_total * 100) / metrics.posts_count) / 100;
}

/** Followers gained since the most recent earlier snapshot; NULL on the first one or when a count is missing. */
export function growthVelocity(followers: number | null, previousFollowers: number | null | undefined): number | null {
  if (followers === null || previousFollowers === null || previousFollowers === undefined) return null;
  return followers - previousFollowers;
}

/**
 * A follower count worth a second look: a drop to zero from a positive count, or a change larger than `threshold`
 * (a share: 0.5 = 50 %) of the previous count. Returns the sentence stored with the row, or null.
 */
export function followerAnomaly(
  current: number | null,
  previous: number | null | undefined,
  threshold: number,
): string | null {
  if (current === null || previous === null || previous === undefined || previous <= 0) return null;
  const from = previous.toLocaleString('en-US');
  if (current === 0) return `followers fell from ${from} to 0`;
  const change = (current - previous) / previous;
  if (Math.abs(change) <= threshold) return null;
  const percent = `${change > 0 ? '+' : ''}${Math.round(change * 1000) / 10} %`;
  return `followers ${change > 0 ? 'rose' : 'fell'} from ${from} to ${current.toLocaleString('en-US')} (${percent})`;
}

/** True when the platform sent an analytics block without a single mapped figure. */
export function hasNoFigures(snapshot: Snapshot): boolean {
  return METRIC_COLUMNS.every((column) => snapshot.metrics[column] === null);
}

export interface HistoryDerivation {
  /** The snapshots to store, with growth, days since the previous snapshot and the anomaly flag. */
  stored: StoredSnapshot[];
  /** Snapshots refused (an empty block over a non-empty history), with the reason. */
  rejected: FailedPlatform[];
  /** The next later snapshot of each stored one, recomputed against it. */
  corrections: DerivedCorrection[];
  anomalies: FlaggedSnapshot[];
}

/**
 * Derives a run's rows from their stored neighbours (keyed by "profile\0platform"). A snapshot without a single
 * figure is refused when the previous snapshot had figures: a gap is honest, a row of NULLs over real history is not.
 * A back-filled or corrected day becomes the "most recent earlier snapshot" of the next later one, so everything
 * that one derives from it is recomputed.
 */
export function deriveFromNeighbours(
  candidates: readonly Snapshot[],
  previous: ReadonlyMap<string, NeighbourSnapshot>,
  next: ReadonlyMap<string, NeighbourSnapshot>,
  date: string,
  anomalyThreshold: number,
): HistoryDerivation {
  const rejected: FailedPlatform[] = [];
  const accepted = candidates.filter((s) => {
    const before = previous.get(keyOf(s.profile, s.platform));
    if (!before?.has_metrics || !hasNoFigures(s)) return true;
    rejected.push({
      profile: s.profile,
      platform: s.platform,
      reason:
        `Ayrshare sent no figures for this platform, though the snapshot of ${before.date} had them; ` +
        'nothing was stored for this day rather than empty values',
      error_class: 'invalid_data',
    });
    return false;
  });
  const stored = accepted.map((s): StoredSnapshot => {
    const before = previous.get(keyOf(s.profile, s.platform));
    const refreshed = isRefreshed(s.source_updated_at, before?.source_updated_at);
    if (refreshed === false) {
      // Yesterday's figures again: today's change is unknown, not zero. The previous refreshed snapshot stays the
      // one the next refreshed day measures its growth from (storage skips not-refreshed rows as neighbours).
      return { ...s, growth_velocity: null, days_since_previous: null, anomaly: null, refreshed };
    }
    return {
      ...s,
      growth_velocity: before ? growthVelocity(s.metrics.followers_count, before.followers_count) : null,
      days_since_previous: before ? daysBetween(before.date, date) : null,
      anomaly: followerAnomaly(s.metrics.followers_count, before?.followers_count, anomalyThreshold),
      refreshed,
    };
  });
  const corrections = stored.flatMap((s) => {
    // A not-refreshed snapshot is nobody's "previous": the next later one keeps measuring from an earlier one.
    if (s.refreshed === false) return [];
    const later = next.get(keyOf(s.profile, s.platform));
    return later
      ? [
          {
            id: later.id,
            growth_velocity: growthVelocity(later.followers_count, s.metrics.followers_count),
            days_since_previous: daysBetween(date, later.date),
            anomaly: followerAnomaly(later.followers_count, s.metrics.followers_count, anomalyThreshold),
          },
        ]
      : [];
  });
  const anomalies = stored.flatMap((s) =>
    s.anomaly
      ? [
          {
            profile: s.profile,
            platform: s.platform,
            previous: previous.get(keyOf(s.profile, s.platform))!.followers_count!,
            current: s.metrics.followers_count!,
            note: s.anomaly,
          },
        ]
      : [],
  );
  return { stored, rejected, corrections, anomalies };
}

/**
 * Whether Ayrshare refreshed the figures since the previous snapshot: false when both say when they were last
 * refreshed and it is the same moment; true when it moved; null when either does not say.
 */
export function isRefreshed(today: string | null, before: string | null | undefined): boolean | null {
  if (!today || !before) return null;
  return Date.parse(today) !== Date.parse(before);
}

/** Fields the network declined to compute today that the previous snapshot did not already lack: said once. */
export function newNotComputed(
  stored: readonly StoredSnapshot[],
  previous: ReadonlyMap<string, NeighbourSnapshot>,
): NotComputed[] {
  return stored.flatMap((s) => {
    const before = new Set(previous.get(keyOf(s.profile, s.platform))?.not_computed ?? []);
    return s.not_computed
      .filter((field) => !before.has(field))
      .map((field) => ({ profile: s.profile, platform: s.platform, field }));
  });
}

/**
 * Figures left out today that the previous snapshot did not already miss, and that drift does not already explain:
 * each is said once, not every day after.
 */
export function newLeftOutWarnings(
  stored: readonly StoredSnapshot[],
  previous: ReadonlyMap<string, NeighbourSnapshot>,
  drift: readonly DriftEvent[],
): LeftOutWarning[] {
  return stored.flatMap((s) => {
    const before = new Set((previous.get(keyOf(s.profile, s.platform))?.left_out ?? []).map((p) => p.field));
    const drifted = new Set(
      drift.filter((d) => d.profile === s.profile && d.platform === s.platform).map((d) => d.field),
    );
    return s.left_out
      .filter((p) => !before.has(p.field) && !drifted.has(p.field))
      .map((p) => ({ profile: s.profile, platform: s.platform, ...p }));
  });
}
