// The database a command works on: DATABASE_URL, or a database of the embedded server under .data/ (started, shared
// with `db`, stopped by the command's cleanups), checked to be PostgreSQL 14 or newer and migrated, or only checked
// to be current for reads.
import path from 'node:path';
import type pg from 'pg';
import { ConfigError, DatabaseError, errorMessage } from '../lambda/core/errors';
import { connectDatabase } from '../lambda/storage/connection';
import { readySchema } from '../lambda/storage/migrations';
import { openEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import type { LocalEnvironment } from './environment';
import { progressWriter } from './output';
import { PROJECT_ROOT, type RunContext } from './run-context';

export const MAIN_DATABASE = 'ayrshare_tracker';
export const DEMO_DATABASE = 'ayrshare_tracker_demo';
const MINIMUM_SERVER_VERSION = 140000;

/**
 * Connects to DATABASE_URL, or to a database of the embedded server under .data/; applies pending migrations
 * first; closes everything afterwards, whatever happens.
 */
export async function withDatabase<T>(
  env: LocalEnvironment,
  database: string,
  context: RunContext,
  work: (db: pg.Client, appliedMigrations: string[], embedded?: EmbeddedDatabase) => Promise<T>,
  options: {
    /** Only reads: a DATABASE_URL is not migrated (its user may be read-only), only checked to be current. */
    readOnly?: boolean;
    /** The embedded server's port (`db --port`); a free one when unset. */
    port?: number;
    /** `db`: other commands use this server while it runs. */
    share?: boolean;
  } = {},
): Promise<T> {
  const progress = progressWriter(context);
  let connection = env.databaseUrl;
  let embedded: EmbeddedDatabase | undefined;
  if (!connection) {
    embedded = await openEmbeddedDatabase({
      port: options.port,
      baseDir: env.dataDir ?? path.join(PROJECT_ROOT, '.data'),
      progress,
      share: options.share,
    });
    const server = embedded;
    const stopEmbedded = async () => {
      // A server `db` serves stays up for the others.
      if (!server.attached) progress('Stopping the local PostgreSQL server.');
      await server.stop();
    };
    context.cleanups.add(stopEmbedded);
    connection = await embedded.databaseUrl(database);
  }
  let db: pg.Client;
  try {
    db = await connectDatabase({ connection, timeZone: env.timeZone });
  } catch (error) {
    throw new DatabaseError(
      `Could not connect to PostgreSQL: ${errorMessage(error)}`,
      'Check DATABASE_URL and that the server is running.',
    );
  }
  const closeDb = () => db.end();
  context.cleanups.add(closeDb);
  try {
    const version = Number(
      (await db.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v,
    );
    if (version < MINIMUM_SERVER_VERSION) {
      throw new ConfigError(
        `DATABASE_URL points at PostgreSQL ${Math.floor(version / 10000)}; the tracker needs PostgreSQL 14 or newer.`,
      );
    }
    // Only reads on a DATABASE_URL: its user may be read-only, so the schema is checked, not migrated.
    const applied = await readySchema(db, {
      migrate: !(options.readOnly && !embedded),
      behind: (pending) =>
        new DatabaseError(
          `The database at DATABASE_URL is behind this version: ${pending.length} migration(s) not applied.`,
          'Run `ayrshare-tracker migrate` with a DATABASE_URL of the database owner, then try again.',
        ),
      migrationFailed: (error) => new DatabaseError(`Database migration failed: ${errorMessage(error)}`),
    });
    if (applied.length > 0) progress(`Applied migration(s): ${applied.join(', ')}`);
    return await work(db, applied, embedded);
  } finally {
    context.cleanups.delete(closeDb);
    await closeDb().catch(() => undefined);
  }
}
