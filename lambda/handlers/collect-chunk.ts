// Fan-out chunks from SQS: each chunk is collected like a small run; the chunk that finishes last assembles the whole
// run's summary and alerts once. A failed chunk is reported alone, so SQS retries just that message.
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { emitPlatformMetrics } from '../aws/observability';
import { readFunctionEnvironment, type FunctionEnvironment } from '../core/deployed-config';
import { errorMessage } from '../core/errors';
import type { RunSummary } from '../core/model';
import { chunkMessageSchema } from '../core/schemas';
import { collectAndStore } from '../pipeline/run';
import { assembleRun } from '../pipeline/summarise';
import { completeChunk } from '../storage/fanout';
import { settingsFor, type Runtime } from './runtime';

export async function handleChunks(event: SQSEvent, context: Context, runtime: Runtime): Promise<SQSBatchResponse> {
  const env = readFunctionEnvironment(process.env);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await collectChunk(record, env, context, runtime);
    } catch (error) {
      // SQS retries this message alone, then moves it to the fan-out dead-letter queue (which alarms).
      runtime.log.error('Chunk failed', { messageId: record.messageId, reason: errorMessage(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

async function collectChunk(
  record: SQSRecord,
  env: FunctionEnvironment,
  context: Context,
  runtime: Runtime,
): Promise<void> {
  const message = chunkMessageSchema.parse(JSON.parse(record.body));
  const ayrshare = await runtime.readAyrshareSecret(env);
  const wanted = new Set(message.profiles);
  const profiles = ayrshare.profiles.filter((p) => wanted.has(p.name));
  const gone = message.profiles.filter((name) => !profiles.some((p) => p.name === name));
  if (gone.length > 0)
    runtime.log.warn('Chunk names profiles the secret no longer lists; they are skipped', {
      runKey: message.runKey,
      profiles: gone,
    });
  await runtime.withDatabase(env, async (db) => {
    const result = await collectAndStore(settingsFor(env, ayrshare, profiles), message.date, {
      db,
      log: runtime.log,
      httpPolicy: runtime.httpPolicyFor(context.getRemainingTimeInMillis()),
      trigger: message.trigger,
      // SQS redelivers a chunk with the same message id: the ledger records the second attempt as a retry.
      invocationId: `${message.runKey}#${message.chunk}`,
    });
    emitPlatformMetrics(result.stored, result.summary.failed);
    runtime.log.info('Chunk collected', {
      runKey: message.runKey,
      chunk: message.chunk,
      of: message.chunks,
      status: result.summary.status,
    });
    const finished = await completeChunk(db, message, {
      ...result.summary,
      profiles_in_chunk: profiles.map((p) => p.name),
    } as RunSummary);
    if (finished)
      await runtime.finishRun(
        db,
        assembleRun(finished),
        env,
        ayrshare.profiles.map((p) => p.name),
      );
  });
}
