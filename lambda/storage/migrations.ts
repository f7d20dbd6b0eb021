// Applies the versioned SQL migrations in migrations/ with node-pg-migrate; already-applied ones are skipped.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import { silentLog, type Log } from '../core/log';

/** Where the SQL files are: the repository's migrations/ locally; next to the bundle in the Lambda. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

/** Session-level advisory lock that serialises migration runs ("Ayrm"). */
const MIGRATION_LOCK_KEY = 0x4179726d;

/** Returns the names of the migrations this call applied (none when the schema is current). */
export async function migrateDatabase(
  client: pg.ClientBase,
  options: { migrationsDir?: string; log?: Log } = {},
): Promise<string[]> {
  const log = options.log ?? silentLog;
  // node-pg-migrate's own lock is a try-lock that fails a second run outright ("Another migration is already
  // running"); this blocking lock makes a concurrent run wait its turn, then find nothing left to apply.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  let applied;
  try {
    applied = await runner({
      dbClient: client,
      dir: options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      checkOrder: true,
      singleTransaction: true,
      log: () => undefined,
      verbose: false,
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) log.info('Applied database migrations', { migrations: names });
  return names;
}

/** Migration names that this code ships and the database has not applied (what `migrate` would apply). */
export async function pendingMigrations(
  db: pg.ClientBase,
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const shipped = shippedMigrations(migrationsDir);
  const table = await db.query<{ t: string | null }>(`SELECT to_regclass('pgmigrations')::text AS t`);
  if (!table.rows[0].t) return [...shipped];
  const { rows } = await db.query<{ name: string }>('SELECT name FROM pgmigrations');
  const applied = new Set(rows.map((r) => r.name));
  return shipped.filter((name) => !applied.has(name));
}

/**
 * Gets a connection's schema ready for work, one rule for the function and the CLI alike: the database's owner
 * (`migrate`) applies what is pending; anyone else, whose role may not change the schema, finds nothing pending or is
 * refused with `behind(pending)` before touching a table. Returns the migrations applied.
 */
export async function readySchema(
  db: pg.ClientBase,
  options: {
    migrate: boolean;
    behind: (pending: string[]) => Error;
    /** What a failed migration becomes (default: the error as it is). */
    migrationFailed?: (error: unknown) => Error;
    migrationsDir?: string;
    log?: Log;
  },
): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  if (options.migrate) {
    return migrateDatabase(db, { migrationsDir, log: options.log }).catch((error: unknown) => {
      throw options.migrationFailed ? options.migrationFailed(error) : error;
    });
  }
  const pending = await pendingMigrations(db, migrationsDir);
  if (pending.length > 0) throw options.behind(pending);
  return [];
}

/** The migrations a folder ships, read once per folder: a warm Lambda checks the schema at every invocation. */
const shippedByFolder = new Map<string, string[]>();
function shippedMigrations(migrationsDir: string): string[] {
  let names = shippedByFolder.get(migrationsDir);
  if (!names) {
    names = readdirSync(migrationsDir)
      .filter((file) => /\.(sql|js|ts)$/.test(file))
      .map((file) => file.replace(/\.(sql|js|ts)$/, ''))
      .sort();
    shippedByFolder.set(migrationsDir, names);
  }
  return names;
}
