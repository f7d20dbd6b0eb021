// The daily run (from the schedule, or invoked by hand with an optional `date`): collects every profile of the
// Ayrshare secret, or, above the fan-out threshold, sends them to SQS in chunks.
import type { Context } from 'aws-lambda';
import { emitPlatformMetrics } from '../aws/observability';
import { dateInTimeZone } from '../core/dates';
import { createBoundary, PLAIN_BOUNDARY } from '../core/boundary';
import type { RunSummary } from '../core/model';
import { secretsOf } from '../core/schemas';
import { collectAndStore } from '../pipeline/run';
import { recordFanoutRun } from '../storage/fanout';
import { recordMissedDays } from '../storage/ledger';
import type { CollectRequest, DispatchAnswer } from '../core/contracts';
import { CollectionFailedError, settingsFor, snapshotDate, type Runtime } from './runtime';

/** What a scheduled run that fanned out returns: the chunks went to SQS; the last one to finish alerts. */
/** A run sent out through the fan-out queue. */
export type DispatchSummary = DispatchAnswer;

export async function handleCollect(
  event: CollectRequest,
  context: Context,
  runtime: Runtime,
): Promise<RunSummary | DispatchSummary> {
  const env = await runtime.readEnvironment();
  let boundary = PLAIN_BOUNDARY;
  let date: string | undefined;
  try {
    const now = runtime.now();
    const runDate = (date = snapshotDate(event, env.timeZone, now));
    const ayrshare = await runtime.readAyrshareSecret(env);
    boundary = createBoundary(secretsOf(ayrshare));
    // Lambda keeps the request id when it retries an event: the ledger turns a repeated id into "retry".
    const trigger = event.scheduledTime ? 'schedule' : 'manual';
    const names = ayrshare.profiles.map((p) => p.name);
    // A scheduled run first records the days since the last one that no run reached the database for.
    const recordMissed = async (db: Parameters<typeof recordMissedDays>[0]) => {
      if (trigger !== 'schedule') return;
      const days = await recordMissedDays(db, { date: runDate, profiles: names, platforms: env.platforms, now });
      if (days.length > 0) runtime.log.warn('Recorded days that no run reached the database for', { days });
    };
    if (env.fanOut && names.length > env.fanOut.above) {
      const { queueUrl, chunk } = env.fanOut;
      const run = {
        runKey: `${runDate}/${context.awsRequestId}`,
        date: runDate,
        trigger,
        profiles: names,
        chunkSize: chunk,
      } as const;
      const messages = await runtime.withDatabase(env, async (db) => {
        await recordMissed(db);
        return recordFanoutRun(db, run);
      });
      await runtime.sendChunks(queueUrl, messages);
      runtime.log.info('Run fanned out', { date: runDate, profiles: names.length, chunks: messages.length });
      return { status: 'dispatched', date: runDate, profiles: names.length, chunks: messages.length };
    }
    const summary = await runtime.withDatabase(env, async (db) => {
      await recordMissed(db);
      const result = await collectAndStore(settingsFor(env, ayrshare, ayrshare.profiles), runDate, {
        db,
        log: runtime.log,
        httpPolicy: runtime.httpPolicyFor(context.getRemainingTimeInMillis()),
        today: dateInTimeZone(now, env.timeZone),
        trigger,
        invocationId: context.awsRequestId,
      });
      emitPlatformMetrics(result.stored, result.summary.failed);
      await runtime.finishRun(db, result.summary, env, names);
      return result.summary;
    });
    if (summary.status === 'error') throw new CollectionFailedError(summary);
    return summary;
  } catch (error) {
    return runtime.failRun(env, date, error, boundary);
  }
}
