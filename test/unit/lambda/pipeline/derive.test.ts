import type { NeighbourSnapshot, Snapshot } from '../../../../lambda/core/model';
import {
  contentEfficiency,
  deriveFromNeighbours,
  engagementRate,
  growthVelocity,
  hasNoFigures,
  newLeftOutWarnings,
} from '../../../../lambda/pipeline/derive';
import { normaliseMetrics, type Metrics } from '../../../../lambda/pipeline/normalise';

describe('derived metrics', () => {
  const base = (overrides: Partial<Metrics>): Metrics => ({ ...normaliseMetrics('linkedin', {}), ...overrides });

  it('picks the first basis that is present and above zero: reach, impressions, views', () => {
    expect(engagementRate(base({ engagement_total: 50, reach: 0, impressions: 200, views_total: 1000 }))).toBe(25);
    expect(engagementRate(base({ engagement_total: 50, reach: 100, impressions: 200 }))).toBe(50);
    expect(engagementRate(base({ engagement_total: 50, views_total: 400 }))).toBe(12.5);
  });

  it('is NULL without engagement or without any usable basis', () => {
    expect(engagementRate(base({ engagement_total: null, reach: 100 }))).toBeNull();
    expect(engagementRate(base({ engagement_total: 5, reach: 0, impressions: 0, views_total: 0 }))).toBeNull();
    expect(engagementRate(base({ engagement_total: 5 }))).toBeNull();
  });

  it('exceeds 1000 % when engagement dwarfs its basis', () => {
    expect(engagementRate(base({ engagement_total: 123_457, views_total: 1000 }))).toBe(12345.7);
  });

  it('computes content efficiency per post, NULL for zero or missing posts', () => {
    expect(contentEfficiency(base({ engagement_total: 100, posts_count: 3 }))).toBe(33.33);
    expect(contentEfficiency(base({ engagement_total: 100, posts_count: 0 }))).toBeNull();
    expect(contentEfficiency(base({ engagement_total: null, posts_count: 3 }))).toBeNull();
  });

  it('computes growth velocity only when both counts exist', () => {
    expect(growthVelocity(120, 100)).toBe(20);
    expect(growthVelocity(90, 100)).toBe(-10);
    expect(growthVelocity(null, 100)).toBeNull();
    expect(growthVelocity(100, null)).toBeNull();
    expect(growthVelocity(100, undefined)).toBeNull();
  });
});

describe('what a run derives from its stored neighbours', () => {
  const metrics = (followers: number | null, extra: Partial<Metrics> = {}): Metrics => ({
    ...normaliseMetrics('tiktok', {}),
    followers_count: followers,
    ...extra,
  });
  const snapshot = (platform: string, followers: number | null): Snapshot => ({
    profile: 'brand',
    platform,
    date: '2026-05-02',
    metrics: metrics(followers),
    engagement_rate: null,
    engagement_rate_basis: null,
    content_efficiency: null,
    raw_data: {},
    left_out: [],
    not_computed: [],
    source_updated_at: null,
    warnings: [],
  });
  const neighbour = (id: number, followers: number | null, date: string, hasMetrics = true): NeighbourSnapshot => ({
    id,
    followers_count: followers,
    date,
    left_out: [],
    has_metrics: hasMetrics,
    source_updated_at: null,
    not_computed: [],
  });
  const key = (platform: string) => `brand\u0000${platform}`;

  it('measures growth and days against the previous snapshot, and flags a jump beyond the threshold', () => {
    const previous = new Map([[key('tiktok'), neighbour(1, 100, '2026-04-29')]]);
    const { stored, anomalies, corrections, rejected } = deriveFromNeighbours(
      [snapshot('tiktok', 180)],
      previous,
      new Map(),
      '2026-05-02',
      0.5,
    );
    expect(stored[0]).toMatchObject({
      growth_velocity: 80,
      days_since_previous: 3,
      anomaly: 'followers rose from 100 to 180 (+80 %)',
    });
    expect(anomalies).toEqual([
      {
        profile: 'brand',
        platform: 'tiktok',
        previous: 100,
        current: 180,
        note: 'followers rose from 100 to 180 (+80 %)',
      },
    ]);
    expect([corrections, rejected]).toEqual([[], []]);
  });

  it('recomputes the next later snapshot after a back-fill: growth, days between and the flag', () => {
    const next = new Map([[key('tiktok'), neighbour(7, 134, '2026-05-03')]]);
    const previous = new Map([[key('tiktok'), neighbour(6, 34, '2026-05-01')]]);
    const { corrections } = deriveFromNeighbours([snapshot('tiktok', 124)], previous, next, '2026-05-02', 0.5);
    expect(corrections).toEqual([{ id: 7, growth_velocity: 10, days_since_previous: 1, anomaly: null }]);
  });

  it('refuses a block without a figure over a history that had figures, but keeps a first empty one', () => {
    const previous = new Map([[key('threads'), neighbour(2, 1000, '2026-05-01')]]);
    const { stored, rejected } = deriveFromNeighbours(
      [snapshot('threads', null), snapshot('pinterest', null)],
      previous,
      new Map(),
      '2026-05-02',
      0.5,
    );
    expect(stored.map((s) => s.platform)).toEqual(['pinterest']);
    expect(rejected).toEqual([
      expect.objectContaining({
        platform: 'threads',
        error_class: 'invalid_data',
        reason: expect.stringContaining('the snapshot of 2026-05-01 had them'),
      }),
    ]);
    expect(hasNoFigures(snapshot('x', null))).toBe(true);
    expect(hasNoFigures(snapshot('x', 0))).toBe(false);
  });

  it('says a left-out figure once: not again when the previous snapshot missed it too, nor when drift explains it', () => {
    const stored = [
      {
        ...snapshot('youtube', 5),
        growth_velocity: null,
        days_since_previous: null,
        anomaly: null,
        refreshed: null,
        left_out: [
          { field: 'views', reason: 'views must be a number (got "n/a")' },
          { field: 'likes', reason: 'likes must not be negative (got -2)' },
        ],
      },
    ];
    const previous = new Map([
      [key('youtube'), { ...neighbour(3, 5, '2026-05-01'), left_out: [{ field: 'views', reason: 'old' }] }],
    ]);
    expect(newLeftOutWarnings(stored, previous, [])).toEqual([
      { profile: 'brand', platform: 'youtube', field: 'likes', reason: 'likes must not be negative (got -2)' },
    ]);
    const drift = [
      { profile: 'brand', platform: 'youtube', field: 'likes', change: 'changed_type' as const, detail: 'd' },
    ];
    expect(newLeftOutWarnings(stored, previous, drift)).toEqual([]);
  });
});
