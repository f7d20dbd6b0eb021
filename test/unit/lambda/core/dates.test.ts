import { addDays, dateInTimeZone, isIsoDate } from '../../../../lambda/core/dates';

describe('snapshot dates', () => {
  it('is the date in the configured zone, not UTC', () => {
    // 03:30 UTC on 6 Jan is still 5 Jan in New York.
    expect(dateInTimeZone(new Date('2026-01-06T03:30:00Z'), 'America/New_York')).toBe('2026-01-05');
    expect(dateInTimeZone(new Date('2026-01-06T03:30:00Z'), 'Europe/Berlin')).toBe('2026-01-06');
  });

  it('stays on the right day across daylight-saving changes', () => {
    // 06:00 New York on the spring-forward day is 10:00 UTC; on the fall-back day 11:00 UTC.
    expect(dateInTimeZone(new Date('2026-03-08T10:00:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(dateInTimeZone(new Date('2026-11-01T11:00:00Z'), 'America/New_York')).toBe('2026-11-01');
  });

  it('validates and steps calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('26-1-5')).toBe(false);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
});
