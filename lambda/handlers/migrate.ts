// The deploy-time migration: applies pending migrations (a throw fails the deploy).
import { readDatabaseEnvironment } from '../core/deployed-config';
import type { Runtime } from './runtime';

export async function handleMigrate(runtime: Runtime): Promise<{ applied: string[] }> {
  // During a deploy the instance may have just become available: allow more connection attempts.
  const applied = await runtime.withDatabase(
    readDatabaseEnvironment(process.env),
    async (_db, appliedNow) => appliedNow,
    { connectAttempts: 5 },
  );
  runtime.log.info('Schema is current', { applied });
  return { applied };
}
