// How each platform's account analytics map onto a snapshot row, built from the metric registry.
import { ENGAGEMENT_BASIS, METRIC_REGISTRY, pathsOf, type FieldPath, type FieldSource } from './registry';
import {
  DECIMAL_COLUMNS,
  KNOWN_PLATFORMS,
  METRIC_COLUMNS,
  PLATFORMS,
  X_PLATFORM,
  isPlatform,
  type MetricColumn,
  type Platform,
} from '../core/platform-names';

export {
  DECIMAL_COLUMNS,
  ENGAGEMENT_BASIS,
  KNOWN_PLATFORMS,
  METRIC_COLUMNS,
  PLATFORMS,
  X_PLATFORM,
  isPlatform,
  type MetricColumn,
  type Platform,
};

/**
 * Where a column's value comes from: the first listed source that is present wins, and `scale` converts its unit
 * (Facebook reported video view time in milliseconds).
 */
export interface ColumnSource {
  fields: readonly FieldSource[];
  scale?: number;
}

type PlatformMapping = Partial<Record<MetricColumn, ColumnSource>>;

export const PLATFORM_MAPPINGS: Record<Platform, PlatformMapping> = Object.fromEntries(
  KNOWN_PLATFORMS.map((platform) => [
    platform,
    Object.fromEntries(
      METRIC_REGISTRY.filter((d) => d.platform === platform).map((d) => [
        d.column,
        d.scale === undefined ? { fields: d.fields } : { fields: d.fields, scale: d.scale },
      ]),
    ),
  ]),
) as Record<Platform, PlatformMapping>;

/** Every path the mapping of one platform reads, with the column it feeds. */
export function mappedPaths(platform: Platform): Array<{ path: FieldPath; column: MetricColumn }> {
  return Object.entries(PLATFORM_MAPPINGS[platform]).flatMap(([column, source]) =>
    source!.fields.flatMap((f) => pathsOf(f).map((path) => ({ path, column: column as MetricColumn }))),
  );
}

/** The column a top-level API field feeds (itself, or an object holding a mapped nested field), if any. */
export function columnOf(platform: Platform, field: string): MetricColumn | undefined {
  return mappedPaths(platform).find((m) => m.path === field || m.path.startsWith(`${field}.`))?.column;
}
