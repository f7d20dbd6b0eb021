// Per-file set-up shared by the integration tests: a database of the run's PostgreSQL and the Ayrshare stand-in.
import { startAyrshareStandIn, type AyrshareStandIn } from './ayrshare-stand-in';
import { createTestDatabase, type TestDatabase } from './database';

/** Starts a test database and the loopback Ayrshare stand-in before the file's tests, and ends both after them. */
export function useDatabaseAndStandIn(
  label: string,
  ready: (db: TestDatabase, standIn: AyrshareStandIn) => void,
): void {
  let db: TestDatabase | undefined;
  let standIn: AyrshareStandIn | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(label);
    standIn = await startAyrshareStandIn();
    ready(db, standIn);
  });
  afterAll(async () => {
    await standIn?.close();
    await db?.drop();
  });
}
