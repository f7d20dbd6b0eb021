// `doctor --remote`'s checks against recorded-shaped AWS answers: each of the seven checks passing and failing, the
// next run across DST, an AWS error failing one check only, and no secret value ever read.
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  AuthorizationErrorException,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { checkDeployment, type Check, type CheckId } from '../../../../local/aws/deployment-check';
import {
  ALARMS,
  alarm,
  answerAlarms,
  answerHealthy,
  CLOUDWATCH_STATEMENT,
  CONFIRMED_ARN,
  emailSubscription,
  FUNCTION_NAME,
  invokeAnswer,
  LOG_GROUP,
  OUTPUTS,
  SCHEDULE_GROUP,
  SCHEDULE_NAME,
  secretVersion,
  SECRET_ARN,
  SECRET_NAME,
  STACK,
  SUCCESSFUL_RUN,
  TLS_ONLY_STATEMENT,
  TOPIC_ARN,
  topicPolicy,
  UNFILLED_VERSIONS,
} from '../../../support/deployment';

const region = { region: 'us-east-1' };
const clients = {
  cloudFormation: new CloudFormationClient(region),
  secretsManager: new SecretsManagerClient(region),
  sns: new SNSClient(region),
  scheduler: new SchedulerClient(region),
  cloudWatch: new CloudWatchClient(region),
  lambda: new LambdaClient(region),
};
const stubs = {
  cloudFormation: mockClient(clients.cloudFormation),
  secretsManager: mockClient(clients.secretsManager),
  sns: mockClient(clients.sns),
  scheduler: mockClient(clients.scheduler),
  cloudWatch: mockClient(clients.cloudWatch),
  lambda: mockClient(clients.lambda),
};

/** Saturday 7 March 2026, 07:00 in New York (EST); daylight saving time starts the next night. */
const BEFORE_SPRING_FORWARD = new Date('2026-03-07T12:00:00Z');

beforeEach(() => answerHealthy(stubs));
afterEach(() => {
  // The secret's value is never read: only its metadata.
  expect(stubs.secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  for (const call of stubs.secretsManager.calls())
    expect(['DescribeSecretCommand', 'ListSecretVersionIdsCommand']).toContain(call.args[0].constructor.name);
});

const check = (now = BEFORE_SPRING_FORWARD) => checkDeployment({ stackName: STACK, clients, now: () => now });
const find = (checks: Check[], id: CheckId) => checks.find((c) => c.id === id)!;
const statuses = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));
const ALL_PASS = {
  stack: 'pass',
  secret: 'pass',
  subscription: 'pass',
  'topic-policy': 'pass',
  schedule: 'pass',
  alarms: 'pass',
  'last-run': 'pass',
};

describe('a healthy deployment', () => {
  it('passes all seven checks, in order, saying what each found', async () => {
    const checks = await check();
    expect(checks.map((c) => c.id)).toEqual([
      'stack',
      'secret',
      'subscription',
      'topic-policy',
      'schedule',
      'alarms',
      'last-run',
    ]);
    expect(statuses(checks)).toEqual(ALL_PASS);
    expect(find(checks, 'stack').details).toEqual([`${STACK}: UPDATE_COMPLETE (2026-03-04T09:30:00.000Z)`]);
    expect(find(checks, 'secret').details[0]).toMatch(/a value was put on 2026-03-01T14:20:45.000Z/);
    expect(find(checks, 'subscription').details).toEqual(['you@example.com: confirmed']);
    expect(find(checks, 'topic-policy').details[0]).toMatch(/AllowThisStackAlarms allows cloudwatch.amazonaws.com/);
    expect(find(checks, 'alarms').details).toEqual(['3 alarm(s): 3 OK']);
    expect(find(checks, 'last-run').details).toEqual([
      '2026-03-06: success (schedule, 1 profile(s), finished 2026-03-06T11:00:09.870Z)',
    ]);
    expect(checks.every((c) => c.advice === undefined)).toBe(true);
  });

  it('reads every resource by the names in the stack’s outputs, following pages, and asks the collector for status', async () => {
    await check();
    expect(stubs.secretsManager.commandCalls(DescribeSecretCommand)[0].args[0].input).toEqual({
      SecretId: SECRET_NAME,
    });
    expect(stubs.secretsManager.commandCalls(ListSecretVersionIdsCommand)[0].args[0].input).toMatchObject({
      SecretId: SECRET_ARN,
      IncludeDeprecated: true,
    });
    expect(stubs.scheduler.commandCalls(GetScheduleCommand)[0].args[0].input).toEqual({
      Name: SCHEDULE_NAME,
      GroupName: SCHEDULE_GROUP,
    });
    // Two pages of resources, listed once for both the secret and the alarms.
    expect(stubs.cloudFormation.commandCalls(ListStackResourcesCommand)).toHaveLength(2);
    const invoke = stubs.lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(invoke).toMatchObject({ FunctionName: FUNCTION_NAME, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(invoke.Payload as Uint8Array))).toEqual({ action: 'status' });
  });
});

describe('1. the stack', () => {
  it('fails when there is no such stack, and skips the others (they need its outputs)', async () => {
    stubs.cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error(`Stack with id ${STACK} does not exist`), { name: 'ValidationError' }));
    const checks = await check();
    expect(find(checks, 'stack')).toMatchObject({
      status: 'fail',
      details: [`No stack named ${STACK} in this account and region.`],
      advice: expect.stringContaining('npx cdk deploy'),
    });
    expect(checks.slice(1).map((c) => c.status)).toEqual(Array(6).fill('skip'));
    expect(stubs.sns.calls()).toHaveLength(0);
  });

  it('fails on UPDATE_ROLLBACK_COMPLETE with what to do, and still runs the others on its outputs', async () => {
    stubs.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: STACK,
          CreationTime: new Date('2026-03-01T14:00:00Z'),
          StackStatus: 'UPDATE_ROLLBACK_COMPLETE',
          StackStatusReason: 'The following resource(s) failed to update: [CollectorCollectFunction5D2E8A41].',
          Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    const checks = await check();
    expect(find(checks, 'stack')).toMatchObject({
      status: 'fail',
      details: [
        `${STACK}: UPDATE_ROLLBACK_COMPLETE (2026-03-01T14:00:00.000Z)`,
        'Reason: The following resource(s) failed to update: [CollectorCollectFunction5D2E8A41].',
      ],
      advice: expect.stringMatching(/rolled back.*describe-stack-events --stack-name AyrshareAnalyticsTracker/),
    });
    expect(statuses(checks)).toEqual({ ...ALL_PASS, stack: 'fail' });
  });

  it('fails the check whose output an older stack lacks, with the redeploy advice', async () => {
    const { ScheduleGroupName: _group, ...older } = OUTPUTS;
    stubs.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: STACK,
          CreationTime: new Date('2026-03-01T14:00:00Z'),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: Object.entries(older).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    const checks = await check();
    expect(find(checks, 'schedule')).toMatchObject({
      status: 'fail',
      details: ['The stack has no ScheduleGroupName output.'],
      advice: 'Deploy this version of the stack (`npx cdk deploy`).',
    });
    expect(statuses(checks)).toEqual({ ...ALL_PASS, schedule: 'fail' });
  });
});

describe('2. the Ayrshare secret, judged by its versions only', () => {
  it('fails while the placeholder the stack created is the only version', async () => {
    stubs.secretsManager
      .on(ListSecretVersionIdsCommand)
      .resolves({ ARN: SECRET_ARN, Name: SECRET_NAME, Versions: UNFILLED_VERSIONS });
    const secret = find(await check(), 'secret');
    expect(secret.status).toBe('fail');
    expect(secret.details[0]).toMatch(/still holds the placeholder the stack created \(1 version/);
    expect(secret.advice).toContain(`aws secretsmanager put-secret-value --secret-id ${SECRET_NAME}`);
  });

  it('fails when AWSCURRENT was moved back to the placeholder', async () => {
    stubs.secretsManager.on(ListSecretVersionIdsCommand).resolves({
      Versions: [
        secretVersion('9a7d5e21-keys', ['AWSPREVIOUS'], '2026-03-01T14:20:45Z'),
        secretVersion('3f1c0a2e-placeholder', ['AWSCURRENT'], '2026-03-01T14:02:11Z'),
      ],
    });
    expect(find(await check(), 'secret').status).toBe('fail');
  });

  it('passes on a secret the stack did not create (it may hold the keys from its first version)', async () => {
    stubs.cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: ALARMS.map((name) => ({
        PhysicalResourceId: name,
        ResourceType: 'AWS::CloudWatch::Alarm',
        LogicalResourceId: name,
        LastUpdatedTimestamp: new Date(),
        ResourceStatus: 'CREATE_COMPLETE',
      })),
    });
    stubs.secretsManager.on(ListSecretVersionIdsCommand).resolves({ Versions: UNFILLED_VERSIONS });
    const secret = find(await check(), 'secret');
    expect(secret).toMatchObject({
      status: 'pass',
      details: [`${SECRET_NAME} was created outside the stack; its value is yours to check.`],
    });
  });
});

describe('3. the email subscription', () => {
  it('fails while it is pending confirmation, saying to confirm the email', async () => {
    stubs.sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [emailSubscription('PendingConfirmation')] });
    const subscription = find(await check(), 'subscription');
    expect(subscription).toMatchObject({ status: 'fail', details: ['you@example.com: pending confirmation'] });
    expect(subscription.advice).toMatch(/open the email .* from AWS Notifications and confirm/i);
  });

  it('fails without any email subscription, naming the context key', async () => {
    stubs.sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        {
          SubscriptionArn: `${TOPIC_ARN}:0d1e2f3a`,
          Protocol: 'lambda',
          Endpoint: 'arn:aws:lambda:us-east-1:111111111111:function:x',
          TopicArn: TOPIC_ARN,
        },
      ],
    });
    const subscription = find(await check(), 'subscription');
    expect(subscription.status).toBe('fail');
    expect(subscription.advice).toContain('-c alertEmail=you@example.com');
  });

  it('finds a confirmed email subscription on a later page', async () => {
    stubs.sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN, NextToken: undefined })
      .resolves({ Subscriptions: [], NextToken: 'next' })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN, NextToken: 'next' })
      .resolves({ Subscriptions: [emailSubscription(CONFIRMED_ARN, 'ops@example.com')] });
    expect(find(await check(), 'subscription')).toMatchObject({
      status: 'pass',
      details: ['ops@example.com: confirmed'],
    });
  });
});

describe('4. the topic policy', () => {
  const withPolicy = (policy: string) =>
    stubs.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC_ARN, Policy: policy } });

  it('fails when the policy has only the TLS-only Deny', async () => {
    withPolicy(topicPolicy(TLS_ONLY_STATEMENT));
    const policy = find(await check(), 'topic-policy');
    expect(policy).toMatchObject({
      status: 'fail',
      details: [expect.stringContaining('statements: Deny AllowPublishThroughSSLOnly')],
      advice: 'Redeploy this version of the stack (`npx cdk deploy`); until then no alarm can send email.',
    });
  });

  it('fails when the Allow is for another service or another action', async () => {
    withPolicy(
      topicPolicy(
        TLS_ONLY_STATEMENT,
        { ...CLOUDWATCH_STATEMENT, Principal: { Service: 'events.amazonaws.com' } },
        { ...CLOUDWATCH_STATEMENT, Action: 'sns:Subscribe' },
      ),
    );
    expect(find(await check(), 'topic-policy').status).toBe('fail');
  });

  it('passes on sns:* to the service in a list, with the Deny beside it', async () => {
    withPolicy(
      topicPolicy(TLS_ONLY_STATEMENT, {
        ...CLOUDWATCH_STATEMENT,
        Sid: undefined,
        Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
        Action: ['sns:*'],
      }),
    );
    expect(find(await check(), 'topic-policy').status).toBe('pass');
  });
});

describe('5. the schedule', () => {
  it('gives the next run in the zone and in UTC across the spring-forward night', async () => {
    // At 07:00 EST on Saturday the next 06:00 is Sunday's, which is already EDT: 10:00 UTC, not 11:00.
    expect(find(await check(), 'schedule').details).toEqual([
      `${SCHEDULE_GROUP}/${SCHEDULE_NAME}: ENABLED, cron(0 6 * * ? *) in America/New_York`,
      'Next run: 2026-03-08 06:00 EDT (America/New_York), 2026-03-08 10:00 UTC',
    ]);
    // And back on 1 November: 06:00 EST is 11:00 UTC.
    expect(find(await check(new Date('2026-10-31T12:00:00Z')), 'schedule').details[1]).toBe(
      'Next run: 2026-11-01 06:00 EST (America/New_York), 2026-11-01 11:00 UTC',
    );
    // Before today's run: today's.
    expect(find(await check(new Date('2026-03-07T10:59:00Z')), 'schedule').details[1]).toBe(
      'Next run: 2026-03-07 06:00 EST (America/New_York), 2026-03-07 11:00 UTC',
    );
  });

  it('fails while DISABLED, with how to enable it', async () => {
    stubs.scheduler.on(GetScheduleCommand).resolves({
      Name: SCHEDULE_NAME,
      GroupName: SCHEDULE_GROUP,
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'DISABLED',
    });
    const schedule = find(await check(), 'schedule');
    expect(schedule.status).toBe('fail');
    expect(schedule.details[0]).toContain('DISABLED');
    expect(schedule.details.join('\n')).not.toContain('Next run');
    expect(schedule.advice).toMatch(/Enable/);
  });

  it('prints any other expression as it is, without a next time', async () => {
    stubs.scheduler.on(GetScheduleCommand).resolves({
      Name: SCHEDULE_NAME,
      GroupName: SCHEDULE_GROUP,
      ScheduleExpression: 'rate(1 day)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    expect(find(await check(), 'schedule')).toMatchObject({
      status: 'pass',
      details: [`${SCHEDULE_GROUP}/${SCHEDULE_NAME}: ENABLED, rate(1 day) in UTC`],
    });
  });
});

describe('6. the alarms', () => {
  it('fails on an alarm in ALARM, with its name, reason and description', async () => {
    answerAlarms(stubs.cloudWatch, [
      alarm(ALARMS[0], {
        StateValue: 'ALARM',
        StateReason:
          'Threshold Crossed: 1 datapoint [1.0 (07/03/26 11:00:00)] was greater than or equal to the threshold (1.0).',
        StateTransitionedTimestamp: new Date('2026-03-07T11:05:00Z'),
      }),
      alarm(ALARMS[1]),
      alarm(ALARMS[2]),
    ]);
    const alarms = find(await check(), 'alarms');
    expect(alarms.status).toBe('fail');
    expect(alarms.details).toEqual([
      '3 alarm(s): 1 ALARM, 2 OK',
      `${ALARMS[0]}: ALARM for 55 minute(s): Threshold Crossed: 1 datapoint [1.0 (07/03/26 11:00:00)] was greater ` +
        'than or equal to the threshold (1.0).',
      '  The collector function failed (see its log group).',
    ]);
    expect(alarms.advice).toContain(`aws logs tail ${LOG_GROUP} --since 1d`);
    expect(alarms.advice).not.toContain('/aws/lambda/');
  });

  it('fails on INSUFFICIENT_DATA for 3 days, not for 5 minutes (a new deployment’s alarms start there)', async () => {
    const insufficient = (name: string, since: Date) =>
      alarm(name, {
        StateValue: 'INSUFFICIENT_DATA',
        StateReason: 'Unchecked: Initial alarm creation',
        StateUpdatedTimestamp: since,
        StateTransitionedTimestamp: undefined,
        Period: 300,
        EvaluationPeriods: 2,
      });
    answerAlarms(stubs.cloudWatch, [
      insufficient(ALARMS[0], new Date(BEFORE_SPRING_FORWARD.getTime() - 5 * 60_000)),
      alarm(ALARMS[1]),
      alarm(ALARMS[2]),
    ]);
    expect(find(await check(), 'alarms')).toMatchObject({
      status: 'pass',
      details: ['3 alarm(s): 1 INSUFFICIENT_DATA, 2 OK'],
    });

    answerAlarms(stubs.cloudWatch, [
      insufficient(ALARMS[0], new Date(BEFORE_SPRING_FORWARD.getTime() - 3 * 86_400_000)),
      alarm(ALARMS[1]),
      alarm(ALARMS[2]),
    ]);
    const alarms = find(await check(), 'alarms');
    expect(alarms.status).toBe('fail');
    expect(alarms.details[1]).toBe(
      `${ALARMS[0]}: INSUFFICIENT_DATA for 3 day(s), longer than its 10 minute(s) window: nothing it watches ` +
        'reports data.',
    );
  });

  it('fails on an alarm of the stack that CloudWatch does not have', async () => {
    answerAlarms(stubs.cloudWatch, [alarm(ALARMS[0]), alarm(ALARMS[1])]);
    expect(find(await check(), 'alarms').details).toContain(`${ALARMS[2]}: in the stack but not in CloudWatch.`);
  });
});

describe('7. the last run, from the collector', () => {
  it('fails when nothing ran yet, with the command that runs it', async () => {
    stubs.lambda.on(InvokeCommand).resolves(invokeAnswer({ status: 'ayrshare-analytics-tracker', lastRun: null }));
    const lastRun = find(await check(), 'last-run');
    expect(lastRun).toMatchObject({ status: 'fail', details: ['No run in the ledger yet.'] });
    expect(lastRun.advice).toContain(`aws lambda invoke --function-name ${FUNCTION_NAME}`);
  });

  it('fails on a partial run, with each failed platform and what to do', async () => {
    stubs.lambda.on(InvokeCommand).resolves(
      invokeAnswer({
        status: 'ayrshare-analytics-tracker',
        lastRun: {
          ...SUCCESSFUL_RUN,
          outcome: 'partial',
          profiles: [{ ...SUCCESSFUL_RUN.profiles[0], outcome: 'partial' }],
          failures: [
            {
              profile: 'primary',
              platform: 'twitter',
              outcome: 'failed',
              error_class: 'x_credentials',
              message: 'X needs your X app API key and secret',
            },
          ],
        },
      }),
    );
    const lastRun = find(await check(), 'last-run');
    expect(lastRun.status).toBe('fail');
    expect(lastRun.details).toEqual([
      '2026-03-06: partial (schedule, 1 profile(s), finished 2026-03-06T11:00:09.870Z)',
      '  primary/twitter: x_credentials: X needs your X app API key and secret',
    ]);
    expect(lastRun.advice).toMatch(/^x_credentials: /);
    expect(lastRun.advice).toContain(`aws logs tail ${LOG_GROUP} --since 1d`);
  });

  it('says to redeploy when the deployed collector does not know the status request', async () => {
    stubs.lambda
      .on(InvokeCommand)
      .resolves(
        invokeAnswer(
          { errorType: 'TrackerError', errorMessage: 'Invalid event: action: Invalid input: expected "collect".' },
          'Unhandled',
        ),
      );
    expect(find(await check(), 'last-run')).toMatchObject({
      status: 'fail',
      advice: expect.stringContaining('Deploy this version of the stack'),
    });
  });
});

describe('an AWS error', () => {
  it('fails only its own check, with the message and the permission needed; the others still run', async () => {
    stubs.sns.on(GetTopicAttributesCommand).rejects(
      new AuthorizationErrorException({
        message:
          'User: arn:aws:iam::111111111111:user/ops is not authorized to perform: SNS:GetTopicAttributes on resource: ' +
          `${TOPIC_ARN} because no identity-based policy allows the SNS:GetTopicAttributes action`,
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const checks = await check();
    expect(statuses(checks)).toEqual({ ...ALL_PASS, 'topic-policy': 'fail' });
    expect(find(checks, 'topic-policy')).toMatchObject({
      details: [expect.stringMatching(/^GetTopicAttributes failed: User: .* is not authorized to perform/)],
      advice: "Your AWS credentials need sns:GetTopicAttributes on this stack's resources.",
    });
    expect(stubs.lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('on listing the stack’s resources fails the alarms check, and the secret is still judged', async () => {
    stubs.cloudFormation.on(ListStackResourcesCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudformation:ListStackResources'), {
        name: 'AccessDenied',
      }),
    );
    const checks = await check();
    expect(statuses(checks)).toEqual({ ...ALL_PASS, alarms: 'fail' });
    expect(find(checks, 'alarms').advice).toContain('cloudformation:ListStackResources');
  });
});
