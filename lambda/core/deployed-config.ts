// Configuration of the deployed collector: the function's environment (ARNs and settings, never a secret) and the
// secrets it reads at invocation (Ayrshare's keys, its database logins), each with one zod schema and messages that
// name the field, not its value.
import * as z from 'zod';
import { DEFAULT_TIME_ZONE } from './defaults';
import { ConfigError } from './errors';
import type { Profile, XCredentials } from './model';
import {
  configErrorFrom,
  headerSafeSecret,
  namedProfiles,
  profileListSchema,
  profileNameSchema,
  timeZoneSchema,
  xCredentialsFrom,
} from './schemas';
import { functionSettingsSchema, type SecretField } from './settings';

/**
 * Economy mode: how long a function keeps trying a database that may still be starting (seconds, at most 10 minutes;
 * the function's timeout bounds it too). Unset: a few quick retries, for a database that is always on.
 */
const databaseWaitSchema = z.coerce
  .number()
  .int()
  .min(0, 'must be 0 to 600 seconds')
  .max(600, 'must be 0 to 600 seconds')
  .optional();
const waitMs = (seconds: number | undefined) => (seconds ? seconds * 1000 : undefined);

/** What the stack wires into the collector's environment besides the settings: where its resources are. */
const wiringSchema = z.object({
  AYRSHARE_SECRET_ARN: z.string().min(1, 'is not set'),
  DATABASE_SECRET_ARN: z.string().min(1, 'is not set'),
  ALERT_TOPIC_ARN: z.string().min(1, 'is not set'),
  FANOUT_QUEUE_URL: z.string().url().optional(),
  TRACKER_DATABASE_WAIT_SECONDS: databaseWaitSchema,
});

const functionEnvSchema = z.intersection(wiringSchema, functionSettingsSchema).transform((env) => ({
  ayrshareSecretArn: env.AYRSHARE_SECRET_ARN,
  databaseSecretArn: env.DATABASE_SECRET_ARN,
  databaseWaitMs: waitMs(env.TRACKER_DATABASE_WAIT_SECONDS),
  alertTopicArn: env.ALERT_TOPIC_ARN,
  timeZone: env.timeZone,
  platforms: env.platforms,
  baseUrl: env.baseUrl,
  /** The weekday whose run also sends the weekly digest, or off. */
  digestDay: env.weeklyDigest,
  anomalyThreshold: env.anomalyThreshold,
  concurrency: env.concurrency,
  posts: env.posts,
  /** Answers larger than this are refused (unset: the client's default). */
  maxAnswerBytes: env.maxAnswerMegabytes ? env.maxAnswerMegabytes * 1024 * 1024 : undefined,
  /** Set when the stack has a fan-out queue: runs with more than `above` profiles go out in chunks of `chunk`. */
  fanOut: env.FANOUT_QUEUE_URL
    ? { queueUrl: env.FANOUT_QUEUE_URL, above: env.fanOutAbove, chunk: env.fanOutChunk }
    : undefined,
}));

export type FunctionEnvironment = z.output<typeof functionEnvSchema>;

/** What the migrate function (and a report request) needs: the database secret and the time zone only. */
const databaseEnvSchema = z
  .object({
    DATABASE_SECRET_ARN: z.string().min(1, 'is not set'),
    TRACKER_TIMEZONE: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    TRACKER_DATABASE_WAIT_SECONDS: databaseWaitSchema,
  })
  .transform((env) => ({
    databaseSecretArn: env.DATABASE_SECRET_ARN,
    timeZone: env.TRACKER_TIMEZONE,
    databaseWaitMs: waitMs(env.TRACKER_DATABASE_WAIT_SECONDS),
  }));
export type DatabaseEnvironment = z.output<typeof databaseEnvSchema>;

/** The migrate function: the owner's secret (DATABASE_SECRET_ARN), and the secrets whose roles get their logins. */
const migrateEnvSchema = z
  .object({
    DATABASE_SECRET_ARN: z.string().min(1, 'is not set'),
    TRACKER_TIMEZONE: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    COLLECTOR_SECRET_ARN: z.string().min(1).optional(),
    READER_SECRET_ARN: z.string().min(1).optional(),
    TRACKER_DATABASE_WAIT_SECONDS: databaseWaitSchema,
  })
  .transform((env) => ({
    databaseSecretArn: env.DATABASE_SECRET_ARN,
    timeZone: env.TRACKER_TIMEZONE,
    databaseWaitMs: waitMs(env.TRACKER_DATABASE_WAIT_SECONDS),
    collectorSecretArn: env.COLLECTOR_SECRET_ARN,
    readerSecretArn: env.READER_SECRET_ARN,
  }));
export type MigrateEnvironment = z.output<typeof migrateEnvSchema>;

export function readMigrateEnvironment(env: NodeJS.ProcessEnv): MigrateEnvironment {
  const parsed = migrateEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error, env as Record<string, unknown>, new Set());
  return parsed.data;
}

/**
 * Where reads (report, status, sql) connect: the read-only login when the stack gives one (READER_SECRET_ARN), else
 * the function's own. `required` (sql) refuses to fall back: people's SQL never runs as the collector.
 */
export function readReaderEnvironment(
  env: NodeJS.ProcessEnv,
  options: { required?: boolean } = {},
): DatabaseEnvironment {
  const reader = env.READER_SECRET_ARN?.trim();
  if (!reader && options.required) {
    throw new ConfigError(
      'READER_SECRET_ARN is not set: this deployment has no read-only login.',
      'Deploy this version of the stack (`npx cdk deploy`).',
    );
  }
  return readDatabaseEnvironment(reader ? { ...env, DATABASE_SECRET_ARN: reader } : env);
}

export function readDatabaseEnvironment(env: NodeJS.ProcessEnv): DatabaseEnvironment {
  const parsed = databaseEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error, env as Record<string, unknown>, new Set());
  return parsed.data;
}

export function readFunctionEnvironment(env: NodeJS.ProcessEnv): FunctionEnvironment {
  const parsed = functionEnvSchema.safeParse(env);
  if (!parsed.success)
    throw configErrorFrom(parsed.error, env as Record<string, unknown>, new Set(['AYRSHARE_BASE_URL']));
  return parsed.data;
}

/**
 * The Ayrshare secret: `{"apiKey": "...", "profileKey": "..."}` for one profile (profileKey optional: the primary
 * profile), or `{"apiKey": "...", "profiles": [{"name": "brand", "profileKey": "..."}, ...]}` for several.
 */
const ayrshareSecretSchema = z
  .object({
    // Exactly the secret fields the settings declare: a field added there and not here is a type error.
    apiKey: headerSafeSecret,
    profileKey: headerSafeSecret.optional(),
    name: profileNameSchema.optional(),
    profiles: profileListSchema.optional(),
    xApiKey: headerSafeSecret.optional(),
    xApiSecret: headerSafeSecret.optional(),
  } satisfies Record<SecretField, z.ZodType>)
  .refine((s) => !(s.profiles && s.profileKey), {
    message: 'has both profileKey and profiles; use one',
    path: ['profiles'],
  });

export interface AyrshareCredentials {
  apiKey: string;
  profiles: Profile[];
  /** The account owner's X app credentials, when the secret has them. */
  xCredentials?: XCredentials;
}

export function parseAyrshareSecret(secretString: string | undefined): AyrshareCredentials {
  const json = parseSecretJson(secretString, 'The Ayrshare secret', '{"apiKey": "...", "profileKey": "..."}');
  const parsed = ayrshareSecretSchema.safeParse(json);
  if (!parsed.success) throw prefixed(configErrorFrom(parsed.error, {}, new Set()), 'The Ayrshare secret');
  const entries = parsed.data.profiles ?? [{ name: parsed.data.name, profileKey: parsed.data.profileKey }];
  let xCredentials;
  try {
    xCredentials = xCredentialsFrom(parsed.data.xApiKey, parsed.data.xApiSecret, ['xApiKey', 'xApiSecret']);
  } catch (error) {
    throw new ConfigError(
      `The Ayrshare secret is invalid: ${(error as ConfigError).message}`,
      (error as ConfigError).hint,
    );
  }
  return {
    apiKey: parsed.data.apiKey,
    profiles: namedProfiles(entries, 'The Ayrshare secret'),
    ...(xCredentials ? { xCredentials } : {}),
  };
}

/** The secret RDS generates for the instance (fields as Secrets Manager's RDS template writes them). */
const databaseSecretSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().positive().default(5432),
  username: z.string().min(1),
  password: z.string().min(1),
  dbname: z.string().min(1).default('postgres'),
});
export type DatabaseCredentials = z.infer<typeof databaseSecretSchema>;

export function parseDatabaseSecret(secretString: string | undefined): DatabaseCredentials {
  const json = parseSecretJson(
    secretString,
    'The database secret',
    '{"host", "port", "username", "password", "dbname"}',
  );
  const parsed = databaseSecretSchema.safeParse(json);
  if (!parsed.success) throw prefixed(configErrorFrom(parsed.error, {}, new Set()), 'The database secret');
  return parsed.data;
}

function parseSecretJson(secretString: string | undefined, what: string, shape: string): unknown {
  if (!secretString)
    throw new ConfigError(
      `${what} has no value yet.`,
      `Put a JSON value of the form ${shape} into it (see docs/DEPLOY.md, "Put your Ayrshare keys into the secret").`,
    );
  try {
    return JSON.parse(secretString);
  } catch {
    throw new ConfigError(`${what} is not JSON.`, `Its value must be JSON of the form ${shape}.`);
  }
}

function prefixed(error: ConfigError, what: string): ConfigError {
  return new ConfigError(
    error.message.replace(/^Invalid configuration: /, `${what} is invalid: `),
    'Fix the field named above in Secrets Manager; the next run reads it again.',
  );
}
