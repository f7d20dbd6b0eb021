// Derived metrics (SPEC section 4): engagement rate, content efficiency and growth velocity.
import type { Metrics } from './normalise';

/**
 * Engagement as a percentage of the first basis present and above zero: reach, then impressions, then views.
 * Not capped: a post with more interactions than views gives more than 100 %.
 */
export function engagementRate(metrics: Metrics): number | null {
  if (metrics.engagement_total === null) return null;
  const basis = [metrics.reach, metrics.impressions, metrics.views_total].find((n): n is number => n !== null && n > 0);
  if (basis === undefined) return null;
  // One division on integers keeps the 2-decimal rounding exact (20 / 124 -> 16.13).
  return Math.round((metrics.engagement_total * 10_000) / basis) / 100;
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
