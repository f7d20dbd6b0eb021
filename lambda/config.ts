// Configuration: one zod schema per source (local environment here, the deployed secret in secrets.ts), with
// messages that name the variable at fault and never echo a secret.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ConfigError } from './errors';
import type { XCredentials } from './ayrshare-client';
import { KNOWN_PLATFORMS, PLATFORMS, isPlatform, type Platform } from './platforms';

export const DEFAULT_BASE_URL = 'https://api.ayrshare.com';
export const DEFAULT_TIME_ZONE = 'America/New_York';

/** One Ayrshare profile to collect: `profileKey` is omitted for the account's primary profile. */
export interface Profile {
  /** Stored in the `profile` column and shown in reports and alerts; never the key itself. */
  name: string;
  profileKey?: string;
}

export interface CollectorSettings {
  apiKey: string;
  baseUrl: string;
  profiles: Profile[];
  platforms: Platform[];
  timeZone: string;
  /** Profiles fetched at the same time. @default DEFAULT_CONCURRENCY */
  concurrency?: number;
  /** A follower count moving more than this share of the previous one is flagged. @default 0.5 */
  anomalyThreshold?: number;
  /** The account owner's X app credentials; without them X/Twitter is not asked and fails as x_credentials. */
  xCredentials?: XCredentials;
}

/** Every secret of a configuration (API key, Profile-Keys, X credentials), for redaction. */
export function secretsOf(credentials: { apiKey: string; profiles: readonly Profile[]; xCredentials?: XCredentials }): string[] {
  const x = credentials.xCredentials;
  return [credentials.apiKey, ...credentials.profiles.flatMap((p) => (p.profileKey ? [p.profileKey] : [])), ...(x ? [x.apiKey, x.apiSecret] : [])];
}

/**
 * Both X credentials or neither: one alone is a configuration error (Ayrshare would answer 400), named by `names`.
 */
export function xCredentialsFrom(apiKey: string | undefined, apiSecret: string | undefined, names: [string, string]): XCredentials | undefined {
  if (apiKey && apiSecret) return { apiKey, apiSecret };
  if (!apiKey && !apiSecret) return undefined;
  const [set, missing] = apiKey ? names : [names[1], names[0]];
  throw new ConfigError(`${set} is set but ${missing} is not; X/Twitter needs both.`, `Set ${missing} too (both come from your X app in the X developer portal), or unset ${set}.`);
}

/** Printable ASCII without spaces: anything else cannot travel in an HTTP header (and fetch would echo it). */
export const headerSafeSecret = z
  .string()
  .trim()
  .min(1, { message: 'is empty', abort: true })
  .regex(/^[\x21-\x7e]+$/, 'contains spaces or characters that cannot be sent in an HTTP header');

export const platformListSchema = z
  .string()
  .transform((text) => text.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean))
  .superRefine((list, ctx) => {
    const unknown = list.filter((p) => !isPlatform(p));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `has unknown platform(s) ${unknown.join(', ')}; known: ${KNOWN_PLATFORMS.join(', ')}` });
    }
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'lists no platform' });
  })
  .transform((list) => [...new Set(list)] as Platform[]);

export const timeZoneSchema = z.string().trim().refine(isValidTimeZone, {
  message: 'is not an IANA time zone such as America/New_York or Europe/Berlin',
});

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** A follower count moving more than this share of the previous one is flagged (0.5 = 50 %). */
export const DEFAULT_ANOMALY_THRESHOLD = 0.5;
export const anomalyThresholdSchema = z.coerce
  .number({ message: 'must be a number such as 0.5 (for 50 %)' })
  .gt(0, 'must be more than 0 (a share: 0.5 means 50 %)')
  .max(100, 'must be at most 100 (a share: 0.5 means 50 %)');

export const profileNameSchema = z
  .string()
  .trim()
  .min(1, 'is empty')
  .max(100, 'is longer than 100 characters');

/** Profiles fetched at the same time: Ayrshare limits each profile, not the account, so profiles run side by side. */
export const DEFAULT_CONCURRENCY = 25;
export const concurrencySchema = z.coerce
  .number({ message: 'must be a whole number from 1 to 100' })
  .int('must be a whole number from 1 to 100')
  .min(1, 'must be a whole number from 1 to 100')
  .max(100, 'must be a whole number from 1 to 100');

/** One entry of a profile list: `{"name": "brand", "profileKey": "..."}`; no profileKey means the primary profile. */
export const profileEntrySchema = z.object({ name: profileNameSchema.optional(), profileKey: headerSafeSecret.optional() }).strict();
export const profileListSchema = z.array(profileEntrySchema).min(1, 'lists no profile').max(10_000, 'lists more than 10,000 profiles');

/** Names every profile (a fingerprint of its key when it has no name) and refuses a name used twice. */
export function namedProfiles(entries: ReadonlyArray<{ name?: string; profileKey?: string }>, where: string): Profile[] {
  const profiles = entries.map((entry) => ({
    name: entry.name ?? defaultProfileName(entry.profileKey),
    ...(entry.profileKey ? { profileKey: entry.profileKey } : {}),
  }));
  const names = profiles.map((p) => p.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new ConfigError(`${where} names profile "${repeated}" twice; each profile needs its own name.`);
  return profiles;
}

const localEnvSchema = z.object({
  AYRSHARE_API_KEY: headerSafeSecret.optional(),
  AYRSHARE_PROFILE_KEY: headerSafeSecret.optional(),
  AYRSHARE_PROFILE_NAME: profileNameSchema.optional(),
  AYRSHARE_X_API_KEY: headerSafeSecret.optional(),
  AYRSHARE_X_API_SECRET: headerSafeSecret.optional(),
  AYRSHARE_BASE_URL: z
    .string()
    .trim()
    .refine((u) => /^https?:\/\/[^\s/]+/.test(u) && URL.canParse(u), 'must be an http(s) URL such as https://api.ayrshare.com')
    .transform((u) => u.replace(/\/+$/, ''))
    .default(DEFAULT_BASE_URL),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((u) => /^postgres(ql)?:\/\//.test(u) && URL.canParse(u), 'must be a postgres:// or postgresql:// connection URL')
    .optional(),
  TRACKER_PLATFORMS: platformListSchema.optional(),
  TRACKER_TIMEZONE: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  TRACKER_DATA_DIR: z.string().trim().min(1).optional(),
  TRACKER_ANOMALY_THRESHOLD: anomalyThresholdSchema.default(DEFAULT_ANOMALY_THRESHOLD),
  TRACKER_CONCURRENCY: concurrencySchema.default(DEFAULT_CONCURRENCY),
  /** JSON list of profiles; read by collectorSettingsFromEnvironment (it holds keys: never echoed). */
  AYRSHARE_PROFILES: z.string().optional(),
});

export type LocalEnvironment = z.output<typeof localEnvSchema>;

/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES = new Set(['AYRSHARE_API_KEY', 'AYRSHARE_PROFILE_KEY', 'AYRSHARE_PROFILES', 'AYRSHARE_X_API_KEY', 'AYRSHARE_X_API_SECRET', 'DATABASE_URL']);

/** Reads the local configuration; unset and empty variables count as absent. */
export function readLocalEnvironment(env: NodeJS.ProcessEnv): LocalEnvironment {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
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
  const xCredentials = xCredentialsFrom(env.AYRSHARE_X_API_KEY, env.AYRSHARE_X_API_SECRET, ['AYRSHARE_X_API_KEY', 'AYRSHARE_X_API_SECRET']);
  return {
    apiKey: env.AYRSHARE_API_KEY,
    ...(xCredentials ? { xCredentials } : {}),
    baseUrl: env.AYRSHARE_BASE_URL,
    profiles: env.AYRSHARE_PROFILES ? profilesFromEnvironment(env) : namedProfiles([{ name: env.AYRSHARE_PROFILE_NAME, profileKey: env.AYRSHARE_PROFILE_KEY }], 'The environment'),
    concurrency: env.TRACKER_CONCURRENCY,
    platforms: env.TRACKER_PLATFORMS ?? [...PLATFORMS],
    timeZone: env.TRACKER_TIMEZONE,
    anomalyThreshold: env.TRACKER_ANOMALY_THRESHOLD,
  };
}

/** AYRSHARE_PROFILES: `[{"name": "brand", "profileKey": "..."}, ...]`. Errors name the entry and field, never a key. */
function profilesFromEnvironment(env: LocalEnvironment): Profile[] {
  if (env.AYRSHARE_PROFILE_KEY || env.AYRSHARE_PROFILE_NAME) {
    throw new ConfigError('AYRSHARE_PROFILES and AYRSHARE_PROFILE_KEY / AYRSHARE_PROFILE_NAME are both set; use one.', 'List every profile in AYRSHARE_PROFILES, or set AYRSHARE_PROFILE_KEY for one.');
  }
  let json: unknown;
  try {
    json = JSON.parse(env.AYRSHARE_PROFILES!);
  } catch {
    throw new ConfigError('AYRSHARE_PROFILES is not JSON.', 'It must be a JSON list such as [{"name": "brand", "profileKey": "..."}, {"name": "primary"}].');
  }
  const parsed = profileListSchema.safeParse(json);
  if (!parsed.success) throw configErrorFrom(parsed.error, { AYRSHARE_PROFILES: json }, new Set(), 'AYRSHARE_PROFILES');
  return namedProfiles(parsed.data, 'AYRSHARE_PROFILES');
}

/**
 * `primary` for the account's own profile; for a Profile-Key without a name, a short one-way fingerprint,
 * so rows of different profiles never mix and the key itself is never stored.
 */
export function defaultProfileName(profileKey: string | undefined): string {
  if (!profileKey) return 'primary';
  return `profile-${createHash('sha256').update(profileKey).digest('hex').slice(0, 8)}`;
}

export function configErrorFrom(error: z.ZodError, input: Record<string, unknown>, secretKeys: ReadonlySet<string>, prefix?: string): ConfigError {
  const lines = error.issues.map((issue) => {
    const name = [prefix, ...issue.path].filter((p) => p !== undefined && p !== '').join('.') || 'configuration';
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
    const shown = secretKeys.has(String(issue.path[0])) || typeof value !== 'string' ? '' : ` (got "${value.slice(0, 60)}")`;
    return `${name} ${issue.message}${shown}`;
  });
  return new ConfigError(`Invalid configuration: ${lines.join('; ')}.`);
}
