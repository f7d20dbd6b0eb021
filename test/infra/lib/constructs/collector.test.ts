// lib/constructs/collector.ts: the collect function's settings, retries and least-privilege role.
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Collector } from '../../../../lib/constructs/collector';
import { readTrackerConfig } from '../../../../lib/tracker-config';
import {
  bareStack,
  logicalIdIn,
  resourcesOf,
  synthesize,
  type Resources,
  type Synthesized,
  synthesizeDefaults,
} from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);
const collectIn = (template: Resources) =>
  Object.values(template).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.collect')!;
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('collector', () => {
  it('gives the functions ARNs and settings only: no secret value in any environment variable', () => {
    const variables = collectIn(resources).Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(
      [
        'ALERT_TOPIC_ARN',
        'AYRSHARE_SECRET_ARN',
        'DATABASE_SECRET_ARN',
        'NODE_EXTRA_CA_CERTS',
        'NODE_OPTIONS',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'READER_SECRET_ARN',
        'TRACKER_ANOMALY_THRESHOLD',
        'TRACKER_DIGEST_DAY',
        'TRACKER_PLATFORMS',
        'TRACKER_POSTS',
        'TRACKER_TIMEZONE',
        'FANOUT_QUEUE_URL',
        'TRACKER_CONCURRENCY',
        'TRACKER_FANOUT_ABOVE',
        'TRACKER_FANOUT_CHUNK',
      ].sort(),
    );
    expect(variables).toMatchObject({
      TRACKER_CONCURRENCY: '25',
      TRACKER_FANOUT_ABOVE: '200',
      TRACKER_FANOUT_CHUNK: '50',
      FANOUT_QUEUE_URL: { Ref: logicalId('AWS::SQS::Queue', /CollectorChunks/) },
    });
    expect(variables.TRACKER_ANOMALY_THRESHOLD).toBe('0.5');
    expect(variables.TRACKER_DIGEST_DAY).toBe('monday');
    expect(variables.AYRSHARE_SECRET_ARN).toEqual({ Ref: logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/) });
    expect(variables.TRACKER_TIMEZONE).toBe('America/New_York');
    expect(variables.TRACKER_PLATFORMS).toBe('facebook,instagram,linkedin,threads,tiktok,twitter,youtube');
  });

  it('turns the weekly digest off or moves it with -c weeklyDigest', () => {
    const variables = (context: Record<string, unknown>) =>
      collectIn(resourcesOf(synthesize(context).template)).Properties.Environment.Variables;
    expect(variables({ weeklyDigest: 'Friday' }).TRACKER_DIGEST_DAY).toBe('friday');
    expect(variables({ weeklyDigest: 'off' }).TRACKER_DIGEST_DAY).toBe('off');
  });

  it('passes the answer size cap only when -c maxAnswerMegabytes sets it, and refuses a cap out of range', () => {
    const variables = (context: Record<string, unknown>) =>
      collectIn(resourcesOf(synthesize(context).template)).Properties.Environment.Variables;
    expect(variables({ maxAnswerMegabytes: '2' }).TRACKER_MAX_ANSWER_MB).toBe('2');
    expect(collectIn(resources).Properties.Environment.Variables.TRACKER_MAX_ANSWER_MB).toBeUndefined();
    expect(() => synthesize({ maxAnswerMegabytes: '0' })).toThrow(
      /maxAnswerMegabytes must be a whole number of megabytes from 1 to 512/,
    );
  });

  it('retries a failed run once, drops runs older than two hours, and sends failures to a queue', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 7200,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CollectorFailedRuns'), 'Arn'] } },
      },
    });
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('lets collect read exactly its three secrets and publish to exactly its topic', () => {
    const role = resources[logicalId('AWS::Lambda::Function', /CollectorCollect/)].Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(
      byAction('secretsmanager:GetSecretValue')
        .map((s) => s.Resource)
        .sort(byJson),
    ).toEqual(
      [
        { Ref: logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/) },
        // Its own login (tracker_collector) and the read-only one for reads, never the owner's.
        { Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', /DatabaseCollectorSecret/) },
        { Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', /DatabaseReaderSecret/) },
      ].sort(byJson),
    );
    expect(byAction('sns:Publish').map((s) => s.Resource)).toEqual([
      { Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) },
    ]);
    // Everything the role may do, listed: the three secrets, the topic, its own on-failure queue, and the fan-out queue
    // (send chunks, and consume them through the event source mapping).
    expect(statements.map((s) => [s.Action].flat().sort().join(',')).sort()).toEqual([
      'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue',
      'sns:Publish',
      'sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ReceiveMessage',
      'sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage',
      'sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage',
    ]);
    const chunks = { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorChunks/), 'Arn'] };
    expect(byAction('sqs:ReceiveMessage').map((s) => s.Resource)).toEqual([chunks]);
    expect(byAction('sqs:SendMessage').map((s) => s.Resource)).toEqual(
      expect.arrayContaining([chunks, { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorFailedRuns/), 'Arn'] }]),
    );
  });
});

describe('the collector security group', () => {
  it('lets the functions out on HTTPS anywhere and on PostgreSQL to the database group only, nothing else', () => {
    const groupId = logicalId('AWS::EC2::SecurityGroup', /CollectorSecurityGroup/);
    const group = resources[groupId].Properties;
    const databaseGroup =
      resources[logicalId('AWS::RDS::DBInstance', /DatabaseInstance/)].Properties.VPCSecurityGroups[0]['Fn::GetAtt'][0];
    const standalone = Object.values(resources)
      .filter(
        (r) => r.Type === 'AWS::EC2::SecurityGroupEgress' && r.Properties.GroupId?.['Fn::GetAtt']?.[0] === groupId,
      )
      .map((r) => r.Properties);
    const egress = [...(group.SecurityGroupEgress ?? []), ...standalone];
    expect(egress).toHaveLength(2);
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
        expect.objectContaining({
          IpProtocol: 'tcp',
          DestinationSecurityGroupId: { 'Fn::GetAtt': [databaseGroup, 'GroupId'] },
          FromPort: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseInstance/), 'Endpoint.Port'] },
        }),
      ]),
    );
    // No "all traffic" rule anywhere (CDK writes one, 255.255.255.255/32 icmp, when a group may not go out at all).
    expect(egress.some((rule) => rule.IpProtocol === '-1')).toBe(false);
    expect(group.SecurityGroupIngress).toBeUndefined();
  });
});

describe('Collector on its own', () => {
  it('puts the default settings into the function environment, as the function reads them', () => {
    const stack = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const collector = new Collector(stack, 'Collector', {
      vpc,
      ayrshareSecret: new secretsmanager.Secret(stack, 'Ayrshare'),
      databaseSecret: new secretsmanager.Secret(stack, 'Database'),
      collectorSecret: new secretsmanager.Secret(stack, 'CollectorLogin'),
      readerSecret: new secretsmanager.Secret(stack, 'ReaderLogin'),
      alertTopic: new sns.Topic(stack, 'Topic'),
      settings: readTrackerConfig(() => undefined),
    });
    const variables = collectIn(resourcesOf(Template.fromStack(stack))).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      TRACKER_TIMEZONE: 'America/New_York',
      TRACKER_PLATFORMS: 'facebook,instagram,linkedin,threads,tiktok,twitter,youtube',
      TRACKER_DIGEST_DAY: 'monday',
      TRACKER_ANOMALY_THRESHOLD: '0.5',
      TRACKER_CONCURRENCY: '25',
      TRACKER_FANOUT_ABOVE: '200',
      TRACKER_FANOUT_CHUNK: '50',
    });
    // Both functions sit in the one security group the database admits.
    expect(collector.migration.connections.securityGroups).toEqual([collector.securityGroup]);
    expect(collector.collectFunction.connections.securityGroups).toEqual([collector.securityGroup]);
  });
});
