// `ayrshare-tracker doctor --remote` through the CLI, as installed: the checklist it prints and its exit codes, with
// every AWS client mocked as a deployed stack answers.
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOCTOR_PERMISSIONS } from '../../../../local/aws/deployment-check';
import { PROJECT_ROOT } from '../../../../local/run-context';
import { runCliCaptured } from '../../../support/cli';
import {
  answerHealthy,
  mockDeploymentClients,
  emailSubscription,
  SCHEDULE_GROUP,
  SCHEDULE_NAME,
  STACK,
  TOPIC_ARN,
} from '../../../support/deployment';

const stubs = mockDeploymentClients();
const now = new Date('2026-03-07T12:00:00Z');
const doctor = (...args: string[]) => runCliCaptured(['doctor', ...args], {}, { now });

beforeEach(() => answerHealthy(stubs));
afterEach(() => expect(stubs.secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0));

describe('ayrshare-tracker doctor --remote', () => {
  it('prints the checklist and exits 0 when every check holds', async () => {
    const run = await doctor('--remote');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`Checking the deployed stack ${STACK} (read-only)...\n`);
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('['))).toEqual([
      '[ok]   The stack is deployed and complete',
      '[ok]   The Ayrshare secret holds your keys',
      '[ok]   The alert email subscription is confirmed',
      '[ok]   CloudWatch alarms may publish to the alert topic',
      '[ok]   The daily schedule is enabled',
      '[ok]   No alarm is firing',
      '[ok]   The last run succeeded',
    ]);
    expect(lines).toContain('       Next run: 2026-03-08 06:00 EDT (America/New_York), 2026-03-08 10:00 UTC');
    expect(run.stdout).not.toContain('what to do');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('All 7 checks hold.');
  });

  it('exits 1 when one check fails, printing what to do under it', async () => {
    stubs.sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN })
      .resolves({ Subscriptions: [emailSubscription('PendingConfirmation')] });
    const run = await doctor('--remote');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '[FAIL] The alert email subscription is confirmed\n' +
        '       you@example.com: pending confirmation\n' +
        '       what to do: Open the email "AWS Notification - Subscription Confirmation" from AWS Notifications and ' +
        'confirm',
    );
    expect(run.stdout).toContain('[ok]   The daily schedule is enabled');
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('1 of 7 checks do not hold.');
  });

  it('looks up the stack named by --stack in --region, and prints the checks as JSON with --json', async () => {
    stubs.cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Other' })
      .rejects(Object.assign(new Error('Stack with id Other does not exist'), { name: 'ValidationError' }));
    const run = await doctor('--remote', '--stack', 'Other', '--region', 'eu-west-1', '--json');
    expect(run.code).toBe(1);
    const [call] = stubs.cloudFormation.commandCalls(DescribeStacksCommand);
    expect(call.args[0].input).toEqual({ StackName: 'Other' });
    expect(await (call.thisValue as CloudFormationClient).config.region()).toBe('eu-west-1');
    const answer = run.json<{
      stack: string;
      healthy: boolean;
      checks: Array<{ status: string; details: string[] }>;
    }>();
    expect(answer.stack).toBe('Other');
    expect(answer.healthy).toBe(false);
    expect(answer.checks[0].details).toEqual(['No stack named Other in this account and region.']);
    expect(answer.checks.map((c) => c.status)).toEqual(['fail', 'skip', 'skip', 'skip', 'skip', 'skip', 'skip']);

    const healthy = (await doctor('--remote', '--json')).json<{
      healthy: boolean;
      checks: Array<{ details: string[] }>;
    }>();
    expect(healthy.healthy).toBe(true);
    expect(healthy.checks[4].details[0]).toBe(
      `${SCHEDULE_GROUP}/${SCHEDULE_NAME}: ENABLED, cron(0 6 * * ? *) in America/New_York`,
    );
  });

  it.each([
    [[], /doctor checks a deployed stack and needs --remote/],
    [['--stack', 'X'], /doctor checks a deployed stack and needs --remote/],
    [['--remote', '--stack', ' '], /--stack needs a value/],
    [['--remote', '--days', '3'], /unknown option '--days'/i],
  ])('exits 2 on %p, touching no AWS service', async (args, message) => {
    const run = await doctor(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(stubs.cloudFormation.calls()).toHaveLength(0);
  });

  it('is documented in docs/DEPLOY.md with every permission it uses', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'docs', 'DEPLOY.md'), 'utf8');
    expect(readme).toContain('npx ayrshare-tracker doctor --remote');
    for (const permission of DOCTOR_PERMISSIONS) expect(readme).toContain(`\`${permission}\``);
  });

  it('is listed in the help, and its own help names each of its flags', async () => {
    expect((await runCliCaptured(['help'], {})).stdout).toMatch(/^ {2}doctor \[options\] +check a deployed stack/m);
    const own = await runCliCaptured(['doctor', '--help'], {});
    expect(own.code).toBe(0);
    for (const flag of ['--json', '--remote', '--stack <name>', '--region <region>', '--wake'])
      expect(own.stdout).toMatch(new RegExp(`^ {2}${flag} `, 'm'));
  });
});
