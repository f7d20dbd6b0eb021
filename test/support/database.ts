// A fresh database per test file in the run's PostgreSQL, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase } from '../../lambda/storage/connection';
import { migrateDatabase } from '../../lambda/storage/migrations';

export interface TestDatabase {
  url: string;
  name: string;
  /** A connected client for assertions (ended by drop()). */
  client: pg.Client;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_PG_ADMIN_URL;
  if (!url)
    throw new Error('TEST_PG_ADMIN_URL is not set: run the tests through jest (globalSetup starts PostgreSQL).');
  return url;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `test_${label.replace(/\W+/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const client = await connectDatabase({ connection: url.toString(), timeZone: 'America/New_York' });
  return {
    url: url.toString(),
    name,
    client,
    async drop() {
      await client.end();
      const dropper = new pg.Client({ connectionString: adminUrl() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Removes every table, view and function of the tracker's schema, so the next command migrates from nothing. */
export async function resetSchema(client: pg.ClientBase): Promise<void> {
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

/**
 * An empty schema with every migration applied, as the deploy leaves it before the collector runs (the deployed
 * collector does not migrate: it refuses a stale schema).
 */
export async function resetMigratedSchema(client: pg.ClientBase): Promise<void> {
  await resetSchema(client);
  await migrateDatabase(client);
}
