import type { Metrics } from '../../../../lambda/pipeline/normalise';
import { METRIC_COLUMNS } from '../../../../lambda/metrics/platforms';
import type { StoredSnapshot } from '../../../../lambda/core/model';
import { summariseRun, topPerformer } from '../../../../lambda/pipeline/summarise';

function stored(
  platform: string,
  rate: number | null,
  engagement: number | null,
  followers = 10,
  profile = 'primary',
): StoredSnapshot {
  const metrics = Object.fromEntries(METRIC_COLUMNS.map((c) => [c, null])) as Metrics;
  metrics.followers_count = followers;
  metrics.engagement_total = engagement;
  return {
    profile,
    platform,
    date: '2026-01-05',
    metrics,
    engagement_rate: rate,
    engagement_rate_basis: rate === null ? null : 'views',
    content_efficiency: null,
    growth_velocity: null,
    days_since_previous: null,
    anomaly: null,
    left_out: [],
    raw_data: {},
    not_computed: [],
    source_updated_at: null,
    warnings: [],
    refreshed: null,
  };
}

describe('run summary', () => {
  it('ranks by engagement rate, then engagement total, then name', () => {
    expect(topPerformer([stored('a', 10, 5), stored('b', 12, 1)])).toBe('b');
    expect(topPerformer([stored('a', 10, 5), stored('b', 10, 9)])).toBe('b');
    expect(topPerformer([stored('zeta', 10, 5), stored('alpha', 10, 5)])).toBe('alpha');
    expect(topPerformer([stored('a', null, 5)])).toBeNull();
  });

  it('is success, partial or error by what was stored', () => {
    const failed = [
      { profile: 'primary', platform: 'threads', reason: 'expired', error_class: 'platform_error' as const },
    ];
    expect(summariseRun('2026-01-05', ['primary'], [stored('a', 1, 1)], []).status).toBe('success');
    expect(summariseRun('2026-01-05', ['primary'], [stored('a', 1, 1)], failed).status).toBe('partial');
    expect(summariseRun('2026-01-05', ['primary'], [], failed).status).toBe('error');
  });

  it('adds totals and lists per-profile results when several profiles ran', () => {
    const summary = summariseRun(
      '2026-01-05',
      ['brand', 'ceo'],
      [stored('x', 1, 4, 100, 'brand'), stored('x', 2, 6, 50, 'ceo')],
      [{ profile: 'ceo', platform: 'y', reason: 'r', error_class: 'server' }],
    );
    expect(summary).toMatchObject({
      status: 'partial',
      platforms_tracked: 2,
      total_followers: 150,
      total_engagement: 10,
    });
    expect(summary.profiles).toEqual([
      expect.objectContaining({
        profile: 'brand',
        status: 'success',
        total_followers: 100,
        top_performer: 'x',
        failed: [],
      }),
      expect.objectContaining({ profile: 'ceo', status: 'partial', total_followers: 50 }),
    ]);
    expect(summariseRun('2026-01-05', ['brand'], [], []).profiles).toBeUndefined();
  });
});
