// The RDS backup and maintenance windows, pinned instead of left to RDS: computed from the schedule's time and time
// zone so that each stays at least an hour clear of the run and its retries under every UTC offset the zone uses
// (both sides of DST), or given with -c backupWindow / -c maintenanceWindow and checked by the same rule.
// RDS windows are in UTC; the run is in local time, so under DST it moves by an hour against them.
import { offsetAt } from '../lambda/core/schedule-times';

/** Each window keeps this far from the run and its retries. */
export const CLEARANCE_MINUTES = 60;
/** RDS's shortest backup and maintenance windows; ours are exactly this long. */
export const WINDOW_MINUTES = 30;
/** The weekday of the computed maintenance window (UTC), as RDS writes it. */
export const MAINTENANCE_WEEKDAY = 'sun';

const DAY = 1440;
const WEEK = 7 * DAY;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A stretch of the UTC day: `start` minutes after midnight (0-1439), `length` minutes long (it may wrap). */
export interface DaySpan {
  readonly start: number;
  readonly length: number;
}

export interface RunTime {
  readonly hour: number;
  readonly minute: number;
  readonly timeZone: string;
  /** Minutes from the scheduled time to the end of the run's last retry (lib/run-timing). */
  readonly spanMinutes: number;
}

export interface DatabaseWindows {
  /** RDS PreferredBackupWindow, "hh24:mi-hh24:mi" UTC. */
  readonly backup: string;
  /** RDS PreferredMaintenanceWindow, "ddd:hh24:mi-ddd:hh24:mi" UTC. */
  readonly maintenance: string;
  /** Both windows as stretches of the UTC day (the maintenance one recurs weekly, on its weekday). */
  readonly backupSpan: DaySpan;
  readonly maintenanceSpan: DaySpan;
}

/** Every UTC offset (minutes, wall clock minus UTC) the zone uses this year and next. */
export function zoneOffsets(timeZone: string, from: Date = new Date()): number[] {
  const offsets = new Set<number>();
  const start = Date.UTC(from.getUTCFullYear(), 0, 1);
  for (let day = 0; day < 2 * 366; day += 1) {
    for (const hour of [0, 12]) offsets.add(offsetAt(start + (day * 24 + hour) * 3_600_000, timeZone) / 60_000);
  }
  return [...offsets].sort((a, b) => a - b);
}

const mod = (value: number, by: number) => ((value % by) + by) % by;

/** When the run and its retries occupy the UTC day, once per offset of the zone. */
export function runSpans(run: RunTime, from?: Date): DaySpan[] {
  const local = run.hour * 60 + run.minute;
  return zoneOffsets(run.timeZone, from).map((offset) => ({
    start: mod(local - offset, DAY),
    length: run.spanMinutes,
  }));
}

/** Minutes between two stretches of the day (0 when they touch or overlap), going round midnight either way. */
function gapBetween(a: DaySpan, b: DaySpan): number {
  if (a.length + b.length >= DAY) return 0;
  const afterA = mod(b.start - (a.start + a.length), DAY);
  const afterB = mod(a.start - (b.start + b.length), DAY);
  // b starts inside a, or a inside b: they overlap.
  if (mod(b.start - a.start, DAY) < a.length || mod(a.start - b.start, DAY) < b.length) return 0;
  return Math.min(afterA, afterB);
}

/** Whether two stretches share a minute (touching end to start is not overlapping: RDS accepts adjacent windows). */
export function overlaps(a: DaySpan, b: DaySpan): boolean {
  return mod(b.start - a.start, DAY) < a.length || mod(a.start - b.start, DAY) < b.length;
}

/** How far a window keeps from the run under every offset: the smallest gap. */
export function clearanceOf(window: DaySpan, spans: readonly DaySpan[]): number {
  return Math.min(...spans.map((span) => gapBetween(window, span)));
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(mod(minutes, DAY) / 60))}:${pad(mod(minutes, DAY) % 60)}`;

/**
 * The computed windows: backup then maintenance, back to back (one hour in all), placed where that hour keeps
 * farthest from the run under every offset of the zone; on a quarter-hour grid, earliest on a tie.
 */
export function planWindows(run: RunTime, from?: Date): DatabaseWindows {
  const spans = runSpans(run, from);
  let best: { start: number; clearance: number } | undefined;
  for (let start = 0; start < DAY; start += 15) {
    const clearance = clearanceOf({ start, length: 2 * WINDOW_MINUTES }, spans);
    if (!best || clearance > best.clearance) best = { start, clearance };
  }
  if (!best || best.clearance < CLEARANCE_MINUTES) {
    throw new Error(
      `The run at ${pad(run.hour)}:${pad(run.minute)} ${run.timeZone} and its retries (${run.spanMinutes} min) leave ` +
        `no hour for the database's backup and maintenance ${CLEARANCE_MINUTES} min clear of them.`,
    );
  }
  const backupSpan = { start: best.start, length: WINDOW_MINUTES };
  const maintenanceSpan = { start: mod(best.start + WINDOW_MINUTES, DAY), length: WINDOW_MINUTES };
  const weekday = MAINTENANCE_WEEKDAY;
  // The maintenance window may start after midnight UTC; it keeps its weekday then (RDS counts from its start).
  const maintenanceEnd = maintenanceSpan.start + WINDOW_MINUTES;
  const endDay = maintenanceEnd >= DAY ? WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 1) % 7] : weekday;
  return {
    backup: `${clock(backupSpan.start)}-${clock(backupSpan.start + WINDOW_MINUTES)}`,
    maintenance: `${weekday}:${clock(maintenanceSpan.start)}-${endDay}:${clock(maintenanceEnd)}`,
    backupSpan,
    maintenanceSpan,
  };
}

const BACKUP_FORMAT = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const MAINTENANCE_FORMAT =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/;

/** "hh24:mi-hh24:mi" (UTC) as a stretch of the day, or a message saying what is wrong with it. */
export function parseBackupWindow(text: string): DaySpan | string {
  const match = BACKUP_FORMAT.exec(text.trim());
  if (!match) return 'must be hh:mm-hh:mm in UTC, such as 03:00-03:30';
  const start = Number(match[1]) * 60 + Number(match[2]);
  const length = mod(Number(match[3]) * 60 + Number(match[4]) - start, DAY);
  if (length < WINDOW_MINUTES) return `must be at least ${WINDOW_MINUTES} minutes long`;
  // RDS: "Must be at least 30 minutes" and the window's length is at most 24 hours; ours at most a few.
  if (length > 8 * 60) return 'must be at most 8 hours long';
  return { start, length };
}

/** "ddd:hh24:mi-ddd:hh24:mi" (UTC) as a stretch of the day (its time of day), or a message. */
export function parseMaintenanceWindow(text: string): DaySpan | string {
  const match = MAINTENANCE_FORMAT.exec(text.trim().toLowerCase());
  if (!match) return 'must be ddd:hh:mm-ddd:hh:mm in UTC, such as sun:04:00-sun:04:30';
  const at = (day: string, hour: string, minute: string) =>
    WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]) * DAY + Number(hour) * 60 + Number(minute);
  const start = at(match[1], match[2], match[3]);
  const length = mod(at(match[4], match[5], match[6]) - start, WEEK);
  if (length < WINDOW_MINUTES) return `must be at least ${WINDOW_MINUTES} minutes long`;
  if (length > 8 * 60) return 'must be at most 8 hours long';
  return { start: mod(start, DAY), length };
}

/** When a maintenance window starts in the week (UTC): minutes after Monday 00:00. */
export function maintenanceWeekStart(text: string): number {
  const match = MAINTENANCE_FORMAT.exec(text.trim().toLowerCase());
  if (!match) throw new Error(`Not a maintenance window: ${text}`);
  return WEEKDAYS.indexOf(match[1] as (typeof WEEKDAYS)[number]) * DAY + Number(match[2]) * 60 + Number(match[3]);
}

/** What the stack deploys: the given windows, the computed ones, or a maintenance window placed after a given backup. */
export interface EffectiveWindows {
  backup: string;
  maintenance: string;
  /** Whether each was given in the context (false: computed or placed). */
  given: { backup: boolean; maintenance: boolean };
}

/**
 * The windows to deploy. Both given: as given. Only the backup window given: the maintenance window follows it on
 * Sunday (RDS refuses overlapping windows, so the computed one cannot simply stay). Only the maintenance window given:
 * the computed backup window (checked for overlap by the caller).
 */
export function effectiveWindows(run: RunTime, backup?: string, maintenance?: string, from?: Date): EffectiveWindows {
  const planned = planWindows(run, from);
  const given = { backup: backup !== undefined, maintenance: maintenance !== undefined };
  let placed = maintenance ?? planned.maintenance;
  if (backup !== undefined && maintenance === undefined) {
    const span = parseBackupWindow(backup);
    if (typeof span !== 'string') {
      const start = MAINTENANCE_WEEKDAY_INDEX * DAY + span.start + span.length;
      const end = start + WINDOW_MINUTES;
      placed = `${weekdayAt(start)}:${clock(start)}-${weekdayAt(end)}:${clock(end)}`;
    }
  }
  return { backup: backup ?? planned.backup, maintenance: placed, given };
}

const MAINTENANCE_WEEKDAY_INDEX = WEEKDAYS.indexOf(MAINTENANCE_WEEKDAY);
const weekdayAt = (weekMinutes: number) => WEEKDAYS[Math.floor(mod(weekMinutes, WEEK) / DAY)];

/** Why a given window is refused (too close to the run under some offset), or undefined when it keeps clear. */
export function windowConflict(window: DaySpan, run: RunTime, from?: Date): string | undefined {
  const spans = runSpans(run, from);
  const clearance = clearanceOf(window, spans);
  if (clearance >= CLEARANCE_MINUTES) return undefined;
  const times = spans.map((s) => `${clock(s.start)}-${clock(s.start + s.length)}`).join(' or ');
  return (
    `comes within ${clearance} min of the run and its retries (${times} UTC, depending on DST); ` +
    `keep it at least ${CLEARANCE_MINUTES} min away`
  );
}
