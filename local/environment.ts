// The CLI's configuration: environment variables, parsed by one zod schema with messages that name the variable at
// fault and never echo a secret.
import * as z from 'zod';
import {
  DEFAULT_ANOMALY_THRESHOLD,
  DEFAULT_BASE_URL,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIME_ZONE,
} from '../lambda/core/defaults';
import { ConfigError } from '../lambda/core/errors';
import type { CollectorSettings, Profile } from '../lambda/core/model';
import {
  anomalyThresholdSchema,
  baseUrlSchema,
  concurrencySchema,
  configErrorFrom,
  headerSafeSecret,
  maxAnswerMbSchema,
  namedProfiles,
  platformListSchema,
  profileListSchema,
  profileNameSchema,
  timeZoneSchema,
  xCredentialsFrom,
} from '../lambda/core/schemas';
import { PLATFORMS } from '../lambda/metrics/platforms';

const localEnvSchema = z.object({
  AYRSHARE_API_KEY: headerSafeSecret.optional(),
  AYRSHARE_PROFILE_KEY: headerSafeSecret.optional(),
  AYRSHARE_PROFILE_NAME: profileNameSchema.optional(),
  AYRSHARE_X_API_KEY: headerSafeSecret.optional(),
  AYRSHARE_X_API_SECRET: headerSafeSecret.optional(),
  AYRSHARE_BASE_URL: baseUrlSchema.default(DEFAULT_BASE_URL),
  DATABASE_URL: z
    .string()
    .trim()
    .refine(
      (u) => /^postgres(ql)?:\/\//.test(u) && URL.canParse(u),
      'must be a postgres:// or postgresql:// connection URL',
    )
    .optional(),
  TRACKER_PLATFORMS: platformListSchema.optional(),
  TRACKER_TIMEZONE: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  TRACKER_DATA_DIR: z.string().trim().min(1).optional(),
  TRACKER_ANOMALY_THRESHOLD: anomalyThresholdSchema.default(DEFAULT_ANOMALY_THRESHOLD),
  TRACKER_CONCURRENCY: concurrencySchema.default(DEFAULT_CONCURRENCY),
  TRACKER_MAX_ANSWER_MB: maxAnswerMbSchema.optional(),
  /** JSON list of profiles; read by collectorSettingsFromEnvironment (it holds keys: never echoed). */
  AYRSHARE_PROFILES: z.string().optional(),
});

export type LocalEnvironment = z.output<typeof localEnvSchema>;

/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES = new Set([
  'AYRSHARE_API_KEY',
  'AYRSHARE_BASE_URL',
  'AYRSHARE_PROFILE_KEY',
  'AYRSHARE_PROFILES',
  'AYRSHARE_X_API_KEY',
  'AYRSHARE_X_API_SECRET',
  'DATABASE_URL',
]);

/** Reads the local configuration; unset and empty variables count as absent. */
export function readLocalEnvironment(env: NodeJS.ProcessEnv): LocalEnvironment {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = localEnvSchema.safeParse(present);
  if (!parsed.success) throw configErrorFrom(parsed.error, present, SECRET_VARIABLES);
  return parsed.data;
}

/** The settings `collect` needs; the API key is required only here. */
export function collectorSettingsFromEnvironment(env: LocalEnvironment): CollectorSettings {
  if (!env.AYRSHARE_API_KEY) {
    throw new ConfigError(
      'AYRSHARE_API_KEY is not set.',
      'Set it to your Ayrshare API key (Ayrshare dashboard > API Key), or try `npm run demo` first, which needs no key.',
    );
  }
  const xCredentials = xCredentialsFrom(env.AYRSHARE_X_API_KEY, env.AYRSHARE_X_API_SECRET, [
    'AYRSHARE_X_API_KEY',
    'AYRSHARE_X_API_SECRET',
  ]);
  return {
    apiKey: env.AYRSHARE_API_KEY,
    ...(xCredentials ? { xCredentials } : {}),
    baseUrl: env.AYRSHARE_BASE_URL,
    profiles: env.AYRSHARE_PROFILES
      ? profilesFromEnvironment(env)
      : namedProfiles([{ name: env.AYRSHARE_PROFILE_NAME, profileKey: env.AYRSHARE_PROFILE_KEY }], 'The environment'),
    concurrency: env.TRACKER_CONCURRENCY,
    platforms: env.TRACKER_PLATFORMS ?? [...PLATFORMS],
    timeZone: env.TRACKER_TIMEZONE,
    anomalyThreshold: env.TRACKER_ANOMALY_THRESHOLD,
    ...(env.TRACKER_MAX_ANSWER_MB ? { maxAnswerBytes: env.TRACKER_MAX_ANSWER_MB * 1024 * 1024 } : {}),
  };
}

/** AYRSHARE_PROFILES: `[{"name": "brand", "profileKey": "..."}, ...]`. Errors name the entry and field, never a key. */
function profilesFromEnvironment(env: LocalEnvironment): Profile[] {
  if (env.AYRSHARE_PROFILE_KEY || env.AYRSHARE_PROFILE_NAME) {
    throw new ConfigError(
      'AYRSHARE_PROFILES and AYRSHARE_PROFILE_KEY / AYRSHARE_PROFILE_NAME are both set; use one.',
      'List every profile in AYRSHARE_PROFILES, or set AYRSHARE_PROFILE_KEY for one.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(env.AYRSHARE_PROFILES!);
  } catch {
    throw new ConfigError(
      'AYRSHARE_PROFILES is not JSON.',
      'It must be a JSON list such as [{"name": "brand", "profileKey": "..."}, {"name": "primary"}].',
    );
  }
  const parsed = profileListSchema.safeParse(json);
  if (!parsed.success) throw configErrorFrom(parsed.error, { AYRSHARE_PROFILES: json }, new Set(), 'AYRSHARE_PROFILES');
  return namedProfiles(parsed.data, 'AYRSHARE_PROFILES');
}
