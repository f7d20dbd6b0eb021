// The tracker's database roles (created by the migrations) and their logins: a role gets LOGIN and a password from
// whoever holds its secret. The password travels as a SCRAM-SHA-256 verifier, never in clear: a statement that fails
// is written to the server log (and on RDS to CloudWatch) with its text.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { TRACKER_ROLES, type TrackerRole } from '../core/database-roles';
import { errorCode, TrackerError } from '../core/errors';

/**
 * The reader's role settings: read-only by default, and time and disk limits so that no reader holds the collector's
 * locks or fills the disk. migrations/1764700000000_roles.sql sets the same (SQL cannot import them).
 */
export const READER_DEFAULTS = [
  'default_transaction_read_only = on',
  `statement_timeout = '5min'`,
  `idle_in_transaction_session_timeout = '1min'`,
  `idle_session_timeout = '15min'`,
  `temp_file_limit = '1GB'`,
] as const;

/**
 * PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677, as `pg_authid.rolpassword` keeps it). The
 * server accepts it in ALTER ROLE ... PASSWORD and never sees the password itself. PostgreSQL applies SASLprep to
 * the password first; the secrets here are generated ASCII, for which SASLprep changes nothing.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Lets `role` log in with `password` (idempotent: every deploy sets it again from the secret). */
export async function grantLogin(db: pg.ClientBase, role: TrackerRole, password: string): Promise<void> {
  if (!TRACKER_ROLES.includes(role)) throw new TrackerError(`Unknown tracker role "${String(role)}".`);
  const exists = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (exists.rowCount === 0) {
    throw new TrackerError(
      `The database has no role ${role}: the migration that creates it did not run as a user with CREATEROLE.`,
      'Run the migrations as the database owner (the RDS master user does this during deploy).',
    );
  }
  // A utility statement takes no parameters; the verifier is base64 and `$`/`:` only, quoted as a literal.
  const verifier = scramVerifier(password);
  if (!/^[A-Za-z0-9+/=$:-]+$/.test(verifier)) throw new TrackerError('Unexpected SCRAM verifier form.');
  // A role belongs to the whole server; two databases of one server setting it at once collide ("tuple concurrently
  // updated", XX000): try again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD '${verifier}'`);
      return;
    } catch (error) {
      if (errorCode(error) !== 'XX000' || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
