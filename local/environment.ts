// The CLI's configuration: environment variables, parsed by one zod schema with messages that name the variable at
// fault and never echo a secret.
import { ConfigError } from '../lambda/core/errors';
import type { CollectorSettings, Profile } from '../lambda/core/model';
import { configErrorFrom, namedProfiles, profileListSchema, xCredentialsFrom } from '../lambda/core/schemas';
import {
  cliSettingsSchema,
  SENSITIVE_VARIABLES,
  type CliSettingName,
  type SettingValues,
} from '../lambda/core/settings';

/** The CLI's settings, by name (lambda/core/settings.ts declares each, with its variable). */
export type LocalEnvironment = SettingValues<CliSettingName>;

/** Reads the local configuration; unset and empty variables count as absent. */
export function readLocalEnvironment(env: NodeJS.ProcessEnv): LocalEnvironment {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = cliSettingsSchema.safeParse(present);
  if (!parsed.success) throw configErrorFrom(parsed.error, present, SENSITIVE_VARIABLES);
  return parsed.data;
}

/** The settings `collect` needs; the API key is required only here. */
export function collectorSettingsFromEnvironment(env: LocalEnvironment): CollectorSettings {
  if (!env.apiKey) {
    throw new ConfigError(
      'AYRSHARE_API_KEY is not set.',
      'Set it to your Ayrshare API key (Ayrshare dashboard > API Key), or try `npm run demo` first, which needs no key.',
    );
  }
  const xCredentials = xCredentialsFrom(env.xApiKey, env.xApiSecret, ['AYRSHARE_X_API_KEY', 'AYRSHARE_X_API_SECRET']);
  return {
    apiKey: env.apiKey,
    ...(xCredentials ? { xCredentials } : {}),
    baseUrl: env.baseUrl,
    profiles: env.profiles
      ? profilesFromEnvironment(env)
      : namedProfiles([{ name: env.profileName, profileKey: env.profileKey }], 'The environment'),
    concurrency: env.concurrency,
    platforms: env.platforms,
    timeZone: env.timeZone,
    anomalyThreshold: env.anomalyThreshold,
    posts: env.posts,
    ...(env.maxAnswerMegabytes ? { maxAnswerBytes: env.maxAnswerMegabytes * 1024 * 1024 } : {}),
  };
}

/** AYRSHARE_PROFILES: `[{"name": "brand", "profileKey": "..."}, ...]`. Errors name the entry and field, never a key. */
function profilesFromEnvironment(env: LocalEnvironment): Profile[] {
  if (env.profileKey || env.profileName) {
    throw new ConfigError(
      'AYRSHARE_PROFILES and AYRSHARE_PROFILE_KEY / AYRSHARE_PROFILE_NAME are both set; use one.',
      'List every profile in AYRSHARE_PROFILES, or set AYRSHARE_PROFILE_KEY for one.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(env.profiles!);
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
