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
  type RunRecord,
  type Snapshot,
  type StoredSnapshot,
} from '../core/model';
import { inTransaction } from '../storage/connection';
import { failureStreaks, recordRuns, type FailureStreak } from '../storage/ledger';
import {
  loadNeighbours,
  loadRecentAnalytics,
  lockWrites,
  recordDriftEvents,
  updateDerived,
  upsertSnapshots,
} from '../storage/snapshots';
import { deriveFromNeighbours, newLeftOutWarnings } from './derive';
import { detectDrift, DRIFT_WINDOW } from './drift';

export interface WriteRequest {
  date: string;
  snapshots: readonly Snapshot[];
  failed: readonly FailedPlatform[];
  runs: readonly RunRecord[];
  /** Share of the previous follower count beyond which a change is flagged (0.5 = 50 %). */
  anomalyThreshold: number;
  /** Drift texts quote Ayrshare's values: they pass the run's boundary. @default PLAIN_BOUNDARY */
  boundary?: Boundary;
}

export interface WriteResult {
  stored: StoredSnapshot[];
  /** Snapshots refused inside the transaction (an empty block over a non-empty history), with the reason. */
  rejected: FailedPlatform[];
  /** New drift events (already recorded ones are not repeated). */
  drift: DriftEvent[];
  warnings: LeftOutWarning[];
  anomalies: FlaggedSnapshot[];
  /** Per failed "profile\0platform": how long it has been failing, from the ledger. */
  streaks: Map<string, FailureStreak>;
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
    const failed = [...request.failed, ...rejected];
    await recordRuns(client, request, stored, failed);
    const streaks = await failureStreaks(client, failed, date);
    return { stored, rejected, drift, warnings, anomalies, streaks };
  });
}
