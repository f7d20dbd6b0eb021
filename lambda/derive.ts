// Derived metrics (SPEC section 4): engagement rate, content efficiency and growth velocity.
import { ENGAGEMENT_BASIS, type EngagementBasis } from './metric-registry';
import type { Metrics } from './normalise';
import type { Platform } from './platforms';

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

const BASIS_COLUMN = { reach: 'reach', impressions: 'impressions', views: 'views_total' } as const satisfies Record<EngagementBasis, keyof Metrics>;

/** The rate and what it is a percentage of (stored in engagement_rate_basis). */
export function engagementRateWithBasis(metrics: Metrics, platform?: Platform): { rate: number | null; basis: EngagementBasis | null } {
  if (metrics.engagement_total === null) return { rate: null, basis: null };
  const order: EngagementBasis[] = platform ? (ENGAGEMENT_BASIS[platform] ? [ENGAGEMENT_BASIS[platform].basis] : []) : ['reach', 'impressions', 'views'];
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
export function followerAnomaly(current: number | null, previous: number | null | undefined, threshold: number): string | null {
  if (current === null || previous === null || previous === undefined || previous <= 0) return null;
  const from = previous.toLocaleString('en-US');
  if (current === 0) return `followers fell from ${from} to 0`;
  const change = (current - previous) / previous;
  if (Math.abs(change) <= threshold) return null;
  const percent = `${change > 0 ? '+' : ''}${Math.round(change * 1000) / 10} %`;
  return `followers ${change > 0 ? 'rose' : 'fell'} from ${from} to ${current.toLocaleString('en-US')} (${percent})`;
}
