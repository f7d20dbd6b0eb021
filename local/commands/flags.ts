// The checks of flag values every command shares, each with a message that names the flag and what it takes.
import path from 'node:path';
import { isIsoDate } from '../../lambda/core/dates';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS } from '../../lambda/core/defaults';
import { UsageError } from '../../lambda/core/errors';
import { isPlatform, KNOWN_PLATFORMS, type Platform } from '../../lambda/core/platform-names';
import { REPORT_FORMATS, type ReportFormat } from '../report-render';

export function checkedDate(value: string): string {
  if (!isIsoDate(value)) throw new UsageError(`--date must be a calendar date as YYYY-MM-DD (got "${value}").`);
  return value;
}

export function checkedText(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value.trim();
}

export function checkedPlatform(value: string | undefined): Platform | undefined {
  const platform = checkedText('--platform', value)?.toLowerCase();
  if (platform !== undefined && !isPlatform(platform))
    throw new UsageError(`--platform must be one of ${KNOWN_PLATFORMS.join(', ')} (got "${value}").`);
  return platform;
}

/** --format, or the --out file's extension, or a table. */
export function checkedFormat(value: string | undefined, out: string | undefined): ReportFormat {
  const chosen = value ?? (out ? path.extname(out).slice(1).toLowerCase() : 'table');
  if ((REPORT_FORMATS as readonly string[]).includes(chosen)) return chosen as ReportFormat;
  if (value === undefined) return 'table';
  throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${value}").`);
}

export function checkedDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REPORT_DAYS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_REPORT_DAYS) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_REPORT_DAYS} (got "${value}").`);
  }
  return Number(value);
}
