// The weekly digest: once a week, a short plain-text summary to the alert topic: growth per platform, the best
// performer, and every day a configured platform has no snapshot for. Sent once per week, however often the run repeats.
import type { ProfileReport, ReportData } from '../core/contracts';
import { addDays, weekdayOf, windowDates, type Weekday } from '../core/dates';
import type { Alert } from './alert';

export interface DigestPlan {
  /** The last day the digest covers: the day before the run's date. */
  weekEnding: string;
  weekStarting: string;
}

/** On the configured weekday, the digest covers the 7 days before the run's date (a Monday run covers Mon-Sun). */
export function digestPlanFor(runDate: string, day: Weekday | 'off'): DigestPlan | undefined {
  if (day === 'off') return undefined;
  if (weekdayOf(runDate) !== day) return undefined;
  return { weekEnding: addDays(runDate, -1), weekStarting: addDays(runDate, -7) };
}

export interface DigestExpectations {
  profiles: string[];
  platforms: string[];
}

const signed = (n: number | null) => (n === null ? 'n/a' : `${n > 0 ? '+' : ''}${n.toLocaleString('en-US')}`);

/**
 * The digest text for the week ending on `plan.weekEnding`, from that week's report (7 days as of weekEnding);
 * `expected` says which days should have had a snapshot.
 */
export function weeklyDigestText(plan: DigestPlan, report: ReportData, expected: DigestExpectations): Alert {
  const dates = windowDates(report);
  const lines = [`Your social accounts from ${plan.weekStarting} to ${plan.weekEnding}.`, ''];
  const problems: string[] = [];
  for (const name of expected.profiles) {
    const profile: ProfileReport = report.profiles.find((p) => p.profile === name) ?? {
      profile: name,
      best_performer: null,
      platforms: [],
      weekly: [],
      daily: [],
      gaps: [],
      comparison: { previous_from: '', previous_to: '', rows: [] },
      top_posts: [],
      posts_missing: [],
    };
    lines.push(`Profile "${name}"`);
    const best = profile.best_performer;
    lines.push(
      best
        ? `  Best performer: ${best.platform}, ${best.avg_engagement_rate.toFixed(2)} % average engagement rate.`
        : '  Best performer: none (no platform reported an engagement rate).',
    );
    const width = Math.max(8, ...expected.platforms.map((p) => p.length));
    lines.push(`  ${'platform'.padEnd(width)}  ${'followers'.padStart(11)}  ${'this week'.padStart(10)}`);
    for (const platform of expected.platforms) {
      const summary = profile.platforms.find((p) => p.platform === platform);
      const followers = summary?.followers_count == null ? 'n/a' : summary.followers_count.toLocaleString('en-US');
      lines.push(
        `  ${platform.padEnd(width)}  ${followers.padStart(11)}  ${signed(summary?.follower_growth ?? null).padStart(10)}`,
      );
      const present = new Set(profile.daily.filter((d) => d.platform === platform).map((d) => d.date));
      const missing = dates.filter((d) => !present.has(d));
      if (missing.length === 0) continue;
      const why = [
        ...new Set(
          missing.map(
            (d) => profile.gaps.find((g) => g.date === d && g.platform === platform)?.reason ?? 'no run recorded',
          ),
        ),
      ].join('; ');
      problems.push(
        `  ${name} / ${platform}: no snapshot ${missing.length === 7 ? 'all week' : `on ${missing.join(', ')}`} (${why}).`,
      );
    }
    lines.push('');
  }
  if (problems.length > 0) lines.push('Missing this week, and why:', ...problems, '');
  else lines.push('Nothing failed this week: every platform was collected every day.', '');
  lines.push(
    'Growth is last minus first follower count of the week. The full report: `ayrshare-tracker report --remote --format html`.',
  );
  return {
    subject: `Ayrshare tracker: weekly digest, ${plan.weekStarting} to ${plan.weekEnding}`.slice(0, 100),
    message: lines.join('\n'),
  };
}
