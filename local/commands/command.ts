// How a command is declared: each file adds its command, flags and help to the program (commander), and its action
// ends with the command's exit code. The flags several commands share are declared here, once.
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { UsageError } from '../../lambda/core/errors';
import type { RunContext } from '../run-context';
import { checkedText } from './flags';

/** Adds one command to the program; its action hands its exit code to `done`. */
export type CommandDeclaration = (program: Command, context: RunContext, done: (code: number) => void) => void;

/** --remote and where the deployed stack is: report, sql and doctor. */
export function withRemoteFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .option('--remote', 'ask the deployed stack (with your AWS credentials) instead of a local database')
    .option('--stack <name>', `the deployed stack's name (default ${DEFAULT_STACK_NAME})`)
    .option('--region <region>', "the stack's AWS Region (default: your AWS configuration's)")
    .option('--wake', 'economy mode: start a sleeping database and NAT instance first, and wait for them');
}

/** --format and --out: report and sql. */
export function withOutputFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  formats: readonly string[],
) {
  return command
    .option('--format <format>', `${formats.join(', ')} (default: the --out file's extension, else table)`)
    .option('--out <file>', 'write to this file and print its path');
}

export interface RemoteTarget {
  stackName: string;
  region?: string;
  wake: boolean;
}

/** The deployed stack to ask, when --remote is given; --stack, --region and --wake only go with it. */
export function remoteTarget(flags: {
  remote?: true;
  stack?: string;
  region?: string;
  wake?: true;
}): RemoteTarget | undefined {
  if (!flags.remote) {
    if (flags.stack !== undefined || flags.region !== undefined || flags.wake)
      throw new UsageError('--stack, --region and --wake go with --remote.');
    return undefined;
  }
  return {
    stackName: checkedText('--stack', flags.stack) ?? DEFAULT_STACK_NAME,
    region: checkedText('--region', flags.region),
    wake: Boolean(flags.wake),
  };
}
