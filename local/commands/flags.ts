// The checks of flag values every command shares, each with a message that names the flag and what it takes.
import path from 'node:path';
import { isIsoDate } from '../../lambda/core/dates';
import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS } from '../../lambda/core/defaults';
import { UsageError } from '../../lambda/core/errors';
import { isPlatform, KNOWN_PLATFORMS, type Platform } from '../../lambda/core/platform-names';
import { REPORT_FORMATS } from '../../lambda/render/report-render';

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

/** --format, or the --out file's extension, or a table; `formats` are the command's own. */
export function checkedFormat<F extends string = (typeof REPORT_FORMATS)[number]>(
  value: string | undefined,
  out: string | undefined,
  formats: readonly F[] = REPORT_FORMATS as unknown as readonly F[],
): F {
  const chosen = value ?? (out ? path.extname(out).slice(1).toLowerCase() : 'table');
  if ((formats as readonly string[]).includes(chosen)) return chosen as F;
  if (value === undefined) return 'table' as F;
  throw new UsageError(`--format must be one of ${formats.join(', ')} (got "${value}").`);
}

/** A flag that takes one of a few words. */
export function checkedChoice<C extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly C[],
): C | undefined {
  if (value === undefined) return undefined;
  const chosen = value.trim().toLowerCase();
  if ((choices as readonly string[]).includes(chosen)) return chosen as C;
  throw new UsageError(`${flag} must be one of ${choices.join(', ')} (got "${value}").`);
}

export function checkedDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REPORT_DAYS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_REPORT_DAYS) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_REPORT_DAYS} (got "${value}").`);
  }
  return Number(value);
}
