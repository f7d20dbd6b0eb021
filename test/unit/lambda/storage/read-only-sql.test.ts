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

  // PostgreSQL reads letters of any script as part of a word: `é$$` is an identifier, not a dollar quote, `$é$` is a
  // dollar quote, and `éE'` is a word and a plain string (not an E'' string, where a backslash escapes the quote). A
  // splitter that reads any of them otherwise misses statements, or refuses SQL it should split.
  it.each([
    [
      "SELECT 1 AS é$$; COMMIT; BEGIN READ WRITE; ALTER ROLE tracker_reader PASSWORD 'x'; COMMIT; SELECT 1 AS é$$",
      [
        'SELECT 1 AS é$$',
        'COMMIT',
        'BEGIN READ WRITE',
        "ALTER ROLE tracker_reader PASSWORD 'x'",
        'COMMIT',
        'SELECT 1 AS é$$',
      ],
    ],
    ["SELECT $é$'$é$; DELETE FROM t; SELECT $é$'$é$", ["SELECT $é$'$é$", 'DELETE FROM t', "SELECT $é$'$é$"]],
    ["SELECT 1 AS éE'\\'; DELETE FROM t; SELECT 'x\\'", ["SELECT 1 AS éE'\\'", 'DELETE FROM t', "SELECT 'x\\'"]],
    ['SELECT $ä$ a;b $ä$; DELETE FROM t', ['SELECT $ä$ a;b $ä$', 'DELETE FROM t']],
  ])('sees every statement of %j', (sql, expected) => {
    expect(splitStatements(sql)).toEqual(expected);
  });

  it.each([
    ["SELECT 'open", "The SQL has a ' quote that never closes."],
    ['SELECT "open', 'The SQL has a " quote that never closes.'],
    ['SELECT $$open', 'The SQL has a $$ quote that never closes.'],
    ['SELECT 1 /* open', 'The SQL has a /* comment that never ends.'],
    // After the word éE the quote is a plain string that ends at the next quote, so the last one stays open (read as
    // an E'' string, the text would be one statement with the DELETE hidden inside it).
    ["SELECT 1 AS éE'\\'; DELETE FROM t; SELECT '", "The SQL has a ' quote that never closes."],
  ])('refuses %j, whose quote or comment never ends (it could hide a second statement)', (sql, message) => {
    expect(() => splitStatements(sql)).toThrow(RefusedError);
    expect(() => splitStatements(sql)).toThrow(new RefusedError(message));
  });
});

describe('checkReadStatement', () => {
  it.each([
    ['SELECT 1', 'SELECT 1', 'SELECT'],
    ['with x as (select 1) select * from x', 'with x as (select 1) select * from x', 'WITH'],
    ['VALUES (1);', 'VALUES (1)', 'VALUES'],
    ['TABLE report_daily_growth', 'TABLE report_daily_growth', 'TABLE'],
    ['SHOW TimeZone', 'SHOW TimeZone', 'SHOW'],
    ['EXPLAIN SELECT 1', 'EXPLAIN SELECT 1', 'EXPLAIN'],
    ['(SELECT 1) UNION (SELECT 2)', '(SELECT 1) UNION (SELECT 2)', 'SELECT'],
    ['/* hi */ -- there\n SELECT 1', '/* hi */ -- there\n SELECT 1', 'SELECT'],
  ])('lets %j through', (sql, statement, keyword) => {
    expect(checkReadStatement(sql)).toEqual({ statement, keyword });
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
