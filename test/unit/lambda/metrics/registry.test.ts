// The metric registry held against what is known from outside it: the field mapping docs/metrics.md documents, and
// the committed Ayrshare answers in test/fixtures/, with every expected figure written out by hand. Nothing expected
// here is built from the registry or from the mapping code, so a wrong registry entry fails.
import { readFileSync } from 'node:fs';
import { METRIC_REGISTRY, renderRegistryMarkdown } from '../../../../lambda/metrics/registry';
import { normaliseMetrics, type Metrics } from '../../../../lambda/pipeline/normalise';
import { parseSocialAnalytics } from '../../../../lambda/pipeline/validate';
import type { Platform } from '../../../../lambda/metrics/platforms';
import { fromRoot, readFixture } from '../../../support/paths';

type Source = string | { sum: string[]; requires: string[] };
interface Documented {
  fields: Source[];
  kind: 'lifetime' | 'period';
  period?: string;
  scale?: number;
}

/** A lifetime total (the count at the moment of the snapshot), from the first of `fields` present. */
const lifetime = (...fields: Source[]): Documented => ({ fields, kind: 'lifetime' });
/** A figure over a window Ayrshare does not document (the registry says so rather than guess one). */
const period = (...fields: Source[]): Documented => ({
  fields,
  kind: 'period',
  period: 'the window Ayrshare asks the network for (its documentation does not state it)',
});

/**
 * docs/metrics.md's table (and the notes under it), by hand: for each platform and column, the Ayrshare fields in the
 * order they are tried. LinkedIn's organic + paid sum needs the organic count (the paid one adds when present);
 * Threads' reposts + quotes adds whichever are present. Kinds: an account's counts (followers, following, posts) and
 * TikTok's *Total fields (sums over the account's videos) are lifetime totals; every insight covers a period.
 */
const DOCUMENTED: Record<string, Record<string, Documented>> = {
  facebook: {
    followers_count: lifetime('followersCount', 'fanCount'),
    likes_total: period('reactions.total'),
    engagement_total: period('pagePostEngagements'),
    views_total: period('pageMediaView', 'pageVideoViews'),
    impressions: period('pagePostsImpressions'),
    // Milliseconds ÷ 60,000.
    watch_time_minutes: { ...period('pageVideoViewTime'), scale: 1 / 60_000 },
  },
  instagram: {
    followers_count: lifetime('followersCount'),
    following_count: lifetime('followsCount'),
    likes_total: period('likeCount'),
    comments_total: period('commentsCount'),
    views_total: period('viewsCount'),
    impressions: period('impressions'),
    reach: period('reachCount', 'reach'),
    profile_views: period('profileViews'),
    posts_count: lifetime('mediaCount'),
  },
  tiktok: {
    followers_count: lifetime('followerCount'),
    following_count: lifetime('followingCount'),
    likes_total: lifetime('likeCountTotal'),
    comments_total: lifetime('commentCountTotal'),
    shares_total: lifetime('shareCountTotal'),
    views_total: lifetime('viewCountTotal'),
    profile_views: period('profileViews'),
    posts_count: lifetime('videoCountTotal', 'videoCount'),
  },
  youtube: {
    followers_count: lifetime('subscriberCount'),
    subscribers_gained: period('subscribersGained'),
    subscribers_lost: period('subscribersLost'),
    likes_total: period('likes'),
    comments_total: period('comments'),
    shares_total: period('shares'),
    views_total: period('views'),
    watch_time_minutes: period('estimatedMinutesWatched'),
    avg_view_duration: period('averageViewDuration'),
    retention_rate: period('averageViewPercentage'),
    posts_count: lifetime('videoCount'),
  },
  twitter: {
    followers_count: lifetime('followersCount'),
    following_count: lifetime('friendsCount'),
    posts_count: lifetime('tweetCount'),
  },
  linkedin: {
    followers_count: lifetime(
      'followers.totalFollowerCount',
      {
        sum: ['followers.organicFollowerCount', 'followers.paidFollowerCount'],
        requires: ['followers.organicFollowerCount'],
      },
      'followersCount',
    ),
    reach: period('uniqueImpressionsCount'),
    impressions: period('impressionCount'),
    likes_total: period('likeCount'),
    comments_total: period('commentCount'),
    shares_total: period('shareCount'),
    profile_views: period('views.allPageViews'),
  },
  threads: {
    followers_count: lifetime('followersCount'),
    likes_total: period('likes'),
    comments_total: period('replies'),
    shares_total: period({ sum: ['reposts', 'quotes'], requires: [] }),
    views_total: period('views'),
  },
  bluesky: {
    followers_count: lifetime('followersCount'),
    following_count: lifetime('followsCount'),
  },
};

/** A row with every column empty; the figures a case expects are set over it. */
const EMPTY: Metrics = {
  followers_count: null,
  following_count: null,
  subscribers_gained: null,
  subscribers_lost: null,
  likes_total: null,
  comments_total: null,
  shares_total: null,
  engagement_total: null,
  views_total: null,
  impressions: null,
  reach: null,
  profile_views: null,
  watch_time_minutes: null,
  avg_view_duration: null,
  posts_count: null,
  retention_rate: null,
};
const figures = (set: Partial<Metrics>): Metrics => ({ ...EMPTY, ...set });

/** One platform of a committed answer, validated and mapped as a run does. */
function mapped(fixture: string, platform: Platform): Metrics {
  const result = parseSocialAnalytics(readFixture(fixture), [platform])[0];
  if (!result.ok) throw new Error(`${platform} of ${fixture} did not parse: ${result.reason}`);
  return normaliseMetrics(platform, result.analytics);
}

describe('the metric registry', () => {
  it('holds exactly the fields docs/metrics.md documents, in the documented order, with kind, period and scale', () => {
    const registry: Record<string, Record<string, Documented>> = {};
    for (const d of METRIC_REGISTRY) {
      registry[d.platform] ??= {};
      const { fields, kind, period: window, scale } = d;
      registry[d.platform][d.column] = { fields: fields as Source[], kind, period: window, scale };
      // Where the meaning comes from: the network's own field or metric.
      expect([d.platform, d.column, d.source]).toEqual([d.platform, d.column, expect.stringMatching(/\S/)]);
    }
    expect(registry).toEqual(DOCUMENTED);
    // 51 documented entries: no platform and column twice.
    expect(METRIC_REGISTRY).toHaveLength(51);
  });

  it('maps the 2026 answer (test/fixtures/ayrshare-social-2026.json) to the figures read off it by hand', () => {
    const file = 'ayrshare-social-2026.json';
    expect(mapped(file, 'facebook')).toEqual(
      // followersCount over fanCount (612), pageMediaView over pageVideoViews (310), reactions.total.
      figures({ followers_count: 640, likes_total: 39, engagement_total: 48, views_total: 1210 }),
    );
    expect(mapped(file, 'instagram')).toEqual(
      figures({
        followers_count: 1532,
        following_count: 201,
        likes_total: 402,
        comments_total: 37,
        engagement_total: 439, // 402 + 37
        views_total: 8840,
        reach: 5120,
        posts_count: 152,
      }),
    );
    expect(mapped(file, 'linkedin')).toEqual(
      figures({
        followers_count: 505, // organic 498 + paid 7
        likes_total: 55,
        comments_total: 9,
        shares_total: 4,
        engagement_total: 68, // 55 + 9 + 4
        impressions: 2300,
        profile_views: 120,
      }),
    );
    expect(mapped(file, 'threads')).toEqual(
      figures({
        followers_count: 1012,
        likes_total: 88,
        comments_total: 14,
        shares_total: 8, // reposts 6 + quotes 2
        engagement_total: 110, // 88 + 14 + 8
        views_total: 3400,
      }),
    );
    expect(mapped(file, 'tiktok')).toEqual(
      figures({
        followers_count: 36,
        following_count: 39,
        likes_total: 5,
        comments_total: 1811,
        shares_total: 4,
        engagement_total: 1820, // 5 + 1811 + 4
        views_total: 1530,
        posts_count: 12,
      }),
    );
    // likeCount (570) is posts the account liked: not a column.
    expect(mapped(file, 'twitter')).toEqual(
      figures({ followers_count: 11270, following_count: 4240, posts_count: 2934 }),
    );
    expect(mapped(file, 'youtube')).toEqual(
      figures({
        followers_count: 69,
        subscribers_gained: 4,
        subscribers_lost: 2,
        likes_total: 4,
        comments_total: 9,
        shares_total: 3,
        engagement_total: 16, // 4 + 9 + 3
        views_total: 52, // the period's views, not viewCount (5120)
        watch_time_minutes: 80,
        avg_view_duration: 101,
        retention_rate: 43.7,
        posts_count: 18,
      }),
    );
  });

  it("maps LinkedIn's total followers and reach from ayrshare-social-2026-values.json", () => {
    expect(mapped('ayrshare-social-2026-values.json', 'linkedin')).toEqual(
      figures({
        followers_count: 512, // totalFollowerCount, over organic + paid (505)
        reach: 1400,
        likes_total: 55,
        comments_total: 9,
        shares_total: 4,
        engagement_total: 68,
        impressions: 2300,
        profile_views: 120,
      }),
    );
  });

  it('maps the older names of the seed sample (test/fixtures/ayrshare-social-sample.json)', () => {
    const file = 'ayrshare-social-sample.json';
    expect(mapped(file, 'facebook')).toEqual(
      figures({ followers_count: 587, engagement_total: 20, views_total: 929, impressions: 124 }),
    );
    expect(mapped(file, 'instagram')).toEqual(
      figures({
        followers_count: 1500,
        following_count: 200,
        posts_count: 150,
        reach: 5000,
        impressions: 8000,
        profile_views: 300,
      }),
    );
    expect(mapped(file, 'tiktok')).toEqual(
      figures({
        followers_count: 34,
        following_count: 39,
        likes_total: 2,
        comments_total: 1807,
        shares_total: 4,
        engagement_total: 1813,
        views_total: 1493,
        profile_views: 79346,
      }),
    );
    expect(mapped(file, 'linkedin')).toEqual(figures({ followers_count: 500 }));
    expect(mapped(file, 'threads')).toEqual(figures({ followers_count: 1000 }));
  });

  it.each([
    ['facebook', { fanCount: 612 }, { followers_count: 612 }],
    ['facebook', { pageVideoViews: 310 }, { views_total: 310 }],
    // 90,000 ms of video view time are 1.5 minutes.
    ['facebook', { pageVideoViewTime: 90_000 }, { watch_time_minutes: 1.5 }],
    ['tiktok', { videoCount: 11 }, { posts_count: 11 }],
    ['tiktok', { videoCountTotal: 12, videoCount: 11 }, { posts_count: 12 }],
    ['instagram', { reachCount: 5120, reach: 5000 }, { reach: 5120 }],
    // Organic alone is the sum; paid alone is not (the organic count is required), so the flat count is used.
    ['linkedin', { followers: { organicFollowerCount: 498 } }, { followers_count: 498 }],
    ['linkedin', { followers: { paidFollowerCount: 7 }, followersCount: 500 }, { followers_count: 500 }],
    ['linkedin', { followers: { paidFollowerCount: 7 } }, { followers_count: null }],
    ['threads', { quotes: 2 }, { shares_total: 2, engagement_total: 2 }],
    ['bluesky', { followersCount: 220, followsCount: 80 }, { followers_count: 220, following_count: 80 }],
  ] as Array<[Platform, Record<string, unknown>, Partial<Metrics>]>)(
    'maps %s %j the documented way',
    (platform, analytics, expected) => {
      expect(normaliseMetrics(platform, analytics)).toEqual(figures(expected));
    },
  );

  it('is rendered in docs/metric-registry.md exactly (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(fromRoot('docs', 'metric-registry.md'), 'utf8');
    expect(doc).toBe(renderRegistryMarkdown());
    expect(doc).toContain('| youtube | followers_count | `subscriberCount` | accounts | lifetime total |');
  });
});
