// The deploy-time migration, as the database owner: applies pending migrations, then gives the tracker's roles
// their logins from their own secrets (a throw fails the deploy).
import { parseDatabaseSecret, readMigrateEnvironment } from '../core/deployed-config';
import { COLLECTOR_ROLE, READER_ROLE, type TrackerRole } from '../core/database-roles';
import { grantLogin } from '../storage/roles';
import type { Runtime } from './runtime';
import { TrackerError } from '../core/errors';

export async function handleMigrate(runtime: Runtime): Promise<{ applied: string[]; logins: TrackerRole[] }> {
  const env = readMigrateEnvironment(process.env);
  const logins: Array<[TrackerRole, string | undefined]> = [
    [COLLECTOR_ROLE, env.collectorSecretArn],
    [READER_ROLE, env.readerSecretArn],
  ];
  // During a deploy the instance may have just become available: allow more connection attempts.
  const result = await runtime.withDatabase(
    env,
    async (db, applied) => {
      const granted: TrackerRole[] = [];
      for (const [role, secretArn] of logins) {
        if (!secretArn) continue;
        const credentials = parseDatabaseSecret(await runtime.readSecret(secretArn));
        if (credentials.username !== role) {
          throw new TrackerError(
            `The secret for the ${role} role names the user "${credentials.username}".`,
            `Its username must be ${role}; the stack creates it so.`,
          );
        }
        await grantLogin(db, role, credentials.password);
        granted.push(role);
      }
      return { applied, logins: granted };
    },
    { connectAttempts: 5, migrate: true },
  );
  runtime.log.info('Schema is current', result);
  return result;
}
