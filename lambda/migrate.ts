// Applies the versioned SQL migrations in migrations/ with node-pg-migrate; already-applied ones are skipped.
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import { silentLog, type Log } from './log';

/** Where the SQL files are: the repository's migrations/ locally; next to the bundle in the Lambda. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

/** Returns the names of the migrations this call applied (none when the schema is current). */
export async function migrateDatabase(
  client: pg.ClientBase,
  options: { migrationsDir?: string; log?: Log } = {},
): Promise<string[]> {
  const log = options.log ?? silentLog;
  const applied = await runner({
    dbClient: client,
    dir: options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    checkOrder: true,
    singleTransaction: true,
    // node-pg-migrate takes a PostgreSQL advisory lock, so two runs starting together apply each migration once.
    log: () => undefined,
    verbose: false,
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) log.info('Applied database migrations', { migrations: names });
  return names;
}
