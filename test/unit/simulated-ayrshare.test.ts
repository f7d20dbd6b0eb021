import { parseSocialAnalytics } from '../../lambda/parse-response';
import { PLATFORMS } from '../../lambda/platforms';
import { simulatedAnswer, simulatedFailure } from '../../local/simulated-ayrshare';
import { addDays } from '../../lambda/dates';

describe('the demo’s simulated Ayrshare', () => {
  it('answers the same numbers for the same day, and different ones for another day', () => {
    expect(simulatedAnswer(PLATFORMS, '2026-05-01')).toEqual(simulatedAnswer(PLATFORMS, '2026-05-01'));
    expect(simulatedAnswer(PLATFORMS, '2026-05-02')).not.toEqual(simulatedAnswer(PLATFORMS, '2026-05-01'));
  });

  it('answers in the shape the parser accepts, YouTube counts as strings included', () => {
    const answer = simulatedAnswer(PLATFORMS, '2026-05-01');
    const results = parseSocialAnalytics(answer, PLATFORMS);
    const failing = results.filter((r) => !r.ok).map((r) => r.platform);
    expect(failing).toEqual(simulatedFailure('threads', '2026-05-01') ? ['threads'] : []);
    expect(typeof (answer.youtube as { analytics: Record<string, unknown> }).analytics.subscriberCount).toBe('string');
  });

  it('fails Threads on some days of every 30-day window, and never another platform', () => {
    const days = Array.from({ length: 30 }, (_, i) => addDays('2026-01-01', i));
    const failures = days.flatMap((day) => PLATFORMS.filter((p) => simulatedFailure(p, day)).map((p) => `${p}@${day}`));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((f) => f.startsWith('threads@'))).toBe(true);
  });

  it('grows followers over a month', () => {
    const followers = (day: string) => (simulatedAnswer(['twitter'], day).twitter as { analytics: { followersCount: number } }).analytics.followersCount;
    expect(followers('2026-02-01')).toBeGreaterThan(followers('2026-01-01'));
  });
});
