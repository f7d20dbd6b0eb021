// How many connections the database takes, so that fan-out never asks for more than it has. Every collect
// invocation holds one connection (lambda/handlers/runtime.ts), so fanOutConcurrency chunks at once hold that many.
//
// RDS for PostgreSQL sets max_connections to LEAST({DBInstanceClassMemory/9531392}, 5000). DBInstanceClassMemory is
// the class's memory less what RDS keeps for the operating system and its own processes; we count three quarters of
// the class's memory, which gives 84 for a db.t4g.micro (1 GiB), where RDS reports 80 to 112 depending on version.

/** RDS's divisor in the max_connections default for PostgreSQL. */
const BYTES_PER_CONNECTION = 9_531_392;
const ENGINE_SHARE = 0.75;
const GIB = 1024 ** 3;

/** Memory (GiB) of the burstable sizes (t3, t4g) and of the general-purpose ones (m5, m6g, m7g, ...). */
const BURSTABLE_GIB: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };
const GENERAL_PURPOSE_GIB: Record<string, number> = {
  large: 8,
  xlarge: 16,
  '2xlarge': 32,
  '4xlarge': 64,
  '8xlarge': 128,
  '12xlarge': 192,
  '16xlarge': 256,
  '24xlarge': 384,
  '32xlarge': 512,
  '48xlarge': 768,
};

/**
 * Connections kept for everything but fan-out: PostgreSQL's superuser_reserved_connections (3) and RDS's own
 * (rds.rds_superuser_reserved_connections, 2), the migration (1), the dispatching collect invocation (1), reads
 * through the function (report, status, sql: 5 at once), and BI tools over the SQL tunnel when it exists (10).
 */
export function reservedConnections(sqlAccess: boolean): number {
  return 3 + 2 + 1 + 1 + 5 + (sqlAccess ? 10 : 0);
}

/** Memory in GiB of a class such as "t4g.micro" or "r6g.large", or undefined for a family we do not know. */
export function classMemoryGiB(instanceType: string): number | undefined {
  const match = /^([a-z]+)(\d+)([a-z-]*)\.(\w+)$/.exec(instanceType);
  if (!match) return undefined;
  const [, family, , , size] = match;
  if (family === 't') return BURSTABLE_GIB[size];
  if (family === 'm') return GENERAL_PURPOSE_GIB[size];
  // Memory-optimized classes have twice the memory of the general-purpose size.
  if (family === 'r') return GENERAL_PURPOSE_GIB[size] === undefined ? undefined : 2 * GENERAL_PURPOSE_GIB[size];
  return undefined;
}

/** The max_connections RDS gives the class by default (conservatively), or undefined when the class is unknown. */
export function defaultMaxConnections(instanceType: string): number | undefined {
  const gib = classMemoryGiB(instanceType);
  if (gib === undefined) return undefined;
  return Math.min(5000, Math.floor((gib * GIB * ENGINE_SHARE) / BYTES_PER_CONNECTION));
}

/** The most chunks that may run at once on this class, or undefined when the class is unknown. */
export function maxFanOutConcurrency(instanceType: string, sqlAccess: boolean): number | undefined {
  const max = defaultMaxConnections(instanceType);
  return max === undefined ? undefined : max - reservedConnections(sqlAccess);
}
