// lambda/storage/read-only-sql.ts, the text lock: one statement, and a read. What PostgreSQL itself refuses (writes in
// the read-only transaction, what the read-only role may not do) is tested on a real server in the integration tests.
import { checkReadStatement, leadingKeyword, splitStatements } from '../../../../lambda/storage/read-only-sql';
import { RefusedError } from '../../../../lambda/core/errors';

describe('splitStatements', () => {
  it.each([
    ['SELECT 1', ['SELECT 1']],
    ['SELECT 1;', ['SELECT 1']],
    ['SELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
    ["SELECT 'a;b'", ["SELECT 'a;b'"]],
    ["SELECT 'it''s; fine'", ["SELECT 'it''s; fine'"]],
    ["SELECT E'a\\';b'", ["SELECT E'a\\';b'"]],
    ['SELECT "odd;name" FROM t', ['SELECT "odd;name" FROM t']],
    ['SELECT $$a;b$$', ['SELECT $$a;b$$']],
    ['SELECT $tag$a;$$;b$tag$', ['SELECT $tag$a;$$;b$tag$']],
    ['SELECT 1 -- a; comment\n', ['SELECT 1 -- a; comment']],
    ['SELECT 1 /* a; /* nested; */ still; */', ['SELECT 1 /* a; /* nested; */ still; */']],
    ['SELECT 1; -- only a comment after\n ; ;', ['SELECT 1']],
    ['SELECT $1', ['SELECT $1']],
    ["SELECT 1; DROP TABLE x; --'", ['SELECT 1', 'DROP TABLE x']],
  ])('%j -> %j', (sql, expected) => {
    expect(splitStatements(sql)).toEqual(expected);
  });

  // PostgreSQL reads letters of any script as part of a word: `é$$` is an identifier, not a dollar quote, so a
  // splitter that thinks it is would miss the statements between two of them.
  it.each([
    ["SELECT 1 AS é$$; COMMIT; BEGIN READ WRITE; ALTER ROLE tracker_reader PASSWORD 'x'; COMMIT; SELECT 1 AS é$$", 6],
    ["SELECT $é$'$é$; DELETE FROM t; SELECT $é$'$é$", 3],
    ["SELECT 1 AS éE'\\'; DELETE FROM t; SELECT '", 2],
    ['SELECT $ä$ a;b $ä$; DELETE FROM t', 2],
  ])('sees every statement of %j', (sql, count) => {
    let statements: string[];
    try {
      statements = splitStatements(sql);
    } catch (error) {
      // Refusing the text outright is as good as counting its statements.
      expect(error).toBeInstanceOf(RefusedError);
      return;
    }
    expect(statements.length).toBeGreaterThanOrEqual(Math.min(count, 2));
  });

  it.each(["SELECT 'open", 'SELECT "open', 'SELECT $$open', 'SELECT 1 /* open'])(
    'refuses %j, whose quote or comment never ends (it could hide a second statement)',
    (sql) => {
      expect(() => splitStatements(sql)).toThrow(RefusedError);
    },
  );
});

describe('checkReadStatement', () => {
  it.each([
    'SELECT 1',
    'with x as (select 1) select * from x',
    'VALUES (1)',
    'TABLE report_daily_growth',
    'SHOW TimeZone',
    'EXPLAIN SELECT 1',
    '(SELECT 1) UNION (SELECT 2)',
    '/* hi */ -- there\n SELECT 1',
  ])('lets %j through', (sql) => {
    expect(checkReadStatement(sql).statement.length).toBeGreaterThan(0);
  });

  it.each([
    ['DROP TABLE social_media_analytics', /starts with DROP/],
    ['UPDATE social_media_analytics SET followers_count = 0', /starts with UPDATE/],
    ["COPY (SELECT 1) TO PROGRAM 'id'", /starts with COPY/],
    ['SET ROLE tracker_collector', /starts with SET/],
    ['RESET ROLE', /starts with RESET/],
    ['COMMIT', /starts with COMMIT/],
    ['BEGIN; SELECT 1', /2/],
    ['SELECT 1; DELETE FROM social_media_analytics', /One statement at a time: this SQL has 2/],
    ['   ', /no SQL statement/],
    ['-- nothing but a comment', /no SQL statement/],
    ['DO $$ BEGIN PERFORM 1; END $$', /starts with DO/],
    ['CALL something()', /starts with CALL/],
  ])('refuses %j', (sql, message) => {
    expect(() => checkReadStatement(sql)).toThrow(RefusedError);
    expect(() => checkReadStatement(sql)).toThrow(message);
  });

  it('reads the first keyword past comments (nested ones too) and parentheses', () => {
    expect(leadingKeyword('/* x */ ((select 1))')).toBe('SELECT');
    expect(leadingKeyword('-- c\n  delete from t')).toBe('DELETE');
    // A nested comment: what looks like SHOW is inside it; the statement is a DO.
    expect(leadingKeyword('/* /* */ SHOW */ DO $$ BEGIN END $$')).toBe('DO');
    expect(() => checkReadStatement('/* /* */ SHOW */ DO $$ BEGIN END $$')).toThrow(/starts with DO/);
  });
});
