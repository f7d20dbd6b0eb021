// The report's data: one JSON document, the same whether the CLI reads the database itself or the deployed function
// answers a `report` action. Built on the report_* views and functions (migrations/1764200000000_report-views.sql).
import type pg from 'pg';
import {
  reportRequestSchema,
  TRACKER_MARK,
  type Change,
  type ComparisonRow,
  type DailyPoint,
  type Gap,
  type PlatformSummary,
  type ReportData,
  type ReportRequest,
  type TopPost,
} from '../core/contracts';
import { addDays } from '../core/dates';

export type { DailyPoint, Gap, PlatformSummary, ProfileReport, ReportData, ReportRequest } from '../core/contracts';

/** 2: daily points carry retention_rate. 3: the previous window, top posts and the networks without posts. */
export const REPORT_VERSION = 3;
/** Posts per profile in a report. */
export const TOP_POSTS = 5;
/** The profile's total row of the comparison. */
export const ALL_PLATFORMS = 'all platforms';

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

const COMPARISON_SQL = `
SELECT profile, platform, previous_from::text AS previous_from, previous_to::text AS previous_to,
       follower_growth, previous_follower_growth, follower_growth_change, follower_growth_change_pct,
       total_engagement, previous_total_engagement, total_engagement_change, total_engagement_change_pct,
       avg_engagement_rate, previous_avg_engagement_rate, avg_engagement_rate_change, avg_engagement_rate_change_pct,
       days_collected, previous_days_collected
FROM report_period_comparison($1::int, $2::date)
WHERE ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)`;

/** Ranked over every platform; with a platform filter, over that platform only (enough rows, cut in code). */
const TOP_POSTS_SQL = `
SELECT profile, rank, platform, post_id, to_char(posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS posted_at,
       post_url, post_text, snapshot_date::text AS snapshot_date, likes, comments, shares, impressions, views,
       engagement, previous_snapshot_date::text AS previous_snapshot_date, engagement_growth
FROM report_top_posts($1::int, $2::date, CASE WHEN $4::text IS NULL THEN ${TOP_POSTS} ELSE 2147483647 END)
WHERE ($3::text IS NULL OR profile = $3) AND ($4::text IS NULL OR platform = $4)
ORDER BY profile, rank`;

/** The latest history request of each network in the window (post_outcomes). */
const POST_OUTCOMES_SQL = `
SELECT DISTINCT ON (o.profile, o.platform) o.profile, o.platform, o.outcome, o.message, o.snapshot_date::text AS date
FROM post_outcomes o JOIN collection_runs r ON r.id = o.run_id
WHERE o.snapshot_date BETWEEN $1::date AND $2::date
  AND ($3::text IS NULL OR o.profile = $3) AND ($4::text IS NULL OR o.platform = $4)
ORDER BY o.profile, o.platform, o.snapshot_date DESC, r.started_at DESC, r.id DESC`;

const FIGURES = ['follower_growth', 'total_engagement', 'avg_engagement_rate'] as const;
type Figure = (typeof FIGURES)[number];

type ComparisonSqlRow = {
  profile: string;
  platform: string;
  previous_from: string;
  previous_to: string;
  days_collected: number;
  previous_days_collected: number;
} & Record<Figure | `previous_${Figure}` | `${Figure}_change` | `${Figure}_change_pct`, number | null>;

/** A change and its percentage, as report_period_comparison computes them (percent to one decimal). */
export function changeOf(current: number | null, previous: number | null, decimals = 2): Change {
  const change = current === null || previous === null ? null : round(current - previous, decimals);
  const pct =
    change === null || previous === null || previous === 0 ? null : round((100 * change) / Math.abs(previous), 1);
  return { current, previous, change, change_pct: pct };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/**
 * The profile's total: growth and engagement summed over its platforms, the rate the mean of their averages. A
 * platform without earlier data counts in the current total only, so the previous total is over the platforms that
 * have one; with none, there is no earlier data.
 */
function totalRow(rows: readonly ComparisonRow[]): ComparisonRow {
  const withPrevious = rows.filter((r) => r.previous_days_collected > 0);
  const sum = (values: Array<number | null>) => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
  };
  const mean = (values: Array<number | null>) => {
    const present = values.filter((v): v is number => v !== null);
    return present.length === 0 ? null : round(present.reduce((a, b) => a + b, 0) / present.length, 2);
  };
  const figure = (name: Figure, combine: typeof sum) =>
    changeOf(
      combine(rows.map((r) => r[name].current)),
      withPrevious.length === 0 ? null : combine(withPrevious.map((r) => r[name].previous)),
    );
  return {
    platform: ALL_PLATFORMS,
    days_collected: Math.max(0, ...rows.map((r) => r.days_collected)),
    previous_days_collected: Math.max(0, ...rows.map((r) => r.previous_days_collected)),
    follower_growth: figure('follower_growth', sum),
    total_engagement: figure('total_engagement', sum),
    avg_engagement_rate: figure('avg_engagement_rate', mean),
  };
}

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
  const comparison = (await db.query<ComparisonSqlRow>(COMPARISON_SQL, [options.days, asOf, ...filters])).rows;
  const topPosts = (await db.query<TopPost & { profile: string }>(TOP_POSTS_SQL, [options.days, asOf, ...filters]))
    .rows;
  const postOutcomes = (
    await db.query<{ profile: string; platform: string; outcome: string; message: string | null; date: string }>(
      POST_OUTCOMES_SQL,
      [from, asOf, ...filters],
    )
  ).rows;
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
  const comparisonOf = byProfile(comparison);
  const topPostsOf = byProfile(topPosts);
  const postOutcomesOf = byProfile(postOutcomes);
  const previousTo = addDays(from, -1);
  const previousFrom = addDays(previousTo, -(options.days - 1));
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
        comparison: comparisonFor(comparisonOf(profile), previousFrom, previousTo),
        top_posts: topPostsOf(profile)
          .slice(0, TOP_POSTS)
          .map((post, index) => ({ ...post, rank: index + 1 })),
        posts_missing: postsMissing(
          summaryOf(profile).map((s) => s.platform),
          postOutcomesOf(profile),
        ),
      };
    }),
  };
}

function comparisonFor(
  rows: ReadonlyArray<Omit<ComparisonSqlRow, 'profile'>>,
  previousFrom: string,
  previousTo: string,
): ReportData['profiles'][number]['comparison'] {
  const platforms: ComparisonRow[] = rows.map((r) => ({
    platform: r.platform,
    days_collected: r.days_collected,
    previous_days_collected: r.previous_days_collected,
    ...(Object.fromEntries(
      FIGURES.map((name) => [
        name,
        {
          current: r[name],
          previous: r.previous_days_collected > 0 ? r[`previous_${name}`] : null,
          change: r.previous_days_collected > 0 ? r[`${name}_change`] : null,
          change_pct: r.previous_days_collected > 0 ? r[`${name}_change_pct`] : null,
        },
      ]),
    ) as Pick<ComparisonRow, Figure>),
  }));
  return {
    previous_from: previousFrom,
    previous_to: previousTo,
    rows: platforms.length === 0 ? [] : [totalRow(platforms), ...platforms],
  };
}

/**
 * The networks whose posts this report cannot show, and why: the latest history request of the window failed, or
 * none was made. When no network of the profile has any, one line says so for all of them.
 */
function postsMissing(
  platforms: readonly string[],
  outcomes: ReadonlyArray<{ platform: string; outcome: string; message: string | null; date: string }>,
): Array<{ platform: string; reason: string }> {
  if (platforms.length === 0) return [];
  if (outcomes.length === 0)
    return [
      {
        platform: ALL_PLATFORMS,
        reason: 'no post history was collected in this window (posts are off, or the runs predate post collection)',
      },
    ];
  const latest = new Map(outcomes.map((o) => [o.platform, o]));
  return platforms.flatMap((platform) => {
    const outcome = latest.get(platform);
    if (!outcome) return [{ platform, reason: 'no post history was collected in this window' }];
    if (outcome.outcome === 'failed')
      return [
        { platform, reason: `its latest post history (${outcome.date}) failed: ${outcome.message ?? 'no reason'}` },
      ];
    return [];
  });
}
