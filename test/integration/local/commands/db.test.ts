// `ayrshare-tracker db` and the embedded `sql`, in a child process as a user runs them: the printed connection
// string works (node-postgres, and psql where the machine has it), is read-only, and Ctrl-C stops the server cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';
import { TEST_X_CREDENTIALS } from '../../../support/cli';
import { fromRoot } from '../../../support/paths';

const BIN = fromRoot('bin', 'ayrshare-tracker.js');
let standIn: AyrshareStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startAyrshareStandIn();
  dir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-db-'));
});
afterAll(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return {
    ...inherited,
    ...TEST_X_CREDENTIALS,
    AYRSHARE_API_KEY: 'TEST-API-KEY-DB',
    AYRSHARE_BASE_URL: standIn.baseUrl,
    TRACKER_DATA_DIR: dir,
  };
};

function run(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...env(), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, output: () => stdout, errors: () => stderr };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the local database for any tool', () => {
  beforeAll(async () => {
    standIn.script({ body: loadFixture() });
    const collected = await run(['collect', '--date', '2026-02-01']).done;
    expect(collected.code).toBe(0);
  }, 60_000);

  it('sql on the embedded database runs as the read-only role', async () => {
    const answer = await run([
      'sql',
      'SELECT current_user AS role, count(*) AS rows FROM social_media_analytics',
      '--format',
      'json',
    ]).done;
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout).rows).toEqual([['tracker_reader', 7]]);
  }, 60_000);

  it('db prints a read-only connection string that works until Ctrl-C, then stops the server and leaves no postmaster.pid', async () => {
    // A port of our choosing, as a saved BI data source needs.
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const db = run(['db', '--port', String(port)]);
    const url = await waitFor(() => /postgres:\/\/tracker_reader:[^\s"]+/.exec(db.output())?.[0]);
    expect(new URL(url).port).toBe(String(port));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT current_user AS role, count(*)::int AS n FROM social_media_analytics',
      );
      expect(rows).toEqual([{ role: 'tracker_reader', n: 7 }]);
      await expect(client.query('DELETE FROM social_media_analytics')).rejects.toMatchObject({ code: '25006' });
      // Even after leaving read-only mode, the role may not write.
      await client.query('SET default_transaction_read_only = off');
      await expect(client.query('DELETE FROM social_media_analytics')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
    const psql = spawnSync('psql', ['--version']);
    if (psql.status === 0) {
      const answer = spawnSync('psql', [url, '-At', '-c', 'SELECT count(*) FROM report_daily_growth'], {
        encoding: 'utf8',
      });
      expect(answer.stdout.trim()).toBe('7');
    }
    const dataDir = path.join(dir, 'postgres');
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);
    db.child.kill('SIGINT');
    const finished = await db.done;
    expect(finished.code).toBe(0);
    expect(finished.stderr).toContain('SIGINT: stopping the local database');
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 60_000);

  it('while db serves, collect and report use its server, and a BI connection stays open through them', async () => {
    const db = run(['db']);
    const url = await waitFor(() => /postgres:\/\/tracker_reader:[^\s"]+/.exec(db.output())?.[0]);
    // Metabase, connected all day.
    const bi = new pg.Client({ connectionString: url });
    await bi.connect();
    try {
      const count = async () =>
        (await bi.query<{ n: number }>(`SELECT count(*)::int AS n FROM social_media_analytics`)).rows[0].n;
      const before = await count();
      // The cron job's daily collection.
      standIn.script({ body: loadFixture() });
      const collected = await run(['collect', '--date', '2026-02-02', '--json']).done;
      expect(collected.code).toBe(0);
      expect(collected.stderr).toMatch(/Using the local database that `ayrshare-tracker db` serves \(port \d+\)/);
      expect(collected.stderr).not.toContain('Stopping the local PostgreSQL server');
      expect(JSON.parse(collected.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'success' });
      expect(await count()).toBe(before + 7);
      const report = await run(['report', '--days', '3', '--format', 'json']).done;
      expect(report.code).toBe(0);
      expect(report.stderr).toMatch(/Using the local database that `ayrshare-tracker db` serves/);
      const sql = await run(['sql', 'SELECT count(*)::int AS n FROM social_media_analytics', '--format', 'json']).done;
      expect(JSON.parse(sql.stdout).rows).toEqual([[before + 7]]);
      // The server is still db's, still answering the BI tool.
      expect(await count()).toBe(before + 7);
    } finally {
      await bi.end();
    }
    db.child.kill('SIGINT');
    expect((await db.done).code).toBe(0);
  }, 90_000);

  it('two commands that start the local database at once: one waits for the other, both succeed', async () => {
    // Ayrshare answers the first command's two requests slowly, so it still holds the database when the second starts:
    // the second starts once the first is waiting for Ayrshare, with the server running.
    standIn.script(
      { body: loadFixture(), delayMs: 6_000 },
      { body: loadFixture(), delayMs: 6_000 },
      { body: loadFixture() },
    );
    const first = run(['collect', '--date', '2026-02-03', '--json']);
    await waitFor(() => (/Fetching analytics/.test(first.errors()) ? true : undefined));
    const second = run(['collect', '--date', '2026-02-04', '--json']);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stderr).not.toMatch(/waiting/);
    expect(b.stderr).toMatch(/Another ayrshare-tracker command \(process \d+\) is using the local database; waiting/);
    const answer = await run([
      'sql',
      'SELECT date::text AS day, count(*)::int AS n FROM social_media_analytics ' +
        "WHERE date IN ('2026-02-03', '2026-02-04') GROUP BY 1 ORDER BY 1",
      '--format',
      'json',
    ]).done;
    expect(JSON.parse(answer.stdout).rows).toEqual([
      ['2026-02-03', 7],
      ['2026-02-04', 7],
    ]);
    expect(existsSync(path.join(dir, 'server.lock'))).toBe(false);
  }, 90_000);

  it('db refuses to run with DATABASE_URL (there is nothing local to keep running)', async () => {
    const finished = await run(['db'], { DATABASE_URL: 'postgres://someone@127.0.0.1:1/x' }).done;
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('db keeps the local embedded database running');
  });
});
