import { contentEfficiency, engagementRate } from '../../../../lambda/pipeline/derive';
import { AyrshareResponseError } from '../../../../lambda/core/errors';
import { normaliseMetrics, type Metrics } from '../../../../lambda/pipeline/normalise';
import { parsePlatformBlock, parseSocialAnalytics, type PlatformResult } from '../../../../lambda/pipeline/validate';
import { PLATFORMS, type Platform } from '../../../../lambda/metrics/platforms';
import { loadFixture } from '../../../support/ayrshare-stand-in';

function parsed(platform: Platform, block: unknown): Extract<PlatformResult, { ok: true }> {
  const result = parsePlatformBlock(platform, block);
  if (!result.ok) throw new Error(`expected ${platform} to parse, got: ${result.reason}`);
  return result;
}

function metricsOf(platform: Platform, analytics: Record<string, unknown>): Metrics {
  return normaliseMetrics(platform, parsed(platform, { analytics }).analytics);
}

describe('parsing the shared fixture', () => {
  const results = parseSocialAnalytics(loadFixture({ keepLastUpdated: true }), PLATFORMS);
  const byPlatform = Object.fromEntries(results.map((r) => [r.platform, r]));
  const metrics = (platform: Platform) => {
    const result = byPlatform[platform];
    if (!result.ok) throw new Error(result.reason);
    return normaliseMetrics(platform, result.analytics);
  };

  it('accepts all seven platforms', () => {
    expect(results.map((r) => [r.platform, r.ok])).toEqual(PLATFORMS.map((p) => [p, true]));
  });

  it('maps every platform per the metric table (docs/metrics.md)', () => {
    expect(metrics('facebook')).toMatchObject({
      followers_count: 587,
      engagement_total: 20,
      impressions: 124,
      views_total: 929,
    });
    expect(metrics('instagram')).toMatchObject({
      followers_count: 1500,
      following_count: 200,
      posts_count: 150,
      reach: 5000,
      impressions: 8000,
      profile_views: 300,
      engagement_total: null,
    });
    expect(metrics('tiktok')).toMatchObject({
      followers_count: 34,
      following_count: 39,
      likes_total: 2,
      comments_total: 1807,
      shares_total: 4,
      engagement_total: 1813,
      views_total: 1493,
      profile_views: 79346,
    });
    expect(metrics('youtube')).toMatchObject({
      followers_count: 67,
      subscribers_gained: 34,
      subscribers_lost: 2,
      likes_total: 3,
      comments_total: 8,
      shares_total: 34,
      engagement_total: 45,
      views_total: 44,
      watch_time_minutes: 72,
      avg_view_duration: 99,
    });
    expect(metrics('twitter')).toMatchObject({
      followers_count: 11253,
      following_count: 4242,
      posts_count: 2930,
      likes_total: null,
      engagement_total: null,
    });
    expect(metrics('linkedin')).toMatchObject({ followers_count: 500, engagement_total: null });
    expect(metrics('threads')).toMatchObject({ followers_count: 1000, engagement_total: null });
  });

  it('computes the engagement rates worked out by hand from the sample', () => {
    expect(engagementRate(metrics('tiktok'))).toBe(121.43);
    expect(engagementRate(metrics('facebook'))).toBe(16.13);
    expect(engagementRate(metrics('youtube'))).toBe(102.27);
    expect(engagementRate(metrics('twitter'))).toBeNull();
    expect(engagementRate(metrics('instagram'))).toBeNull();
  });

  it("computes each platform's rate over its own basis: Facebook's over media views, no longer over impressions", () => {
    // The only figure of the seed's sample that changes with per-platform bases: 20 engagements / 929 media views.
    expect(engagementRate(metrics('facebook'), 'facebook')).toBe(2.15);
    // The others keep the rates worked out above: their own basis is the one the sample has.
    // TikTok 1,813 / 1,493 views; YouTube 45 / 44 views; X has no engagement; Instagram's sample has no likes or
    // comments, so no engagement over its reach (5,000).
    expect(
      (['tiktok', 'youtube', 'twitter', 'instagram'] as const).map((p) => [p, engagementRate(metrics(p), p)]),
    ).toEqual([
      ['tiktok', 121.43],
      ['youtube', 102.27],
      ['twitter', null],
      ['instagram', null],
    ]);
  });

  it('keeps the raw block, unknown fields and original string values included', () => {
    const tiktok = byPlatform.tiktok;
    const youtube = byPlatform.youtube;
    if (!tiktok.ok || !youtube.ok) throw new Error('fixture platforms failed');
    expect(tiktok.raw.analytics).toMatchObject({ bioLinkClicks: 2 });
    expect(youtube.raw.analytics).toMatchObject({ subscriberCount: '67', viewCount: '5' });
    expect(byPlatform.facebook.ok && byPlatform.facebook.raw.lastUpdated).toBe('2025-12-12T17:15:50.784Z');
    expect(byPlatform.facebook.ok && byPlatform.facebook.sourceUpdatedAt).toBe('2025-12-12T17:15:50.784Z');
    expect(byPlatform.tiktok.ok && byPlatform.tiktok.sourceUpdatedAt).toBeNull();
  });

  it("does not count X's likeCount (posts the account liked) as engagement", () => {
    const twitter = metricsOf('twitter', { followersCount: 10, likeCount: 561, tweetCount: 5 });
    expect(twitter.engagement_total).toBeNull();
    expect(contentEfficiency(twitter)).toBeNull();
  });
});

describe('validating numbers', () => {
  it('accepts numeric strings and counts past 2^31', () => {
    const big = 2 ** 31 + 12345;
    const m = metricsOf('youtube', { subscriberCount: String(big), views: ' 3000000000 ', likes: big });
    expect(m.followers_count).toBe(big);
    expect(m.views_total).toBe(3_000_000_000);
    expect(m.likes_total).toBe(big);
  });

  it.each([
    ['a word', 'abc'],
    ['a negative number', -5],
    ['a negative numeric string', '-5'],
    ['a boolean', true],
    ['an object', { value: 3 }],
    ['a fractional count', 1.5],
    ['a count beyond 2^53', 2 ** 60],
    ['an empty string', ''],
  ])('leaves the field out, names it, and keeps the other figures, on %s', (_label, value) => {
    const result = parsePlatformBlock('instagram', { analytics: { followersCount: value, reach: 10 } });
    if (!result.ok) throw new Error(result.reason);
    expect(result.problems).toEqual([
      { field: 'followersCount', reason: expect.stringMatching(/^followersCount (must|is) .* \(got .*\)$/) },
    ]);
    expect(normaliseMetrics('instagram', result.analytics)).toMatchObject({ followers_count: null, reach: 10 });
    // raw_data keeps what Ayrshare sent, the bad value included.
    expect(result.raw.analytics).toEqual({ followersCount: value, reach: 10 });
  });

  it('accepts decimals where the unit allows them and converts Facebook view time from ms to minutes', () => {
    const m = metricsOf('facebook', { followersCount: 1, pageVideoViewTime: 90_000.5 });
    expect(m.watch_time_minutes).toBe(1.5);
    const yt = metricsOf('youtube', { averageViewDuration: 12.75 });
    expect(yt.avg_view_duration).toBe(12.75);
  });

  it('treats null fields as absent and never validates fields it does not map', () => {
    const m = metricsOf('linkedin', {
      followersCount: null,
      organicFollowerCount: 'not a number',
      nested: { deep: [1, 2] },
    });
    expect(m.followers_count).toBeNull();
  });

  it('uses the fallbacks: fanCount when followersCount is absent, pageVideoViews when pageMediaView is', () => {
    const m = metricsOf('facebook', { fanCount: 42, pageVideoViews: 7 });
    expect(m.followers_count).toBe(42);
    expect(m.views_total).toBe(7);
    expect(metricsOf('facebook', { fanCount: 42, followersCount: 40 }).followers_count).toBe(40);
  });
});

describe('per-platform failures inside a successful answer', () => {
  it('records an error block with its code and message', () => {
    const result = parsePlatformBlock('instagram', { status: 'error', code: 161, message: 'Instagram token expired' });
    expect(result).toEqual({
      platform: 'instagram',
      ok: false,
      reason: 'error 161: Instagram token expired',
      failureClass: 'platform_error',
    });
  });

  it('records a missing platform', () => {
    const results = parseSocialAnalytics({ status: 'success', facebook: { analytics: { followersCount: 1 } } }, [
      'facebook',
      'threads',
    ]);
    expect(results[0].ok).toBe(true);
    expect(results[1]).toEqual({
      platform: 'threads',
      ok: false,
      reason: expect.stringMatching(/not in the response/),
      failureClass: 'not_linked',
    });
  });

  it.each([
    ['a block without analytics', { lastUpdated: 'x' }, /no analytics object/],
    ['analytics that is not an object', { analytics: 'n/a' }, /no analytics object/],
    ['a string instead of a block', 'oops', /unexpected string/],
    ['an error status without message', { status: 'error' }, /^error without a message$/],
  ])('fails the platform on %s', (_label, block, reason) => {
    const result = parsePlatformBlock('tiktok', block);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('rejects an answer that is not an object as a whole', () => {
    expect(() => parseSocialAnalytics([1, 2], ['facebook'])).toThrow(AyrshareResponseError);
  });

  it('fails every platform of a top-level error without blocks with its message, as an Ayrshare-side failure', () => {
    expect(parseSocialAnalytics({ status: 'error', message: 'Not allowed' }, ['facebook', 'instagram'])).toEqual([
      {
        platform: 'facebook',
        ok: false,
        reason: 'Ayrshare answered with an error: Not allowed',
        failureClass: 'server',
      },
      {
        platform: 'instagram',
        ok: false,
        reason: 'Ayrshare answered with an error: Not allowed',
        failureClass: 'server',
      },
    ]);
  });
});
