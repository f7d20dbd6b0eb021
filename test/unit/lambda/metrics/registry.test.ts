import { readFileSync } from 'node:fs';
import { withPath } from '../../../../lambda/metrics/field-paths';
import { describeSource, METRIC_REGISTRY, pathsOf, renderRegistryMarkdown } from '../../../../lambda/metrics/registry';
import { normaliseMetrics } from '../../../../lambda/pipeline/normalise';
import { KNOWN_PLATFORMS, METRIC_COLUMNS, PLATFORM_MAPPINGS } from '../../../../lambda/metrics/platforms';
import { fromRoot } from '../../../support/paths';

/** Creates the objects a dotted path needs, so withPath can set its last step. */
function ensureParents(object: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = path.split('.');
  if (keys.length === 1) return object;
  const [head, ...rest] = keys;
  const child = (object[head] as Record<string, unknown> | undefined) ?? {};
  return { ...object, [head]: ensureParents(child, rest.join('.')) };
}

describe('the metric registry', () => {
  it('is what the mapping code reads: each entry fills its column from each of its fields, scaled as it says', () => {
    for (const d of METRIC_REGISTRY) {
      for (const field of d.fields) {
        // Every path of the source (nested ones as nested objects) gets a value; a sum adds them up.
        const paths = pathsOf(field);
        const analytics = paths.reduce<Record<string, unknown>>(
          (object, p, i) => withPath(ensureParents(object, p), p, 120_000 + i),
          {},
        );
        const expected = paths.reduce((sum, _p, i) => sum + 120_000 + i, 0);
        const metrics = normaliseMetrics(d.platform, analytics);
        expect([d.platform, describeSource(field), metrics[d.column]]).toEqual([
          d.platform,
          describeSource(field),
          d.scale === undefined ? expected : Math.round(expected * d.scale * 100) / 100,
        ]);
      }
    }
  });

  it('covers every mapping and nothing else, one entry per platform and column', () => {
    const fromMappings = KNOWN_PLATFORMS.flatMap((p) =>
      Object.entries(PLATFORM_MAPPINGS[p]).map(
        ([column, source]) => `${p}.${column}=${source!.fields.map(describeSource).join('|')}`,
      ),
    ).sort();
    const fromRegistry = METRIC_REGISTRY.map(
      (d) => `${d.platform}.${d.column}=${d.fields.map(describeSource).join('|')}`,
    ).sort();
    expect(fromRegistry).toEqual(fromMappings);
    expect(new Set(METRIC_REGISTRY.map((d) => `${d.platform}.${d.column}`)).size).toBe(METRIC_REGISTRY.length);
    for (const d of METRIC_REGISTRY) {
      expect(METRIC_COLUMNS).toContain(d.column);
      // A period figure says over which period; a lifetime total has none.
      expect([d.platform, d.column, d.kind, typeof d.period]).toEqual([
        d.platform,
        d.column,
        d.kind,
        d.kind === 'period' ? 'string' : 'undefined',
      ]);
      expect(d.source).toMatch(/API|TikTok|LinkedIn|sum over/);
    }
  });

  it('files each kind of figure as what the networks say it is: account counts lifetime, gains and losses over a period', () => {
    const kindOf = (column: string) => [
      ...new Set(METRIC_REGISTRY.filter((d) => d.column === column).map((d) => d.kind)),
    ];
    // Followers, following and posts are the account's counts now (growth is their difference between days).
    for (const column of ['followers_count', 'following_count', 'posts_count'])
      expect([column, kindOf(column)]).toEqual([column, ['lifetime']]);
    // Gains, losses, watch time, retention and the insights (impressions, reach, views of a window) cover a period.
    for (const column of [
      'subscribers_gained',
      'subscribers_lost',
      'watch_time_minutes',
      'avg_view_duration',
      'retention_rate',
      'impressions',
      'reach',
    ]) {
      expect([column, kindOf(column)]).toEqual([column, ['period']]);
    }
  });

  it('is rendered in docs/metric-registry.md exactly (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(fromRoot('docs', 'metric-registry.md'), 'utf8');
    expect(doc).toBe(renderRegistryMarkdown());
    expect(doc).toContain('| youtube | followers_count | `subscriberCount` | accounts | lifetime total |');
  });
});
