// The report's data: one JSON document, the same whether the CLI reads the database itself or the deployed function
// answers a `report` action. Built on the report_* views and functions (migrations/1764200000000_report-views.sql).
import type pg from 'pg';
import {
  reportRequestSchema,
  TRACKER_MARK,
  type DailyPoint,
  type Gap,
  type PlatformSummary,
  type ReportData,
  type ReportRequest,
} from '../core/contracts';
import { addDays } from '../core/dates';

export type { DailyPoint, Gap, PlatformSummary, ProfileReport, ReportData, ReportRequest } from '../core/contracts';

/** 2: daily points carry retention_rate. */
export const REPORT_VERSION = 2;

const DAILY_SQL = `
SELECT date::text AS date, profile, platform, followers_count, daily_growth, days_since_previous,
       engagement_total, engagement_rate, engagement_rate_basis, content_efficiency, retention_rate, anomaly, left_out,
       refreshed
FROM report_daily_growth
WHERE date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
ORDER BY profile, platform, date`;

const SUMMARY_SQL = `
SELECT profile, platform, first_date::text AS first_date, last_date::text AS last_date, last_followers AS followers_count,
       follower_growth, total_engagement, avg_engagement_rate, last_engagement_rate, avg_content_efficiency, days_collected
FROM report_period_summary($1::int, $2::date)
WHERE ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
ORDER BY profile, platform`;

/**
 * The collection_ledger view for one window, written to use the indexes: the keys are the profiles and platforms
 * with a row or an attempt in the window or a row on the last day before it, each from its first record on (the
 * view itself scans all history).
 */
const GAPS_SQL = `
WITH counts AS (
  SELECT profile, platform, COUNT(*) AS n FROM social_media_analytics
   WHERE date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
   GROUP BY profile, platform
), keys AS (
  SELECT profile, platform FROM counts
  UNION
  SELECT profile, platform FROM platform_outcomes
   WHERE snapshot_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
  UNION
  -- What was collected just before the window: a platform silent for the whole window still shows its gaps.
  SELECT profile, platform FROM social_media_analytics
   WHERE date = (SELECT MAX(date) FROM social_media_analytics WHERE date < $1::date)
     AND ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
), incomplete AS (
  -- Only keys with fewer snapshots than days need a look day by day; the usual complete ones are skipped.
  SELECT k.profile, k.platform, GREATEST($1::date, LEAST(
           (SELECT MIN(s.date) FROM social_media_analytics s WHERE s.profile = k.profile AND s.platform = k.platform),
           (SELECT MIN(o.snapshot_date) FROM platform_outcomes o WHERE o.profile = k.profile AND o.platform = k.platform))) AS first_day
  FROM keys k LEFT JOIN counts c ON c.profile = k.profile AND c.platform = k.platform
  WHERE COALESCE(c.n, 0) < $2::date - $1::date + 1
)
SELECT d::date::text AS date, i.profile, i.platform,
       COALESCE(o.outcome, 'never ran') AS status, o.error_class, o.message AS reason
FROM incomplete i
CROSS JOIN LATERAL generate_series(i.first_day, $2::date, interval '1 day') d
LEFT JOIN LATERAL (
  SELECT po.outcome, po.error_class, po.message
  FROM platform_outcomes po JOIN collection_runs r ON r.id = po.run_id
  WHERE po.profile = i.profile AND po.platform = i.platform AND po.snapshot_date = d::date
  ORDER BY r.started_at DESC, r.id DESC LIMIT 1
) o ON true
WHERE NOT EXISTS (SELECT 1 FROM social_media_analytics s WHERE s.profile = i.profile AND s.platform = i.platform AND s.date = d::date)
ORDER BY i.profile, d, i.platform`;

const BEST_SQL = `
SELECT profile, platform, avg_engagement_rate, total_engagement FROM report_best_platform($1::int, $2::date)
WHERE rank = 1 AND avg_engagement_rate IS NOT NULL AND ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)`;

/** Reads the report for a window of `days` days ending on `asOf` (default: today in the session's time zone). */
export async function loadReport(
  db: pg.ClientBase,
  request: ReportRequest,
  now: Date = new Date(),
): Promise<ReportData> {
  const options = reportRequestSchema.parse(request);
  // Today is the date of `now` in the session's time zone (the tracker's), so a pinned clock pins the window too.
  const asOf =
    options.asOf ??
    (
      await db.query<{ today: string }>(
        `SELECT ($1::timestamptz AT TIME ZONE current_setting('TimeZone'))::date::text AS today`,
        [now.toISOString()],
      )
    ).rows[0].today;
  const from = addDays(asOf, -(options.days - 1));
  const filters = [options.profile ?? null, options.platform ?? null];
  const daily = (await db.query<DailyPoint & { profile: string }>(DAILY_SQL, [from, asOf, ...filters])).rows;
  const summary = (await db.query<PlatformSummary & { profile: string }>(SUMMARY_SQL, [options.days, asOf, ...filters]))
    .rows;
  const weekly =
    options.days === 7
      ? summary
      : (await db.query<PlatformSummary & { profile: string }>(SUMMARY_SQL, [7, asOf, ...filters])).rows;
  const gaps = (await db.query<Gap & { profile: string }>(GAPS_SQL, [from, asOf, ...filters])).rows;
  // With a platform filter the best performer is that platform, if it has a rate: the ranking is within the filter.
  const best = options.platform
    ? summary.filter((s) => s.avg_engagement_rate !== null)
    : (
        await db.query<{
          profile: string;
          platform: string;
          avg_engagement_rate: number;
          total_engagement: number | null;
        }>(BEST_SQL, [options.days, asOf, ...filters])
      ).rows;

  const profiles = [
    ...new Set([...summary.map((s) => s.profile), ...daily.map((d) => d.profile), ...gaps.map((g) => g.profile)]),
  ].sort();
  // Grouped once (a report may hold a thousand profiles): each list below is split by profile in one pass.
  const strip = <T extends { profile: string }>(row: T): Omit<T, 'profile'> => {
    const { profile: _profile, ...rest } = row;
    return rest;
  };
  const byProfile = <T extends { profile: string }>(rows: readonly T[]) => {
    const groups = new Map<string, Array<Omit<T, 'profile'>>>();
    for (const row of rows) {
      const group = groups.get(row.profile);
      if (group) group.push(strip(row));
      else groups.set(row.profile, [strip(row)]);
    }
    return (profile: string) => groups.get(profile) ?? [];
  };
  const summaryOf = byProfile(summary);
  const weeklyOf = byProfile(weekly);
  const dailyOf = byProfile(daily);
  const gapsOf = byProfile(gaps);
  const bestOf = new Map(best.map((b) => [b.profile, b]));
  return {
    report: TRACKER_MARK,
    version: REPORT_VERSION,
    generated_at: now.toISOString(),
    as_of: asOf,
    from,
    days: options.days,
    filters: { profile: options.profile ?? null, platform: options.platform ?? null },
    profiles: profiles.map((profile) => {
      const top = bestOf.get(profile);
      return {
        profile,
        best_performer: top
          ? {
              platform: top.platform,
              avg_engagement_rate: top.avg_engagement_rate!,
              total_engagement: top.total_engagement,
            }
          : null,
        platforms: summaryOf(profile),
        weekly: weeklyOf(profile).map((s) => ({
          platform: s.platform,
          follower_growth: s.follower_growth,
          total_engagement: s.total_engagement,
          avg_engagement_rate: s.avg_engagement_rate,
          days_collected: s.days_collected,
        })),
        daily: dailyOf(profile),
        gaps: gapsOf(profile),
      };
    }),
  };
}
