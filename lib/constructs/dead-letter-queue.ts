// A queue that holds failed work for a person to look at: kept 14 days, encrypted, TLS-only. It has no dead-letter
// queue of its own, which cdk-nag asks of every queue: acknowledged here, once for every dead-letter queue.
import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { acknowledgeGuardRule } from '../nag-suppressions';

export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    NagSuppressions.addResourceSuppressions(this, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'These queues are themselves dead-letter queues (Scheduler DLQ, Lambda on-failure destination, ' +
          'fan-out chunk DLQ).',
      },
    ]);
    acknowledgeGuardRule(this, 'sqs_dlq_check', 'This queue is itself a dead-letter queue.');
  }
}
