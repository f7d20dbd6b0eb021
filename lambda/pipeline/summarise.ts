// The run summary: what the CLI prints with --json and what the Lambda returns. `status` is success (every platform
// stored), partial (some stored, some failed) or error (none stored); `top_performer` is the stored platform with the
// highest engagement rate (ties: higher engagement total, then name).
import type {
  FailedPlatform,
  PostsSummary,
  ProfileSummary,
  RunFindings,
  RunSummary,
  StoredSnapshot,
} from '../core/model';
import type { PostOutcome } from './posts';
import type { FinishedChunks } from '../storage/fanout';

export type { FailedPlatform, RunSummary };

/** The lists of things to look at a summary carries, each only when it has entries. */
export const FINDING_KEYS = ['anomalies', 'drift', 'left_out', 'not_computed', 'warnings', 'stale'] as const;

export function summariseRun(
  date: string,
  profiles: readonly string[],
  stored: readonly StoredSnapshot[],
  failed: readonly FailedPlatform[],
  findings: RunFindings = {},
  posts?: PostsSummary,
): RunSummary {
  const { status, ...totals } = summarise(stored, failed);
  const summary: RunSummary = { status, date, ...totals };
  if (posts) summary.posts = posts;
  for (const key of FINDING_KEYS) {
    if (findings[key] && findings[key]!.length > 0)
      (summary as unknown as Record<string, unknown>)[key] = findings[key];
  }
  if (profiles.length > 1) {
    // Grouped once: filtering the whole run per profile is quadratic, seconds at agency scale.
    const storedBy = groupByProfile(stored);
    const failedBy = groupByProfile(failed);
    summary.profiles = profiles.map((profile) => ({
      profile,
      ...summarise(storedBy.get(profile) ?? [], failedBy.get(profile) ?? []),
    }));
  }
  return summary;
}

function groupByProfile<T extends { profile: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.profile);
    if (group) group.push(item);
    else groups.set(item.profile, [item]);
  }
  return groups;
}

function summarise(
  stored: readonly StoredSnapshot[],
  failed: readonly FailedPlatform[],
): Omit<ProfileSummary, 'profile'> {
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

/** The history requests' line: posts stored, networks stored, and each network whose posts failed, with why. */
export function summarisePosts(outcomes: readonly PostOutcome[]): PostsSummary {
  const stored = outcomes.filter((o) => o.outcome === 'stored');
  return {
    stored: stored.reduce((total, o) => total + o.posts, 0),
    networks: stored.length,
    failed: outcomes
      .filter((o) => o.outcome === 'failed')
      .map((o) => ({
        profile: o.profile,
        platform: o.platform,
        reason: o.message ?? 'failed',
        error_class: o.error_class ?? 'platform_error',
      })),
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

/** The whole run's summary from its chunks: rows from the database, failures and findings from every chunk. */
export function assembleRun(finished: FinishedChunks): RunSummary {
  const { date, profiles, stored, chunks } = finished;
  return summariseRun(
    date,
    profiles,
    stored,
    chunks.flatMap((c) => c.failed),
    {
      anomalies: chunks.flatMap((c) => c.anomalies ?? []),
      drift: chunks.flatMap((c) => c.drift ?? []),
      left_out: chunks.flatMap((c) => c.left_out ?? []),
      not_computed: chunks.flatMap((c) => c.not_computed ?? []),
      warnings: chunks.flatMap((c) => c.warnings ?? []),
      stale: chunks.flatMap((c) => c.stale ?? []),
    },
    chunks.some((c) => c.posts)
      ? {
          stored: chunks.reduce((total, c) => total + (c.posts?.stored ?? 0), 0),
          networks: chunks.reduce((total, c) => total + (c.posts?.networks ?? 0), 0),
          failed: chunks.flatMap((c) => c.posts?.failed ?? []),
        }
      : undefined,
  );
}
