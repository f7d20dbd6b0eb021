// Derived metrics (SPEC section 4): engagement rate, content efficiency and growth velocity.
import type { Metrics } from './normalise';

/**
 * Engagement as a percentage of the first basis present and above zero: reach, then impressions, then views.
 * Not capped: a post with more interactions than views gives more than 100 %.
 */
export function engagementRate(metrics: Metrics): number | null {
  return engagementRateWithBasis(metrics).rate;
}

export type EngagementBasis = 'reach' | 'impressions' | 'views';

/** The rate and what it is a percentage of (stored in engagement_rate_basis). */
export function engagementRateWithBasis(metrics: Metrics): { rate: number | null; basis: EngagementBasis | null } {
  if (metrics.engagement_total === null) return { rate: null, basis: null };
  const candidates: Array<[EngagementBasis, number | null]> = [
    ['reach', metrics.reach],
    ['impressions', metrics.impressions],
    ['views', metrics.views_total],
  ];
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
export function followerAnomaly(current: number | null, previous: number | null | undefined, threshold: number): string | null {
  if (current === null || previous === null || previous === undefined || previous <= 0) return null;
  const from = previous.toLocaleString('en-US');
  if (current === 0) return `followers fell from ${from} to 0`;
  const change = (current - previous) / previous;
  if (Math.abs(change) <= threshold) return null;
  const percent = `${change > 0 ? '+' : ''}${Math.round(change * 1000) / 10} %`;
  return `followers ${change > 0 ? 'rose' : 'fell'} from ${from} to ${current.toLocaleString('en-US')} (${percent})`;
}
