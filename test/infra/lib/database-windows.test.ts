// lib/database-windows.ts and lib/run-timing.ts: the RDS windows keep an hour clear of the run and its retries on
// every day of the year, on both sides of DST. Checked against the real firings of the schedule (the same
// computation as EventBridge Scheduler's, from the time zone database), not against the planner's own offsets.
import {
  CLEARANCE_MINUTES,
  parseBackupWindow,
  parseMaintenanceWindow,
  planWindows,
  windowConflict,
  zoneOffsets,
  type DaySpan,
} from '../../../lib/database-windows';
import { ECONOMY_RETRIES, STANDARD_RETRIES, runSpanMinutes } from '../../../lib/run-timing';
import { nextDailyFiring } from '../../../lambda/core/schedule-times';

const DAY_MS = 86_400_000;

/** Minutes from the window to the busy stretch [fire, fire + span] (0 when they overlap), windows repeating daily. */
function distanceMinutes(window: DaySpan, fire: Date, spanMinutes: number): number {
  const fireMs = fire.getTime();
  const busyEnd = fireMs + spanMinutes * 60_000;
  let best = Infinity;
  const midnight = Date.UTC(fire.getUTCFullYear(), fire.getUTCMonth(), fire.getUTCDate());
  for (const day of [-1, 0, 1]) {
    const start = midnight + day * DAY_MS + window.start * 60_000;
    const end = start + window.length * 60_000;
    const gap = end <= fireMs ? fireMs - end : start >= busyEnd ? start - busyEnd : 0;
    best = Math.min(best, gap / 60_000);
  }
  return best;
}

/** The smallest distance over every firing of the schedule in 2026 and 2027. */
function worstDistance(window: DaySpan, run: { hour: number; minute: number; timeZone: string }, span: number) {
  let worst = Infinity;
  let at = new Date(Date.UTC(2026, 0, 1));
  while (at.getTime() < Date.UTC(2028, 0, 1)) {
    const fire = nextDailyFiring(run, run.timeZone, at);
    worst = Math.min(worst, distanceMinutes(window, fire, span));
    at = fire;
  }
  return worst;
}

describe('run span', () => {
  it('covers the schedule retries, the async retry and the last chunk redelivery', () => {
    expect(runSpanMinutes(STANDARD_RETRIES)).toBe(60 + 120 + 5 + 2 * 30 + 5);
    expect(runSpanMinutes(ECONOMY_RETRIES)).toBeLessThan(runSpanMinutes(STANDARD_RETRIES));
  });
});

describe('zone offsets', () => {
  it.each([
    ['America/New_York', [-300, -240]],
    ['Europe/Berlin', [60, 120]],
    ['UTC', [0]],
    ['Asia/Kathmandu', [345]],
    ['Australia/Lord_Howe', [630, 660]],
  ])('%s uses %p', (zone, offsets) => {
    expect(zoneOffsets(zone, new Date(Date.UTC(2026, 5, 1)))).toEqual(offsets);
  });
});

describe.each([
  ['the default run', { hour: 6, minute: 0, timeZone: 'America/New_York' }],
  ['an evening run in Berlin', { hour: 21, minute: 30, timeZone: 'Europe/Berlin' }],
  ['a run at 00:15 in Sydney', { hour: 0, minute: 15, timeZone: 'Australia/Sydney' }],
  ['a run in a half-hour DST zone', { hour: 23, minute: 45, timeZone: 'Australia/Lord_Howe' }],
  ['a run in Kathmandu', { hour: 12, minute: 0, timeZone: 'Asia/Kathmandu' }],
])('%s', (_name, run) => {
  it.each([
    ['standard', STANDARD_RETRIES],
    ['economy', ECONOMY_RETRIES],
  ])('%s: both windows stay an hour clear of every firing and its retries, both sides of DST', (_mode, policy) => {
    const spanMinutes = runSpanMinutes(policy);
    const windows = planWindows({ ...run, spanMinutes }, new Date(Date.UTC(2026, 0, 1)));
    expect(parseBackupWindow(windows.backup)).toEqual(windows.backupSpan);
    expect(parseMaintenanceWindow(windows.maintenance)).toEqual(windows.maintenanceSpan);
    for (const span of [windows.backupSpan, windows.maintenanceSpan]) {
      expect(worstDistance(span, run, spanMinutes)).toBeGreaterThanOrEqual(CLEARANCE_MINUTES);
    }
  });
});

describe('the default windows', () => {
  it('sit in the evening before the 06:00 New York run: 00:00-00:30 UTC backup, Sunday maintenance after it', () => {
    const windows = planWindows({
      hour: 6,
      minute: 0,
      timeZone: 'America/New_York',
      spanMinutes: runSpanMinutes(STANDARD_RETRIES),
    });
    expect([windows.backup, windows.maintenance]).toEqual(['00:00-00:30', 'sun:00:30-sun:01:00']);
  });

  it('refuses what RDS may pick in us-east-1 (a half hour of 03:00-11:00 UTC) where it touches the run', () => {
    const run = { hour: 6, minute: 0, timeZone: 'America/New_York' };
    const window = parseBackupWindow('10:00-10:30') as DaySpan;
    expect(worstDistance(window, run, 30)).toBe(0);
    expect(windowConflict(window, { ...run, spanMinutes: 30 })).toMatch(/within 0 min of the run/);
  });
});

describe('given windows', () => {
  it.each([
    ['3:00-3:30', /hh:mm-hh:mm/],
    ['03:00-03:10', /at least 30 minutes/],
    ['03:00-13:00', /at most 8 hours/],
  ])('refuses the backup window %p', (text, message) => {
    expect(parseBackupWindow(text)).toMatch(message);
  });

  it.each([
    ['sunday:04:00-sunday:04:30', /ddd:hh:mm-ddd:hh:mm/],
    ['sun:04:00-sun:04:15', /at least 30 minutes/],
  ])('refuses the maintenance window %p', (text, message) => {
    expect(parseMaintenanceWindow(text)).toMatch(message);
  });

  it('reads a maintenance window across midnight by its time of day', () => {
    expect(parseMaintenanceWindow('sat:23:45-sun:00:15')).toEqual({ start: 23 * 60 + 45, length: 30 });
  });

  it('refuses a window that comes within the hour before the run in summer only', () => {
    // 06:00 New York is 10:00 UTC in summer and 11:00 UTC in winter: 09:00-09:30 UTC is 30 min before the summer run.
    const run = { hour: 6, minute: 0, timeZone: 'America/New_York', spanMinutes: 30 };
    expect(windowConflict(parseBackupWindow('09:00-09:30') as DaySpan, run)).toMatch(/within 30 min/);
    expect(windowConflict(parseBackupWindow('08:00-08:30') as DaySpan, run)).toBeUndefined();
  });
});
