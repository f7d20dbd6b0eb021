// The command line as one declared program (commander): every command with its flags and help, the environment
// variables from the settings table, and the exit codes. `--help` and `COMMAND --help` are made from these
// declarations.
import { Command } from '@commander-js/extra-typings';
import { environmentHelp } from '../../lambda/core/settings';
import type { RunContext } from '../run-context';
import { collectCommand } from './collect';
import type { CommandDeclaration } from './command';
import { dbCommand } from './db';
import { demoCommand } from './demo';
import { doctorCommand } from './doctor';
import { migrateCommand } from './migrate';
import { reportCommand } from './report';
import { sqlCommand } from './sql';
import { wakeCommand } from './wake';

const COMMANDS: CommandDeclaration[] = [
  collectCommand,
  migrateCommand,
  reportCommand,
  demoCommand,
  sqlCommand,
  dbCommand,
  doctorCommand,
  wakeCommand,
];

const EPILOGUE = `
Exit codes: 0 success, 3 partial (some platforms failed), 1 error (nothing stored; for doctor: a check failed),
2 usage or configuration error, or SQL refused (a write, a second statement, something the read-only role may not).

Environment (docs/CONFIGURATION.md has every setting, the stack's too):
${environmentHelp()}
`;

/** The program for one run of the CLI: its output goes to the run's streams, and it never exits the process. */
export function buildProgram(context: RunContext, done: (code: number) => void): Command {
  const program = new Command('ayrshare-tracker')
    .description("Daily growth of your social accounts from Ayrshare's analytics, in PostgreSQL.")
    .usage('<command> [options]')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError('(run `ayrshare-tracker help` for the list of commands and options)')
    .addHelpText('after', EPILOGUE);
  for (const declare of COMMANDS) declare(program, context, done);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}
