// lib/constructs/fan-out.ts: the chunk queue, its dead-letter queue and the event source that feeds the collector.
import { Duration, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanOut } from '../../../../lib/constructs/fan-out';
import { bareStack, logicalIdIn, resourcesOf, synthesize, type Resources } from '../../../support/synth';

let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);

beforeAll(() => {
  resources = resourcesOf(synthesize({ alertEmail: 'ops@example.com' }).template);
});

describe('fan-out', () => {
  it('feeds chunk messages to the collector one at a time, a bounded number at once, with per-message failures', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0].Properties).toMatchObject({
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorChunks/), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', /CollectorCollect/) },
    });
  });

  it('keeps a chunk invisible for six function timeouts and moves it to a dead-letter queue after three tries', () => {
    expect(resources[logicalId('AWS::SQS::Queue', /CollectorChunks/)].Properties).toMatchObject({
      VisibilityTimeout: 1800,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        maxReceiveCount: 3,
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorFailedChunks/), 'Arn'] },
      },
    });
  });

  it('follows -c fanOutAbove, fanOutChunk, fanOutConcurrency and concurrency', () => {
    const context = { fanOutAbove: '500', fanOutChunk: '100', fanOutConcurrency: '4', concurrency: '10' };
    const template = resourcesOf(synthesize(context).template);
    const collect = Object.values(template).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.collect',
    )!;
    expect(collect.Properties.Environment.Variables).toMatchObject({
      TRACKER_FANOUT_ABOVE: '500',
      TRACKER_FANOUT_CHUNK: '100',
      TRACKER_CONCURRENCY: '10',
    });
    expect(
      Object.values(template).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!.Properties.ScalingConfig,
    ).toEqual({
      MaximumConcurrency: 4,
    });
  });
});

describe('FanOut on its own', () => {
  const consumerIn = (stack: Stack, timeout: Duration) =>
    new lambda.Function(stack, 'Consumer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      timeout,
    });

  it('runs two chunks at a time unless told, gives the consumer its queue and sizes visibility from its timeout', () => {
    const stack = bareStack();
    const fanOut = new FanOut(stack, 'Work', { consumer: consumerIn(stack, Duration.minutes(1)) });
    const queueId = stack.getLogicalId(fanOut.node.defaultChild as sqs.CfnQueue);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          // When to fan out and the chunk size are the collector's settings (its environment, from the registry).
          FANOUT_QUEUE_URL: { Ref: queueId },
        },
      },
    });
    // Six times the consumer's one-minute timeout.
    expect(resourcesOf(template)[queueId].Properties.VisibilityTimeout).toBe(360);
  });

  it('creates its dead-letter queue next to itself as `Failed<id>`, holding failed chunks for 14 days', () => {
    const stack = bareStack();
    const fanOut = new FanOut(stack, 'Work', { consumer: consumerIn(stack, Duration.seconds(10)), concurrency: 7 });
    expect(stack.node.tryFindChild('FailedWork')).toBe(fanOut.failedChunks);
    const resources = resourcesOf(Template.fromStack(stack));
    const dlq = resources[logicalIdIn(resources, 'AWS::SQS::Queue', /^FailedWork/)];
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(resources[logicalIdIn(resources, 'AWS::SQS::Queue', /^Work/)].Properties.RedrivePolicy).toEqual({
      maxReceiveCount: 3,
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdIn(resources, 'AWS::SQS::Queue', /^FailedWork/), 'Arn'] },
    });
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!;
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 7 });
  });
});
