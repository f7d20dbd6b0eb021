// `sql` requests from `ayrshare-tracker sql --remote`: one read statement, run as the read-only role inside a READ
// ONLY transaction with a statement timeout and a row cap. A refusal is an answer (the CLI exits 2), not an error.
import { readReaderEnvironment } from '../core/deployed-config';
import { RefusedError } from '../core/errors';
import { runReadOnlySql, type SqlRefusal, type SqlResult } from '../storage/read-only-sql';
import type { SqlEvent } from './events';
import type { Runtime } from './runtime';

/** Lambda answers at most 6 MB; the rows stop short of that and the answer says it was cut. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

export async function handleSql(event: SqlEvent, runtime: Runtime): Promise<SqlResult | SqlRefusal> {
  const env = readReaderEnvironment(process.env, { required: true });
  try {
    const result = await runtime.withDatabase(env, (db) =>
      runReadOnlySql(db, event.sql, { maxRows: event.maxRows, timeoutMs: event.timeoutMs }),
    );
    let size = Buffer.byteLength(JSON.stringify(result));
    while (size > MAX_ANSWER_BYTES && result.rows.length > 0) {
      const dropped = result.rows.splice(Math.floor(result.rows.length * 0.9));
      size -= Buffer.byteLength(JSON.stringify(dropped));
      result.truncated = true;
      result.maxRows = result.rows.length;
    }
    runtime.log.info('SQL answered', { rows: result.rows.length, truncated: result.truncated });
    return result;
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    runtime.log.warn('SQL refused', { reason: error.message });
    return { result: 'ayrshare-analytics-tracker-sql-refused', message: error.message, hint: error.hint };
  }
}
