// The run summary (SPEC section 6): what the CLI prints with --json and what the Lambda returns.
import type { FailureClass } from './errors';
import type { DriftEvent } from './drift';
import type { FlaggedSnapshot, LeftOutWarning, StoredSnapshot } from './storage';

export type RunStatus = 'success' | 'partial' | 'error';

export interface FailedPlatform {
  profile: string;
  platform: string;
  reason: string;
  /** What kind of failure, for scripts and for the alert's advice (see FailureClass). */
  error_class: FailureClass;
  /** From the ledger: the first of the failed days since the last stored snapshot, and how many there were. */
  failing_since?: string;
  failed_days?: number;
}

/** What a run stored but wants a person to look at; each list is present only when it has entries. */
export interface RunFindings {
  anomalies?: FlaggedSnapshot[];
  drift?: DriftEvent[];
  left_out?: LeftOutWarning[];
}

export interface ProfileSummary {
  profile: string;
  status: RunStatus;
  platforms_tracked: number;
  total_followers: number;
  total_engagement: number;
  top_performer: string | null;
  failed: FailedPlatform[];
}

export interface RunSummary extends Omit<ProfileSummary, 'profile'>, RunFindings {
  date: string;
  /** Present when the run covered several profiles. */
  profiles?: ProfileSummary[];
}

export function summariseRun(
  date: string,
  profiles: readonly string[],
  stored: readonly StoredSnapshot[],
  failed: readonly FailedPlatform[],
  findings: RunFindings = {},
): RunSummary {
  const { status, ...totals } = summarise(stored, failed);
  const summary: RunSummary = { status, date, ...totals };
  for (const key of ['anomalies', 'drift', 'left_out'] as const) {
    if (findings[key] && findings[key]!.length > 0) (summary as unknown as Record<string, unknown>)[key] = findings[key];
  }
  if (profiles.length > 1) {
    summary.profiles = profiles.map((profile) => ({
      profile,
      ...summarise(
        stored.filter((s) => s.profile === profile),
        failed.filter((f) => f.profile === profile),
      ),
    }));
  }
  return summary;
}

function summarise(stored: readonly StoredSnapshot[], failed: readonly FailedPlatform[]): Omit<ProfileSummary, 'profile'> {
  const sum = (pick: (s: StoredSnapshot) => number | null) => stored.reduce((total, s) => total + (pick(s) ?? 0), 0);
  return {
    status: stored.length === 0 ? 'error' : failed.length > 0 ? 'partial' : 'success',
    platforms_tracked: stored.length,
    total_followers: sum((s) => s.metrics.followers_count),
    total_engagement: sum((s) => s.metrics.engagement_total),
    top_performer: topPerformer(stored),
    failed: [...failed],
  };
}

/** Highest engagement rate; ties go to the higher engagement total, then to the platform name. */
export function topPerformer(stored: readonly StoredSnapshot[]): string | null {
  const ranked = stored
    .filter((s) => s.engagement_rate !== null)
    .sort(
      (a, b) =>
        b.engagement_rate! - a.engagement_rate! ||
        (b.metrics.engagement_total ?? 0) - (a.metrics.engagement_total ?? 0) ||
        a.platform.localeCompare(b.platform),
    );
  return ranked[0]?.platform ?? null;
}
