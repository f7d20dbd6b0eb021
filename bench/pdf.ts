// `npm run bench:pdf [-- --days N] [-- --out report.pdf]`: the HTML report of 3 profiles × 7 platforms (synthetic data, every chart drawn)
// printed to A4 by lambda/render/pdf.ts: once cold (Chromium launched for it), then 5 times in one running browser. Prints the
// times, the PDF's size and pages, and the peak resident memory of this process and of Chromium's processes. Nothing
// here is asserted: speed is measured, never tested.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { TRACKER_MARK, type DailyPoint, type ProfileReport, type ReportData } from '../lambda/core/contracts';
import { addDays } from '../lambda/core/dates';
import { launchChromium } from '../lambda/render/chromium';
import { renderPdf, type RenderedPdf } from '../lambda/render/pdf';
import { renderReport } from '../lambda/render/report-render';

const PLATFORMS = ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'];
const PROFILES = ['acme', 'globex', 'initech'];
const WARM_RUNS = 5;
const args = process.argv.slice(2);
const DAYS = Math.min(365, Math.max(7, Number(args[args.indexOf('--days') + 1]) || 30));
const AS_OF = '2026-03-31';
/** `-- --out file.pdf` keeps the cold run's PDF, to look at. */
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => sum(values) / values.length;

/** A profile's window of daily points: steady growth with a wobble, a rate per platform, retention on YouTube. */
function profileReport(profile: string, index: number, from: string): ProfileReport {
  const daily: DailyPoint[] = [];
  for (const [p, platform] of PLATFORMS.entries()) {
    const base = 1_000 * (index + 1) * (p + 3);
    for (let day = 0; day < DAYS; day++) {
      const followers = Math.round(base + 17 * (p + 1) * day + 40 * Math.sin(day + p));
      const previous = Math.round(base + 17 * (p + 1) * (day - 1) + 40 * Math.sin(day - 1 + p));
      const engagement = Math.round(50 + 30 * Math.abs(Math.sin(day * 0.7 + p)) * (p + 1));
      daily.push({
        date: addDays(from, day),
        platform,
        followers_count: followers,
        daily_growth: day === 0 ? null : followers - previous,
        days_since_previous: day === 0 ? null : 1,
        engagement_total: engagement,
        engagement_rate: Number(((100 * engagement) / (followers * 4)).toFixed(2)),
        engagement_rate_basis: 'impressions',
        content_efficiency: Number((engagement / 10).toFixed(2)),
        retention_rate: platform === 'youtube' ? 40 + (day % 7) : null,
        anomaly: null,
        left_out: [],
        refreshed: true,
      });
    }
  }
  const platforms = PLATFORMS.map((platform) => {
    const points = daily.filter((d) => d.platform === platform);
    const rates = points.map((d) => d.engagement_rate!);
    return {
      platform,
      first_date: points[0].date,
      last_date: points.at(-1)!.date,
      followers_count: points.at(-1)!.followers_count,
      follower_growth: points.at(-1)!.followers_count! - points[0].followers_count!,
      total_engagement: sum(points.map((d) => d.engagement_total!)),
      avg_engagement_rate: mean(rates),
      last_engagement_rate: rates.at(-1)!,
      avg_content_efficiency: mean(points.map((d) => d.content_efficiency!)),
      days_collected: points.length,
    };
  });
  const best = [...platforms].sort((a, b) => b.avg_engagement_rate - a.avg_engagement_rate)[0];
  return {
    profile,
    best_performer: {
      platform: best.platform,
      avg_engagement_rate: best.avg_engagement_rate,
      total_engagement: best.total_engagement,
    },
    platforms,
    weekly: platforms.map((p) => ({
      platform: p.platform,
      follower_growth: p.follower_growth,
      total_engagement: p.total_engagement,
      avg_engagement_rate: p.avg_engagement_rate,
      days_collected: 7,
    })),
    daily,
    gaps: [],
    comparison: { previous_from: addDays(AS_OF, 1 - 2 * DAYS), previous_to: addDays(AS_OF, -DAYS), rows: [] },
    top_posts: [],
    posts_missing: [],
  };
}

function syntheticReport(): ReportData {
  const from = addDays(AS_OF, 1 - DAYS);
  return {
    report: TRACKER_MARK,
    version: 3,
    generated_at: `${AS_OF}T12:00:00.000Z`,
    as_of: AS_OF,
    from,
    days: DAYS,
    filters: { profile: null, platform: null },
    profiles: PROFILES.map((profile, i) => profileReport(profile, i, from)),
  };
}

function status(pid: number): { ppid: number; rssKb: number; hwmKb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { ppid: field('PPid'), rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Chromium's memory: every process below this one (the browser Playwright spawned, its zygote, renderers, GPU and
 * utility processes; Playwright's Browser does not expose the pid), sampled every 20 ms because a renderer's peak
 * (VmHWM) leaves with it when its context closes. Two views: the highest sum of their resident memory at one moment,
 * and the sum of each process's own peak. Both count shared pages (the binary, fonts) once per process, so they
 * overstate what the machine gives Chromium.
 */
function watchChromium(): () => { peakSumKb: number; peakTogetherKb: number; processes: number } {
  const root = process.pid;
  const peaks = new Map<number, number>();
  let peakTogetherKb = 0;
  const sample = () => {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const s = status(Number(entry));
      if (s) parents.set(Number(entry), s.ppid);
    }
    const tree = new Set([root]);
    // Parents before children is not guaranteed by /proc's order: repeat until nothing joins.
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of parents) {
        if (!tree.has(pid) && tree.has(ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    let together = 0;
    tree.delete(root);
    for (const pid of tree) {
      const s = status(pid);
      if (!s) continue;
      together += s.rssKb;
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, s.hwmKb));
    }
    peakTogetherKb = Math.max(peakTogetherKb, together);
  };
  sample();
  const timer = setInterval(sample, 20);
  return () => {
    sample();
    clearInterval(timer);
    return { peakSumKb: sum([...peaks.values()]), peakTogetherKb, processes: peaks.size };
  };
}

const chromiumRss = (memory: ReturnType<ReturnType<typeof watchChromium>>) =>
  `${(memory.peakTogetherKb / 1024).toFixed(0)} MB at once, ${(memory.peakSumKb / 1024).toFixed(0)} MB summing ` +
  `each process's VmHWM (${memory.processes} processes)`;

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('bench:pdf reads /proc for memory: it runs on Linux only.');
  const html = renderReport(syntheticReport(), 'html');

  // Cold: what `report --format pdf` costs on its own, Chromium's launch included (its unpack is not: done once).
  const coldStarted = performance.now();
  const coldBrowser = await launchChromium();
  const launchMs = performance.now() - coldStarted;
  const stopCold = watchChromium();
  let cold: RenderedPdf;
  let coldMs: number;
  let coldMemory: ReturnType<ReturnType<typeof watchChromium>>;
  try {
    cold = await renderPdf(html, { paper: 'a4', browser: coldBrowser });
    coldMs = performance.now() - coldStarted;
    coldMemory = stopCold();
  } finally {
    await coldBrowser.close();
  }
  if (OUT) writeFileSync(OUT, cold.pdf);

  // Warm: one browser, several reports (a future batch export).
  const browser = await launchChromium();
  const stopWarm = watchChromium();
  const warm: RenderedPdf[] = [];
  try {
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await renderPdf(html, { paper: 'a4', browser }));
  } finally {
    await browser.close().catch(() => undefined);
  }
  const warmMemory = stopWarm();
  const node = status(process.pid)!;

  const rows: Array<[string, string]> = [
    ['report', `${PROFILES.length} profiles × ${PLATFORMS.length} platforms × ${DAYS} days, A4`],
    ['HTML', `${(html.length / 1024).toFixed(0)} KB, ${(html.match(/<svg/g) ?? []).length} SVG charts`],
    ['Chromium', `${browser.version()}`],
    ['cold: launch + render', `${coldMs.toFixed(0)} ms (launch ${launchMs.toFixed(0)} ms, render ${cold.ms} ms)`],
    [
      `warm: median of ${WARM_RUNS} in one browser`,
      `${median(warm.map((r) => r.ms))} ms (${warm.map((r) => r.ms).join(', ')})`,
    ],
    ['PDF', `${cold.pdf.length.toLocaleString('en-US')} bytes, ${cold.pages} pages`],
    ['peak RSS, this Node process (VmHWM)', `${(node.hwmKb / 1024).toFixed(0)} MB`],
    ['peak RSS, Chromium: cold render', chromiumRss(coldMemory)],
    [`peak RSS, Chromium: ${WARM_RUNS} warm renders`, chromiumRss(warmMemory)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${'measure'.padEnd(width)} | value |`);
  console.log(`| ${'-'.repeat(width)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
  if (warm.some((r) => r.blocked.length > 0)) console.log(`blocked requests: ${warm[0].blocked.join(', ')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
