// Renders the report's data (lambda/storage/reports.ts) as an 80-column terminal table, JSON, CSV or one self-contained HTML
// page with SVG charts. The same data comes from the local database or from the deployed function.
import type { ProfileBranding } from '../core/branding';
import type { Change, ComparisonRow, DailyPoint, ProfileReport, ReportData, TopPost } from '../core/contracts';
import { windowDates } from '../core/dates';
import { barChart, escapeHtml, lineChart, rankingChart, type Series } from './svg-charts';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The tables a CSV can hold, one per file: the days (as before), the comparison with the previous window, the posts. */
export const CSV_TABLES = ['daily', 'comparison', 'top-posts'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export interface RenderOptions {
  /** A line shown above everything (the demo labels its data as simulated). */
  banner?: string;
  /** Which table a CSV holds. @default 'daily' */
  csvTable?: CsvTable;
  /** HTML (and so PDF) only: each profile's display name, logo, accent colour and footer (TRACKER_BRANDING). */
  branding?: { forProfile(name: string): ProfileBranding };
}

/** One colour per platform, distinct on white and for the common colour-vision deficiencies. */
export const PLATFORM_COLORS: Record<string, string> = {
  facebook: '#1f77b4',
  instagram: '#c2185b',
  linkedin: '#17becf',
  threads: '#7b4fc9',
  tiktok: '#ff7f0e',
  twitter: '#333333',
  youtube: '#d62728',
  bluesky: '#1185fe',
  pinterest: '#bd081c',
  reddit: '#ff4500',
  snapchat: '#c9b800',
  gmb: '#34a853',
};
const colorOf = (platform: string) => PLATFORM_COLORS[platform] ?? '#888888';

export function renderReport(report: ReportData, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return options.csvTable === 'comparison'
        ? renderComparisonCsv(report)
        : options.csvTable === 'top-posts'
          ? renderTopPostsCsv(report)
          : renderCsv(report);
    case 'html':
      return renderHtml(report, options);
    default:
      return renderTable(report, options);
  }
}

const isEmpty = (report: ReportData) => report.profiles.every((p) => p.daily.length === 0 && p.gaps.length === 0);

function emptyMessage(report: ReportData): string {
  const filter = [report.filters.profile && `profile "${report.filters.profile}"`, report.filters.platform]
    .filter(Boolean)
    .join(', ');
  const window = `${report.from} and ${report.as_of}${filter ? ` for ${filter}` : ''}`;
  return (
    `No snapshots between ${window} yet. ` +
    'Run `ayrshare-tracker collect` once a day (or `npm run demo` to see a simulated month).'
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Terminal

const num = (value: number | null) => (value === null ? '-' : value.toLocaleString('en-US'));
const signed = (value: number | null) =>
  value === null ? '-' : `${value > 0 ? '+' : ''}${value.toLocaleString('en-US')}`;
const percent = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}%`);

/** A plain aligned table: text columns left, numeric columns right. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+[%*]?$|^-$/.test(r[i])));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function renderTable(report: ReportData, options: RenderOptions): string {
  const out: string[] = [];
  if (options.banner) out.push(options.banner, '');
  out.push(`Growth report: ${report.from} to ${report.as_of} (${report.days} day${report.days === 1 ? '' : 's'})`, '');
  if (isEmpty(report)) return [...out, emptyMessage(report), ''].join('\n');
  for (const profile of report.profiles) {
    const best = profile.best_performer;
    out.push(
      `Profile "${profile.profile}": best performer ` +
        `${best ? `${best.platform} (${percent(best.avg_engagement_rate)} average engagement)` : 'none (no engagement rate yet)'}`,
      '',
    );
    out.push(
      `Platforms (last ${report.days} days)`,
      formatTable(
        ['platform', 'followers', 'growth', 'eng. rate', 'avg rate', 'eng./post', 'days'],
        profile.platforms.map((p) => [
          p.platform,
          num(p.followers_count),
          signed(p.follower_growth),
          percent(p.last_engagement_rate),
          percent(p.avg_engagement_rate),
          num(p.avg_content_efficiency),
          `${p.days_collected}/${report.days}`,
        ]),
      ),
    );
    out.push(dailyGrowthTable(report, profile));
    out.push(
      'Weekly summary (last 7 days)',
      formatTable(
        ['platform', 'follower growth', 'total engagement', 'avg engagement', 'days'],
        profile.weekly.map((w) => [
          w.platform,
          signed(w.follower_growth),
          num(w.total_engagement),
          percent(w.avg_engagement_rate),
          `${w.days_collected}/7`,
        ]),
      ),
    );
    out.push(comparisonTable(report, profile), topPostsTable(report, profile));
  }
  return out.join('\n');
}

/** "+23.5%", "-", or why there is no percentage. */
const changePercent = (c: Change) =>
  c.previous === null
    ? ''
    : c.change_pct === null
      ? 'n/a'
      : `${c.change_pct > 0 ? '+' : ''}${c.change_pct.toFixed(1)}%`;
/** A rate's change is in percentage points. */
const changeText = (c: Change, rate: boolean) =>
  c.change === null ? '' : rate ? `${c.change > 0 ? '+' : ''}${c.change.toFixed(2)} pt` : signed(c.change);
export const NO_EARLIER_DATA = 'no earlier data';

function comparisonTable(report: ReportData, profile: ProfileReport): string {
  const { comparison } = profile;
  const rows = comparison.rows.flatMap((row) => {
    const none = row.previous_days_collected === 0;
    const figures: Array<[string, Change, (n: number | null) => string, boolean]> = [
      ['follower growth', row.follower_growth, signed, false],
      ['engagement', row.total_engagement, num, false],
      ['avg rate', row.avg_engagement_rate, percent, true],
    ];
    return figures.map(([name, change, show, rate], i) => [
      i === 0 ? row.platform : '',
      name,
      show(change.current),
      none ? (i === 0 ? NO_EARLIER_DATA : '') : show(change.previous),
      none ? '' : changeText(change, rate),
      none ? '' : changePercent(change),
    ]);
  });
  return [
    `Compared with the previous ${report.days} days (${comparison.previous_from} to ${comparison.previous_to})`,
    rows.length === 0
      ? 'Nothing to compare: no snapshot in this window.\n'
      : formatTable(['platform', 'figure', 'this period', 'previous', 'change', 'change %'], rows),
  ].join('\n');
}

/** One line of outside text for a terminal: no control characters, cut with an ellipsis. */
const oneLine = (text: string | null, max: number) => {
  const flat = (text ?? '').replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function topPostsTable(report: ReportData, profile: ProfileReport): string {
  const lines = [`Top posts published in these ${report.days} days, by engagement`];
  if (profile.top_posts.length === 0) lines.push('No post with an engagement figure in this window.');
  else {
    const table = formatTable(
      ['#', 'network', 'published', 'engagement', 'growth', 'likes', 'comments', 'shares', 'views'],
      profile.top_posts.map((p) => [
        String(p.rank),
        p.platform,
        p.posted_at.slice(0, 10),
        num(p.engagement),
        signed(p.engagement_growth),
        num(p.likes),
        num(p.comments),
        num(p.shares),
        num(p.views ?? p.impressions),
      ]),
    ).trimEnd();
    lines.push(table, '');
    for (const p of profile.top_posts)
      lines.push(`  ${p.rank}. ${oneLine(p.post_text, 60) || '(no text)'}${p.post_url ? `\n     ${p.post_url}` : ''}`);
  }
  for (const missing of profile.posts_missing)
    lines.push(`  posts not shown for ${missing.platform}: ${missing.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Dates down, platforms across, newest first: fits 80 columns with all seven platforms. */
function dailyGrowthTable(report: ReportData, profile: ProfileReport): string {
  const platforms = profile.platforms.map((p) => p.platform);
  const byKey = new Map(profile.daily.map((d) => [`${d.date}|${d.platform}`, d]));
  let gapSeen = false;
  let flagSeen = false;
  let staleSeen = false;
  const rows = windowDates(report)
    .reverse()
    .map((date) => [
      date,
      ...platforms.map((platform) => {
        const point = byKey.get(`${date}|${platform}`);
        if (!point) return '.';
        if (point.refreshed === false) {
          staleSeen = true;
          return '~';
        }
        const over = point.days_since_previous !== null && point.days_since_previous > 1;
        gapSeen ||= over && point.daily_growth !== null;
        flagSeen ||= point.anomaly !== null;
        return `${signed(point.daily_growth)}${over && point.daily_growth !== null ? '*' : ''}${point.anomaly ? '!' : ''}`;
      }),
    ]);
  const notes = [
    '"." no snapshot',
    '"-" nothing to compare',
    ...(gapSeen ? ['"*" across missing days'] : []),
    ...(flagSeen ? ['"!" flagged'] : []),
    ...(staleSeen ? ['"~" not refreshed by Ayrshare (growth unknown)'] : []),
  ];
  const fit = (line: string) => (line.length > 80 ? `${line.slice(0, 77)}...` : line);
  const gaps = profile.gaps.map((g) =>
    fit(`  ${g.date}  ${g.platform}: ${g.status}${g.reason ? `: ${g.reason}` : ''}`),
  );
  const flagged = [
    ...profile.daily.filter((d) => d.anomaly).map((d) => fit(`  ${d.date}  ${d.platform}: ${d.anomaly}`)),
    ...profile.daily
      .filter((d) => d.refreshed === false)
      .map((d) => fit(`  ${d.date}  ${d.platform}: ${NOT_REFRESHED}`)),
    ...profile.daily
      .filter((d) => d.left_out.length > 0)
      .map((d) => fit(`  ${d.date}  ${d.platform}: left out ${d.left_out.map((p) => p.reason).join('; ')}`)),
  ];
  const bases = profile.platforms
    .map((p) => [p.platform, basesOf(profile, p.platform)] as const)
    .filter(([, list]) => list.length > 0)
    .map(([platform, list]) => `${platform} of ${list.join(', then ')}`);
  return [
    'Daily growth (followers gained since the previous snapshot)',
    formatTable(['date', ...platforms], rows) + notes.join('   '),
    ...(gaps.length > 0 ? ['', 'Days without a snapshot, and why:', ...gaps] : []),
    ...(flagged.length > 0 ? ['', 'Flagged or incomplete (stored as received):', ...flagged] : []),
    ...(bases.length > 0 ? ['', fit(`Engagement rate is a percentage of: ${bases.join(', ')}.`)] : []),
    '',
  ].join('\n');
}

/** The bases of a platform's engagement rates in the window, oldest first, each once per run of days. */
function basesOf(profile: ProfileReport, platform: string): string[] {
  const bases: string[] = [];
  for (const d of profile.daily) {
    if (d.platform === platform && d.engagement_rate_basis && bases[bases.length - 1] !== d.engagement_rate_basis)
      bases.push(d.engagement_rate_basis);
  }
  return bases;
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** How a day whose figures Ayrshare did not refresh is said, in every format. */
const NOT_REFRESHED = 'not refreshed by Ayrshare since the previous snapshot: growth unknown';

const CSV_COLUMNS = [
  'date',
  'profile',
  'platform',
  'followers_count',
  'daily_growth',
  'days_since_previous',
  'engagement_total',
  'engagement_rate',
  'content_efficiency',
  'engagement_rate_basis',
  'retention_rate',
  'refreshed',
] as const;

/**
 * RFC 4180 quoting: every text cell is quoted (a spreadsheet that splits on `;` or tabs then still sees one cell), and
 * a text cell that a spreadsheet would run as a formula gets a leading apostrophe. Numbers are never quoted.
 */
export function csvCell(value: string | number | null | undefined, text: boolean): string {
  // undefined: a figure an older deployed stack does not send (its report is an earlier version).
  if (value === null || value === undefined) return '';
  let cell = String(value);
  if (!text) return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return `"${cell.replace(/"/g, '""')}"`;
}

function renderCsv(report: ReportData): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const profile of report.profiles) {
    for (const point of profile.daily) {
      const row: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
        ...point,
        profile: profile.profile,
        // true / false, empty when Ayrshare did not say (an older stack's report has no such field).
        refreshed: point.refreshed === undefined || point.refreshed === null ? null : String(point.refreshed),
      };
      lines.push(
        CSV_COLUMNS.map((c) =>
          csvCell(
            row[c],
            c === 'profile' || c === 'platform' || c === 'date' || c === 'engagement_rate_basis' || c === 'refreshed',
          ),
        ).join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

const COMPARISON_COLUMNS = [
  'profile',
  'platform',
  'from',
  'to',
  'previous_from',
  'previous_to',
  'figure',
  'current',
  'previous',
  'change',
  'change_pct',
  'days_collected',
  'previous_days_collected',
] as const;

/** One row per profile, platform (or "all platforms") and figure: previous is empty when there is no earlier data. */
function renderComparisonCsv(report: ReportData): string {
  const lines = [COMPARISON_COLUMNS.join(',')];
  const text = new Set(['profile', 'platform', 'from', 'to', 'previous_from', 'previous_to', 'figure']);
  for (const profile of report.profiles) {
    for (const row of profile.comparison.rows) {
      for (const figure of ['follower_growth', 'total_engagement', 'avg_engagement_rate'] as const) {
        const values: Record<(typeof COMPARISON_COLUMNS)[number], string | number | null> = {
          profile: profile.profile,
          platform: row.platform,
          from: report.from,
          to: report.as_of,
          previous_from: profile.comparison.previous_from,
          previous_to: profile.comparison.previous_to,
          figure,
          ...row[figure],
          days_collected: row.days_collected,
          previous_days_collected: row.previous_days_collected,
        };
        lines.push(COMPARISON_COLUMNS.map((c) => csvCell(values[c], text.has(c))).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

const TOP_POST_COLUMNS = [
  'profile',
  'rank',
  'platform',
  'post_id',
  'posted_at',
  'post_url',
  'post_text',
  'snapshot_date',
  'likes',
  'comments',
  'shares',
  'impressions',
  'views',
  'engagement',
  'previous_snapshot_date',
  'engagement_growth',
] as const;

function renderTopPostsCsv(report: ReportData): string {
  const lines = [TOP_POST_COLUMNS.join(',')];
  const text = new Set<string>(['profile', 'platform', 'post_id', 'posted_at', 'post_url', 'post_text']);
  text.add('snapshot_date').add('previous_snapshot_date');
  for (const profile of report.profiles) {
    for (const post of profile.top_posts) {
      const values: Record<string, string | number | null> = { ...post, profile: profile.profile };
      lines.push(TOP_POST_COLUMNS.map((c) => csvCell(values[c], text.has(c))).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #e3e7ee; --up: #1a7f37; --down: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fb; }
header, main, footer { max-width: 1120px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 28px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 12px; }
h3 { font-size: 16px; margin: 26px 0 10px; color: var(--muted); font-weight: 600; }
.meta, footer { color: var(--muted); font-size: 13px; }
.banner { background: #fff4ce; border: 1px solid #e7c65a; padding: 10px 14px; border-radius: 8px; font-weight: 600; margin: 14px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 24px; font-weight: 700; margin-top: 2px; }
.card.best { border-color: #f0b429; box-shadow: inset 4px 0 0 #f0b429; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 12px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px; }
figcaption { font-weight: 600; font-size: 14px; margin: 0 0 4px 4px; }
figcaption .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .line { stroke-width: 2; }
svg .bar.up { fill: var(--up); }
svg .bar.down { fill: var(--down); }
svg .empty { fill: var(--muted); font-size: 13px; }
svg .label { fill: var(--ink); font-size: 13px; }
svg .label.best { font-weight: 700; }
svg .value { fill: var(--muted); font-size: 12px; }
svg .flag { stroke: var(--down); stroke-width: 2; }
td.left, th.left { text-align: left; white-space: normal; }
tr.flag td { color: var(--down); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 13px; margin: 6px 4px 0; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 3px; margin-right: 6px; vertical-align: middle;
  background: var(--c); }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; font-size: 14px;
  min-width: 60%; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { color: var(--muted); font-weight: 600; }
.empty-state { background: #fff; border: 1px dashed #b8c0cc; border-radius: 10px; padding: 40px; text-align: center;
  color: var(--muted); margin-top: 24px; }
.empty-state strong { display: block; color: var(--ink); font-size: 18px; margin-bottom: 6px; }
footer { padding: 30px 20px 40px; }
.up { color: var(--up); } .down { color: var(--down); } .none { color: var(--muted); font-style: italic; }
.card .d { font-size: 13px; margin-top: 2px; }
td.post { white-space: normal; min-width: 220px; max-width: 420px; text-align: left; overflow-wrap: anywhere; }
td.figures { white-space: normal; min-width: 160px; font-size: 13px; }
td .k { color: var(--muted); font-size: 12px; }
td.post a { color: inherit; }
p.missing { color: var(--muted); font-size: 13px; margin: 6px 0; }
@media print {
  body { background: #fff; font-size: 12px; }
  section.profile + section.profile { break-before: page; }
  figure, table, .card, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  header, main, footer { max-width: none; }
}
`;

/** Added to the page only when it is branded, so an unbranded report stays as it always was. */
const BRANDING_STYLE = `
.brand { display: flex; align-items: center; gap: 16px; margin: 36px 0 12px; padding-bottom: 8px;
  border-bottom: 3px solid var(--accent, var(--line)); }
.brand h2 { margin: 0; }
.brand img.logo { display: block; max-height: 48px; max-width: 240px; width: auto; height: auto; }
.brand .profile-name { display: block; color: var(--muted); font-size: 13px; font-weight: 400; }
section.profile.branded .card.best { border-color: var(--accent, #f0b429); box-shadow: inset 4px 0 0 var(--accent, #f0b429); }
.brand-footer { margin: 28px 0 0; padding-top: 8px; border-top: 2px solid var(--accent, var(--line)); color: var(--muted);
  font-size: 13px; }
@media print {
  .brand, .brand-footer { break-inside: avoid; }
  .brand { break-after: avoid; }
}
`;

function renderHtml(report: ReportData, options: RenderOptions): string {
  // One profile: its display name (if it has one) names the whole page.
  const only = report.profiles.length === 1 ? options.branding?.forProfile(report.profiles[0].profile) : undefined;
  const heading = only?.displayName ? `${only.displayName}: social growth report` : 'Social growth report';
  const title = only?.displayName
    ? `${heading}, ${report.from} to ${report.as_of}`
    : `Growth report ${report.from} to ${report.as_of}`;
  const filter = [
    report.filters.profile && `profile ${report.filters.profile}`,
    report.filters.platform && `platform ${report.filters.platform}`,
  ]
    .filter(Boolean)
    .join(', ');
  const body = isEmpty(report)
    ? `<div class="empty-state" data-empty="true"><strong>No data yet</strong>${escapeHtml(emptyMessage(report))}</div>`
    : report.profiles.map((p) => profileSection(report, p, options.branding?.forProfile(p.profile))).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${options.branding ? BRANDING_STYLE : ''}</style>
</head>
<body>
<header>
<h1>${escapeHtml(heading)}</h1>
<div class="meta">${escapeHtml(
    `${report.days} days, ${report.from} to ${report.as_of}${filter ? `, ${filter}` : ''}. ` +
      `Generated ${report.generated_at.replace('T', ' ').slice(0, 16)} UTC by ayrshare-analytics-tracker.`,
  )}</div>
${options.banner ? `<div class="banner">${escapeHtml(options.banner)}</div>` : ''}
</header>
<main>
${body}
</main>
<footer>Days without a snapshot are gaps in the lines and have no bar: they are never drawn as zero.
Growth is measured against the most recent earlier snapshot; after missing days it covers all of them.
Engagement rate is engagement as a percentage of one basis per platform (its legend says which); a rate line breaks
where the basis of the stored rows changes.</footer>
</body>
</html>
`;
}

/** Every day without a snapshot (and why, from the ledger) and every flagged count: "can I trust this number?" */
function historyTable(profile: ProfileReport): string {
  const rows = [
    ...profile.gaps.map((g) => ({
      date: g.date,
      platform: g.platform,
      what:
        g.status === 'never ran'
          ? 'no snapshot: no collection ran that day'
          : `no snapshot: ${g.status}${g.reason ? ` (${g.reason})` : ''}`,
      kind: 'gap',
    })),
    ...profile.daily
      .filter((d) => d.anomaly)
      .map((d) => ({
        date: d.date,
        platform: d.platform,
        what: `flagged: ${d.anomaly} (stored as received)`,
        kind: 'flag',
      })),
    ...profile.daily
      .filter((d) => d.refreshed === false)
      .map((d) => ({ date: d.date, platform: d.platform, what: NOT_REFRESHED, kind: 'stale' })),
    ...profile.daily
      .filter((d) => d.left_out.length > 0)
      .map((d) => ({
        date: d.date,
        platform: d.platform,
        what: `stored without ${d.left_out.map((p) => p.reason).join('; ')}`,
        kind: 'flag',
      })),
  ].sort((a, b) => b.date.localeCompare(a.date) || a.platform.localeCompare(b.platform));
  if (rows.length === 0)
    return (
      '<h3>Missing days and flags</h3><p class="meta" data-table="history">' +
      'Every platform was collected every day of this window, and no count was flagged.</p>'
    );
  const historyRows = rows
    .map(
      (r) =>
        `<tr class="${r.kind}"><td>${r.date}</td>` +
        `<td class="left">${escapeHtml(r.platform)}</td><td class="left">${escapeHtml(r.what)}</td></tr>`,
    )
    .join('\n');
  return `<h3>Missing days and flags</h3>
<table data-table="history"><thead><tr><th>date</th>
<th>platform</th><th class="left">what happened</th>
</tr></thead><tbody>
${historyRows}
</tbody></table>`;
}

/** The section's opening and heading: as always without branding; with it, the display name, logo and accent. */
function profileHeading(profile: ProfileReport, branding: ProfileBranding | undefined): string {
  const name = escapeHtml(profile.profile);
  if (!branding || Object.keys(branding).length === 0)
    return `<section class="profile" data-profile="${name}">\n<h2>Profile ${name}</h2>`;
  // The accent is #rrggbb (lambda/core/branding.ts): it cannot be more than a colour in the style attribute.
  const style = branding.accent ? ` style="--accent:${escapeHtml(branding.accent)}"` : '';
  const title = branding.displayName
    ? `${escapeHtml(branding.displayName)} <span class="profile-name">profile ${name}</span>`
    : `Profile ${name}`;
  const logo = branding.logo
    ? `<img class="logo" src="${escapeHtml(branding.logo.dataUri)}" ` +
      `alt="${escapeHtml(`${branding.displayName ?? profile.profile} logo`)}">`
    : '';
  return `<section class="profile branded" data-profile="${name}"${style}>\n<div class="brand">${logo}<h2>${title}</h2></div>`;
}

function profileSection(report: ReportData, profile: ProfileReport, branding?: ProfileBranding): string {
  const dates = windowDates(report);
  const platforms = profile.platforms.map((p) => p.platform);
  const seriesOf = (platform: string, pick: (d: DailyPoint) => number | null): Series => ({
    name: platform,
    color: colorOf(platform),
    points: profile.daily
      .filter((d) => d.platform === platform)
      .map((d) => ({ x: d.date, y: pick(d), flag: d.anomaly ?? (d.refreshed === false ? NOT_REFRESHED : null) })),
  });
  const basisOf = (platform: string) => basesOf(profile, platform).join(', then ') || '?';
  const caption = (platform: string, extra = '') =>
    `<figcaption><span class="swatch" ` +
    `style="background:${colorOf(platform)}"></span>${escapeHtml(platform)}${extra}</figcaption>`;
  const totalFollowers = profile.platforms.reduce((sum, p) => sum + (p.followers_count ?? 0), 0);
  const totalGrowth = profile.platforms.reduce((sum, p) => sum + (p.follower_growth ?? 0), 0);
  const best = profile.best_performer;
  const ranked = profile.platforms
    .filter((p) => p.avg_engagement_rate !== null)
    .sort((a, b) =>
      best && a.platform === best.platform
        ? -1
        : best && b.platform === best.platform
          ? 1
          : b.avg_engagement_rate! - a.avg_engagement_rate!,
    );
  // A rate line breaks where its basis changes: two measures are never joined.
  const rateSeries = platforms
    .map((p) => ({
      ...seriesOf(p, (d) => d.engagement_rate),
      points: profile.daily
        .filter((d) => d.platform === p)
        .map((d) => ({ x: d.date, y: d.engagement_rate, flag: d.anomaly, measure: d.engagement_rate_basis })),
    }))
    .filter((s) => s.points.some((pt) => pt.y !== null));
  const retentionSeries = platforms
    .map((p) => seriesOf(p, (d) => d.retention_rate))
    .filter((s) => s.points.some((pt) => pt.y !== null));
  const signedText = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toLocaleString('en-US')}`);
  const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(2)} %`);
  const bestRateText = best
    ? `${pct(best.avg_engagement_rate)} average engagement rate`
    : 'no platform reported an engagement rate';
  const rateLegend = rateSeries
    .map((s) => `<span style="--c:${s.color}">${escapeHtml(`${s.name} (of ${basisOf(s.name)})`)}</span>`)
    .join('');

  return `${profileHeading(profile, branding)}
<div class="cards">
<div class="card best" data-best-performer="${escapeHtml(best?.platform ?? '')}">
<div class="k">Best performer</div><div class="v">${escapeHtml(best ? best.platform : 'none yet')}</div>
<div class="k">${escapeHtml(bestRateText)}</div>
</div>
<div class="card"><div class="k">Followers, all platforms (latest)</div>
<div class="v">${totalFollowers.toLocaleString('en-US')}</div>
</div>
<div class="card"><div class="k">Growth over ${report.days} days</div>
<div class="v">${escapeHtml(signedText(totalGrowth))}</div>
</div>
<div class="card"><div class="k">Platforms collected</div><div class="v">${platforms.length}</div></div>
</div>
${comparisonSection(report, profile)}
${topPostsSection(report, profile)}
<h3>Followers over time</h3>
<div class="grid">
${platforms
  .map((p) => {
    const summary = profile.platforms.find((s) => s.platform === p)!;
    const followers = summary.followers_count === null ? '–' : summary.followers_count.toLocaleString('en-US');
    const chart = lineChart([seriesOf(p, (d) => d.followers_count)], {
      dates,
      label: `Followers of ${p} over time`,
      integer: true,
      attributes: { 'data-chart': 'followers', 'data-platform': p },
    });
    return `<figure>${caption(p, ` · ${followers}`)}${chart}</figure>`;
  })
  .join('\n')}
</div>
<h3>Daily growth (followers gained since the previous snapshot)</h3>
<div class="grid">
${platforms
  .map(
    (p) =>
      `<figure>${caption(p)}${barChart(seriesOf(p, (d) => d.daily_growth).points, {
        dates,
        label: `Daily follower growth of ${p}`,
        integer: true,
        format: (n) => (n > 0 ? `+${n.toLocaleString('en-US')}` : n.toLocaleString('en-US')),
        attributes: { 'data-chart': 'growth', 'data-platform': p },
      })}</figure>`,
  )
  .join('\n')}
</div>
<h3>Engagement rate per platform</h3>
<figure>${lineChart(rateSeries, {
    dates,
    width: 1000,
    height: 240,
    label: 'Engagement rate per platform',
    format: (n) => `${n.toLocaleString('en-US')} %`,
    attributes: { 'data-chart': 'engagement-rate' },
  })}
<div class="legend">${rateLegend}</div>
</figure>
${
  retentionSeries.length > 0
    ? `<h3>Retention (average share of a video watched)</h3>
<figure>${lineChart(retentionSeries, {
        dates,
        width: 1000,
        height: 200,
        label: 'Retention: average share of a video watched',
        format: (n) => `${n.toLocaleString('en-US')} %`,
        attributes: { 'data-chart': 'retention' },
      })}
<div class="legend">${retentionSeries.map((s) => `<span style="--c:${s.color}">${escapeHtml(s.name)}</span>`).join('')}</div>
</figure>`
    : ''
}
<h3>Average engagement rate over ${report.days} days</h3>
<figure>${rankingChart(
    ranked.map((p) => ({ label: p.platform, value: p.avg_engagement_rate!, color: colorOf(p.platform) })),
    {
      label: 'Average engagement rate by platform, best first',
      format: (n) => `${n.toFixed(2)} %`,
      attributes: { 'data-chart': 'best-performer' },
    },
  )}</figure>
${historyTable(profile)}
<h3>Last 7 days</h3>
<table data-table="weekly"><thead><tr><th>platform</th>
<th>follower growth</th><th>total engagement</th>
<th>avg engagement rate</th><th>days collected</th>
</tr></thead><tbody>
${profile.weekly
  .map((w) => {
    const total = w.total_engagement === null ? '–' : w.total_engagement.toLocaleString('en-US');
    const cells = [
      escapeHtml(w.platform),
      escapeHtml(signedText(w.follower_growth)),
      total,
      pct(w.avg_engagement_rate),
      `${w.days_collected} of 7`,
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  })
  .join('\n')}
</tbody></table>
${branding?.footer ? `<p class="brand-footer" data-branding-footer>${escapeHtml(branding.footer)}</p>\n` : ''}</section>`;
}

/** A change and its percentage, coloured by direction; "no earlier data" only when the earlier window has none. */
const htmlChange = (c: Change, rate: boolean, hasEarlier: boolean) => {
  if (!hasEarlier) return `<span class="none">${NO_EARLIER_DATA}</span>`;
  if (c.change === null) return '–';
  const direction = c.change === 0 ? '' : c.change > 0 ? 'up' : 'down';
  return `<span class="${direction}">${escapeHtml(`${changeText(c, rate)} (${changePercent(c)})`)}</span>`;
};

/** The window against the previous one: the profile's three totals as cards, then every platform in a table. */
function comparisonSection(report: ReportData, profile: ProfileReport): string {
  const { comparison } = profile;
  const heading = `<h3>Compared with the previous ${report.days} days (${comparison.previous_from} to ${comparison.previous_to})</h3>`;
  const total = comparison.rows[0] as ComparisonRow | undefined;
  if (!total)
    return `${heading}<p class="meta" data-table="comparison">Nothing to compare: no snapshot in this window.</p>`;
  const figures: Array<
    [
      string,
      keyof Pick<ComparisonRow, 'follower_growth' | 'total_engagement' | 'avg_engagement_rate'>,
      (n: number | null) => string,
    ]
  > = [
    ['Follower growth', 'follower_growth', signed],
    ['Engagement', 'total_engagement', num],
    ['Average engagement rate', 'avg_engagement_rate', percent],
  ];
  const cards = figures
    .map(
      ([label, key, show]) =>
        `<div class="card" data-comparison="${key}"><div class="k">${label}, all platforms</div>` +
        `<div class="v">${escapeHtml(show(total[key].current))}</div>` +
        `<div class="d">${htmlChange(total[key], key === 'avg_engagement_rate', total.previous_days_collected > 0)}` +
        `${total[key].previous === null ? '' : ` <span class="k">from ${escapeHtml(show(total[key].previous))}</span>`}</div></div>`,
    )
    .join('\n');
  const rows = comparison.rows
    .slice(1)
    .map((row) => {
      const cells = figures.map(
        ([, key, show]) =>
          `<td>${escapeHtml(show(row[key].current))}</td>` +
          `<td>${htmlChange(row[key], key === 'avg_engagement_rate', row.previous_days_collected > 0)}</td>`,
      );
      return `<tr data-platform="${escapeHtml(row.platform)}"><td>${escapeHtml(row.platform)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `${heading}
<div class="cards">${cards}</div>
<table data-table="comparison"><thead><tr><th>platform</th><th>follower growth</th><th>vs previous</th>
<th>engagement</th><th>vs previous</th><th>avg rate</th><th>vs previous</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

/** The top posts, their text and link as text (outside text, escaped), and the networks whose posts are missing. */
function topPostsSection(report: ReportData, profile: ProfileReport): string {
  const missing = profile.posts_missing
    .map(
      (m) =>
        `<p class="missing" data-posts-missing="${escapeHtml(m.platform)}">` +
        `Posts not shown for ${escapeHtml(m.platform)}: ${escapeHtml(m.reason)}</p>`,
    )
    .join('\n');
  const heading = `<h3>Top posts published in these ${report.days} days</h3>`;
  if (profile.top_posts.length === 0)
    return `${heading}<p class="meta" data-table="top-posts">No post with an engagement figure in this window.</p>${missing}`;
  const rows = profile.top_posts
    .map((post: TopPost) => {
      const text = escapeHtml(post.post_text ?? '(no text)');
      const link = post.post_url
        ? `<a href="${escapeHtml(post.post_url)}" rel="noopener noreferrer nofollow">${text}</a>`
        : text;
      const growth = post.engagement_growth === null ? '–' : signed(post.engagement_growth);
      const figures = [
        [post.likes, 'likes'],
        [post.comments, 'comments'],
        [post.shares, 'shares'],
        [post.views, 'views'],
        [post.views === null ? post.impressions : null, 'impressions'],
      ]
        .filter(([value]) => value !== null)
        .map(([value, name]) => `${num(value as number)} ${name}`)
        .join(' · ');
      const cells = [
        `<td>${post.rank}</td>`,
        `<td class="left">${escapeHtml(post.platform)}<br><span class="k">${escapeHtml(post.posted_at.slice(0, 10))}</span></td>`,
        `<td class="post">${link}</td>`,
        `<td>${escapeHtml(num(post.engagement))}</td>`,
        `<td>${escapeHtml(growth)}</td>`,
        `<td class="left figures">${escapeHtml(figures || '–')}</td>`,
      ];
      return `<tr data-post="${escapeHtml(post.post_id)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  return `${heading}
<table data-table="top-posts"><thead><tr><th>#</th><th class="left">network, published</th><th class="left">post</th>
<th>engagement</th><th>since previous snapshot</th><th class="left">figures</th></tr></thead><tbody>
${rows}
</tbody></table>
${missing}`;
}
