import { readFileSync } from 'node:fs';
import path from 'node:path';
import { METRIC_REGISTRY, renderRegistryMarkdown } from '../../lambda/metric-registry';
import { normaliseMetrics } from '../../lambda/normalise';
import { METRIC_COLUMNS, PLATFORM_MAPPINGS, PLATFORMS } from '../../lambda/platforms';

describe('the metric registry', () => {
  it('is what the mapping code reads: each entry fills its column from its field, scaled as it says', () => {
    for (const d of METRIC_REGISTRY) {
      for (const field of d.fields) {
        const metrics = normaliseMetrics(d.platform, { [field]: 120_000 });
        expect([d.platform, field, metrics[d.column]]).toEqual([d.platform, field, d.scale === undefined ? 120_000 : Math.round(120_000 * d.scale * 100) / 100]);
      }
    }
  });

  it('covers every mapping and nothing else, one entry per platform and column', () => {
    const fromMappings = PLATFORMS.flatMap((p) => Object.entries(PLATFORM_MAPPINGS[p]).map(([column, source]) => `${p}.${column}=${source!.fields.join('|')}`)).sort();
    const fromRegistry = METRIC_REGISTRY.map((d) => `${d.platform}.${d.column}=${d.fields.join('|')}`).sort();
    expect(fromRegistry).toEqual(fromMappings);
    expect(new Set(METRIC_REGISTRY.map((d) => `${d.platform}.${d.column}`)).size).toBe(METRIC_REGISTRY.length);
    for (const d of METRIC_REGISTRY) {
      expect(METRIC_COLUMNS).toContain(d.column);
      expect(d.kind === 'period' ? typeof d.period : 'lifetime').toBe(d.kind === 'period' ? 'string' : 'lifetime');
      expect(d.source).toMatch(/API|TikTok|LinkedIn|sum over/);
    }
  });

  it('is rendered in docs/metric-registry.md exactly (run `npm run docs` after changing it)', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../docs/metric-registry.md'), 'utf8');
    expect(doc).toBe(renderRegistryMarkdown());
    expect(doc).toContain('| youtube | followers_count | `subscriberCount` | accounts | lifetime total |');
  });
});
