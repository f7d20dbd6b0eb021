// Configuration of the deployed collector: the function's environment (ARNs and settings, never a secret) and the
// two secrets it reads at invocation, each with one zod schema and messages that name the field, not its value.
import * as z from 'zod';
import type { XCredentials } from './ayrshare-client';
import { xCredentialsFrom, anomalyThresholdSchema, concurrencySchema, configErrorFrom, DEFAULT_ANOMALY_THRESHOLD, DEFAULT_CONCURRENCY, headerSafeSecret, namedProfiles, profileListSchema, platformListSchema, profileNameSchema, timeZoneSchema, DEFAULT_BASE_URL, DEFAULT_TIME_ZONE, type Profile } from './config';
import { WEEKDAYS, type Weekday } from './dates';
import { ConfigError } from './errors';
import { DEFAULT_FANOUT_ABOVE, DEFAULT_FANOUT_CHUNK } from './fanout';
import { PLATFORMS, type Platform } from './platforms';

const functionEnvSchema = z.object({
  AYRSHARE_SECRET_ARN: z.string().min(1, 'is not set'),
  DATABASE_SECRET_ARN: z.string().min(1, 'is not set'),
  ALERT_TOPIC_ARN: z.string().min(1, 'is not set'),
  TRACKER_TIMEZONE: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  TRACKER_PLATFORMS: platformListSchema.optional(),
  AYRSHARE_BASE_URL: z.string().url().default(DEFAULT_BASE_URL),
  TRACKER_ANOMALY_THRESHOLD: anomalyThresholdSchema.default(DEFAULT_ANOMALY_THRESHOLD),
  TRACKER_CONCURRENCY: concurrencySchema.default(DEFAULT_CONCURRENCY),
  FANOUT_QUEUE_URL: z.string().url().optional(),
  TRACKER_FANOUT_ABOVE: z.coerce.number().int().min(1, 'must be a whole number of profiles, 1 or more').default(DEFAULT_FANOUT_ABOVE),
  TRACKER_FANOUT_CHUNK: z.coerce.number().int().min(1, 'must be from 1 to 1,000 profiles').max(1000, 'must be from 1 to 1,000 profiles').default(DEFAULT_FANOUT_CHUNK),
  TRACKER_DIGEST_DAY: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum([...WEEKDAYS, 'off'], { message: `must be a weekday (${WEEKDAYS.join(', ')}) or off` }))
    .default('monday'),
});

export interface FunctionEnvironment {
  ayrshareSecretArn: string;
  databaseSecretArn: string;
  alertTopicArn: string;
  timeZone: string;
  platforms: Platform[];
  baseUrl: string;
  /** The weekday whose run also sends the weekly digest, or off. */
  digestDay: Weekday | 'off';
  /** A follower count moving more than this share of the previous one is flagged. */
  anomalyThreshold: number;
  /** Profiles fetched at the same time. */
  concurrency: number;
  /** Set when the stack has a fan-out queue: runs with more than `above` profiles go out in chunks of `chunk`. */
  fanOut?: { queueUrl: string; above: number; chunk: number };
}

const databaseEnvSchema = functionEnvSchema.pick({ DATABASE_SECRET_ARN: true, TRACKER_TIMEZONE: true });

/** What the migrate function needs: it reads the database secret only. */
export function readDatabaseEnvironment(env: NodeJS.ProcessEnv): Pick<FunctionEnvironment, 'databaseSecretArn' | 'timeZone'> {
  const parsed = databaseEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error, env as Record<string, unknown>, new Set());
  return { databaseSecretArn: parsed.data.DATABASE_SECRET_ARN, timeZone: parsed.data.TRACKER_TIMEZONE };
}

export function readFunctionEnvironment(env: NodeJS.ProcessEnv): FunctionEnvironment {
  const parsed = functionEnvSchema.safeParse(env);
  if (!parsed.success) throw configErrorFrom(parsed.error, env as Record<string, unknown>, new Set());
  return {
    ayrshareSecretArn: parsed.data.AYRSHARE_SECRET_ARN,
    databaseSecretArn: parsed.data.DATABASE_SECRET_ARN,
    alertTopicArn: parsed.data.ALERT_TOPIC_ARN,
    timeZone: parsed.data.TRACKER_TIMEZONE,
    platforms: parsed.data.TRACKER_PLATFORMS ?? [...PLATFORMS],
    baseUrl: parsed.data.AYRSHARE_BASE_URL.replace(/\/+$/, ''),
    digestDay: parsed.data.TRACKER_DIGEST_DAY,
    anomalyThreshold: parsed.data.TRACKER_ANOMALY_THRESHOLD,
    concurrency: parsed.data.TRACKER_CONCURRENCY,
    fanOut: parsed.data.FANOUT_QUEUE_URL
      ? { queueUrl: parsed.data.FANOUT_QUEUE_URL, above: parsed.data.TRACKER_FANOUT_ABOVE, chunk: parsed.data.TRACKER_FANOUT_CHUNK }
      : undefined,
  };
}


/**
 * The Ayrshare secret: `{"apiKey": "...", "profileKey": "..."}` for one profile (profileKey optional: the primary
 * profile), or `{"apiKey": "...", "profiles": [{"name": "brand", "profileKey": "..."}, ...]}` for several.
 */
const ayrshareSecretSchema = z
  .object({
    apiKey: headerSafeSecret,
    profileKey: headerSafeSecret.optional(),
    name: profileNameSchema.optional(),
    profiles: profileListSchema.optional(),
    xApiKey: headerSafeSecret.optional(),
    xApiSecret: headerSafeSecret.optional(),
  })
  .refine((s) => !(s.profiles && s.profileKey), { message: 'has both profileKey and profiles; use one', path: ['profiles'] });

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
    throw new ConfigError(`The Ayrshare secret is invalid: ${(error as ConfigError).message}`, (error as ConfigError).hint);
  }
  return { apiKey: parsed.data.apiKey, profiles: namedProfiles(entries, 'The Ayrshare secret'), ...(xCredentials ? { xCredentials } : {}) };
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
  const json = parseSecretJson(secretString, 'The database secret', '{"host", "port", "username", "password", "dbname"}');
  const parsed = databaseSecretSchema.safeParse(json);
  if (!parsed.success) throw prefixed(configErrorFrom(parsed.error, {}, new Set()), 'The database secret');
  return parsed.data;
}

function parseSecretJson(secretString: string | undefined, what: string, shape: string): unknown {
  if (!secretString) throw new ConfigError(`${what} has no value yet.`, `Put a JSON value of the form ${shape} into it (see README, "Deploy to AWS").`);
  try {
    return JSON.parse(secretString);
  } catch {
    throw new ConfigError(`${what} is not JSON.`, `Its value must be JSON of the form ${shape}.`);
  }
}

function prefixed(error: ConfigError, what: string): ConfigError {
  return new ConfigError(error.message.replace(/^Invalid configuration: /, `${what} is invalid: `), 'Fix the field named above in Secrets Manager; the next run reads it again.');
}
