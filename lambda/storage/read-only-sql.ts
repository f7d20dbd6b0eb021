// Read-only SQL for people: `ayrshare-tracker sql` locally and through the deployed function. Three locks, each enough
// on its own for the common case, together for the rest:
//   1. the text: exactly one statement, and it must start as a read (SELECT, WITH, VALUES, TABLE, SHOW, EXPLAIN);
//      it is sent with the extended query protocol, which PostgreSQL itself refuses to run more than one statement
//      with, whatever this file's reading of the text;
//   2. the transaction: READ ONLY, with a statement timeout, rolled back at the end, rows fetched through a cursor in
//      batches up to a row cap and a byte budget (a cursor also refuses data-modifying WITH clauses);
//   3. the role: tracker_reader may SELECT the tracker's tables and views and nothing else (no server files, no
//      programs, no other role, no temporary tables).
// What PostgreSQL refuses for being a write or for lack of privilege comes back as a refusal (exit 2), never as a
// half-done change: nothing is ever committed.
import type pg from 'pg';
import type { SqlResult } from '../core/contracts';
import { DEFAULT_SQL_MAX_ROWS, DEFAULT_SQL_TIMEOUT_MS } from '../core/defaults';
import { errorCode, RefusedError, TrackerError } from '../core/errors';

/** What one answer may hold, as the JSON it becomes; the rows stop before it. */
export const DEFAULT_SQL_MAX_BYTES = 16 * 1024 * 1024;
const BATCH_ROWS = 100;
const READ_STARTS = ['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'EXPLAIN'];
/** Statements a cursor can hold; SHOW and EXPLAIN answer a few rows and run as they are. */
const CURSOR_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

export interface SqlOptions {
  maxRows?: number;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * What PostgreSQL reads as part of a word (identifier or keyword): letters of any script, digits, `_` and `$`. A `$`
 * or a quote right after one of these does not start a quote.
 */
const WORD = /[\p{L}\p{N}_$\u0080-\uffff]/u;

/**
 * The statements in `sql`, split on semicolons outside quotes, quoted identifiers, dollar quotes and comments;
 * empty ones (whitespace and comments only) are left out. Unterminated quotes or comments are refused.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let meaningful = false;
  let i = 0;
  const take = (end: number) => {
    current += sql.slice(i, end);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      // A comment is not a statement, but keeps the text as written.
      take(end === -1 ? sql.length : end + 1);
    } else if (c === '/' && next === '*') {
      take(blockCommentEnd(sql, i));
    } else if (c === "'" || c === '"') {
      // E'...' strings let a backslash escape the quote.
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !WORD.test(sql[i - 2] ?? '');
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new RefusedError(`The SQL has a ${c} quote that never closes.`);
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j += 1;
      }
      meaningful = true;
      take(j + 1);
    } else if (c === '$' && !WORD.test(sql[i - 1] ?? '')) {
      // A dollar quote: $$ or $tag$, where a tag is an identifier (letters of any script, digits, underscores).
      const tag = /^\$([\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(sql.slice(i));
      if (!tag) {
        meaningful = true;
        take(i + 1);
        continue;
      }
      const close = sql.indexOf(tag[0], i + tag[0].length);
      if (close === -1) throw new RefusedError(`The SQL has a ${tag[0]} quote that never closes.`);
      meaningful = true;
      take(close + tag[0].length);
    } else if (c === ';') {
      if (meaningful) statements.push(current.trim());
      current = '';
      meaningful = false;
      i += 1;
    } else {
      if (!/\s/.test(c)) meaningful = true;
      take(i + 1);
    }
  }
  if (meaningful) statements.push(current.trim());
  return statements;
}

/** Where the block comment that opens at `start` ends (PostgreSQL nests them); refused when it never does. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let j = start;
  do {
    if (text.startsWith('/*', j)) {
      depth += 1;
      j += 2;
    } else if (text.startsWith('*/', j)) {
      depth -= 1;
      j += 2;
    } else j += 1;
  } while (depth > 0 && j < text.length);
  if (depth !== 0) throw new RefusedError('The SQL has a /* comment that never ends.');
  return j;
}

/** The first keyword of a statement, past whitespace, comments (nested ones too) and opening parentheses. */
export function leadingKeyword(statement: string): string {
  let i = 0;
  for (;;) {
    while (i < statement.length && (/\s/.test(statement[i]) || statement[i] === '(')) i += 1;
    if (statement.startsWith('--', i)) {
      const end = statement.indexOf('\n', i);
      i = end === -1 ? statement.length : end + 1;
    } else if (statement.startsWith('/*', i)) {
      i = blockCommentEnd(statement, i);
    } else break;
  }
  return (/^[A-Za-z]+/.exec(statement.slice(i))?.[0] ?? '').toUpperCase();
}

/** The one read statement in `sql`, or a refusal that says why. */
export function checkReadStatement(sql: string): { statement: string; keyword: string } {
  const statements = splitStatements(sql);
  if (statements.length === 0) throw new RefusedError('There is no SQL statement to run.');
  if (statements.length > 1) {
    throw new RefusedError(
      `One statement at a time: this SQL has ${statements.length}.`,
      'Run them one by one, or join them into one query (WITH ... SELECT).',
    );
  }
  const [statement] = statements;
  const keyword = leadingKeyword(statement);
  if (!READ_STARTS.includes(keyword)) {
    throw new RefusedError(
      `Only reads run here: the statement starts with ${keyword || 'something that is not a keyword'}.`,
      `Start it with ${READ_STARTS.join(', ')}. The data is changed only by the collector.`,
    );
  }
  return { statement, keyword };
}

/** PostgreSQL codes that mean "this would write, or this role may not": refusals, not failures. */
const REFUSAL_CODES: Record<string, string> = {
  '25006': 'it would write, and this is a read-only transaction',
  '42501': 'the read-only role may not do that',
  '0A000': 'a query that changes data cannot be read through a cursor',
  '25001': 'it would change the transaction, which stays read-only',
  '2F003': 'it is not allowed inside a function here',
};

export class SqlTimeoutError extends TrackerError {}

/**
 * Runs one read statement inside a READ ONLY transaction (rolled back), with a statement timeout and a row cap.
 * Refusals throw RefusedError (the statement, a write or a privilege PostgreSQL refused, a syntax error); the timeout
 * throws SqlTimeoutError; the rest throws as it came.
 */
export async function runReadOnlySql(db: pg.ClientBase, sql: string, options: SqlOptions = {}): Promise<SqlResult> {
  const maxRows = options.maxRows ?? DEFAULT_SQL_MAX_ROWS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_SQL_MAX_BYTES;
  const { statement, keyword } = checkReadStatement(sql);
  // One deadline for the whole statement: each FETCH is a statement of its own to PostgreSQL, with a timer that
  // starts afresh (and a row could even switch the setting off), so every one gets what is left, set again.
  const deadline = Date.now() + timeoutMs;
  // What may arrive on the connection, counted as it arrives: a row far wider than its batch's share (a single
  // huge value) is stopped on the way in, before it is held, not after.
  const wire = { budget: maxBytes * 2 + 1024 * 1024, received: 0, overflow: false };
  const run = async (text: string) => {
    const left = deadline - Date.now();
    if (left <= 0) throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    await db.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(left))}`);
    // Extended protocol: one statement per message, or PostgreSQL refuses it. node-postgres honours queryMode; its
    // types do not list it yet.
    const config = { text, rowMode: 'array', types: valueTypes, queryMode: 'extended' } as pg.QueryArrayConfig;
    return watchingBytes(db, wire, () => db.query<unknown[]>(config));
  };
  await db.query('BEGIN TRANSACTION READ ONLY');
  try {
    let fields: pg.FieldDef[] = [];
    const rows: unknown[][] = [];
    let cutBy: SqlResult['cutBy'];
    try {
      if (CURSOR_STARTS.has(keyword)) {
        await run(`DECLARE tracker_sql NO SCROLL CURSOR FOR ${statement}`);
        let bytes = 0;
        let size = 1;
        for (;;) {
          // One row first, then batches that double while the rows seen so far say they fit.
          const average = rows.length === 0 ? 0 : bytes / rows.length;
          const fits = average === 0 ? 1 : Math.floor((maxBytes - bytes) / average);
          size = Math.max(1, Math.min(BATCH_ROWS, fits, size, maxRows + 1 - rows.length));
          let batch: pg.QueryResult<unknown[]>;
          try {
            batch = await run(`FETCH FORWARD ${size} FROM tracker_sql`);
          } catch (error) {
            if (!wire.overflow || fields.length === 0) throw error;
            cutBy = 'bytes';
            break;
          }
          fields = batch.fields;
          for (const row of batch.rows) {
            bytes += Buffer.byteLength(JSON.stringify(row));
            if (rows.length >= maxRows) cutBy = 'rows';
            else if (bytes > maxBytes) cutBy = 'bytes';
            if (cutBy) break;
            rows.push(row);
          }
          if (cutBy || batch.rows.length === 0) break;
          size *= 2;
        }
      } else {
        const answer = await run(statement);
        fields = answer.fields;
        rows.push(...answer.rows.slice(0, maxRows));
        if (answer.rows.length > maxRows) cutBy = 'rows';
      }
    } catch (error) {
      if (wire.overflow) {
        throw new TrackerError(
          `One row of the answer is larger than an answer may be (${Math.round(maxBytes / 1024 / 1024)} MB).`,
          'Select fewer or narrower columns (left(text, n), octet_length(...)).',
        );
      }
      throw classify(error, timeoutMs);
    }
    const typeNamesByOid = wire.overflow
      ? new Map<number, string>()
      : await typeNames(
          db,
          fields.map((f) => f.dataTypeID),
        );
    return {
      result: 'ayrshare-analytics-tracker-sql',
      columns: fields.map((f) => ({
        name: f.name,
        type: typeNamesByOid.get(f.dataTypeID) ?? KNOWN_TYPES[f.dataTypeID] ?? String(f.dataTypeID),
      })),
      rows,
      truncated: cutBy !== undefined,
      ...(cutBy ? { cutBy } : {}),
      maxRows,
      timeoutMs,
    };
  } finally {
    // Nothing is ever committed, whatever the statement was (a connection cut for its size ends with its session).
    if (!wire.overflow) await db.query('ROLLBACK').catch(() => undefined);
  }
}

/** Type names of the usual columns, for an answer whose connection was cut (no pg_type to ask). */
const KNOWN_TYPES: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  3802: 'jsonb',
};

/**
 * Runs `query` while counting what arrives on the connection's socket; past the budget the socket is closed (the
 * query then fails and `wire.overflow` says why). node-postgres keeps the socket as `connection.stream`.
 */
async function watchingBytes<T>(
  db: pg.ClientBase,
  wire: { budget: number; received: number; overflow: boolean },
  query: () => Promise<T>,
): Promise<T> {
  const stream = (db as unknown as { connection?: { stream?: NodeJS.EventEmitter & { destroy(): void } } }).connection
    ?.stream;
  const onData = (chunk: Buffer) => {
    wire.received += chunk.length;
    if (wire.received > wire.budget && !wire.overflow) {
      wire.overflow = true;
      stream?.destroy();
    }
  };
  stream?.on('data', onData);
  try {
    return await query();
  } finally {
    stream?.off('data', onData);
  }
}

function classify(error: unknown, timeoutMs: number): Error {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === '57014') {
    return new SqlTimeoutError(
      `The statement was stopped after ${timeoutMs / 1000} s (statement timeout); nothing was returned.`,
      'Narrow it (a shorter date range, one profile), or allow longer with --timeout.',
    );
  }
  if (REFUSAL_CODES[code]) return new RefusedError(`Refused: ${REFUSAL_CODES[code]} (${message}).`);
  // Syntax errors, unknown tables or columns, bad values: the SQL as written cannot run.
  if (code.startsWith('42') || code.startsWith('22')) return new RefusedError(`The SQL cannot run: ${message}.`);
  return error instanceof Error ? error : new Error(message);
}

async function typeNames(db: pg.ClientBase, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await db.query<{ oid: number; name: string }>(
    'SELECT oid::int AS oid, typname AS name FROM pg_type WHERE oid = ANY($1::oid[])',
    [oids],
  );
  return new Map(rows.map((r) => [r.oid, r.name]));
}

const NUMBER_TYPES = new Set([20, 21, 23, 700, 701, 1700]); // int8, int2, int4, float4, float8, numeric
const BOOL_TYPE = 16;
const JSON_TYPES = new Set([114, 3802]);

/**
 * Values as PostgreSQL writes them, so nothing shifts on the way: dates and timestamps stay text (no JavaScript Date
 * in the local time zone), numbers become numbers only when exact, booleans booleans, JSON parsed.
 */
const valueTypes = {
  getTypeParser(oid: number) {
    if (NUMBER_TYPES.has(oid)) {
      return (text: string) => {
        const n = Number(text);
        // Whole numbers beyond 2^53 stay text; decimals keep what a double can hold, as the reports do.
        return Number.isFinite(n) && (/[.eE]/.test(text) || Number.isSafeInteger(n)) ? n : text;
      };
    }
    if (oid === BOOL_TYPE) return (text: string) => text === 't';
    if (JSON_TYPES.has(oid)) return (text: string) => JSON.parse(text) as unknown;
    return (text: string) => text;
  },
} as pg.CustomTypesConfig;
