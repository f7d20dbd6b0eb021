// `ayrshare-tracker sql`: one read-only statement (given, from --file, or a named query from queries/) against the
// local database as the read-only role, or through the deployed function (--remote); printed as a table, CSV or JSON.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { MAX_REMOTE_SQL_ROWS, MAX_REMOTE_SQL_TIMEOUT_MS, type SqlResult } from '../../lambda/core/contracts';
import { DEFAULT_SQL_MAX_ROWS, DEFAULT_SQL_TIMEOUT_MS } from '../../lambda/core/defaults';
import { DatabaseError, errorMessage, UsageError } from '../../lambda/core/errors';
import { connectDatabase } from '../../lambda/storage/connection';
import { checkReadStatement, runReadOnlySql } from '../../lambda/storage/read-only-sql';
import { fetchRemoteSql } from '../aws/remote';
import { readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { namedQueries } from '../named-queries';
import { emitReport, progressWriter } from '../output';
import { EXIT, type RunContext } from '../run-context';
import { cutNotice, renderSql, SQL_FORMATS, type SqlFormat } from '../sql-render';
import { remoteTarget, withOutputFlags, withRemoteFlags, type CommandDeclaration } from './command';
import { checkedText } from './flags';

const MAX_LOCAL_ROWS = 1_000_000;

interface SqlFlags {
  query?: string;
  file?: string;
  list?: true;
  format?: string;
  out?: string;
  maxRows?: string;
  timeout?: string;
  remote?: true;
  stack?: string;
  region?: string;
  wake?: true;
}

export const sqlCommand: CommandDeclaration = (program, context, done) => {
  const command = program
    .command('sql')
    .description(
      'run one read-only statement as the read-only role (locally, or through the deployed stack); --list shows ' +
        'the named queries',
    )
    .argument('[statement...]', 'the SQL, quoted as one argument')
    .option('--query <name>', 'a named query (see --list)')
    .option('--file <file>', 'read the SQL from this file')
    .option('--list', 'list the named queries')
    .option('--max-rows <n>', `rows in the answer (default ${DEFAULT_SQL_MAX_ROWS.toLocaleString('en-US')})`)
    .option('--timeout <seconds>', `how long the statement may run (default ${DEFAULT_SQL_TIMEOUT_MS / 1000})`);
  withRemoteFlags(withOutputFlags(command, SQL_FORMATS)).action(async (positionals, flags) =>
    done(await sql(positionals, flags, context)),
  );
};

async function sql(positionals: string[], values: SqlFlags, context: RunContext): Promise<number> {
  if (values.list) {
    for (const query of namedQueries()) context.stdout.write(`${query.name}\n  ${query.description}\n`);
    return EXIT.success;
  }
  const sources = [positionals.length > 0, values.query !== undefined, values.file !== undefined].filter(Boolean);
  if (sources.length !== 1) {
    throw new UsageError(
      'Give the SQL in one way: as one quoted argument, with --file queries.sql, or --query NAME (see --list).',
    );
  }
  if (positionals.length > 1) throw new UsageError('Quote the SQL as one argument: sql "SELECT ...".');
  const statement = await sqlFrom(positionals[0], values.query, values.file);
  // The same refusal as the database's, before anything starts (and before any AWS call).
  checkReadStatement(statement);

  const out = values.out === undefined ? undefined : path.resolve(checkedText('--out', values.out)!);
  const format = sqlFormat(values.format, out);
  const target = remoteTarget(values);
  const remote = target !== undefined;
  const maxRows = wholeNumber(
    '--max-rows',
    values.maxRows,
    DEFAULT_SQL_MAX_ROWS,
    remote ? MAX_REMOTE_SQL_ROWS : MAX_LOCAL_ROWS,
  );
  const timeoutMs =
    wholeNumber(
      '--timeout',
      values.timeout,
      DEFAULT_SQL_TIMEOUT_MS / 1000,
      (remote ? MAX_REMOTE_SQL_TIMEOUT_MS : 3_600_000) / 1000,
    ) * 1000;

  let result: SqlResult;
  if (target) {
    const progress = progressWriter(context);
    progress(`Asking the deployed collector of stack ${target.stackName} to run it as the read-only role...`);
    result = await fetchRemoteSql({ sql: statement, maxRows, timeoutMs }, { ...target, progress });
  } else {
    const env = readLocalEnvironment(context.env);
    result = await withDatabase(
      env,
      MAIN_DATABASE,
      context,
      async (db, _applied, embedded) => {
        // The embedded server has the read-only role; with DATABASE_URL the statement runs as that URL's user,
        // still inside a READ ONLY transaction.
        if (!embedded) return runReadOnlySql(db, statement, { maxRows, timeoutMs });
        const reader = await connectAsReader(await embedded.readerUrl(MAIN_DATABASE), env.timeZone);
        const closeReader = () => reader.end();
        context.cleanups.add(closeReader);
        try {
          return await runReadOnlySql(reader, statement, { maxRows, timeoutMs });
        } finally {
          context.cleanups.delete(closeReader);
          await closeReader().catch(() => undefined);
        }
      },
      { readOnly: true },
    );
  }
  await emitReport(renderSql(result, format), out, context);
  context.stderr.write(cutNotice(result));
  return EXIT.success;
}

async function sqlFrom(text: string | undefined, name: string | undefined, file: string | undefined): Promise<string> {
  if (text !== undefined) return text;
  if (name !== undefined) {
    const query = namedQueries().find((q) => q.name === name);
    if (!query) {
      throw new UsageError(
        `There is no query named "${name}".`,
        `Named queries: ${namedQueries()
          .map((q) => q.name)
          .join(', ')} (sql --list describes them).`,
      );
    }
    return query.sql;
  }
  try {
    return await readFile(path.resolve(file!), 'utf8');
  } catch (error) {
    throw new UsageError(`--file: cannot read ${file} (${errorMessage(error)}).`);
  }
}

function sqlFormat(value: string | undefined, out: string | undefined): SqlFormat {
  const chosen = value ?? (out ? path.extname(out).slice(1).toLowerCase() : 'table');
  if ((SQL_FORMATS as readonly string[]).includes(chosen)) return chosen as SqlFormat;
  if (value === undefined) return 'table';
  throw new UsageError(`--format must be one of ${SQL_FORMATS.join(', ')} (got "${value}").`);
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max.toLocaleString('en-US')} (got "${value}").`);
  return Number(value);
}

async function connectAsReader(url: string, timeZone: string): Promise<pg.Client> {
  try {
    return await connectDatabase({ connection: url, timeZone });
  } catch (error) {
    throw new DatabaseError(`Could not connect as the read-only role: ${errorMessage(error)}`);
  }
}
