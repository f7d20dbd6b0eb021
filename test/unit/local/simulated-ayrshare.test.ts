import { parseSocialAnalytics } from '../../../lambda/pipeline/validate';
import { normaliseMetrics } from '../../../lambda/pipeline/normalise';
import { PLATFORMS } from '../../../lambda/metrics/platforms';
import { simulatedAnswer, simulatedFailure, startSimulatedAyrshare } from '../../../local/simulated-ayrshare';
import { addDays } from '../../../lambda/core/dates';

describe('the demo’s simulated Ayrshare', () => {
  it('answers the same numbers for the same day, and different ones for another day', () => {
    // Worked out by hand from the generator's formulas. 2026-05-01 is day 485 after 2025-01-01: followers
    // 11,253 + 6.5 x 485 + 24 x (wobble - 0.5), following 4,242 + 0.2 x 485 + 4 x (wobble - 0.5), likes 561 + 485 / 2
    // (rounded down), posts 2,930 + 2 x 485. The wobble is FNV-1a of "twitter:f:485" mixed down to [0, 1): 0.8488
    // (0.7275 for "twitter:f:486", the next day).
    const twitter = (day: string) => simulatedAnswer(['twitter'], day).twitter;
    const may1 = {
      analytics: {
        username: 'simulated',
        followersCount: 14414,
        friendsCount: 4340,
        listedCount: 31,
        likeCount: 803,
        tweetCount: 3900,
      },
      lastUpdated: '2026-05-01T10:00:00.000Z',
    };
    expect(twitter('2026-05-01')).toEqual(may1);
    // Asked again, the same day answers the same.
    expect(twitter('2026-05-01')).toEqual(may1);
    expect(twitter('2026-05-02')).toEqual({
      analytics: {
        username: 'simulated',
        followersCount: 14417,
        friendsCount: 4340,
        listedCount: 31,
        likeCount: 804,
        tweetCount: 3902,
      },
      lastUpdated: '2026-05-02T10:00:00.000Z',
    });
  });

  it('answers in the 2026 shape the parser accepts, every figure usable, YouTube counts as strings included', () => {
    // 2026-05-05 is a day Threads fails (every 11th day); 2026-05-01 is not.
    expect(
      parseSocialAnalytics(simulatedAnswer(PLATFORMS, '2026-05-05'), PLATFORMS)
        .filter((r) => !r.ok)
        .map((r) => r.platform),
    ).toEqual(['threads']);
    const answer = simulatedAnswer(PLATFORMS, '2026-05-01');
    const results = parseSocialAnalytics(answer, PLATFORMS);
    expect(results.map((r) => [r.platform, r.ok, r.ok ? r.problems : []])).toEqual(PLATFORMS.map((p) => [p, true, []]));
    expect(typeof (answer.youtube as { analytics: Record<string, unknown> }).analytics.subscriberCount).toBe('string');
    const metrics = Object.fromEntries(
      results.map((r) => [r.platform, r.ok ? normaliseMetrics(r.platform, r.analytics) : null]),
    );
    // The nested and renamed fields of 2026 are what it sends, so every platform but X has engagement.
    expect(metrics.linkedin).toMatchObject({ followers_count: expect.any(Number), impressions: expect.any(Number) });
    for (const platform of ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'youtube'])
      expect([platform, metrics[platform]!.engagement_total]).toEqual([platform, expect.any(Number)]);
    expect(metrics.youtube!.retention_rate).toEqual(expect.any(Number));
    expect(metrics.tiktok!.posts_count).toEqual(expect.any(Number));
  });

  it('refuses X without both X credentials, as Ayrshare does (code 419), and answers it with them', async () => {
    const server = await startSimulatedAyrshare({ date: '2026-05-01' });
    const ask = (headers: Record<string, string>, platforms = ['twitter']) =>
      fetch(`${server.baseUrl}/api/analytics/social`, {
        method: 'POST',
        headers: { Authorization: 'Bearer DEMO', 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ platforms }),
      });
    try {
      const refused = await ask({});
      expect([refused.status, await refused.json()]).toEqual([
        400,
        expect.objectContaining({ code: 419, action: 'x_credentials_required' }),
      ]);
      expect((await ask({ 'X-Twitter-OAuth1-Api-Key': 'k' })).status).toBe(400);
      const answered = await ask({ 'X-Twitter-OAuth1-Api-Key': 'k', 'X-Twitter-OAuth1-Api-Secret': 's' });
      expect(
        ((await answered.json()) as { twitter: { analytics: { followersCount: unknown } } }).twitter.analytics
          .followersCount,
      ).toEqual(expect.any(Number));
      expect((await ask({}, ['facebook'])).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('fails Threads on some days of every 30-day window, and never another platform', () => {
    const days = Array.from({ length: 30 }, (_, i) => addDays('2026-01-01', i));
    const failures = days.flatMap((day) => PLATFORMS.filter((p) => simulatedFailure(p, day)).map((p) => `${p}@${day}`));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((f) => f.startsWith('threads@'))).toBe(true);
  });

  it('grows followers over a month', () => {
    const followers = (day: string) =>
      (simulatedAnswer(['twitter'], day).twitter as { analytics: { followersCount: number } }).analytics.followersCount;
    expect(followers('2026-02-01')).toBeGreaterThan(followers('2026-01-01'));
  });
});
