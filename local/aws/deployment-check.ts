// `ayrshare-tracker doctor --remote`: a read-only check of a deployed stack, one item per thing that must hold for the
// daily run to work and to be heard of (stack, secret, email, topic policy, schedule, alarms, last run). Each check
// runs on its own: an AWS error fails that check only, with the permission it needs. No secret value is ever read.
import {
  CloudFormationClient,
  paginateListStackResources,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, paginateDescribeAlarms, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  DescribeSecretCommand,
  paginateListSecretVersionIds,
  SecretsManagerClient,
  type SecretVersionsListEntry,
} from '@aws-sdk/client-secrets-manager';
import {
  GetTopicAttributesCommand,
  paginateListSubscriptionsByTopic,
  SNSClient,
  type Subscription,
} from '@aws-sdk/client-sns';
import { errorMessage } from '../../lambda/core/errors';
import type { FailureClass } from '../../lambda/core/model';
import { formatInZone, formatUtc, nextDailyFiring, parseDailyCron } from '../../lambda/core/schedule-times';
import { ADVICE } from '../../lambda/notify/alert';
import { collectorOf, describeStack as readStack, invokeCollector, outputsOf, REDEPLOY } from './function';

export type CheckId =
  'stack' | 'secret' | 'subscription' | 'topic-policy' | 'schedule' | 'alarms' | 'awake' | 'last-run';
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** What was found, one line each. */
  details: string[];
  /** What to do about a failure. */
  advice?: string;
}

export interface DeploymentClients {
  cloudFormation?: CloudFormationClient;
  secretsManager?: SecretsManagerClient;
  sns?: SNSClient;
  scheduler?: SchedulerClient;
  cloudWatch?: CloudWatchClient;
  lambda?: LambdaClient;
}

export interface DeploymentCheckOptions {
  stackName: string;
  region?: string;
  clients?: DeploymentClients;
  now?: () => Date;
  /**
   * Economy mode, read by the caller (local/aws/database-power): asleep, the last-run check is skipped (asking the
   * function would wake nothing and time out) and an `awake` check says so. @default - not in economy mode
   */
  power?: { awake: boolean; description: string };
}

/** Every IAM permission the checks use, for docs/DEPLOY.md and for advice. */
export const DOCTOR_PERMISSIONS = [
  'cloudformation:DescribeStacks',
  'cloudformation:ListStackResources',
  'secretsmanager:DescribeSecret',
  'secretsmanager:ListSecretVersionIds',
  'sns:ListSubscriptionsByTopic',
  'sns:GetTopicAttributes',
  'scheduler:GetSchedule',
  'cloudwatch:DescribeAlarms',
  'lambda:InvokeFunction',
  // Economy mode only (local/aws/database-power.ts reads them before the checks).
  'rds:DescribeDBInstances',
  'ec2:DescribeInstances',
] as const;
type Permission = (typeof DOCTOR_PERMISSIONS)[number];

const TITLES: Record<CheckId, string> = {
  stack: 'The stack is deployed and complete',
  secret: 'The Ayrshare secret holds your keys',
  subscription: 'The alert email subscription is confirmed',
  'topic-policy': 'CloudWatch alarms may publish to the alert topic',
  schedule: 'The daily schedule is enabled',
  alarms: 'No alarm is firing',
  awake: 'The database and the NAT instance are awake (economy mode)',
  'last-run': 'The last run succeeded',
};

const COMPLETE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);

/** An AWS call that failed, with the permission it needed. */
class AwsCallError extends Error {
  constructor(
    readonly permission: Permission,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

/** What one check found: it holds, or it does not and here is what to do. */
type Found = { status: 'pass'; details: string[] } | { status: 'fail'; details: string[]; advice: string };
const pass = (details: string[]): Found => ({ status: 'pass', details });
const fail = (details: string[], advice: string): Found => ({ status: 'fail', details, advice });

async function call<T>(permission: Permission, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const name = error && typeof error === 'object' && 'name' in error ? String(error.name) : 'Error';
    throw new AwsCallError(permission, name, errorMessage(error));
  }
}

const ACCESS_DENIED = /AccessDenied|Authorization|Unauthorized|Forbidden/i;

function adviceFor(error: AwsCallError): string {
  return ACCESS_DENIED.test(error.errorName) || ACCESS_DENIED.test(error.message)
    ? `Your AWS credentials need ${error.permission} on this stack's resources.`
    : `Check your AWS credentials and region (--region), then run doctor again; this check needs ${error.permission}.`;
}

export async function checkDeployment(options: DeploymentCheckOptions): Promise<Check[]> {
  const config = options.region ? { region: options.region } : {};
  const clients = options.clients ?? {};
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(config);
  const secretsManager = clients.secretsManager ?? new SecretsManagerClient(config);
  const sns = clients.sns ?? new SNSClient(config);
  const scheduler = clients.scheduler ?? new SchedulerClient(config);
  const cloudWatch = clients.cloudWatch ?? new CloudWatchClient(config);
  const lambda = clients.lambda ?? new LambdaClient(config);
  const now = options.now ?? (() => new Date());
  const { stackName } = options;

  let stack: Stack | undefined;
  const checks: Check[] = [
    await run('stack', async () => {
      const found = await describeStack(cloudFormation, stackName);
      stack = found.stack;
      return found;
    }),
  ];
  const rest: CheckId[] = ['secret', 'subscription', 'topic-policy', 'schedule', 'alarms', 'last-run'];
  if (!stack) {
    for (const id of rest)
      checks.push({ id, title: TITLES[id], status: 'skip', details: ['Not checked: it needs the stack (above).'] });
    return checks;
  }

  const outputs = outputsOf(stack);
  /** A check that needs some of the stack's outputs: it fails, saying which, when one is missing. */
  const using = (keys: string[], check: (...values: string[]) => Promise<Found>) => async (): Promise<Found> => {
    const missing = keys.find((key) => !outputs(key));
    return missing ? fail([`The stack has no ${missing} output.`], REDEPLOY) : check(...keys.map((k) => outputs(k)!));
  };
  const logsAdvice = () => {
    const group = outputs('CollectorLogGroupName');
    return group
      ? `The collector's log has the details: \`aws logs tail ${group} --since 1d\`.`
      : "The collector's log group (the CollectorLogGroupName output, after deploying this version) has the details.";
  };
  let resources: Promise<StackResourceSummary[]> | undefined;
  const stackResources = () => (resources ??= listStackResources(cloudFormation, stackName));

  checks.push(
    await run(
      'secret',
      using(['AyrshareSecretName'], (name) => checkSecret(secretsManager, name, stackResources)),
    ),
    await run(
      'subscription',
      using(['AlertTopicArn'], (topic) => checkSubscription(sns, topic)),
    ),
    await run(
      'topic-policy',
      using(['AlertTopicArn'], (topic) => checkTopicPolicy(sns, topic)),
    ),
    await run(
      'schedule',
      using(['ScheduleName', 'ScheduleGroupName'], (name, group) => checkSchedule(scheduler, name, group, now())),
    ),
    await run('alarms', () => checkAlarms(cloudWatch, stackResources, now(), logsAdvice)),
  );
  const power = options.power;
  if (power) {
    checks.push({
      id: 'awake',
      title: TITLES.awake,
      // Asleep is economy mode working as designed: not a failure, and nothing to check behind it.
      status: power.awake ? 'pass' : 'skip',
      details: [power.awake ? power.description : `Asleep: ${power.description}. Run doctor with --wake to wake it.`],
    });
  }
  if (power && !power.awake) {
    checks.push({
      id: 'last-run',
      title: TITLES['last-run'],
      status: 'skip',
      details: ['Not checked: the database sleeps (economy mode); add --wake to wake it and check.'],
    });
    return checks;
  }
  checks.push(
    await run(
      'last-run',
      using(['CollectorFunctionName'], () => checkLastRun(lambda, outputs, logsAdvice)),
    ),
  );
  return checks;
}

/** Runs one check: what it found, or the AWS call that failed and the permission it needed. */
async function run(id: CheckId, work: () => Promise<Found>): Promise<Check> {
  try {
    return { id, title: TITLES[id], ...(await work()) };
  } catch (error) {
    if (error instanceof AwsCallError)
      return {
        id,
        title: TITLES[id],
        status: 'fail',
        details: [`${error.permission.split(':')[1]} failed: ${error.message}`],
        advice: adviceFor(error),
      };
    return { id, title: TITLES[id], status: 'fail', details: [errorMessage(error)] };
  }
}

/** The stack check; a stack that exists but is not complete fails it, and the other checks still read its outputs. */
async function describeStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<Found & { stack?: Stack }> {
  let stack: Stack | undefined;
  try {
    stack = await call('cloudformation:DescribeStacks', () => readStack(cloudFormation, stackName));
  } catch (error) {
    // CloudFormation says "Stack with id X does not exist" (ValidationError) for a stack it does not know.
    if (!(error instanceof AwsCallError) || !/does not exist/i.test(error.message)) throw error;
  }
  if (!stack)
    return fail(
      [`No stack named ${stackName} in this account and region.`],
      'Deploy it (`npx cdk deploy -c alertEmail=you@example.com`), or name yours with --stack and its region with ' +
        '--region.',
    );
  const status = stack.StackStatus ?? 'UNKNOWN';
  const when = stack.LastUpdatedTime ?? stack.CreationTime;
  const details = [`${stackName}: ${status}${when ? ` (${when.toISOString()})` : ''}`];
  if (stack.StackStatusReason) details.push(`Reason: ${stack.StackStatusReason}`);
  if (COMPLETE.has(status)) return { ...pass(details), stack };
  return { ...fail(details, stackStatusAdvice(stackName, status)), stack };
}

function stackStatusAdvice(stackName: string, status: string): string {
  const events = `\`aws cloudformation describe-stack-events --stack-name ${stackName}\``;
  if (status.endsWith('_IN_PROGRESS'))
    return `CloudFormation is still working on the stack: wait until it finishes, then run doctor again.`;
  if (status === 'UPDATE_ROLLBACK_COMPLETE')
    return (
      `The last update failed and was rolled back: the previous version is still running. Find the failed ` +
      `resource with ${events}, fix it and deploy again (\`npx cdk deploy\`).`
    );
  if (status === 'UPDATE_ROLLBACK_FAILED')
    return (
      `The rollback of the last update failed. Find the resource with ${events}, fix it, then ` +
      `\`aws cloudformation continue-update-rollback --stack-name ${stackName}\` and deploy again.`
    );
  if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED')
    return (
      `The first deploy failed. Find why with ${events}, delete the stack ` +
      `(\`aws cloudformation delete-stack --stack-name ${stackName}\`) and deploy again (\`npx cdk deploy\`).`
    );
  if (status.startsWith('DELETE_')) return 'The stack is deleted or being deleted: deploy it again (`npx cdk deploy`).';
  return `Find what happened with ${events}, then deploy again (\`npx cdk deploy\`).`;
}

async function listStackResources(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<StackResourceSummary[]> {
  return call('cloudformation:ListStackResources', async () => {
    const all: StackResourceSummary[] = [];
    for await (const page of paginateListStackResources({ client: cloudFormation }, { StackName: stackName }))
      all.push(...(page.StackResourceSummaries ?? []));
    return all;
  });
}

/*
 * Whether the Ayrshare secret was filled, from metadata only (GetSecretValue is never called). The stack creates the
 * secret with a generated placeholder ({"apiKey":"","placeholder":"<8 chars>"}) as its first and only version;
 * `aws secretsmanager put-secret-value` adds a new version and moves AWSCURRENT to it. So: the secret is filled when
 * its AWSCURRENT version is newer than the oldest version it has (deprecated versions included). One version ever, or
 * AWSCURRENT still (or again) on the oldest version, means the placeholder is current. A secret the stack did not
 * create (`-c ayrshareSecretName=...`) may hold the keys in its first version, so it is not judged this way.
 */
async function checkSecret(
  secretsManager: SecretsManagerClient,
  secretName: string,
  stackResources: () => Promise<StackResourceSummary[]>,
): Promise<Found> {
  const secret = await call('secretsmanager:DescribeSecret', () =>
    secretsManager.send(new DescribeSecretCommand({ SecretId: secretName })),
  );
  if (secret.DeletedDate)
    return fail(
      [`${secretName} is scheduled for deletion (${secret.DeletedDate.toISOString()}).`],
      `Restore it: \`aws secretsmanager restore-secret --secret-id ${secretName}\`; until then every run fails.`,
    );
  const ownedByStack = await stackResources().then(
    (list) => list.some((r) => r.ResourceType === 'AWS::SecretsManager::Secret' && r.PhysicalResourceId === secret.ARN),
    // Without the list (its own check reports why), judge it as the stack's own secret, which it is by default.
    () => true,
  );
  if (!ownedByStack) return pass([`${secretName} was created outside the stack; its value is yours to check.`]);

  const versions = await call('secretsmanager:ListSecretVersionIds', async () => {
    const all: SecretVersionsListEntry[] = [];
    const request = { SecretId: secret.ARN ?? secretName, IncludeDeprecated: true };
    for await (const page of paginateListSecretVersionIds({ client: secretsManager }, request))
      all.push(...(page.Versions ?? []));
    return all;
  });
  const created = (v: SecretVersionsListEntry) => v.CreatedDate?.getTime() ?? 0;
  const oldest = versions.reduce<SecretVersionsListEntry | undefined>(
    (a, v) => (a === undefined || created(v) < created(a) ? v : a),
    undefined,
  );
  const current = versions.find((v) => v.VersionStages?.includes('AWSCURRENT'));
  const filled =
    versions.length > 1 &&
    current !== undefined &&
    current.VersionId !== oldest?.VersionId &&
    created(current) > created(oldest!);
  if (filled)
    return pass([
      `${secretName}: a value was put on ${current.CreatedDate?.toISOString() ?? 'an unknown date'} ` +
        `(${versions.length} versions; the value itself is not read).`,
    ]);
  return fail(
    [`${secretName} still holds the placeholder the stack created (${versions.length} version(s), none put since).`],
    `Put your Ayrshare keys into it with \`aws secretsmanager put-secret-value --secret-id ${secretName}\`, as ` +
      'docs/DEPLOY.md shows ("Put your Ayrshare keys into the secret": the keys stay out of your shell history). Until ' +
      'then every run fails with "apiKey is empty".',
  );
}

async function checkSubscription(sns: SNSClient, topicArn: string): Promise<Found> {
  const subscriptions = await call('sns:ListSubscriptionsByTopic', async () => {
    const all: Subscription[] = [];
    for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn }))
      all.push(...(page.Subscriptions ?? []));
    return all;
  });
  const emails = subscriptions.filter((s) => s.Protocol === 'email' || s.Protocol === 'email-json');
  if (emails.length === 0)
    return fail(
      [`No email subscription on ${topicArn}: alerts and alarms reach nobody.`],
      'Deploy again with your address: `npx cdk deploy -c alertEmail=you@example.com` (or set alertEmail in ' +
        'cdk.json), then confirm the email AWS sends.',
    );
  const confirmed = (s: Subscription) => s.SubscriptionArn?.startsWith('arn:') === true;
  const details = emails.map(
    (s) => `${s.Endpoint ?? '(no address)'}: ${confirmed(s) ? 'confirmed' : 'pending confirmation'}`,
  );
  const pending = emails.filter((s) => !confirmed(s));
  if (pending.length === 0) return pass(details);
  return fail(
    details,
    'Open the email "AWS Notification - Subscription Confirmation" from AWS Notifications and confirm (click the ' +
      'link). If it is lost or expired, ask for it again: ' +
      pending
        .map(
          (s) =>
            `\`aws sns subscribe --topic-arn ${topicArn} --protocol ${s.Protocol} ` +
            `--notification-endpoint ${s.Endpoint}\``,
        )
        .join(', ') +
      '.',
  );
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** IAM's wildcards (`*`, `?`) in a policy value. */
function matches(pattern: unknown, value: string, ignoreCase = false): boolean {
  if (typeof pattern !== 'string') return false;
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(value);
}

/** An Allow statement that lets the CloudWatch service publish to the topic (conditions aside). */
function allowsCloudWatch(statement: PolicyStatement, topicArn: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const principal = statement.Principal;
  const services =
    principal && typeof principal === 'object' ? asList((principal as { Service?: unknown }).Service) : [];
  return (
    services.includes('cloudwatch.amazonaws.com') &&
    asList(statement.Action).some((a) => matches(a, 'sns:Publish', true)) &&
    asList(statement.Resource).some((r) => matches(r, topicArn))
  );
}

async function checkTopicPolicy(sns: SNSClient, topicArn: string): Promise<Found> {
  const { Attributes } = await call('sns:GetTopicAttributes', () =>
    sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })),
  );
  let statements: PolicyStatement[] = [];
  try {
    statements = asList((JSON.parse(Attributes?.Policy ?? '{}') as { Statement?: unknown }).Statement).filter(
      (s): s is PolicyStatement => !!s && typeof s === 'object',
    );
  } catch {
    // An unreadable policy grants nothing we can see: the check fails below.
  }
  const allowing = statements.find((s) => allowsCloudWatch(s, topicArn));
  if (allowing)
    return pass([
      `Statement ${allowing.Sid ?? '(no Sid)'} allows cloudwatch.amazonaws.com to sns:Publish to the topic.`,
    ]);
  const present = statements.map((s) => `${s.Effect ?? '?'} ${s.Sid ?? '(no Sid)'}`).join(', ') || 'none';
  return fail(
    [`No statement of the topic policy allows cloudwatch.amazonaws.com to publish (statements: ${present}).`],
    'Redeploy this version of the stack (`npx cdk deploy`); until then no alarm can send email.',
  );
}

async function checkSchedule(scheduler: SchedulerClient, name: string, group: string, now: Date): Promise<Found> {
  const schedule = await call('scheduler:GetSchedule', () =>
    scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group })),
  );
  const expression = schedule.ScheduleExpression ?? '(no expression)';
  const timeZone = schedule.ScheduleExpressionTimezone ?? 'UTC';
  const details = [`${group}/${name}: ${schedule.State ?? 'UNKNOWN'}, ${expression} in ${timeZone}`];
  if (schedule.State !== 'ENABLED')
    return fail(
      [...details, 'It does not fire while disabled: no collection runs.'],
      `Enable it: EventBridge console, Scheduler, Schedules, group ${group}, ${name}, Enable. A later ` +
        '`npx cdk deploy` that changes the schedule enables it too.',
    );
  const daily = parseDailyCron(expression);
  if (daily) {
    const next = nextDailyFiring(daily, timeZone, now);
    details.push(`Next run: ${formatInZone(next, timeZone)} (${timeZone}), ${formatUtc(next)}`);
  }
  return pass(details);
}

const durationText = (ms: number): string => {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minute(s)`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hour(s)` : `${Math.round(hours / 24)} day(s)`;
};

/** The seconds an alarm evaluates: its own period, or its metric queries' longest one (metric math). */
function periodOf(alarm: MetricAlarm): number {
  if (alarm.Period) return alarm.Period;
  const periods = (alarm.Metrics ?? []).map((m) => m.MetricStat?.Period ?? m.Period ?? 0);
  return Math.max(60, ...periods);
}

async function checkAlarms(
  cloudWatch: CloudWatchClient,
  stackResources: () => Promise<StackResourceSummary[]>,
  now: Date,
  logsAdvice: () => string,
): Promise<Found> {
  const names = (await stackResources())
    .filter((r) => r.ResourceType === 'AWS::CloudWatch::Alarm' && r.PhysicalResourceId)
    .map((r) => r.PhysicalResourceId!);
  if (names.length === 0) return fail(['The stack has no CloudWatch alarm.'], REDEPLOY);
  const alarms = await call('cloudwatch:DescribeAlarms', async () => {
    const all: MetricAlarm[] = [];
    // DescribeAlarms takes at most 100 names per request.
    for (let i = 0; i < names.length; i += 100) {
      for await (const page of paginateDescribeAlarms({ client: cloudWatch }, { AlarmNames: names.slice(i, i + 100) }))
        all.push(...(page.MetricAlarms ?? []));
    }
    return all;
  });
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const alarm of alarms) {
    const state = alarm.StateValue ?? 'UNKNOWN';
    counts.set(state, (counts.get(state) ?? 0) + 1);
    // StateTransitionedTimestamp is when the state itself last changed; StateUpdatedTimestamp also moves with the
    // evaluation state, so it is the fallback only.
    const since = alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp;
    const age = since ? now.getTime() - since.getTime() : 0;
    if (state === 'ALARM') {
      problems.push(
        `${alarm.AlarmName}: ALARM${since ? ` for ${durationText(age)}` : ''}: ${alarm.StateReason ?? ''}`.trimEnd(),
        `  ${alarm.AlarmDescription ?? '(no description)'}`,
      );
    } else if (state === 'INSUFFICIENT_DATA') {
      // A new deployment's alarms start here and leave after one evaluation window; longer means no data arrives.
      const window = periodOf(alarm) * (alarm.EvaluationPeriods ?? 1) * 1000;
      if (age > window)
        problems.push(
          `${alarm.AlarmName}: INSUFFICIENT_DATA for ${durationText(age)}, longer than its ${durationText(window)} ` +
            `window: nothing it watches reports data.`,
          `  ${alarm.AlarmDescription ?? '(no description)'}`,
        );
    }
  }
  const found = new Set(alarms.map((a) => a.AlarmName));
  for (const name of names.filter((n) => !found.has(n))) problems.push(`${name}: in the stack but not in CloudWatch.`);
  const summary = `${alarms.length} alarm(s): ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`;
  if (problems.length === 0) return pass([summary]);
  return fail(
    [summary, ...problems],
    'Each alarm\'s description says what it watches; docs/OPERATIONS.md ("The CloudWatch alarms") says what to do. ' +
      logsAdvice(),
  );
}

const MAX_FAILURE_LINES = 10;

async function checkLastRun(
  lambda: LambdaClient,
  outputs: (key: string) => string | undefined,
  logsAdvice: () => string,
): Promise<Found> {
  const collector = collectorOf(outputs)!;
  const asked = await invokeCollector(lambda, collector, 'status', { action: 'status' });
  if (!asked.ok) {
    // Not being allowed to invoke is the permission's problem, as for every other call.
    if (asked.problem.kind === 'invoke')
      throw new AwsCallError(
        'lambda:InvokeFunction',
        'Error',
        asked.problem.message.replace(/^Could not invoke \S+: /, ''),
      );
    return fail(
      [asked.problem.message],
      asked.problem.kind === 'function-error' && asked.problem.hint !== REDEPLOY ? logsAdvice() : asked.problem.hint,
    );
  }
  const run = asked.answer.lastRun;
  const functionName = collector.functionName;
  if (!run)
    return fail(
      ['No run in the ledger yet.'],
      `Run one collection now: \`aws lambda invoke --function-name ${functionName} --cli-binary-format ` +
        `raw-in-base64-out --payload '{}' /dev/stdout\` (it prints the run summary).`,
    );
  const details = [
    `${run.snapshot_date}: ${run.outcome} (${run.trigger}, ${run.profiles.length} profile(s), ` +
      `finished ${run.finished_at})`,
  ];
  if (run.outcome === 'success') return pass(details);
  const failures = run.failures.map(
    (f) => `  ${f.profile}/${f.platform}: ${f.error_class ?? f.outcome}: ${f.message ?? '(no message)'}`,
  );
  details.push(...failures.slice(0, MAX_FAILURE_LINES));
  if (failures.length > MAX_FAILURE_LINES) details.push(`  ... and ${failures.length - MAX_FAILURE_LINES} more`);
  const classes = [...new Set(run.failures.map((f) => f.error_class))].filter(
    (c): c is FailureClass => c !== null && c in ADVICE,
  );
  return fail(
    details,
    [...classes.map((c) => `${c}: ${ADVICE[c]}`), `docs/OPERATIONS.md explains each class. ${logsAdvice()}`].join(' '),
  );
}
