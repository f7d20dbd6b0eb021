// A SQL result for people: an aligned table, CSV (every text cell quoted, formulas defused, as the report's CSV), or
// the result's JSON; and the lines that say where it was cut.
import type { SqlResult } from '../lambda/core/contracts';
import { csvCell, formatTable } from '../lambda/render/report-render';

export const SQL_FORMATS = ['table', 'csv', 'json'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

const NUMERIC = /^(int[248]|float[48]|numeric)$/;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderSql(result: SqlResult, format: SqlFormat): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'csv') {
    const header = result.columns.map((c) => csvCell(c.name, true)).join(',');
    const lines = result.rows.map((row) =>
      row
        .map((value, i) =>
          typeof value === 'number' && NUMERIC.test(result.columns[i].type)
            ? csvCell(value, false)
            : csvCell(value === null || value === undefined ? null : text(value), true),
        )
        .join(','),
    );
    return [header, ...lines].join('\r\n') + '\r\n';
  }
  if (result.columns.length === 0) return '(no columns)\n';
  const table = formatTable(
    result.columns.map((c) => c.name),
    // NULL shows as "-", as in the reports.
    result.rows.map((row) => row.map((value) => (value === null ? '-' : text(value)))),
  );
  return `${table}(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
}

/** What the user must know about the answer: where the row cap cut it. Empty when nothing was cut. */
export function cutNotice(result: SqlResult): string {
  if (!result.truncated) return '';
  if (result.cutBy === 'bytes') {
    return (
      `Cut at ${result.rows.length.toLocaleString('en-US')} rows: the answer reached its size limit and there is ` +
      'more. Select fewer or narrower columns, or fewer rows.\n'
    );
  }
  return (
    `Cut at ${result.maxRows.toLocaleString('en-US')} rows (row cap): there are more. Narrow the query, or raise ` +
    '--max-rows.\n'
  );
}
