// Fan-out: when a scheduled run has more profiles than one invocation should fetch, the dispatcher splits them into
// chunks, one SQS message each; the collector consumes each chunk like a small run (same upserts, same ledger), and
// the chunk that completes the set assembles the run's summary from the database, once, for the alert.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import * as z from 'zod';
import { inTransaction } from './database';
import { isIsoDate } from './dates';
import type { Metrics } from './normalise';
import { METRIC_COLUMNS } from './platforms';
import type { RunTrigger, StoredSnapshot } from './storage';
import { summariseRun, type RunSummary } from './summary';

/**
 * Above this many profiles a scheduled run fans out. With the default concurrency of 25 and Ayrshare answers of a
 * few seconds, 200 profiles are 8 rounds: well inside the 120 s request budget, retries included.
 */
export const DEFAULT_FANOUT_ABOVE = 200;
/** Profiles per message: 2 rounds at the default concurrency, so a chunk has its whole budget for retries. */
export const DEFAULT_FANOUT_CHUNK = 50;

export const chunkMessageSchema = z.object({
  action: z.literal('collect-chunk'),
  runKey: z.string().min(1),
  date: z.string().refine(isIsoDate, 'must be YYYY-MM-DD'),
  trigger: z.enum(['schedule', 'manual', 'retry']),
  chunk: z.number().int().min(0),
  chunks: z.number().int().min(1),
  profiles: z.array(z.string().min(1)).min(1),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

export function chunkProfiles<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Records the run and sends one message per chunk (10 per SendMessageBatch call); returns the messages sent. */
export async function dispatchChunks(
  db: pg.ClientBase,
  sqs: SQSClient,
  queueUrl: string,
  run: { runKey: string; date: string; trigger: RunTrigger; profiles: string[]; chunkSize: number },
): Promise<ChunkMessage[]> {
  const groups = chunkProfiles(run.profiles, run.chunkSize);
  await db.query(
    `INSERT INTO fanout_runs (run_key, snapshot_date, chunks_total, profiles_total) VALUES ($1, $2::date, $3, $4) ON CONFLICT (run_key) DO NOTHING`,
    [run.runKey, run.date, groups.length, run.profiles.length],
  );
  const messages: ChunkMessage[] = groups.map((profiles, chunk) => ({ action: 'collect-chunk', runKey: run.runKey, date: run.date, trigger: run.trigger, chunk, chunks: groups.length, profiles }));
  const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
  for (const batch of chunkProfiles(messages, 10)) {
    const answer = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m) => ({ Id: `chunk-${m.chunk}`, MessageBody: JSON.stringify(m) })) }),
    );
    if (answer.Failed && answer.Failed.length > 0) {
      throw new Error(`SQS refused ${answer.Failed.length} chunk message(s): ${answer.Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
    }
  }
  return messages;
}

const STORED_SQL = `
SELECT profile, platform, engagement_rate, ${METRIC_COLUMNS.join(', ')}
FROM social_media_analytics WHERE date = $1::date AND profile = ANY($2::text[])`;

/**
 * Records a finished chunk; when it is the last one of its run, and nobody assembled the run yet, returns the whole
 * run's summary (rows from the database, failures and findings from every chunk's summary). Otherwise undefined.
 */
export async function completeChunk(db: pg.ClientBase, message: ChunkMessage, chunkSummary: RunSummary): Promise<RunSummary | undefined> {
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
    const chunks = (await db.query<{ summary: RunSummary & { profiles_in_chunk?: string[] } }>(`SELECT summary FROM fanout_chunks WHERE run_key = $1 ORDER BY chunk`, [message.runKey])).rows.map((r) => r.summary);
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
    return summariseRun(message.date, profiles, stored, chunks.flatMap((c) => c.failed), {
      anomalies: chunks.flatMap((c) => c.anomalies ?? []),
      drift: chunks.flatMap((c) => c.drift ?? []),
      left_out: chunks.flatMap((c) => c.left_out ?? []),
    });
  });
}
