// The fan-out queue (SQS): sends a run's chunk messages. The SQS module is loaded only when a run fans out, not on
// every cold start.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChunkMessage } from '../core/schemas';
import { chunkProfiles } from '../storage/fanout';

export type ChunkSender = (queueUrl: string, messages: readonly ChunkMessage[]) => Promise<void>;

/** Sends messages 10 per SendMessageBatch call; throws when SQS refuses any (the run fails, and alerts). */
export function createChunkSender(client?: SQSClient): ChunkSender {
  let sqs = client;
  return async (queueUrl, messages) => {
    const { SendMessageBatchCommand, SQSClient: Client } = await import('@aws-sdk/client-sqs');
    sqs ??= new Client({});
    for (const batch of chunkProfiles(messages, 10)) {
      const answer = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((m) => ({ Id: `chunk-${m.chunk}`, MessageBody: JSON.stringify(m) })),
        }),
      );
      if (answer.Failed && answer.Failed.length > 0) {
        throw new Error(
          `SQS refused ${answer.Failed.length} chunk message(s): ${answer.Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
        );
      }
    }
  };
}
