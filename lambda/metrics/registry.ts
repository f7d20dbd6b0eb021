// The metric registry: for every field the tracker maps, its platform, column, unit, whether it is a lifetime total
// or a figure over a period (and which), and where that knowledge comes from. The mapping code (metrics/platforms.ts) is
// built from this list, so the two cannot drift apart; docs/metric-registry.md is rendered from it (npm run docs).
import type { EngagementBasis, MetricColumn, Platform } from '../core/platform-names';

export type MetricKind = 'lifetime' | 'period';

/**
 * Where a value sits in Ayrshare's `analytics` object: a field name, or a dotted path into a nested object
 * (`followers.organicFollowerCount`), or the sum of several such paths.
 */
export type FieldPath = string;
/** A sum of paths: present when every path in `requires` is present; paths not required add when present. */
export interface FieldSum {
  sum: readonly FieldPath[];
  requires: readonly FieldPath[];
}
export type FieldSource = FieldPath | FieldSum;

export interface MetricDefinition {
  platform: Platform;
  column: MetricColumn;
  /** Alternatives in order of preference: the first one present wins (the 2026 name first, older names after). */
  fields: readonly FieldSource[];
  /** Multiplies the API value into the column's unit (Facebook reported video view time in milliseconds). */
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

/** The sum of `parts`; the first part must be present, the others add when present. */
export const sumOf = (parts: readonly FieldPath[], requires: readonly FieldPath[] = parts.slice(0, 1)): FieldSum => ({
  sum: parts,
  requires,
});

/** Every path a source reads. */
export const pathsOf = (source: FieldSource): readonly FieldPath[] =>
  typeof source === 'string' ? [source] : source.sum;

const def = (
  platform: Platform,
  column: MetricColumn,
  fields: FieldSource | FieldSource[],
  unit: string,
  kind: MetricKind,
  source: string,
  extra: Partial<Pick<MetricDefinition, 'period' | 'scale'>> = {},
): MetricDefinition => ({
  platform,
  column,
  fields: Array.isArray(fields) ? fields : [fields],
  unit,
  kind,
  source,
  ...extra,
});

const RETIRED_2026 = 'retired by Meta on 2026-06-15; still read from older answers';

export const METRIC_REGISTRY: readonly MetricDefinition[] = [
  // Facebook Pages (Graph API page fields and page insights). page_impressions* and page_fans* were retired on
  // 2025-11-14; page_posts_impressions* and page_video_views_unique on 2026-06-15; page_video_view_time is gone.
  def(
    'facebook',
    'followers_count',
    ['followersCount', 'fanCount'],
    'accounts',
    'lifetime',
    `Graph API Page.followers_count (else fan_count, page likes)`,
  ),
  def(
    'facebook',
    'likes_total',
    'reactions.total',
    'reactions',
    'period',
    `Graph API page insight page_actions_post_reactions_total (the reactions object's total)`,
    { period: UNSTATED },
  ),
  def(
    'facebook',
    'engagement_total',
    'pagePostEngagements',
    'interactions',
    'period',
    `Graph API page insight page_post_engagements`,
    { period: UNSTATED },
  ),
  def(
    'facebook',
    'views_total',
    ['pageMediaView', 'pageVideoViews'],
    'views',
    'period',
    `Graph API page insights page_media_view (else page_video_views)`,
    { period: UNSTATED },
  ),
  def(
    'facebook',
    'impressions',
    'pagePostsImpressions',
    'impressions',
    'period',
    `Graph API page insight page_posts_impressions (${RETIRED_2026})`,
    { period: UNSTATED },
  ),
  def(
    'facebook',
    'watch_time_minutes',
    'pageVideoViewTime',
    'minutes',
    'period',
    `Graph API page insight page_video_view_time (milliseconds; no longer sent)`,
    { period: UNSTATED, scale: 1 / 60_000 },
  ),
  // Instagram professional accounts (Graph API IG User fields and insights). Meta retired account impressions in
  // 2025; views replaced them. reach, impressions and profileViews are the seed's older names.
  def('instagram', 'followers_count', 'followersCount', 'accounts', 'lifetime', `Graph API IGUser.followers_count`),
  def('instagram', 'following_count', 'followsCount', 'accounts', 'lifetime', `Graph API IGUser.follows_count`),
  def('instagram', 'likes_total', 'likeCount', 'interactions', 'period', `Graph API IGUser insight likes`, {
    period: UNSTATED,
  }),
  def('instagram', 'comments_total', 'commentsCount', 'interactions', 'period', `Graph API IGUser insight comments`, {
    period: UNSTATED,
  }),
  def(
    'instagram',
    'views_total',
    'viewsCount',
    'views',
    'period',
    `Graph API IGUser insight views (replaced impressions)`,
    { period: UNSTATED },
  ),
  def(
    'instagram',
    'impressions',
    'impressions',
    'impressions',
    'period',
    `Graph API IGUser insight impressions (retired by Meta in 2025; older answers only)`,
    { period: UNSTATED },
  ),
  def('instagram', 'reach', ['reachCount', 'reach'], 'accounts reached', 'period', `Graph API IGUser insight reach`, {
    period: UNSTATED,
  }),
  def(
    'instagram',
    'profile_views',
    'profileViews',
    'views',
    'period',
    `Graph API IGUser insight profile_views (older answers only)`,
    { period: UNSTATED },
  ),
  def('instagram', 'posts_count', 'mediaCount', 'posts', 'lifetime', `Graph API IGUser.media_count`),
  // TikTok (Business API account fields; the *Total fields add up the account's videos).
  def('tiktok', 'followers_count', 'followerCount', 'accounts', 'lifetime', `TikTok follower_count`),
  def('tiktok', 'following_count', 'followingCount', 'accounts', 'lifetime', `TikTok following_count`),
  def(
    'tiktok',
    'likes_total',
    'likeCountTotal',
    'interactions',
    'lifetime',
    `sum over the account's videos, per the field name`,
  ),
  def(
    'tiktok',
    'comments_total',
    'commentCountTotal',
    'interactions',
    'lifetime',
    `sum over the account's videos, per the field name`,
  ),
  def(
    'tiktok',
    'shares_total',
    'shareCountTotal',
    'interactions',
    'lifetime',
    `sum over the account's videos, per the field name`,
  ),
  def(
    'tiktok',
    'views_total',
    'viewCountTotal',
    'views',
    'lifetime',
    `sum over the account's videos, per the field name`,
  ),
  def('tiktok', 'profile_views', 'profileViews', 'views', 'period', `TikTok Business API profile_views`, {
    period: UNSTATED,
  }),
  def(
    'tiktok',
    'posts_count',
    ['videoCountTotal', 'videoCount'],
    'posts',
    'lifetime',
    `TikTok video_count (videoCountTotal; videoCount in older answers)`,
  ),
  // YouTube (Data API channel statistics for counts; Analytics API metrics for the rest).
  def(
    'youtube',
    'followers_count',
    'subscriberCount',
    'accounts',
    'lifetime',
    `YouTube Data API channel statistics.subscriberCount (sent as a string)`,
  ),
  def(
    'youtube',
    'subscribers_gained',
    'subscribersGained',
    'accounts',
    'period',
    `YouTube Analytics API metric subscribersGained`,
    { period: UNSTATED },
  ),
  def(
    'youtube',
    'subscribers_lost',
    'subscribersLost',
    'accounts',
    'period',
    `YouTube Analytics API metric subscribersLost`,
    { period: UNSTATED },
  ),
  def('youtube', 'likes_total', 'likes', 'interactions', 'period', `YouTube Analytics API metric likes`, {
    period: UNSTATED,
  }),
  def('youtube', 'comments_total', 'comments', 'interactions', 'period', `YouTube Analytics API metric comments`, {
    period: UNSTATED,
  }),
  def('youtube', 'shares_total', 'shares', 'interactions', 'period', `YouTube Analytics API metric shares`, {
    period: UNSTATED,
  }),
  def(
    'youtube',
    'views_total',
    'views',
    'views',
    'period',
    `YouTube Analytics API metric views (viewCount, the lifetime channel views, stays in raw_data)`,
    { period: UNSTATED },
  ),
  def(
    'youtube',
    'watch_time_minutes',
    'estimatedMinutesWatched',
    'minutes',
    'period',
    `YouTube Analytics API metric estimatedMinutesWatched`,
    { period: UNSTATED },
  ),
  def(
    'youtube',
    'avg_view_duration',
    'averageViewDuration',
    'seconds',
    'period',
    `YouTube Analytics API metric averageViewDuration`,
    { period: UNSTATED },
  ),
  def(
    'youtube',
    'retention_rate',
    'averageViewPercentage',
    '% of a video watched',
    'period',
    `YouTube Analytics API metric averageViewPercentage (can pass 100 when viewers rewatch)`,
    { period: UNSTATED },
  ),
  def(
    'youtube',
    'posts_count',
    'videoCount',
    'posts',
    'lifetime',
    `YouTube Data API channel statistics.videoCount (sent as a string)`,
  ),
  // X/Twitter (API v2 user public_metrics). likeCount counts posts the account liked: kept in raw_data only.
  def(
    'twitter',
    'followers_count',
    'followersCount',
    'accounts',
    'lifetime',
    `X API v2 public_metrics.followers_count`,
  ),
  def('twitter', 'following_count', 'friendsCount', 'accounts', 'lifetime', `X API v2 public_metrics.following_count`),
  def('twitter', 'posts_count', 'tweetCount', 'posts', 'lifetime', `X API v2 public_metrics.tweet_count`),
  // LinkedIn company pages (organization follower, share and page statistics); personal profiles send a flat
  // followersCount. `engagement` is LinkedIn's own ratio, not a count: it stays in raw_data.
  def(
    'linkedin',
    'followers_count',
    [
      'followers.totalFollowerCount',
      sumOf(['followers.organicFollowerCount', 'followers.paidFollowerCount']),
      'followersCount',
    ],
    'accounts',
    'lifetime',
    `LinkedIn organization follower statistics: the total when sent, else organic + paid; else the profile's count`,
  ),
  def(
    'linkedin',
    'reach',
    'uniqueImpressionsCount',
    'accounts reached',
    'period',
    `LinkedIn share statistics uniqueImpressionsCount (members who saw the posts at least once)`,
    { period: UNSTATED },
  ),
  def(
    'linkedin',
    'impressions',
    'impressionCount',
    'impressions',
    'period',
    `LinkedIn share statistics impressionCount`,
    { period: UNSTATED },
  ),
  def('linkedin', 'likes_total', 'likeCount', 'interactions', 'period', `LinkedIn share statistics likeCount`, {
    period: UNSTATED,
  }),
  def(
    'linkedin',
    'comments_total',
    'commentCount',
    'interactions',
    'period',
    `LinkedIn share statistics commentCount`,
    { period: UNSTATED },
  ),
  def('linkedin', 'shares_total', 'shareCount', 'interactions', 'period', `LinkedIn share statistics shareCount`, {
    period: UNSTATED,
  }),
  def('linkedin', 'profile_views', 'views.allPageViews', 'views', 'period', `LinkedIn page statistics allPageViews`, {
    period: UNSTATED,
  }),
  // Threads (Threads API user insights).
  def('threads', 'followers_count', 'followersCount', 'accounts', 'lifetime', `Threads API followers_count`),
  def('threads', 'likes_total', 'likes', 'interactions', 'period', `Threads API user insight likes`, {
    period: UNSTATED,
  }),
  def('threads', 'comments_total', 'replies', 'interactions', 'period', `Threads API user insight replies`, {
    period: UNSTATED,
  }),
  def(
    'threads',
    'shares_total',
    sumOf(['reposts', 'quotes'], []),
    'interactions',
    'period',
    `Threads API user insights reposts + quotes`,
    { period: UNSTATED },
  ),
  def('threads', 'views_total', 'views', 'views', 'period', `Threads API user insight views`, { period: UNSTATED }),
  // Bluesky (AT Protocol profile counts). Pinterest, Reddit, Snapchat and Google Business Profile: Ayrshare does not
  // document their account-level field names, so their answers are kept in raw_data and no column is filled.
  def(
    'bluesky',
    'followers_count',
    'followersCount',
    'accounts',
    'lifetime',
    `Bluesky AT Protocol API app.bsky.actor.profileView followersCount`,
  ),
  def(
    'bluesky',
    'following_count',
    'followsCount',
    'accounts',
    'lifetime',
    `Bluesky AT Protocol API app.bsky.actor.profileView followsCount`,
  ),
];

/**
 * What each platform's engagement rate is a percentage of. One basis per platform, so the rate means the same thing
 * every day: when the basis figure is missing, the rate is left empty rather than computed over another measure.
 * A platform not listed has no engagement figure to divide.
 */
export const ENGAGEMENT_BASIS: Partial<Record<Platform, { basis: EngagementBasis; meaning: string }>> = {
  facebook: { basis: 'views', meaning: 'post engagements over media views (page_media_view, else video views)' },
  instagram: { basis: 'reach', meaning: 'likes + comments over accounts reached' },
  linkedin: { basis: 'impressions', meaning: 'likes + comments + shares over impressions' },
  threads: { basis: 'views', meaning: 'likes + replies + reposts + quotes over views' },
  tiktok: {
    basis: 'views',
    meaning: "likes + comments + shares over video views (lifetime totals of the account's videos)",
  },
  youtube: { basis: 'views', meaning: 'likes + comments + shares over views' },
};

/** How a source reads in the docs: `a` or `a.b`, sums as `a + b` (with "(when present)" on the optional parts). */
export function describeSource(source: FieldSource): string {
  if (typeof source === 'string') return `\`${source}\``;
  if (source.requires.length === 0) return `${source.sum.map((p) => `\`${p}\``).join(' + ')} (whichever are present)`;
  return source.sum.map((p) => (source.requires.includes(p) ? `\`${p}\`` : `\`${p}\` (when present)`)).join(' + ');
}

/** The registry as a markdown table, for docs/metric-registry.md (a test keeps the file equal to this). */
export function renderRegistryMarkdown(): string {
  const rows = METRIC_REGISTRY.map((d) =>
    [
      d.platform,
      d.column,
      d.fields.map(describeSource).join(' else '),
      d.scale ? `${d.unit} (API value × ${d.scale === 1 / 60_000 ? '1/60,000' : d.scale})` : d.unit,
      d.kind === 'lifetime' ? 'lifetime total' : `period: ${d.period}`,
      d.source,
    ].join(' | '),
  );
  const bases = Object.entries(ENGAGEMENT_BASIS).map(
    ([platform, b]) => `| ${platform} | ${b!.basis} | ${b!.meaning} |`,
  );
  return [
    '# Metric registry',
    '',
    'Generated from `lambda/metrics/registry.ts` by `npm run docs`; a test fails when this file and the code differ.',
    "Every mapped field: its column, unit, whether it is a **lifetime total** (the account's count at the moment of",
    'the snapshot) or a figure **over a period**, and where that meaning comes from. Sums of period figures over',
    "days are not meaningful; differences of lifetime totals are growth. Every field arrives through Ayrshare's",
    '`POST /api/analytics/social` (samples: `test/fixtures/ayrshare-social-2026.json`, and the older shape in',
    "`test/fixtures/ayrshare-social-sample.json`); the source column names the network's own field or metric behind it.",
    'Where Ayrshare does not say over which window it asks for a period figure, the table says so rather than guess.',
    '',
    "Alternatives are tried in order: the first one present wins, so both today's field names and older ones map.",
    'A dotted name is a field inside a nested object; `a + b` is a sum: its unmarked parts must be present, parts',
    'marked "(when present)" add when they are, and "(whichever are present)" sums what there is.',
    '',
    '| platform | column | Ayrshare field | unit | lifetime or period | source |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    '',
    'Platforms collected only when the platform setting names them: bluesky, pinterest, reddit, snapchat and gmb. For',
    'pinterest, reddit, snapchat and gmb Ayrshare does not document account-level field names: their answer is stored',
    'in `raw_data` every day and no column is filled until a field is known.',
    '',
    '## Engagement',
    '',
    '`engagement_total`, where no single field exists, is likes + comments + shares as present (their kind follows the',
    'parts). `engagement_rate` is engagement as a percentage of one basis per platform, the same every day; when that',
    'basis is missing the rate stays empty rather than switch to another measure. The basis is stored in',
    '`engagement_rate_basis` on every row, so "12 %" always says 12 % of what, and reports break a rate line where the',
    'basis of stored rows changes.',
    '',
    '| platform | basis | engagement rate |',
    '|---|---|---|',
    ...bases,
    '',
  ].join('\n');
}
