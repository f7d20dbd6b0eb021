// Plain-language alert text for partial and failed runs: the date, each profile, each failed platform and why.
import type { RunSummary } from './summary';

export interface Alert {
  /** SNS email subject: at most 100 characters. */
  subject: string;
  message: string;
}

export function alertForSummary(summary: RunSummary): Alert | undefined {
  if (summary.status === 'success') return undefined;
  const failedCount = summary.failed.length;
  const total = summary.platforms_tracked + failedCount;
  const subject =
    summary.status === 'error'
      ? `Ayrshare tracker: nothing stored for ${summary.date}`
      : `Ayrshare tracker: ${failedCount} of ${total} platform(s) failed on ${summary.date}`;
  const byProfile = new Map<string, string[]>();
  for (const failure of summary.failed) {
    byProfile.set(failure.profile, [...(byProfile.get(failure.profile) ?? []), `  - ${failure.platform}: ${failure.reason}`]);
  }
  const lines = [
    summary.status === 'error'
      ? `The daily Ayrshare collection for ${summary.date} stored nothing.`
      : `The daily Ayrshare collection for ${summary.date} stored ${summary.platforms_tracked} platform(s); ${failedCount} failed.`,
    '',
    ...[...byProfile.entries()].flatMap(([profile, failures]) => [`Profile "${profile}":`, ...failures, '']),
    'What to do: a platform that is "not in the response" or whose token expired needs re-linking in the Ayrshare',
    'dashboard. Other failures usually clear on the next daily run; the function logs hold the details.',
  ];
  return { subject: subject.slice(0, 100), message: lines.join('\n') };
}

export function alertForFailure(date: string, reason: string): Alert {
  return {
    subject: `Ayrshare tracker: the run for ${date} failed`.slice(0, 100),
    message: [
      `The daily Ayrshare collection for ${date} failed before storing anything:`,
      '',
      `  ${reason}`,
      '',
      'Nothing was written for this date. Fix the cause named above; Lambda retries the run once, and the next',
      'daily run collects again. You can also start a run by hand (see README, "Run a collection now").',
    ].join('\n'),
  };
}
