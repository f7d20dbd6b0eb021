// `ayrshare-tracker db`: keeps the local embedded database running (schema current) and prints a read-only connection
// for psql, Metabase or Grafana, until Ctrl-C; then stops the server cleanly.
import { UsageError } from '../../lambda/core/errors';
import { readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { progressWriter } from '../output';
import { EXIT, untilStopped, type RunContext } from '../run-context';
import type { CommandDeclaration } from './command';

export const dbCommand: CommandDeclaration = (program, context, done) => {
  program
    .command('db')
    .description(
      'keep the local database running and print a read-only connection string for psql, Metabase or Grafana, ' +
        'until Ctrl-C',
    )
    .option('--port <n>', 'the port to listen on (default: a free one)')
    .action(async (flags) => done(await db(flags, context)));
};

async function db(values: { port?: string }, context: RunContext): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!/^\d+$/.test(String(values.port)) || port < 1024 || port > 65535))
    throw new UsageError(`--port must be a whole number from 1024 to 65535 (got "${String(values.port)}").`);
  const env = readLocalEnvironment(context.env);
  if (env.databaseUrl) {
    throw new UsageError(
      'db keeps the local embedded database running; with DATABASE_URL set, your data is on that server already.',
      'Connect to it directly, or unset DATABASE_URL to open the local database.',
    );
  }
  await withDatabase(
    env,
    MAIN_DATABASE,
    context,
    async (_db, _applied, embedded) => {
      const url = new URL(await embedded!.readerUrl(MAIN_DATABASE));
      const password = decodeURIComponent(url.password);
      context.stdout.write(
        [
          'The local database is running. Read-only connection (role tracker_reader):',
          '',
          `  ${url.toString()}`,
          '',
          `  psql "${url.toString()}"`,
          `  Metabase / Grafana: host ${url.hostname}, port ${url.port}, database ${MAIN_DATABASE}, ` +
            `user ${decodeURIComponent(url.username)}, password ${password}, SSL off (local only)`,
          '',
          'It listens on 127.0.0.1 only. While it runs, collect, report and sql use this server (a cron job keeps ' +
            'collecting while your BI tool stays connected). Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      const signal = await untilStopped();
      progressWriter(context)(`\n${signal}: stopping the local database...`);
    },
    { port, share: true },
  );
  return EXIT.success;
}
