// The networks the tracker knows and the numeric columns of a snapshot row.

/** Collected unless the platform setting says otherwise. */
export const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'] as const;
/**
 * Other networks Ayrshare measures at account level. They are collected only when the platform setting names them;
 * their raw answer is always stored, and a column is filled only where Ayrshare's field is known (metric registry).
 */
export const EXTRA_PLATFORMS = ['bluesky', 'pinterest', 'reddit', 'snapchat', 'gmb'] as const;
/** Every network the platform setting accepts. */
export const KNOWN_PLATFORMS = [...PLATFORMS, ...EXTRA_PLATFORMS] as const;
export type Platform = (typeof KNOWN_PLATFORMS)[number];

/** X/Twitter: asked in a request of its own, with the account owner's X app credentials. */
export const X_PLATFORM = 'twitter' satisfies Platform;

export function isPlatform(value: string): value is Platform {
  return (KNOWN_PLATFORMS as readonly string[]).includes(value);
}

/** The numeric columns of a snapshot row that come straight from the API. */
export const METRIC_COLUMNS = [
  'followers_count',
  'following_count',
  'subscribers_gained',
  'subscribers_lost',
  'likes_total',
  'comments_total',
  'shares_total',
  'engagement_total',
  'views_total',
  'impressions',
  'reach',
  'profile_views',
  'watch_time_minutes',
  'avg_view_duration',
  'posts_count',
  'retention_rate',
] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** Columns that may carry decimals (NUMERIC); the others hold whole counts (BIGINT). */
export const DECIMAL_COLUMNS: ReadonlySet<MetricColumn> = new Set([
  'watch_time_minutes',
  'avg_view_duration',
  'retention_rate',
]);

/** What an engagement rate is computed over, per platform (the metric registry says which). */
export type EngagementBasis = 'reach' | 'impressions' | 'views';
