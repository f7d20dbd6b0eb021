// lib/constructs/dead-letter-queue.ts: the queue every kind of failed work lands in.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DeadLetterQueue } from '../../../../lib/constructs/dead-letter-queue';
import { bareStack, resourcesOf } from '../../../support/synth';

describe('DeadLetterQueue', () => {
  it('keeps messages 14 days, encrypted, TLS-only, and acknowledges that it has no dead-letter queue itself', () => {
    const stack = bareStack();
    new DeadLetterQueue(stack, 'Failed');
    const template = Template.fromStack(stack);
    const [queue] = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    expect(queue.Metadata?.cdk_nag.rules_to_suppress.map((rule: { id: string }) => rule.id)).toEqual([
      'AwsSolutions-SQS3',
    ]);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });
});
