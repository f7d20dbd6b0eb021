// `ayrshare-tracker doctor --remote`: checks a deployed stack read-only and prints a checklist, each failed item with
// what to do; exit code 0 when every check holds, 1 otherwise.
import { UsageError } from '../../lambda/core/errors';
import { describeSleep, isAwake, readPowerState, wakeDeployment } from '../aws/database-power';
import { checkDeployment, type Check } from '../aws/deployment-check';
import { progressWriter } from '../output';
import { EXIT, type RunContext } from '../run-context';
import { remoteTarget, withRemoteFlags, type CommandDeclaration } from './command';

const MARKS: Record<Check['status'], string> = { pass: '[ok]  ', fail: '[FAIL]', skip: '[skip]' };

export const doctorCommand: CommandDeclaration = (program, context, done) => {
  const command = program
    .command('doctor')
    .description(
      'check a deployed stack, read-only: stack, secret filled, alert email confirmed, alarms can publish, schedule ' +
        'and its next run, alarms, last run',
    )
    .option('--json', 'print the checks as JSON');
  withRemoteFlags(command).action(async (flags) => done(await doctor(flags, context)));
};

async function doctor(
  values: { json?: true; remote?: true; stack?: string; region?: string; wake?: true },
  context: RunContext,
): Promise<number> {
  // Without --remote doctor has nothing to check, whatever else was given: that is said first.
  const target = values.remote ? remoteTarget(values) : undefined;
  if (!target)
    throw new UsageError(
      'doctor checks a deployed stack and needs --remote.',
      'Run `ayrshare-tracker doctor --remote [--stack NAME] [--region REGION]` with AWS credentials of its account.',
    );
  const { stackName, region } = target;
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
