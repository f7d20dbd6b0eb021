// Fan-out state: a scheduled run with more profiles than one invocation should fetch is split into chunks sent
// through SQS; these statements record the run, each finished chunk, and let the chunk that finishes last (and only
// it) gather what the whole run's summary and alert are made of.
import type pg from 'pg';
import type { Metrics, RunSummary, RunTrigger, StoredSnapshot } from '../core/model';
import type { ChunkMessage } from '../core/schemas';
import { METRIC_COLUMNS } from '../metrics/platforms';
import { inTransaction } from './connection';

/** What a fanned-out run's summary is assembled from, once every chunk has finished. */
export interface FinishedChunks {
  date: string;
  profiles: string[];
  stored: StoredSnapshot[];
  chunks: RunSummary[];
}

/** Splits `items` into consecutive groups of `size`. */
export function chunkProfiles<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Records a fanned-out run (once: a retried dispatch finds it recorded) and returns one message per chunk. */
export async function recordFanoutRun(
  db: pg.ClientBase,
  run: { runKey: string; date: string; trigger: RunTrigger; profiles: string[]; chunkSize: number },
): Promise<ChunkMessage[]> {
  const groups = chunkProfiles(run.profiles, run.chunkSize);
  await db.query(
    `INSERT INTO fanout_runs (run_key, snapshot_date, chunks_total, profiles_total) VALUES ($1, $2::date, $3, $4)
     ON CONFLICT (run_key) DO NOTHING`,
    [run.runKey, run.date, groups.length, run.profiles.length],
  );
  return groups.map((profiles, chunk) => ({
    action: 'collect-chunk',
    runKey: run.runKey,
    date: run.date,
    trigger: run.trigger,
    chunk,
    chunks: groups.length,
    profiles,
  }));
}

const STORED_SQL = `
SELECT profile, platform, engagement_rate, ${METRIC_COLUMNS.join(', ')}
FROM social_media_analytics WHERE date = $1::date AND profile = ANY($2::text[])`;

/**
 * Records a finished chunk; when it is the last one of its run, and nobody assembled the run yet, returns what the
 * whole run's summary is assembled from (its rows and every chunk's summary). Otherwise undefined.
 */
export async function completeChunk(
  db: pg.ClientBase,
  message: ChunkMessage,
  chunkSummary: RunSummary,
): Promise<FinishedChunks | undefined> {
  return inTransaction(db, async () => {
    await db.query(
      `INSERT INTO fanout_chunks (run_key, chunk, summary) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (run_key, chunk) DO UPDATE SET summary = EXCLUDED.summary, finished_at = now()`,
      [message.runKey, message.chunk, JSON.stringify(chunkSummary)],
    );
    // Lock the run row: of two chunks finishing together, one assembles and the other sees it done.
    const { rows } = await db.query<{ chunks_total: number; completed_at: Date | null; done: number }>(
      `SELECT r.chunks_total, r.completed_at, (SELECT count(*)::int FROM fanout_chunks c WHERE c.run_key = r.run_key) AS done
       FROM fanout_runs r WHERE r.run_key = $1 FOR UPDATE`,
      [message.runKey],
    );
    const run = rows[0];
    if (!run || run.completed_at !== null || run.done < run.chunks_total) return undefined;
    await db.query(`UPDATE fanout_runs SET completed_at = now() WHERE run_key = $1`, [message.runKey]);
    const chunks = (
      await db.query<{ summary: RunSummary & { profiles_in_chunk?: string[] } }>(
        `SELECT summary FROM fanout_chunks WHERE run_key = $1 ORDER BY chunk`,
        [message.runKey],
      )
    ).rows.map((r) => r.summary);
    const profiles = chunks.flatMap((c) => c.profiles_in_chunk ?? []);
    const stored = (await db.query<Record<string, unknown>>(STORED_SQL, [message.date, profiles])).rows.map(
      (row) =>
        ({
          profile: row.profile,
          platform: row.platform,
          engagement_rate: row.engagement_rate,
          metrics: Object.fromEntries(METRIC_COLUMNS.map((c) => [c, row[c]])) as Metrics,
        }) as StoredSnapshot,
    );
    return { date: message.date, profiles, stored, chunks };
  });
}
