// The run summary (SPEC section 6): what the CLI prints with --json and what the Lambda returns.
import type { FailureClass } from './errors';
import type { StoredSnapshot } from './storage';

export type RunStatus = 'success' | 'partial' | 'error';

export interface FailedPlatform {
  profile: string;
  platform: string;
  reason: string;
  /** What kind of failure, for scripts and for the alert's advice (see FailureClass). */
  error_class: FailureClass;
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

export interface RunSummary extends Omit<ProfileSummary, 'profile'> {
  date: string;
  /** Present when the run covered several profiles. */
  profiles?: ProfileSummary[];
}

export function summariseRun(date: string, profiles: readonly string[], stored: readonly StoredSnapshot[], failed: readonly FailedPlatform[]): RunSummary {
  const { status, ...totals } = summarise(stored, failed);
  const summary: RunSummary = { status, date, ...totals };
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
