// Ayrshare's answers as real accounts receive them in 2026 (nested and renamed fields, retired Facebook metrics, X's
// credentials refusal, partial answers), held against the figures worked out by hand from the fixture.
import { contentEfficiency, engagementRateWithBasis } from '../../../../lambda/pipeline/derive';
import { normaliseMetrics, type Metrics } from '../../../../lambda/pipeline/normalise';
import { parseSocialAnalytics, type PlatformResult } from '../../../../lambda/pipeline/validate';
import { PLATFORMS, type Platform } from '../../../../lambda/metrics/platforms';
import { readFixture } from '../../../support/paths';

const fixture = (name: string) => readFixture<Record<string, unknown>>(name);

function metricsOf(results: PlatformResult[], platform: Platform): Metrics {
  const result = results.find((r) => r.platform === platform);
  if (!result?.ok) throw new Error(`${platform} did not parse: ${result && !result.ok ? result.reason : 'absent'}`);
  return normaliseMetrics(platform, result.analytics);
}

describe('the 2026 answer', () => {
  const results = parseSocialAnalytics(fixture('ayrshare-social-2026.json'), PLATFORMS);
  const metrics = (platform: Platform) => metricsOf(results, platform);
  const rate = (platform: Platform) => engagementRateWithBasis(metrics(platform), platform);

  it('parses every platform without leaving a figure out', () => {
    expect(results.map((r) => [r.platform, r.ok, r.ok ? r.problems : r.reason])).toEqual(
      PLATFORMS.map((p) => [p, true, []]),
    );
  });

  it('adds LinkedIn organic and paid followers, and maps its share statistics', () => {
    expect(metrics('linkedin')).toMatchObject({
      followers_count: 505,
      impressions: 2300,
      likes_total: 55,
      comments_total: 9,
      shares_total: 4,
      engagement_total: 68,
      profile_views: 120,
    });
    expect(rate('linkedin')).toEqual({ rate: 2.96, basis: 'impressions' });
  });

  it("reads Instagram's reachCount, viewsCount, likeCount and commentsCount: engagement 439, 8.57 % of reach", () => {
    expect(metrics('instagram')).toMatchObject({
      followers_count: 1532,
      following_count: 201,
      posts_count: 152,
      reach: 5120,
      views_total: 8840,
      likes_total: 402,
      comments_total: 37,
      engagement_total: 439,
      impressions: null,
    });
    expect(rate('instagram')).toEqual({ rate: 8.57, basis: 'reach' });
  });

  it('counts Threads likes, replies, reposts and quotes: engagement 110, 3.24 % of views', () => {
    expect(metrics('threads')).toMatchObject({
      followers_count: 1012,
      likes_total: 88,
      comments_total: 14,
      shares_total: 8,
      engagement_total: 110,
      views_total: 3400,
    });
    expect(rate('threads')).toEqual({ rate: 3.24, basis: 'views' });
  });

  it('reads TikTok posts from videoCountTotal', () => {
    expect(metrics('tiktok')).toMatchObject({
      posts_count: 12,
      followers_count: 36,
      engagement_total: 1820,
      views_total: 1530,
    });
    expect(contentEfficiency(metrics('tiktok'))).toBe(151.67);
  });

  it("stores YouTube's averageViewPercentage as the retention rate, and its string video count", () => {
    expect(metrics('youtube')).toMatchObject({
      retention_rate: 43.7,
      posts_count: 18,
      followers_count: 69,
      engagement_total: 16,
      views_total: 52,
    });
  });

  it("gives Facebook's rate over media views, with impressions retired: 48 / 1,210 = 3.97 %", () => {
    expect(metrics('facebook')).toMatchObject({
      followers_count: 640,
      engagement_total: 48,
      views_total: 1210,
      impressions: null,
      likes_total: 39,
    });
    expect(rate('facebook')).toEqual({ rate: 3.97, basis: 'views' });
  });

  it("keeps X's likeCount (posts the account liked) out of engagement", () => {
    expect(metrics('twitter')).toMatchObject({
      followers_count: 11270,
      following_count: 4240,
      posts_count: 2934,
      likes_total: null,
      engagement_total: null,
    });
    expect(rate('twitter')).toEqual({ rate: null, basis: null });
  });
});

describe('a rate keeps its basis', () => {
  it('is left empty, not moved to another measure, when the platform basis is missing', () => {
    const facebook = normaliseMetrics('facebook', { pagePostEngagements: 20, pagePostsImpressions: 124 });
    expect(engagementRateWithBasis(facebook, 'facebook')).toEqual({ rate: null, basis: null });
    const instagram = normaliseMetrics('instagram', { likeCount: 10, commentsCount: 2, viewsCount: 400 });
    expect(engagementRateWithBasis(instagram, 'instagram')).toEqual({ rate: null, basis: null });
  });
});

describe('a top-level error with some good blocks', () => {
  const answer = {
    status: 'error',
    code: 107,
    message: 'Some networks returned an error.',
    errors: [
      {
        action: 'analytics',
        status: 'error',
        code: 419,
        message: 'X/Twitter operations require your own API credentials.',
        platform: 'twitter',
      },
      { action: 'analytics', status: 'error', code: 161, message: 'Instagram token expired', platform: 'instagram' },
    ],
    facebook: fixture('ayrshare-social-2026.json').facebook,
    tiktok: fixture('ayrshare-social-2026.json').tiktok,
    youtube: fixture('ayrshare-social-2026.json').youtube,
    linkedin: fixture('ayrshare-social-2026.json').linkedin,
    threads: { status: 'error', code: 272, message: 'Threads access token expired' },
  };

  it('keeps every block with analytics and fails the others with their own code and message', () => {
    const results = parseSocialAnalytics(answer, PLATFORMS);
    expect(results.filter((r) => r.ok).map((r) => r.platform)).toEqual(['facebook', 'linkedin', 'tiktok', 'youtube']);
    expect(results.filter((r) => !r.ok)).toEqual([
      {
        platform: 'instagram',
        ok: false,
        reason: 'error 161: Instagram token expired',
        failureClass: 'platform_error',
      },
      {
        platform: 'threads',
        ok: false,
        reason: 'error 272: Threads access token expired',
        failureClass: 'platform_error',
      },
      {
        platform: 'twitter',
        ok: false,
        reason: 'error 419: X/Twitter operations require your own API credentials.',
        failureClass: 'x_credentials',
      },
    ]);
  });

  it('gives code 187 (no platform returned data) its own class', () => {
    const results = parseSocialAnalytics({ status: 'error', code: 187, message: 'No analytics data returned.' }, [
      'facebook',
      'youtube',
    ]);
    expect(results).toEqual([
      {
        platform: 'facebook',
        ok: false,
        reason: 'Ayrshare answered with an error (code 187): No analytics data returned.',
        failureClass: 'no_data',
      },
      {
        platform: 'youtube',
        ok: false,
        reason: 'Ayrshare answered with an error (code 187): No analytics data returned.',
        failureClass: 'no_data',
      },
    ]);
  });
});

describe('figures out of range', () => {
  it('says a number beyond what JSON numbers hold is out of range, not "got null"', () => {
    const [result] = parseSocialAnalytics(
      JSON.parse('{"status":"success","youtube":{"analytics":{"views":1e400,"subscriberCount":"69"}}}'),
      ['youtube'],
    );
    expect(result.ok && result.problems).toEqual([
      { field: 'views', reason: 'views is out of range (a number too large to hold)' },
    ]);
    expect(result.ok && normaliseMetrics('youtube', result.analytics)).toMatchObject({
      views_total: null,
      followers_count: 69,
    });
  });

  it('checks nested fields one by one', () => {
    const [result] = parseSocialAnalytics(
      { status: 'success', linkedin: { analytics: { followers: { organicFollowerCount: -5, paidFollowerCount: 7 } } } },
      ['linkedin'],
    );
    expect(result.ok && result.problems).toEqual([
      {
        field: 'followers.organicFollowerCount',
        reason: 'followers.organicFollowerCount must not be negative (got -5)',
      },
    ]);
    // Paid alone is not the page's follower count: the sum needs the organic part.
    expect(result.ok && normaliseMetrics('linkedin', result.analytics).followers_count).toBeNull();
  });
});
