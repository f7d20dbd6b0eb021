// Plain-language alert text for partial and failed runs: the date, each profile, each failed platform and why, and
// what to do about each kind of failure. No secret ever reaches this text: reasons are redacted where they are made.
import { daysBetween } from '../core/dates';
import type { FailureClass } from '../core/errors';
import type { FailedPlatform, RunSummary } from '../core/model';

export interface Alert {
  /** SNS email subject: at most 100 characters. */
  subject: string;
  message: string;
}

/** One line of advice per kind of failure; docs/OPERATIONS.md explains each at length. */
export const ADVICE: Record<FailureClass, string> = {
  auth:
    'Ayrshare refused the key: check the API key and Profile-Key (AYRSHARE_API_KEY / AYRSHARE_PROFILE_KEY locally, ' +
    'the Ayrshare secret when deployed) and that the profile is active. Nothing is collected until this is fixed.',
  request: 'Ayrshare refused the request itself: check the base URL (AYRSHARE_BASE_URL) and the platform list.',
  rate_limited:
    'Ayrshare rate-limited the profile (300 requests per 5 minutes). The tracker stopped retrying so the profile is ' +
    'not suspended; check that nothing else is using the key heavily. The next run tries again.',
  server:
    'Ayrshare failed or sent an unreadable answer, after retries. This usually clears by itself; ' +
    'the next run collects again.',
  network: 'Ayrshare could not be reached, after retries. This usually clears by itself; the next run collects again.',
  not_linked:
    'A platform missing from the answer is usually not linked: link it in the Ayrshare dashboard, ' +
    'or remove it from the platform list.',
  platform_error:
    'A network refused Ayrshare for that account (often an expired token): ' +
    're-link the account in the Ayrshare dashboard.',
  invalid_data:
    'Ayrshare sent figures the tracker will not store as they are (named above); the other platforms were not ' +
    'affected. If it repeats, see "Invalid data" in docs/OPERATIONS.md.',
  database: 'PostgreSQL failed and the whole run was rolled back: check that the database is up, then re-run the day.',
  time_budget:
    "The run's time budget ran out before every profile was asked (Ayrshare slow or rate limiting, or more " +
    'profiles than one run can ask in time): raise concurrency or lower fanOutAbove if it repeats. ' +
    'The next run tries again.',
  x_credentials:
    'X/Twitter needs your own X app credentials (API key and secret, from the X developer portal): set both ' +
    'AYRSHARE_X_API_KEY and AYRSHARE_X_API_SECRET locally, or both xApiKey and xApiSecret in the Ayrshare secret ' +
    'when deployed; or remove twitter from the platform list. The other platforms are not affected.',
  no_data:
    'Ayrshare answered that no platform returned data (code 187): check in the Ayrshare dashboard that the ' +
    'accounts are linked and that analytics are enabled for them. If the accounts are new, data may take a day ' +
    'to appear.',
};

const FOOTER = 'To collect today again once the cause is fixed, see "Re-run a day" in docs/OPERATIONS.md.';

const FINDING_ADVICE = {
  anomalies:
    'A flagged follower count is stored as Ayrshare sent it, marked in reports: check it on the network. A real ' +
    'change needs nothing; a wrong one is corrected by re-running the day once the network shows the right count.',
  drift:
    'Ayrshare changed what it sends for a platform: everything else was stored. A mapped field that is gone leaves ' +
    'its column empty until it returns (see "Drift" in docs/OPERATIONS.md); this is said once, not every day.',
  left_out: ADVICE.invalid_data,
  stale:
    'Ayrshare sent the same figures as before (its lastUpdated did not move): growth for those days is unknown, not ' +
    'zero, and is measured across them once fresh figures come. Check the account in Ayrshare if it lasts.',
};

/** "(failed 3 days in a row, since 2026-04-13)" from the ledger's streak, or nothing. */
export function describeStreak(
  failure: Pick<FailedPlatform, 'failing_since' | 'failed_days' | 'profile'>,
  date: string,
): string {
  if (failure.failed_days === undefined || failure.failing_since === undefined) return '';
  if (failure.failed_days <= 1) return ' (first failure)';
  const span = daysBetween(failure.failing_since, date) + 1;
  return failure.failed_days === span
    ? ` (failed ${failure.failed_days} days in a row, since ${failure.failing_since})`
    : ` (failed on ${failure.failed_days} of the ${span} days since ${failure.failing_since})`;
}

export function alertForSummary(summary: RunSummary): Alert | undefined {
  // Not computed and new warnings are told in the summary and logs; they need nobody, so they alert nobody.
  const findings =
    (summary.anomalies?.length ?? 0) +
    (summary.drift?.length ?? 0) +
    (summary.left_out?.length ?? 0) +
    (summary.stale?.length ?? 0);
  if (summary.status === 'success' && findings === 0) return undefined;
  const failedCount = summary.failed.length;
  const total = summary.platforms_tracked + failedCount;
  const subject =
    summary.status === 'error'
      ? `Ayrshare tracker: nothing stored for ${summary.date}`
      : summary.status === 'partial'
        ? `Ayrshare tracker: ${failedCount} of ${total} platform(s) failed on ${summary.date}`
        : `Ayrshare tracker: ${findings} thing(s) to check in the snapshot of ${summary.date}`;
  const byProfile = new Map<string, FailedPlatform[]>();
  for (const failure of summary.failed)
    byProfile.set(failure.profile, [...(byProfile.get(failure.profile) ?? []), failure]);
  const classes = [...new Set(summary.failed.map((f) => f.error_class))];
  const section = (title: string, lines: string[]) => (lines.length > 0 ? [title, ...lines, ''] : []);
  const lines = [
    summary.status === 'error'
      ? `The daily Ayrshare collection for ${summary.date} stored nothing.`
      : `The daily Ayrshare collection for ${summary.date} stored ${summary.platforms_tracked} platform(s)` +
        `${failedCount > 0 ? `; ${failedCount} failed` : ''}.`,
    '',
    ...[...byProfile.entries()].flatMap(([profile, failures]) => [
      ...describeProfile(profile, failures, summary.date),
      '',
    ]),
    ...section(
      'Follower counts to check (stored, and flagged in reports):',
      (summary.anomalies ?? []).map((a) => `  - ${a.profile} / ${a.platform}: ${a.note}`),
    ),
    ...section(
      'Changes in what Ayrshare sends (said once):',
      (summary.drift ?? []).map((d) => `  - ${d.profile} / ${d.platform}: ${d.detail}`),
    ),
    ...section(
      'Figures left out (the rest of the platform was stored):',
      (summary.left_out ?? []).map((w) => `  - ${w.profile} / ${w.platform}: ${w.reason}`),
    ),
    ...section(
      'Figures not refreshed by Ayrshare (stored; growth unknown for those days):',
      (summary.stale ?? []).map(
        (s) =>
          `  - ${s.profile} / ${s.platform}: not refreshed ${s.days} days in a row, since ${s.since}` +
          (s.last_updated ? ` (last updated ${s.last_updated})` : ''),
      ),
    ),
    'What to do:',
    ...classes.map((c) => `  * ${ADVICE[c]}`),
    ...(['anomalies', 'drift', 'left_out', 'stale'] as const)
      .filter((k) => (summary[k]?.length ?? 0) > 0)
      .map((k) => `  * ${FINDING_ADVICE[k]}`),
    '',
    FOOTER,
  ];
  return { subject: subject.slice(0, 100), message: lines.join('\n') };
}

/** A whole-request failure fails every platform with one reason: say it once. */
function describeProfile(profile: string, failures: FailedPlatform[], date: string): string[] {
  const reasons = new Set(failures.map((f) => f.reason));
  const streaks = new Set(failures.map((f) => describeStreak(f, date)));
  if (failures.length > 1 && reasons.size === 1) {
    return [
      `Profile "${profile}": all ${failures.length} platforms (${failures.map((f) => f.platform).join(', ')}) ` +
        `failed${streaks.size === 1 ? [...streaks][0] : ''}:`,
      `  ${failures[0].reason}`,
    ];
  }
  return [`Profile "${profile}":`, ...failures.map((f) => `  - ${f.platform}: ${f.reason}${describeStreak(f, date)}`)];
}

export function alertForFailure(date: string, reason: string): Alert {
  return {
    subject: `Ayrshare tracker: the run for ${date} failed`.slice(0, 100),
    message: [
      `The daily Ayrshare collection for ${date} failed before storing anything:`,
      '',
      `  ${reason}`,
      '',
      'Nothing was written for this date. Fix the cause named above; Lambda retries the run once within two hours,',
      'and the next daily run collects again.',
      '',
      FOOTER,
    ].join('\n'),
  };
}
