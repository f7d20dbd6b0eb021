// `report`: the three dashboard views (daily growth, best platform, weekly summary) as readable terminal tables.
import type pg from 'pg';

export interface ReportOptions {
  /** Window of the daily-growth table; the other two are weekly by definition. */
  days: number;
}

// The seed's dashboard queries, with the window as a parameter and the profile kept apart in every grouping.
const DAILY_GROWTH_SQL = `
SELECT date::text AS date, profile, platform, followers_count,
       followers_count - LAG(followers_count) OVER (PARTITION BY profile, platform ORDER BY date) AS daily_growth
FROM social_media_analytics WHERE date >= CURRENT_DATE - $1::int ORDER BY date DESC, profile, platform`;

const BEST_PLATFORM_SQL = `
SELECT profile, platform, ROUND(AVG(engagement_rate), 2) AS avg_engagement FROM social_media_analytics
WHERE date >= CURRENT_DATE - 7 GROUP BY profile, platform ORDER BY avg_engagement DESC NULLS LAST, profile, platform`;

const WEEKLY_SUMMARY_SQL = `
SELECT profile, platform, MAX(followers_count) - MIN(followers_count) AS follower_growth,
       SUM(engagement_total) AS total_engagement, ROUND(AVG(engagement_rate), 2) AS avg_engagement_rate
FROM social_media_analytics WHERE date >= CURRENT_DATE - 7 GROUP BY profile, platform ORDER BY profile, platform`;

export async function buildReport(client: pg.ClientBase, options: ReportOptions): Promise<string> {
  const daily = await client.query(DAILY_GROWTH_SQL, [options.days]);
  const best = await client.query(BEST_PLATFORM_SQL);
  const weekly = await client.query(WEEKLY_SUMMARY_SQL);
  if (daily.rowCount === 0 && weekly.rowCount === 0) {
    return `No snapshots in the last ${options.days} days yet. Run \`ayrshare-tracker collect\` (or \`npm run demo\`).\n`;
  }
  const sections = [
    section(`Daily growth (last ${options.days} days)`, ['date', 'profile', 'platform', 'followers', 'daily growth'], daily.rows.map((r) => [r.date, r.profile, r.platform, num(r.followers_count), signed(r.daily_growth)])),
    section('Best performing platform (last 7 days, average engagement rate)', ['profile', 'platform', 'avg engagement %'], best.rows.map((r) => [r.profile, r.platform, fixed(r.avg_engagement)])),
    section('Weekly summary (last 7 days)', ['profile', 'platform', 'follower growth', 'total engagement', 'avg engagement %'], weekly.rows.map((r) => [r.profile, r.platform, signed(r.follower_growth), num(r.total_engagement), fixed(r.avg_engagement_rate)])),
  ];
  return sections.join('\n');
}

function section(title: string, headers: string[], rows: string[][]): string {
  return `${title}\n${formatTable(headers, rows)}`;
}

/** A plain aligned table: text columns left, numeric columns right. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+%?$|^-$/.test(r[i])));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

const num = (value: number | null) => (value === null ? '-' : value.toLocaleString('en-US'));
const signed = (value: number | null) => (value === null ? '-' : `${value > 0 ? '+' : ''}${value.toLocaleString('en-US')}`);
const fixed = (value: number | null) => (value === null ? '-' : value.toFixed(2));
