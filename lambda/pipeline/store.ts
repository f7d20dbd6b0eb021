// Storing one date's run, in one transaction: the write lock, the neighbouring snapshots, what the rows derive from
// them, the upserts, the correction of the next later snapshots, metric drift, and the ledger of the attempt.
import type pg from 'pg';
import { PLAIN_BOUNDARY, type Boundary } from '../core/boundary';
import {
  keyOf,
  type DriftEvent,
  type FailedPlatform,
  type FlaggedSnapshot,
  type LeftOutWarning,
  type NewWarning,
  type NotComputed,
  type RunRecord,
  type StaleStreak,
  type Snapshot,
  type StoredSnapshot,
} from '../core/model';
import { inTransaction } from '../storage/connection';
import { failureStreaks, recordRuns, staleStreaks, type FailureStreak } from '../storage/ledger';
import { recordPostOutcomes, upsertPosts } from '../storage/posts';
import {
  loadNeighbours,
  loadRecentAnalytics,
  loadSeenWarningCodes,
  lockWrites,
  recordDriftEvents,
  updateDerived,
  upsertSnapshots,
} from '../storage/snapshots';
import { deriveFromNeighbours, newLeftOutWarnings, newNotComputed } from './derive';
import { detectDrift, DRIFT_WINDOW } from './drift';
import type { PostOutcome, PostSnapshot } from './posts';

export interface WriteRequest {
  date: string;
  snapshots: readonly Snapshot[];
  failed: readonly FailedPlatform[];
  runs: readonly RunRecord[];
  /** Share of the previous follower count beyond which a change is flagged (0.5 = 50 %). */
  anomalyThreshold: number;
  /** Drift texts quote Ayrshare's values: they pass the run's boundary. @default PLAIN_BOUNDARY */
  boundary?: Boundary;
  /** The networks' recent posts, and the outcome of each history request. */
  posts?: readonly PostSnapshot[];
  postOutcomes?: readonly PostOutcome[];
}

export interface WriteResult {
  stored: StoredSnapshot[];
  /** Snapshots refused inside the transaction (an empty block over a non-empty history), with the reason. */
  rejected: FailedPlatform[];
  /** New drift events (already recorded ones are not repeated). */
  drift: DriftEvent[];
  warnings: LeftOutWarning[];
  anomalies: FlaggedSnapshot[];
  /** Fields newly not computed by their network (said once). */
  notComputed: NotComputed[];
  /** Warning codes Ayrshare sent for the first time for that profile and platform. */
  newWarnings: NewWarning[];
  /** Platforms not refreshed for STALE_ALERT_DAYS snapshots or more in a row. */
  stale: StaleStreak[];
  /** Per failed "profile\0platform": how long it has been failing, from the ledger. */
  streaks: Map<string, FailureStreak>;
  /** The history requests' outcomes as recorded (posts the database refused are failed here). */
  postOutcomes: PostOutcome[];
}

/**
 * Writes one date's run. Re-running a day replaces its values and recomputes velocity against the previous date,
 * never against itself. Throws (and writes nothing) if any statement fails.
 */
export async function writeRun(client: pg.ClientBase, request: WriteRequest): Promise<WriteResult> {
  const { date } = request;
  if (request.snapshots.some((s) => s.date !== date))
    throw new Error('writeRun takes the snapshots of one date at a time');
  return inTransaction(client, async () => {
    await lockWrites(client);
    const keys = {
      profiles: request.snapshots.map((s) => s.profile),
      platforms: request.snapshots.map((s) => s.platform),
    };
    const previous = await loadNeighbours(client, keys, date, '<');
    // Read before this run's rows are written: a code is new when no stored snapshot of the key carries it.
    const seenCodes = await loadSeenWarningCodes(client, keys);
    const next = await loadNeighbours(client, keys, date, '>');
    const { stored, rejected, corrections, anomalies } = deriveFromNeighbours(
      request.snapshots,
      previous,
      next,
      date,
      request.anomalyThreshold,
    );
    if (stored.length > 0) await upsertSnapshots(client, date, stored);
    await updateDerived(client, corrections);

    let drift: DriftEvent[] = [];
    if (stored.length > 0) {
      const history = await loadRecentAnalytics(client, keys, date, DRIFT_WINDOW);
      const boundary = request.boundary ?? PLAIN_BOUNDARY;
      const events = stored
        .flatMap((s) =>
          detectDrift(
            s.profile,
            s.platform,
            (s.raw_data.analytics ?? {}) as Record<string, unknown>,
            history.get(keyOf(s.profile, s.platform)) ?? [],
          ),
        )
        .map((e) => ({ ...e, field: boundary.text(e.field, 100), detail: boundary.text(e.detail, 200) }));
      drift = await recordDriftEvents(client, date, events);
    }
    const warnings = newLeftOutWarnings(stored, previous, drift);
    const notComputed = newNotComputed(stored, previous);
    const newWarnings = stored.flatMap((s) => {
      const seen = seenCodes.get(keyOf(s.profile, s.platform)) ?? new Set<string>();
      const fresh = s.warnings.filter(
        (w, i, all) => !seen.has(String(w.code)) && all.findIndex((x) => x.code === w.code) === i,
      );
      return fresh.map((w) => ({ profile: s.profile, platform: s.platform, ...w }));
    });
    const failed = [...request.failed, ...rejected];
    const runIds = await recordRuns(client, request, stored, failed);
    const postOutcomes = await writePosts(client, request, runIds);
    const streaks = await failureStreaks(client, failed, date);
    const stale = await staleStreaks(
      client,
      stored.filter((s) => s.refreshed === false),
      date,
    );
    return { stored, rejected, drift, warnings, anomalies, streaks, notComputed, newWarnings, stale, postOutcomes };
  });
}

/**
 * The posts, inside a savepoint: posts the database refuses never cost the account snapshots. Their networks are then
 * recorded as failed, with the database's reason.
 */
async function writePosts(
  client: pg.ClientBase,
  request: WriteRequest,
  runIds: ReadonlyMap<string, number>,
): Promise<PostOutcome[]> {
  const { date, posts = [] } = request;
  let recorded = [...(request.postOutcomes ?? [])];
  if (posts.length > 0) {
    await client.query('SAVEPOINT posts');
    try {
      await upsertPosts(client, date, posts);
      await client.query('RELEASE SAVEPOINT posts');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT posts');
      const cause = (request.boundary ?? PLAIN_BOUNDARY).text((error as Error).message, 200);
      const reason = `the posts were not stored: the database refused them (${cause})`;
      recorded = recorded.map((o) =>
        o.outcome === 'stored' && o.posts > 0
          ? { ...o, outcome: 'failed', posts: 0, error_class: 'database', message: reason }
          : o,
      );
    }
  }
  await recordPostOutcomes(client, date, runIds, recorded);
  return recorded;
}
