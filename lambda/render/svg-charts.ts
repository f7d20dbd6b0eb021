// Small SVG charts rendered on the server side, so the HTML report is one file that needs no script and no network at
// view time. Missing values are gaps: a line breaks and a bar is absent, never drawn as zero.

export interface Point {
  x: string;
  y: number | null;
  /** A note that marks the point (an anomaly): drawn as a ring, shown on hover. */
  flag?: string | null;
  /** What the value measures (an engagement rate's basis): the line breaks where it changes. */
  measure?: string | null;
}

export interface Series {
  name: string;
  color: string;
  points: Point[];
}

export interface ChartOptions {
  /** The x axis: every date of the window, oldest first. */
  dates: string[];
  width?: number;
  height?: number;
  /** Formats y values on the axis. */
  format?: (value: number) => string;
  /** Accessible name of the chart. */
  label: string;
  /** Extra attributes on the <svg> (data-* for tests and styling). */
  attributes?: Record<string, string>;
  /** Whole-number data (counts): no fractional ticks. */
  integer?: boolean;
}

const MARGIN = { top: 12, right: 12, bottom: 24, left: 56 };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round steps of 1, 2 or 5 times a power of ten, about `count` of them across [min, max]. */
export function niceTicks(min: number, max: number, count = 4, integer = false): number[] {
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count, integer);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const step = integer ? Math.max(1, nice) : nice;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

export const compactNumber = (value: number, fractionDigits = 1): string =>
  Math.abs(value) >= 10_000
    ? new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: fractionDigits }).format(value)
    : value.toLocaleString('en-US');

/**
 * The axis labels of `ticks`: compact (15.7K), with as many decimals as it takes for no two to read the same
 * (15,650 and 15,700 are 15.65K and 15.7K, not 15.7K twice), else the whole numbers.
 */
export function tickLabels(ticks: readonly number[], format?: (value: number) => string): string[] {
  if (format) return ticks.map(format);
  for (const digits of [1, 2, 3]) {
    const labels = ticks.map((t) => compactNumber(t, digits));
    if (new Set(labels).size === labels.length) return labels;
  }
  return ticks.map((t) => t.toLocaleString('en-US'));
}

interface Frame {
  width: number;
  height: number;
  x: (index: number) => number;
  y: (value: number) => number;
  body: string[];
}

/** Axes, grid lines and date labels; returns the scales for the marks. */
function frame(options: ChartOptions, values: number[], includeZero: boolean): Frame {
  const width = options.width ?? 320;
  const height = options.height ?? 160;
  const low = Math.min(...values, ...(includeZero ? [0] : []));
  const high = Math.max(...values, ...(includeZero ? [0] : []));
  const ticks = niceTicks(low, high, 4, options.integer);
  const [y0, y1] = [ticks[0], ticks[ticks.length - 1]];
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const n = Math.max(1, options.dates.length - 1);
  const x = (index: number) => MARGIN.left + (options.dates.length === 1 ? plotWidth / 2 : (index / n) * plotWidth);
  const y = (value: number) => MARGIN.top + plotHeight - ((value - y0) / (y1 - y0 || 1)) * plotHeight;
  const body: string[] = [];
  const labels = tickLabels(ticks, options.format);
  for (const [i, tick] of ticks.entries()) {
    body.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(tick).toFixed(1)}" ` +
        `y2="${y(tick).toFixed(1)}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${(y(tick) + 4).toFixed(1)}" ` +
        `text-anchor="end">${escapeHtml(labels[i])}</text>`,
    );
  }
  const labelled = [...new Set([0, Math.floor((options.dates.length - 1) / 2), options.dates.length - 1])];
  for (const index of labelled) {
    const anchor =
      labelled.length > 1 && index === 0
        ? 'start'
        : index === options.dates.length - 1 && labelled.length > 1
          ? 'end'
          : 'middle';
    body.push(
      `<text class="tick" x="${x(index).toFixed(1)}" y="${height - 6}" ` +
        `text-anchor="${anchor}">${escapeHtml(options.dates[index]?.slice(5) ?? '')}</text>`,
    );
  }
  return { width, height, x, y, body };
}

function svg(options: ChartOptions, f: Frame, marks: string[], plotted: number): string {
  const attributes = Object.entries({ ...options.attributes, 'data-points': String(plotted) })
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  const size = `viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}"`;
  const label = escapeHtml(options.label);
  return (
    `<svg class="chart" ${size} role="img" aria-label="${label}"${attributes}>` +
    `<title>${label}</title>${[...f.body, ...marks].join('')}</svg>`
  );
}

function emptyChart(options: ChartOptions): string {
  const width = options.width ?? 320;
  const height = options.height ?? 160;
  return svg(
    options,
    {
      width,
      height,
      x: () => 0,
      y: () => 0,
      body: [
        `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">No data in this window</text>`,
      ],
    },
    [],
    0,
  );
}

/**
 * Lines, one per series; a missing day breaks the line, and so does a change of what the values measure (two measures
 * are never joined). An isolated point is drawn as a dot.
 */
export function lineChart(series: Series[], options: ChartOptions): string {
  const index = new Map(options.dates.map((d, i) => [d, i]));
  const values = series.flatMap((s) => s.points.flatMap((p) => (p.y === null || !index.has(p.x) ? [] : [p.y])));
  if (values.length === 0) return emptyChart(options);
  const f = frame(options, values, false);
  const marks: string[] = [];
  for (const s of series) {
    const byDate = new Map(s.points.map((p) => [p.x, p.y]));
    const measures = new Map(s.points.map((p) => [p.x, p.measure ?? null]));
    let measure: string | null | undefined;
    const flags = new Map(s.points.filter((p) => p.flag).map((p) => [p.x, p.flag!]));
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1)
        marks.push(`<polyline class="line" fill="none" stroke="${s.color}" points="${segment.join(' ')}"/>`);
      segment = [];
    };
    options.dates.forEach((date, i) => {
      const value = byDate.get(date);
      if (value === null || value === undefined) return flush();
      if (measure !== undefined && measures.get(date) !== measure) {
        flush();
        // A dashed rule down the plot where the measure changes, titled with what it changed to.
        const changeTitle = `${s.name} from ${date}: of ${measures.get(date) ?? 'unknown'} (was of ${measure ?? 'unknown'})`;
        marks.push(
          `<line class="measure-change" stroke="${s.color}" stroke-dasharray="3 3" x1="${f.x(i).toFixed(1)}" ` +
            `x2="${f.x(i).toFixed(1)}" y1="${MARGIN.top}" y2="${f.height - MARGIN.bottom}" ` +
            `data-measure="${escapeHtml(measures.get(date) ?? '')}">` +
            `<title>${escapeHtml(changeTitle)}</title></line>`,
        );
      }
      measure = measures.get(date);
      const point = `${f.x(i).toFixed(1)},${f.y(value).toFixed(1)}`;
      segment.push(point);
      const pointTitle = `${s.name} ${date}: ${value.toLocaleString('en-US')}${measure ? ` (of ${measure})` : ''}`;
      marks.push(
        `<circle class="dot" cx="${f.x(i).toFixed(1)}" cy="${f.y(value).toFixed(1)}" r="2" ` +
          `fill="${s.color}"><title>${escapeHtml(pointTitle)}</title></circle>`,
      );
      const flag = flags.get(date);
      if (flag)
        marks.push(
          `<circle class="flag" cx="${f.x(i).toFixed(1)}" cy="${f.y(value).toFixed(1)}" r="6" ` +
            `fill="none"><title>${escapeHtml(`${date}: ${flag}`)}</title></circle>`,
        );
    });
    flush();
  }
  return svg(options, f, marks, values.length);
}

/** Bars from zero, green up and red down; a missing day has no bar. */
export function barChart(points: Point[], options: ChartOptions): string {
  const index = new Map(options.dates.map((d, i) => [d, i]));
  const present = points.filter((p): p is { x: string; y: number } => p.y !== null && index.has(p.x));
  if (present.length === 0) return emptyChart(options);
  const f = frame(
    options,
    present.map((p) => p.y),
    true,
  );
  const slot = (f.width - MARGIN.left - MARGIN.right) / Math.max(1, options.dates.length);
  const barWidth = Math.max(1, Math.min(24, slot * 0.7));
  const marks = present.map((p) => {
    const top = f.y(Math.max(0, p.y));
    const bottom = f.y(Math.min(0, p.y));
    const cls = p.y >= 0 ? 'bar up' : 'bar down';
    const x = (f.x(index.get(p.x)!) - barWidth / 2).toFixed(1);
    const box = `x="${x}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(0.5, bottom - top).toFixed(1)}"`;
    return `<rect class="${cls}" ${box}><title>${escapeHtml(`${p.x}: ${p.y > 0 ? '+' : ''}${p.y.toLocaleString('en-US')}`)}</title></rect>`;
  });
  return svg(options, f, marks, present.length);
}

/** Horizontal bars for a ranking, the first highlighted. */
export function rankingChart(
  items: Array<{ label: string; value: number; color: string }>,
  options: Omit<ChartOptions, 'dates'>,
): string {
  const width = options.width ?? 480;
  const rowHeight = 26;
  const height = Math.max(1, items.length) * rowHeight + 8;
  const format = options.format ?? ((value: number) => compactNumber(value));
  const max = Math.max(...items.map((i) => i.value), 0) || 1;
  const labelWidth = 90;
  const valueWidth = 80;
  const marks = items.map((item, row) => {
    const y = 4 + row * rowHeight;
    const barLength = ((width - labelWidth - valueWidth) * Math.max(0, item.value)) / max;
    return [
      `<text class="label${row === 0 ? ' best' : ''}" x="${labelWidth - 8}" y="${y + 16}" ` +
        `text-anchor="end">${escapeHtml(item.label)}</text>`,
      `<rect class="rank${row === 0 ? ' best' : ''}" x="${labelWidth}" y="${y + 3}" width="${barLength.toFixed(1)}" ` +
        `height="${rowHeight - 8}" fill="${item.color}"/>`,
      `<text class="value" x="${(labelWidth + barLength + 6).toFixed(1)}" ` +
        `y="${y + 16}">${escapeHtml(format(item.value))}</text>`,
    ].join('');
  });
  const attributes = Object.entries({ ...options.attributes, 'data-points': String(items.length) })
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  const size = `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`;
  const label = escapeHtml(options.label);
  return `<svg class="chart ranking" ${size} role="img" aria-label="${label}"${attributes}><title>${label}</title>${marks.join('')}</svg>`;
}
