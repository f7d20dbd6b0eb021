// `ayrshare-tracker doctor --remote`: checks a deployed stack read-only and prints a checklist, each failed item with
// what to do; exit code 0 when every check holds, 1 otherwise.
import { describeSleep, isAwake, readPowerState, wakeDeployment } from '../../lambda/aws/database-power';
import { checkDeployment, type Check } from '../../lambda/aws/deployment-check';
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { UsageError } from '../../lambda/core/errors';
import { checkedText, EXIT, parseFlags, progressWriter, type RunContext } from './context';

const MARKS: Record<Check['status'], string> = { pass: '[ok]  ', fail: '[FAIL]', skip: '[skip]' };

export async function doctorCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, {
    remote: { type: 'boolean' },
    stack: { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean' },
    wake: { type: 'boolean' },
  });
  if (!values.remote)
    throw new UsageError(
      'doctor checks a deployed stack and needs --remote.',
      'Run `ayrshare-tracker doctor --remote [--stack NAME] [--region REGION]` with AWS credentials of its account.',
    );
  const stackName = checkedText('--stack', values.stack as string | undefined) ?? DEFAULT_STACK_NAME;
  const region = checkedText('--region', values.region as string | undefined);
  const progress = progressWriter(context);
  // Economy mode: asleep is normal and said as such; --wake starts it first (the only thing doctor ever changes).
  let power = await readPowerState({ stackName, region }).catch(() => undefined);
  if (power && !isAwake(power) && values.wake) power = await wakeDeployment({ stackName, region, progress }, power);
  progress(`Checking the deployed stack ${stackName} (read-only)...`);
  const checks = await checkDeployment({
    stackName,
    region,
    now: context.now,
    ...(power?.economy ? { power: { awake: isAwake(power), description: describeSleep(power) } } : {}),
  });
  // Every check holds; an "asleep" economy deployment is healthy, its skipped checks waiting for its next window.
  const asleep = (c: Check) => power?.economy && c.status === 'skip' && (c.id === 'awake' || c.id === 'last-run');
  const healthy = checks.every((c) => c.status === 'pass' || asleep(c));
  context.stdout.write(
    values.json ? `${JSON.stringify({ stack: stackName, healthy, checks })}\n` : describeChecks(checks),
  );
  return healthy ? EXIT.success : EXIT.error;
}

/** The checklist: a mark and a title per check, what was found under it, and what to do when it failed. */
export function describeChecks(checks: readonly Check[]): string {
  const lines = checks.flatMap((check) => [
    `${MARKS[check.status]} ${check.title}`,
    ...check.details.map((line) => `       ${line}`),
    ...(check.status === 'fail' && check.advice ? [`       what to do: ${check.advice}`] : []),
  ]);
  const passed = checks.filter((c) => c.status === 'pass').length;
  lines.push(
    '',
    passed === checks.length
      ? `All ${checks.length} checks hold.`
      : `${checks.length - passed} of ${checks.length} checks do not hold.`,
  );
  return `${lines.join('\n')}\n`;
}

/** `ayrshare-tracker wake`: starts an economy-mode deployment's database and NAT instance, and waits for both. */
export async function wakeCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, { stack: { type: 'string' }, region: { type: 'string' } });
  const stackName = checkedText('--stack', values.stack as string | undefined) ?? DEFAULT_STACK_NAME;
  const region = checkedText('--region', values.region as string | undefined);
  const state = await wakeDeployment({ stackName, region, progress: progressWriter(context) });
  context.stdout.write(state.economy ? `awake: ${describeSleep(state)}\n` : 'not in economy mode: always awake\n');
  return EXIT.success;
}
