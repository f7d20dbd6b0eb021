// Maps one platform's validated analytics onto the snapshot columns (SPEC section 3).
import { METRIC_COLUMNS, PLATFORM_MAPPINGS, type MetricColumn, type Platform } from './platforms';

export type Metrics = Record<MetricColumn, number | null>;

export function normaliseMetrics(platform: Platform, analytics: Record<string, unknown>): Metrics {
  const mapping = PLATFORM_MAPPINGS[platform];
  const metrics = Object.fromEntries(METRIC_COLUMNS.map((column) => [column, null])) as Metrics;
  for (const column of METRIC_COLUMNS) {
    const source = mapping[column];
    if (!source) continue;
    const field = source.fields.find((name) => typeof analytics[name] === 'number');
    if (field === undefined) continue;
    const value = analytics[field] as number;
    metrics[column] = source.scale === undefined ? value : roundTo(value * source.scale, 2);
  }
  if (metrics.engagement_total === null) metrics.engagement_total = sumOfPresent(metrics);
  return metrics;
}

/** Where a platform has no single engagement figure: likes + comments + shares that are present, else NULL. */
function sumOfPresent(metrics: Metrics): number | null {
  const parts = [metrics.likes_total, metrics.comments_total, metrics.shares_total].filter((n): n is number => n !== null);
  return parts.length === 0 ? null : parts.reduce((a, b) => a + b, 0);
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
