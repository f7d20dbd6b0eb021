// When a daily Scheduler cron fires next: DST gaps and overlaps as EventBridge Scheduler handles them.
import { formatInZone, nextDailyFiring, parseDailyCron } from '../../../../lambda/core/schedule-times';

const next = (hour: number, minute: number, timeZone: string, after: string) =>
  nextDailyFiring({ hour, minute }, timeZone, new Date(after)).toISOString();

describe('the next firing of a daily Scheduler cron', () => {
  it('reads only the daily form the stack writes', () => {
    expect(parseDailyCron('cron(0 6 * * ? *)')).toEqual({ hour: 6, minute: 0 });
    expect(parseDailyCron('cron(30 23 * * ? *)')).toEqual({ hour: 23, minute: 30 });
    expect(parseDailyCron('cron(0 6 ? * MON *)')).toBeUndefined();
    expect(parseDailyCron('cron(0 24 * * ? *)')).toBeUndefined();
    expect(parseDailyCron('rate(1 day)')).toBeUndefined();
  });

  it('keeps 06:00 local across both DST changes in New York', () => {
    expect(next(6, 0, 'America/New_York', '2026-03-07T12:00:00Z')).toBe('2026-03-08T10:00:00.000Z');
    expect(next(6, 0, 'America/New_York', '2026-03-08T10:00:00Z')).toBe('2026-03-09T10:00:00.000Z');
    expect(next(6, 0, 'America/New_York', '2026-10-31T12:00:00Z')).toBe('2026-11-01T11:00:00.000Z');
  });

  it('skips a time the spring-forward night does not have, and fires once in the fall-back hour', () => {
    expect(next(2, 30, 'America/New_York', '2026-03-07T12:00:00Z')).toBe('2026-03-09T06:30:00.000Z');
    expect(next(1, 30, 'America/New_York', '2026-10-31T12:00:00Z')).toBe('2026-11-01T05:30:00.000Z');
    expect(next(1, 30, 'America/New_York', '2026-11-01T05:30:00Z')).toBe('2026-11-02T06:30:00.000Z');
  });

  it('handles zones with half-hour offsets, and says the zone’s own name for the time', () => {
    expect(next(0, 0, 'Asia/Kolkata', '2026-10-03T00:00:00Z')).toBe('2026-10-03T18:30:00.000Z');
    expect(formatInZone(new Date('2026-03-08T10:00:00Z'), 'America/New_York')).toBe('2026-03-08 06:00 EDT');
    expect(formatInZone(new Date('2026-03-08T00:30:00Z'), 'UTC')).toBe('2026-03-08 00:30 UTC');
  });
});
