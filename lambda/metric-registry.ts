// The metric registry: for every field the tracker maps, its platform, column, unit, whether it is a lifetime total
// or a figure over a period (and which), and where that knowledge comes from. The mapping code (platforms.ts) is
// built from this list, so the two cannot drift apart; docs/metric-registry.md is rendered from it (npm run docs).
import type { MetricColumn, Platform } from './platform-names';

export type MetricKind = 'lifetime' | 'period';

export interface MetricDefinition {
  platform: Platform;
  column: MetricColumn;
  /** API fields in order of preference: the first one present wins. */
  fields: readonly string[];
  /** Multiplies the API value into the column's unit (Facebook reports video view time in milliseconds). */
  scale?: number;
  unit: string;
  /** A lifetime total (the account's count now) or a figure over a window of time. */
  kind: MetricKind;
  /** For period figures: which period, as far as it is known. */
  period?: string;
  /** The network's own field or metric behind the Ayrshare field: where the meaning comes from. */
  source: string;
}

/** Ayrshare does not document the window of its account-level insights; the networks' own defaults are given. */
const UNSTATED = 'the window Ayrshare asks the network for (its documentation does not state it)';

const def = (
  platform: Platform,
  column: MetricColumn,
  fields: string | string[],
  unit: string,
  kind: MetricKind,
  source: string,
  extra: Partial<Pick<MetricDefinition, 'period' | 'scale'>> = {},
): MetricDefinition => ({ platform, column, fields: typeof fields === 'string' ? [fields] : fields, unit, kind, source, ...extra });

export const METRIC_REGISTRY: readonly MetricDefinition[] = [
  // Facebook Pages (Graph API page fields and page insights).
  def('facebook', 'followers_count', ['followersCount', 'fanCount'], 'accounts', 'lifetime', `Graph API Page.followers_count (else fan_count, page likes)`),
  def('facebook', 'engagement_total', 'pagePostEngagements', 'interactions', 'period', `Graph API page insight page_post_engagements`, { period: UNSTATED }),
  def('facebook', 'views_total', ['pageMediaView', 'pageVideoViews'], 'views', 'period', `Graph API page insights page_media_view (else page_video_views)`, { period: UNSTATED }),
  def('facebook', 'impressions', 'pagePostsImpressions', 'impressions', 'period', `Graph API page insight page_posts_impressions`, { period: UNSTATED }),
  def('facebook', 'watch_time_minutes', 'pageVideoViewTime', 'minutes', 'period', `Graph API page insight page_video_view_time (milliseconds)`, { period: UNSTATED, scale: 1 / 60_000 }),
  // Instagram professional accounts (Graph API IG User fields and insights).
  def('instagram', 'followers_count', 'followersCount', 'accounts', 'lifetime', `Graph API IGUser.followers_count`),
  def('instagram', 'following_count', 'followsCount', 'accounts', 'lifetime', `Graph API IGUser.follows_count`),
  def('instagram', 'impressions', 'impressions', 'impressions', 'period', `Graph API IGUser insight impressions`, { period: UNSTATED }),
  def('instagram', 'reach', 'reach', 'accounts reached', 'period', `Graph API IGUser insight reach`, { period: UNSTATED }),
  def('instagram', 'profile_views', 'profileViews', 'views', 'period', `Graph API IGUser insight profile_views`, { period: UNSTATED }),
  def('instagram', 'posts_count', 'mediaCount', 'posts', 'lifetime', `Graph API IGUser.media_count`),
  // TikTok (Business API account fields; the *Total fields add up the account's videos).
  def('tiktok', 'followers_count', 'followerCount', 'accounts', 'lifetime', `TikTok follower_count`),
  def('tiktok', 'following_count', 'followingCount', 'accounts', 'lifetime', `TikTok following_count`),
  def('tiktok', 'likes_total', 'likeCountTotal', 'interactions', 'lifetime', `sum over the account's videos, per the field name`),
  def('tiktok', 'comments_total', 'commentCountTotal', 'interactions', 'lifetime', `sum over the account's videos, per the field name`),
  def('tiktok', 'shares_total', 'shareCountTotal', 'interactions', 'lifetime', `sum over the account's videos, per the field name`),
  def('tiktok', 'views_total', 'viewCountTotal', 'views', 'lifetime', `sum over the account's videos, per the field name`),
  def('tiktok', 'profile_views', 'profileViews', 'views', 'period', `TikTok Business API profile_views`, { period: UNSTATED }),
  def('tiktok', 'posts_count', 'videoCount', 'posts', 'lifetime', `TikTok video_count`),
  // YouTube (Data API channel statistics for counts; Analytics API metrics for the rest).
  def('youtube', 'followers_count', 'subscriberCount', 'accounts', 'lifetime', `YouTube Data API channel statistics.subscriberCount (sent as a string)`),
  def('youtube', 'subscribers_gained', 'subscribersGained', 'accounts', 'period', `YouTube Analytics API metric subscribersGained`, { period: UNSTATED }),
  def('youtube', 'subscribers_lost', 'subscribersLost', 'accounts', 'period', `YouTube Analytics API metric subscribersLost`, { period: UNSTATED }),
  def('youtube', 'likes_total', 'likes', 'interactions', 'period', `YouTube Analytics API metric likes`, { period: UNSTATED }),
  def('youtube', 'comments_total', 'comments', 'interactions', 'period', `YouTube Analytics API metric comments`, { period: UNSTATED }),
  def('youtube', 'shares_total', 'shares', 'interactions', 'period', `YouTube Analytics API metric shares`, { period: UNSTATED }),
  def('youtube', 'views_total', 'views', 'views', 'period', `YouTube Analytics API metric views (viewCount, the lifetime channel views, stays in raw_data)`, { period: UNSTATED }),
  def('youtube', 'watch_time_minutes', 'estimatedMinutesWatched', 'minutes', 'period', `YouTube Analytics API metric estimatedMinutesWatched`, { period: UNSTATED }),
  def('youtube', 'avg_view_duration', 'averageViewDuration', 'seconds', 'period', `YouTube Analytics API metric averageViewDuration`, { period: UNSTATED }),
  def('youtube', 'posts_count', 'videoCount', 'posts', 'lifetime', `YouTube Data API channel statistics.videoCount`),
  // X/Twitter (API v2 user public_metrics). likeCount counts posts the account liked: kept in raw_data only.
  def('twitter', 'followers_count', 'followersCount', 'accounts', 'lifetime', `X API v2 public_metrics.followers_count`),
  def('twitter', 'following_count', 'friendsCount', 'accounts', 'lifetime', `X API v2 public_metrics.following_count`),
  def('twitter', 'posts_count', 'tweetCount', 'posts', 'lifetime', `X API v2 public_metrics.tweet_count`),
  // LinkedIn and Threads: followers on every account; other fields vary and stay in raw_data.
  def('linkedin', 'followers_count', 'followersCount', 'accounts', 'lifetime', `LinkedIn follower statistics`),
  def('threads', 'followers_count', 'followersCount', 'accounts', 'lifetime', `Threads API followers_count`),
];

/** The registry as a markdown table, for docs/metric-registry.md (a test keeps the file equal to this). */
export function renderRegistryMarkdown(): string {
  const rows = METRIC_REGISTRY.map((d) =>
    [d.platform, d.column, d.fields.map((f) => `\`${f}\``).join(' else '), d.scale ? `${d.unit} (API value × ${d.scale === 1 / 60_000 ? '1/60,000' : d.scale})` : d.unit, d.kind === 'lifetime' ? 'lifetime total' : `period: ${d.period}`, d.source].join(' | '),
  );
  return [
    '# Metric registry',
    '',
    'Generated from `lambda/metric-registry.ts` by `npm run docs`; a test fails when this file and the code differ.',
    'Every mapped field: its column, unit, whether it is a **lifetime total** (the account\'s count at the moment of',
    'the snapshot) or a figure **over a period**, and where that meaning comes from. Sums of period figures over',
    'days are not meaningful; differences of lifetime totals are growth. Every field arrives through Ayrshare\'s',
    '`POST /api/analytics/social` (sample: `shared/fixtures/ayrshare-social-sample.json`); the source column names the',
    'network\'s own field or metric behind it. Where Ayrshare does not say over which window it asks for a period',
    'figure, the table says so rather than guess.',
    '',
    '| platform | column | Ayrshare field | unit | lifetime or period | source |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    '`engagement_total`, where no single field exists, is likes + comments + shares as present (their kind follows the',
    'parts). `engagement_rate` is engagement as a percentage of its basis; the basis (`reach`, `impressions` or',
    '`views`) is stored in `engagement_rate_basis` on every row, so "12 %" always says 12 % of what.',
    '',
  ].join('\n');
}
