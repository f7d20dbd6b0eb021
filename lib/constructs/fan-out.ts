// Fan-out: a scheduled run with many profiles sends them as chunks to this queue, and the same function consumes the
// chunks a few at a time. A chunk that fails three times goes to a dead-letter queue (which alarms).
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SETTINGS } from '../../lambda/core/settings';
import { DeadLetterQueue } from './dead-letter-queue';

/** How wide a run fans out (when it does, and the chunk size, are the consumer's settings: fanOutAbove, fanOutChunk). */
export interface FanOutSettings {
  /** Chunks collected at the same time: the event source's maximum concurrency (2 or more). @default 2 */
  readonly concurrency?: number;
}

export interface FanOutProps extends FanOutSettings {
  /** Sends the chunks (it gets the queue's URL and the settings in its environment) and consumes them. */
  readonly consumer: lambda.Function;
  /** When a failed chunk comes back: above the consumer's timeout. @default six times the consumer's timeout */
  readonly visibility?: Duration;
  /** Deliveries before a chunk goes to the dead-letter queue. @default 3 */
  readonly receives?: number;
}

/**
 * The chunk queue itself (encrypted, TLS-only, kept a day), its dead-letter queue `Failed<id>` created next to it,
 * and the event source that feeds the consumer one chunk per invocation with per-message failure reports.
 */
export class FanOut extends sqs.Queue {
  /** Chunks that failed three deliveries. */
  public readonly failedChunks: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    const failedChunks = new DeadLetterQueue(scope, `Failed${id}`);
    // Visibility: six times the consumer's timeout (AWS's advice for a Lambda event source) unless given; never at or
    // under the timeout, which Lambda refuses.
    const consumerTimeout = props.consumer.timeout ?? Duration.seconds(3);
    const visibility = props.visibility ?? Duration.seconds(consumerTimeout.toSeconds() * 6);
    if (visibility.toSeconds() <= consumerTimeout.toSeconds()) {
      throw new Error(`The chunk queue's visibility timeout must exceed the consumer's timeout.`);
    }
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: visibility,
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: failedChunks, maxReceiveCount: props.receives ?? 3 },
    });
    this.failedChunks = failedChunks;

    const consumer = props.consumer;
    this.grantSendMessages(consumer);
    consumer.addEnvironment('FANOUT_QUEUE_URL', this.queueUrl);
    consumer.addEventSource(
      new SqsEventSource(this, {
        batchSize: 1,
        maxConcurrency: props.concurrency ?? SETTINGS.fanOutConcurrency.default,
        reportBatchItemFailures: true,
      }),
    );
  }
}
