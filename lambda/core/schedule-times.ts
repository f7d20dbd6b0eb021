// When a daily EventBridge Scheduler cron (`cron(M H * * ? *)` in an IANA zone) fires next, DST included, and how
// an instant reads in a zone. Plain Intl: no time zone database of our own.

const DAILY_CRON = /^cron\((\d{1,2}) (\d{1,2}) \* \* \? \*\)$/;

/** The minute and hour of the daily form the stack writes, or undefined for any other expression. */
export function parseDailyCron(expression: string): { hour: number; minute: number } | undefined {
  const match = DAILY_CRON.exec(expression.trim());
  if (!match) return undefined;
  const minute = Number(match[1]);
  const hour = Number(match[2]);
  return minute <= 59 && hour <= 23 ? { hour, minute } : undefined;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** The zone's offset from UTC at an instant, in milliseconds (wall clock minus UTC, to the minute). */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(new Date(instant), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instants at which the wall clock of `timeZone` reads the given local time: none in a spring-forward gap, two in
 * a fall-back overlap, one otherwise. Offsets are taken half a day either side, which covers every real transition.
 */
function instantsOf(local: WallClock, timeZone: string): number[] {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offsets = new Set([offsetAt(asUtc - 43_200_000, timeZone), offsetAt(asUtc + 43_200_000, timeZone)]);
  return [...offsets]
    .map((offset) => asUtc - offset)
    .filter((instant) => {
      const w = wallClock(new Date(instant), timeZone);
      return (
        w.year === local.year &&
        w.month === local.month &&
        w.day === local.day &&
        w.hour === local.hour &&
        w.minute === local.minute
      );
    })
    .sort((a, b) => a - b);
}

/**
 * The next instant strictly after `after` at which a daily schedule at hour:minute in `timeZone` fires. As EventBridge
 * Scheduler does: a local time that does not exist (spring forward) is skipped that day, one that happens twice (fall
 * back) fires once, at its first occurrence.
 */
export function nextDailyFiring(time: { hour: number; minute: number }, timeZone: string, after: Date): Date {
  const start = wallClock(after, timeZone);
  for (let days = 0; days <= 3; days += 1) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + days));
    const [first] = instantsOf(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: time.hour,
        minute: time.minute,
      },
      timeZone,
    );
    if (first !== undefined && first > after.getTime()) return new Date(first);
  }
  throw new Error(`No firing of ${time.hour}:${time.minute} in ${timeZone} within 3 days of ${after.toISOString()}.`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-03-09 06:00 EDT" in the zone (its short name, or its offset where it has none). */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${name}`;
}

/** "2026-03-09 10:00 UTC". */
export function formatUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
