// `ayrshare-tracker migrate`: applies the pending migrations (collect and report apply them too).
import { readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { EXIT, type RunContext } from '../run-context';
import type { CommandDeclaration } from './command';

export const migrateCommand: CommandDeclaration = (program, context, done) => {
  program
    .command('migrate')
    .description('apply the database migrations (collect and report do this too)')
    .action(async () => done(await migrate(context)));
};

async function migrate(context: RunContext): Promise<number> {
  const env = readLocalEnvironment(context.env);
  const applied = await withDatabase(env, MAIN_DATABASE, context, async (_db, appliedNow) => appliedNow);
  context.stdout.write(
    applied.length > 0
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
      : 'The schema is up to date; nothing to apply.\n',
  );
  return EXIT.success;
}
