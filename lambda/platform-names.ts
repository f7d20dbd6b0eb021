// The networks the tracker knows and the numeric columns of a snapshot row (SPEC sections 1 and 3).

export const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
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
] as const;
export type MetricColumn = (typeof METRIC_COLUMNS)[number];
