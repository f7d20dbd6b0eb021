// The networks the tracker knows, and how each one's account analytics map onto a snapshot row (SPEC section 3).

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

/** Columns that hold whole counts (BIGINT); the others may carry decimals. */
export const DECIMAL_COLUMNS: ReadonlySet<MetricColumn> = new Set(['watch_time_minutes', 'avg_view_duration']);

/**
 * Where a column's value comes from: the first listed API field that is present wins,
 * and `scale` converts its unit (Facebook reports video view time in milliseconds).
 */
export interface FieldSource {
  fields: readonly string[];
  scale?: number;
}

type PlatformMapping = Partial<Record<MetricColumn, FieldSource>>;

const from = (...fields: string[]): FieldSource => ({ fields });
const MS_PER_MINUTE = 60_000;

export const PLATFORM_MAPPINGS: Record<Platform, PlatformMapping> = {
  facebook: {
    followers_count: from('followersCount', 'fanCount'),
    engagement_total: from('pagePostEngagements'),
    views_total: from('pageMediaView', 'pageVideoViews'),
    impressions: from('pagePostsImpressions'),
    watch_time_minutes: { fields: ['pageVideoViewTime'], scale: 1 / MS_PER_MINUTE },
  },
  instagram: {
    followers_count: from('followersCount'),
    following_count: from('followsCount'),
    impressions: from('impressions'),
    reach: from('reach'),
    profile_views: from('profileViews'),
    posts_count: from('mediaCount'),
  },
  tiktok: {
    followers_count: from('followerCount'),
    following_count: from('followingCount'),
    likes_total: from('likeCountTotal'),
    comments_total: from('commentCountTotal'),
    shares_total: from('shareCountTotal'),
    views_total: from('viewCountTotal'),
    profile_views: from('profileViews'),
    posts_count: from('videoCount'),
  },
  youtube: {
    followers_count: from('subscriberCount'),
    subscribers_gained: from('subscribersGained'),
    subscribers_lost: from('subscribersLost'),
    likes_total: from('likes'),
    comments_total: from('comments'),
    shares_total: from('shares'),
    views_total: from('views'),
    watch_time_minutes: from('estimatedMinutesWatched'),
    avg_view_duration: from('averageViewDuration'),
    posts_count: from('videoCount'),
  },
  // X's account-level likeCount counts posts the account itself liked, not likes received: it stays in raw_data only.
  twitter: {
    followers_count: from('followersCount'),
    following_count: from('friendsCount'),
    posts_count: from('tweetCount'),
  },
  linkedin: {
    followers_count: from('followersCount'),
  },
  threads: {
    followers_count: from('followersCount'),
  },
};

/** Every API field some mapping reads, per platform: these are validated strictly; all others are kept as they come. */
export function mappedFields(platform: Platform): string[] {
  return Object.values(PLATFORM_MAPPINGS[platform]).flatMap((source) => [...source.fields]);
}
