// `sql` requests from `ayrshare-tracker sql --remote`: one read statement, run as the read-only role inside a READ
// ONLY transaction with a statement timeout, a row cap and a byte budget that keeps the answer under Lambda's 6 MB.
// Whatever goes wrong with a person's SQL is an answer to that person (refused: the CLI exits 2; failed: 1), never a
// function error: those raise the collector's FunctionErrors alarm, which is about the daily runs.
import { readReaderEnvironment } from '../core/deployed-config';
import { errorCode, errorMessage, RefusedError, TrackerError } from '../core/errors';
import { describeIssues } from '../core/schemas';
import { sqlActionSchema, TRACKER_MARK, type SqlAnswer } from '../core/contracts';
import { runReadOnlySql } from '../storage/read-only-sql';
import type { Runtime } from './runtime';

/** Lambda answers at most 6 MB: the rows stop before 5 MB of JSON. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

export async function handleSql(event: unknown, runtime: Runtime): Promise<SqlAnswer> {
  const request = sqlActionSchema.safeParse(event);
  if (!request.success) {
    return {
      result: `${TRACKER_MARK}-sql-refused`,
      message: `Invalid sql request: ${describeIssues(request.error, event)}.`,
    };
  }
  try {
    const env = readReaderEnvironment(process.env, { required: true });
    const { sql, maxRows, timeoutMs } = request.data;
    const result = await runtime.withDatabase(env, (db) =>
      runReadOnlySql(db, sql, { maxRows, timeoutMs, maxBytes: MAX_ANSWER_BYTES }),
    );
    runtime.log.info('SQL answered', { rows: result.rows.length, truncated: result.truncated });
    return result;
  } catch (error) {
    if (error instanceof RefusedError) {
      // Not the reason: PostgreSQL's messages can quote values of the data, which have no place in the logs.
      runtime.log.warn('SQL refused');
      return { result: `${TRACKER_MARK}-sql-refused`, message: error.message, hint: error.hint };
    }
    runtime.log.warn('SQL failed', { code: errorCode(error) || undefined });
    return {
      result: `${TRACKER_MARK}-sql-failed`,
      message: errorMessage(error),
      hint: error instanceof TrackerError ? error.hint : undefined,
    };
  }
}
