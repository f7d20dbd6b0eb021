// A deployed stack as AWS describes it (the answers' shapes as the APIs return them), for `doctor --remote`: healthy
// by default, each test breaking one part.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

export const STACK = 'AyrshareAnalyticsTracker';
export const ACCOUNT = '111111111111';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:${STACK}-AlertsTopicB6B7E6D4-Xq3cZbJt1xYk`;
export const SECRET_NAME = 'AyrshareSecret9C2F1E3A-kQ7vN2pL5xWr';
export const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${SECRET_NAME}-Ab12Cd`;
export const FUNCTION_NAME = `${STACK}-CollectorCollectFunction5D2E8A41-hT4mW9qR2sLx`;
export const LOG_GROUP = `${STACK}-CollectorLogGroup3F1A2B4C-mN8pQ2rS5tUv`;
export const SCHEDULE_NAME = `${STACK}-ScheduleDaily7E4C2A19-Lk3mN8pQ`;
export const SCHEDULE_GROUP = `${STACK}-ScheduleGroup1B2C3D4E-Zx9yW8vU`;
export const ALARMS = [
  `${STACK}-AlertsFunctionErrors4A1B2C3D-1QW2E3R4T5Y6U`,
  `${STACK}-AlertsSlowRun5B2C3D4E-7I8O9P0A1S2D`,
  `${STACK}-AlertsNoSuccessfulRun6C3D4E5F-3F4G5H6J7K8L`,
];

export const OUTPUTS = {
  CollectorFunctionName: FUNCTION_NAME,
  AyrshareSecretName: SECRET_NAME,
  DatabaseSecretName: 'DatabaseSecret3B817195-aB3cD4eF5gH6',
  DatabaseEndpoint: 'ayrshareanalyticstracker-database.c9akciq32.us-east-1.rds.amazonaws.com',
  AlertTopicArn: TOPIC_ARN,
  ScheduleName: SCHEDULE_NAME,
  ScheduleGroupName: SCHEDULE_GROUP,
  DashboardName: 'AyrshareTracker',
  CollectorLogGroupName: LOG_GROUP,
  MigrateLogGroupName: `${STACK}-MigrationLogGroup9A8B7C6D-qW2eR3tY4uI5`,
};

/** The statement enforceSSL writes: on its own it lets nobody publish. */
export const TLS_ONLY_STATEMENT = {
  Sid: 'AllowPublishThroughSSLOnly',
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Publish',
  Resource: TOPIC_ARN,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
export const CLOUDWATCH_STATEMENT = {
  Sid: 'AllowThisStackAlarms',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: TOPIC_ARN,
  Condition: {
    StringEquals: { 'aws:SourceAccount': ACCOUNT },
    ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*` },
  },
};
export const topicPolicy = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

export const emailSubscription = (subscriptionArn: string, endpoint = 'you@example.com') => ({
  SubscriptionArn: subscriptionArn,
  Owner: ACCOUNT,
  Protocol: 'email',
  Endpoint: endpoint,
  TopicArn: TOPIC_ARN,
});
export const CONFIRMED_ARN = `${TOPIC_ARN}:4b0f3c5e-9d8a-4e7b-a1f2-3c4d5e6f7a8b`;

export const secretVersion = (id: string, stages: string[], created: string) => ({
  VersionId: id,
  VersionStages: stages,
  CreatedDate: new Date(created),
  KmsKeyIds: ['DefaultEncryptionKey'],
});
/** The placeholder the stack created, as the only version. */
export const UNFILLED_VERSIONS = [secretVersion('3f1c0a2e-placeholder', ['AWSCURRENT'], '2026-03-01T14:02:11Z')];
/** After `put-secret-value`: the keys are AWSCURRENT, the placeholder AWSPREVIOUS. */
export const FILLED_VERSIONS = [
  secretVersion('9a7d5e21-keys', ['AWSCURRENT'], '2026-03-01T14:20:45Z'),
  secretVersion('3f1c0a2e-placeholder', ['AWSPREVIOUS'], '2026-03-01T14:02:11Z'),
];

export function alarm(name: string, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  const since = new Date('2026-03-05T10:00:00Z');
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`,
    AlarmDescription: 'The collector function failed (see its log group).',
    ActionsEnabled: true,
    AlarmActions: [TOPIC_ARN],
    StateValue: 'OK',
    StateReason:
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    StateUpdatedTimestamp: since,
    StateTransitionedTimestamp: since,
    MetricName: 'Errors',
    Namespace: 'AWS/Lambda',
    Statistic: 'Sum',
    Dimensions: [{ Name: 'FunctionName', Value: FUNCTION_NAME }],
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    ...overrides,
  };
}

export const alarmResource = (name: string, logicalId: string): StackResourceSummary => ({
  LogicalResourceId: logicalId,
  PhysicalResourceId: name,
  ResourceType: 'AWS::CloudWatch::Alarm',
  LastUpdatedTimestamp: new Date('2026-03-01T14:10:00Z'),
  ResourceStatus: 'CREATE_COMPLETE',
  DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
});

/** What the collector answers to {"action":"status"} after a good run. */
export const SUCCESSFUL_RUN = {
  snapshot_date: '2026-03-06',
  trigger: 'schedule',
  started_at: '2026-03-06T11:00:02.114Z',
  finished_at: '2026-03-06T11:00:09.870Z',
  outcome: 'success',
  profiles: [
    {
      profile: 'primary',
      outcome: 'success',
      started_at: '2026-03-06T11:00:02.114Z',
      finished_at: '2026-03-06T11:00:09.870Z',
    },
  ],
  failures: [],
};

export const invokeAnswer = (payload: unknown, functionError?: string) => ({
  StatusCode: 200,
  ExecutedVersion: '$LATEST',
  ...(functionError ? { FunctionError: functionError } : {}),
  Payload: new TextEncoder().encode(JSON.stringify(payload)) as never,
});

export interface DeploymentStubs {
  cloudFormation: AwsClientStub<CloudFormationClient>;
  secretsManager: AwsClientStub<SecretsManagerClient>;
  sns: AwsClientStub<SNSClient>;
  scheduler: AwsClientStub<SchedulerClient>;
  cloudWatch: AwsClientStub<CloudWatchClient>;
  lambda: AwsClientStub<LambdaClient>;
}

/** Every client `doctor --remote` uses, mocked (call once per test file). */
export function mockDeploymentClients(): DeploymentStubs {
  return {
    cloudFormation: mockClient(CloudFormationClient),
    secretsManager: mockClient(SecretsManagerClient),
    sns: mockClient(SNSClient),
    scheduler: mockClient(SchedulerClient),
    cloudWatch: mockClient(CloudWatchClient),
    lambda: mockClient(LambdaClient),
  };
}

/** Resets every stub and answers as a healthy deployment does. */
export function answerHealthy(stubs: DeploymentStubs): void {
  for (const stub of Object.values(stubs)) stub.reset();
  stubs.cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves({
    Stacks: [
      {
        StackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${STACK}/5c1e7a30-f7b1-11f0-9c1a-0e1f2a3b4c5d`,
        StackName: STACK,
        CreationTime: new Date('2026-03-01T14:00:00Z'),
        LastUpdatedTime: new Date('2026-03-04T09:30:00Z'),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  // Two pages: ListStackResources pages at 100; the alarms come on the second.
  stubs.cloudFormation
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: undefined })
    .resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'AyrshareSecret9C2F1E3A',
          PhysicalResourceId: SECRET_ARN,
          ResourceType: 'AWS::SecretsManager::Secret',
          LastUpdatedTimestamp: new Date('2026-03-01T14:02:11Z'),
          ResourceStatus: 'CREATE_COMPLETE',
        },
      ],
      NextToken: 'page-2',
    })
    .on(ListStackResourcesCommand, { StackName: STACK, NextToken: 'page-2' })
    .resolves({ StackResourceSummaries: ALARMS.map((name, i) => alarmResource(name, `Alarm${i}`)) });
  stubs.secretsManager.on(DescribeSecretCommand, { SecretId: SECRET_NAME }).resolves({
    ARN: SECRET_ARN,
    Name: SECRET_NAME,
    Description: 'ayrshare-tracker: Ayrshare keys as JSON',
    LastChangedDate: new Date('2026-03-01T14:20:45Z'),
    CreatedDate: new Date('2026-03-01T14:02:11Z'),
    VersionIdsToStages: { '9a7d5e21-keys': ['AWSCURRENT'], '3f1c0a2e-placeholder': ['AWSPREVIOUS'] },
  });
  stubs.secretsManager
    .on(ListSecretVersionIdsCommand, { SecretId: SECRET_ARN })
    .resolves({ ARN: SECRET_ARN, Name: SECRET_NAME, Versions: FILLED_VERSIONS });
  stubs.sns
    .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN })
    .resolves({ Subscriptions: [emailSubscription(CONFIRMED_ARN)] });
  stubs.sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC_ARN }).resolves({
    Attributes: {
      TopicArn: TOPIC_ARN,
      Owner: ACCOUNT,
      DisplayName: 'Ayrshare tracker alerts',
      SubscriptionsConfirmed: '1',
      SubscriptionsPending: '0',
      Policy: topicPolicy(TLS_ONLY_STATEMENT, CLOUDWATCH_STATEMENT),
    },
  });
  stubs.scheduler.on(GetScheduleCommand, { Name: SCHEDULE_NAME, GroupName: SCHEDULE_GROUP }).resolves({
    Arn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/${SCHEDULE_GROUP}/${SCHEDULE_NAME}`,
    Name: SCHEDULE_NAME,
    GroupName: SCHEDULE_GROUP,
    ScheduleExpression: 'cron(0 6 * * ? *)',
    ScheduleExpressionTimezone: 'America/New_York',
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    CreationDate: new Date('2026-03-01T14:05:00Z'),
    LastModificationDate: new Date('2026-03-01T14:05:00Z'),
  });
  answerAlarms(
    stubs.cloudWatch,
    ALARMS.map((name) => alarm(name)),
  );
  stubs.lambda
    .on(InvokeCommand)
    .resolves(invokeAnswer({ status: 'ayrshare-analytics-tracker', lastRun: SUCCESSFUL_RUN }));
}

/** DescribeAlarms as CloudWatch answers it: only the alarms asked for by name. */
export function answerAlarms(stub: AwsClientStub<CloudWatchClient>, alarms: MetricAlarm[]): void {
  stub.on(DescribeAlarmsCommand).callsFake(async (input: { AlarmNames?: string[] }) => ({
    MetricAlarms: alarms.filter((a) => input.AlarmNames?.includes(a.AlarmName!)),
    CompositeAlarms: [],
  }));
}
