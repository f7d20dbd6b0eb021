// `ayrshare-tracker wake`: starts an economy-mode deployment's database and NAT instance, and waits for both.
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { describeSleep, wakeDeployment } from '../aws/database-power';
import { progressWriter } from '../output';
import { EXIT, type RunContext } from '../run-context';
import type { CommandDeclaration } from './command';
import { checkedText } from './flags';

/** `ayrshare-tracker wake`: starts an economy-mode deployment's database and NAT instance, and waits for both. */
export const wakeCommand: CommandDeclaration = (program, context, done) => {
  program
    .command('wake')
    .description(
      'economy mode: start the deployed database and NAT instance and wait; remote commands never wake them ' +
        'unless given --wake',
    )
    .option('--stack <name>', `the deployed stack's name (default ${DEFAULT_STACK_NAME})`)
    .option('--region <region>', "the stack's AWS Region (default: your AWS configuration's)")
    .action(async (flags) => done(await wake(flags, context)));
};

async function wake(values: { stack?: string; region?: string }, context: RunContext): Promise<number> {
  const stackName = checkedText('--stack', values.stack) ?? DEFAULT_STACK_NAME;
  const region = checkedText('--region', values.region);
  const state = await wakeDeployment({ stackName, region, progress: progressWriter(context) });
  context.stdout.write(state.economy ? `awake: ${describeSleep(state)}\n` : 'not in economy mode: always awake\n');
  return EXIT.success;
}
