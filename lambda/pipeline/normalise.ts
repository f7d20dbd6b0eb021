// Maps one platform's validated analytics onto the snapshot columns, by the metric registry.
import { getPath } from '../metrics/field-paths';
import type { FieldSource } from '../metrics/registry';
import type { Metrics } from '../core/model';
import { METRIC_COLUMNS, PLATFORM_MAPPINGS, type Platform } from '../metrics/platforms';

export type { Metrics };

export function normaliseMetrics(platform: Platform, analytics: Record<string, unknown>): Metrics {
  const mapping = PLATFORM_MAPPINGS[platform];
  const metrics = Object.fromEntries(METRIC_COLUMNS.map((column) => [column, null])) as Metrics;
  for (const column of METRIC_COLUMNS) {
    const source = mapping[column];
    if (!source) continue;
    for (const field of source.fields) {
      const value = readSource(analytics, field);
      if (value === undefined) continue;
      metrics[column] = source.scale === undefined ? value : roundTo(value * source.scale, 2);
      break;
    }
  }
  if (metrics.engagement_total === null) metrics.engagement_total = sumOfPresent(metrics);
  return metrics;
}

/** A field's number, or a sum's (when every required part is there and at least one part is), else undefined. */
function readSource(analytics: Record<string, unknown>, source: FieldSource): number | undefined {
  const numberAt = (path: string) => {
    const value = getPath(analytics, path);
    return typeof value === 'number' ? value : undefined;
  };
  if (typeof source === 'string') return numberAt(source);
  if (source.requires.some((path) => numberAt(path) === undefined)) return undefined;
  const parts = source.sum.map(numberAt).filter((n): n is number => n !== undefined);
  return parts.length === 0 ? undefined : parts.reduce((a, b) => a + b, 0);
}

/** Where a platform has no single engagement figure: likes + comments + shares that are present, else NULL. */
function sumOfPresent(metrics: Metrics): number | null {
  const parts = [metrics.likes_total, metrics.comments_total, metrics.shares_total].filter(
    (n): n is number => n !== null,
  );
  return parts.length === 0 ? null : parts.reduce((a, b) => a + b, 0);
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
