// `ayrshare-tracker sql`: one read-only statement (given, from --file, or a named query from queries/) against the
// local database as the read-only role, or through the deployed function (--remote); printed as a table, CSV or JSON.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { DatabaseError, errorMessage, UsageError } from '../../lambda/core/errors';
import { fetchRemoteSql } from '../../lambda/aws/remote-collector';
import { MAX_REMOTE_SQL_ROWS, MAX_REMOTE_SQL_TIMEOUT_MS } from '../../lambda/handlers/events';
import { connectDatabase } from '../../lambda/storage/connection';
import {
  checkReadStatement,
  DEFAULT_SQL_MAX_ROWS,
  DEFAULT_SQL_TIMEOUT_MS,
  runReadOnlySql,
  type SqlResult,
} from '../../lambda/storage/read-only-sql';
import { readLocalEnvironment } from '../environment';
import { namedQueries } from '../named-queries';
import { cutNotice, renderSql, SQL_FORMATS, type SqlFormat } from '../sql-render';
import { checkedText, EXIT, MAIN_DATABASE, progressWriter, withDatabase, type RunContext } from './context';
import { emitReport } from './index';

const MAX_LOCAL_ROWS = 1_000_000;

export async function sqlCommand(args: string[], context: RunContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        query: { type: 'string' },
        file: { type: 'string' },
        list: { type: 'boolean' },
        format: { type: 'string' },
        out: { type: 'string' },
        'max-rows': { type: 'string' },
        timeout: { type: 'string' },
        remote: { type: 'boolean' },
        wake: { type: 'boolean' },
        stack: { type: 'string' },
        region: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const { values, positionals } = parsed;

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
  const sql = await sqlFrom(positionals[0], values.query, values.file);
  // The same refusal as the database's, before anything starts (and before any AWS call).
  checkReadStatement(sql);

  const out = values.out === undefined ? undefined : path.resolve(checkedText('--out', values.out)!);
  const format = sqlFormat(values.format, out);
  const remote = Boolean(values.remote);
  if (!remote && (values.stack !== undefined || values.region !== undefined || values.wake))
    throw new UsageError('--stack, --region and --wake go with --remote.');
  const maxRows = wholeNumber(
    '--max-rows',
    values['max-rows'],
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
  if (remote) {
    const stackName = checkedText('--stack', values.stack) ?? DEFAULT_STACK_NAME;
    const progress = progressWriter(context);
    progress(`Asking the deployed collector of stack ${stackName} to run it as the read-only role...`);
    result = await fetchRemoteSql(
      { sql, maxRows, timeoutMs },
      { stackName, region: checkedText('--region', values.region), wake: Boolean(values.wake), progress },
    );
  } else {
    const env = readLocalEnvironment(context.env);
    result = await withDatabase(
      env,
      MAIN_DATABASE,
      context,
      async (db, _applied, embedded) => {
        // The embedded server has the read-only role; with DATABASE_URL the statement runs as that URL's user,
        // still inside a READ ONLY transaction.
        if (!embedded) return runReadOnlySql(db, sql, { maxRows, timeoutMs });
        const reader = await connectAsReader(await embedded.readerUrl(MAIN_DATABASE), env.TRACKER_TIMEZONE);
        const closeReader = () => reader.end();
        context.cleanups.add(closeReader);
        try {
          return await runReadOnlySql(reader, sql, { maxRows, timeoutMs });
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
