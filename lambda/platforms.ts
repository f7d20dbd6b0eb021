// How each platform's account analytics map onto a snapshot row (SPEC section 3), built from the metric registry.
import { METRIC_REGISTRY } from './metric-registry';
import { METRIC_COLUMNS, PLATFORMS, isPlatform, type MetricColumn, type Platform } from './platform-names';

export { METRIC_COLUMNS, PLATFORMS, isPlatform, type MetricColumn, type Platform };

/** Columns that hold whole counts (BIGINT); the others may carry decimals. */
export const DECIMAL_COLUMNS: ReadonlySet<MetricColumn> = new Set(['watch_time_minutes', 'avg_view_duration']);

/**
 * Where a column's value comes from: the first listed API field that is present wins,
 * and `scale` converts its unit (Facebook reports video view time in milliseconds).
 */
export interface FieldSource {
  fields: readonly string[];
  scale?: number;
}

type PlatformMapping = Partial<Record<MetricColumn, FieldSource>>;

export const PLATFORM_MAPPINGS: Record<Platform, PlatformMapping> = Object.fromEntries(
  PLATFORMS.map((platform) => [
    platform,
    Object.fromEntries(
      METRIC_REGISTRY.filter((d) => d.platform === platform).map((d) => [d.column, d.scale === undefined ? { fields: d.fields } : { fields: d.fields, scale: d.scale }]),
    ),
  ]),
) as Record<Platform, PlatformMapping>;

/** The column an API field feeds, if any. */
export function columnOf(platform: Platform, field: string): MetricColumn | undefined {
  return METRIC_REGISTRY.find((d) => d.platform === platform && d.fields.includes(field))?.column;
}
