// Stops the test run's PostgreSQL and removes its files.
import { rmSync } from 'node:fs';
import type { EmbeddedDatabase } from '../../local/embedded-database';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __EMBEDDED_PG__?: EmbeddedDatabase }).__EMBEDDED_PG__?.stop();
  if (process.env.TEST_PG_BASE_DIR) rmSync(process.env.TEST_PG_BASE_DIR, { recursive: true, force: true });
}
