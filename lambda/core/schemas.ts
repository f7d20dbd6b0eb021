// Schemas and rules shared by every source of configuration (the local environment, the deployed function's
// environment and secrets, the CDK context): each names the variable at fault and never echoes a secret.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ConfigError } from './errors';
import { KNOWN_PLATFORMS, isPlatform, type Platform } from './platform-names';
import { isIsoDate, WEEKDAYS } from './dates';
import type { Profile, XCredentials } from './model';
import { DEFAULT_BASE_URL, DEFAULT_TIME_ZONE } from './defaults';

/** Every secret of a configuration (API key, Profile-Keys, X credentials), for redaction. */
export function secretsOf(credentials: {
  apiKey: string;
  profiles: readonly Profile[];
  xCredentials?: XCredentials;
}): string[] {
  const x = credentials.xCredentials;
  return [
    credentials.apiKey,
    ...credentials.profiles.flatMap((p) => (p.profileKey ? [p.profileKey] : [])),
    ...(x ? [x.apiKey, x.apiSecret] : []),
  ];
}

/**
 * Both X credentials or neither: one alone is a configuration error (Ayrshare would answer 400), named by `names`.
 */
export function xCredentialsFrom(
  apiKey: string | undefined,
  apiSecret: string | undefined,
  names: [string, string],
): XCredentials | undefined {
  if (apiKey && apiSecret) return { apiKey, apiSecret };
  if (!apiKey && !apiSecret) return undefined;
  const [set, missing] = apiKey ? names : [names[1], names[0]];
  throw new ConfigError(
    `${set} is set but ${missing} is not; X/Twitter needs both.`,
    `Set ${missing} too (both come from your X app in the X developer portal), or unset ${set}.`,
  );
}

/** Printable ASCII without spaces: anything else cannot travel in an HTTP header (and fetch would echo it). */
export const headerSafeSecret = z
  .string()
  .trim()
  .min(1, { message: 'is empty', abort: true })
  .regex(/^[\x21-\x7e]+$/, 'contains spaces or characters that cannot be sent in an HTTP header');

export const platformListSchema = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
  )
  .superRefine((list, ctx) => {
    const unknown = list.filter((p) => !isPlatform(p));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `has unknown platform(s) ${unknown.join(', ')}; known: ${KNOWN_PLATFORMS.join(', ')}`,
      });
    }
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'lists no platform' });
  })
  .transform((list) => [...new Set(list)] as Platform[]);

export const timeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, {
    message: `is not an IANA time zone such as ${DEFAULT_TIME_ZONE} or Europe/Berlin`,
  });

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

export const profileNameSchema = z.string().trim().min(1, 'is empty').max(100, 'is longer than 100 characters');

/** One entry of a profile list: `{"name": "brand", "profileKey": "..."}`; no profileKey means the primary profile. */
export const profileEntrySchema = z
  .object({ name: profileNameSchema.optional(), profileKey: headerSafeSecret.optional() })
  .strict();
export const profileListSchema = z
  .array(profileEntrySchema)
  .min(1, 'lists no profile')
  .max(10_000, 'lists more than 10,000 profiles');

/** Names every profile (a fingerprint of its key when it has no name) and refuses a name used twice. */
export function namedProfiles(
  entries: ReadonlyArray<{ name?: string; profileKey?: string }>,
  where: string,
): Profile[] {
  const profiles = entries.map((entry) => ({
    name: entry.name ?? defaultProfileName(entry.profileKey),
    ...(entry.profileKey ? { profileKey: entry.profileKey } : {}),
  }));
  const names = profiles.map((p) => p.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new ConfigError(`${where} names profile "${repeated}" twice; each profile needs its own name.`);
  return profiles;
}

/**
 * `primary` for the account's own profile; for a Profile-Key without a name, a short one-way fingerprint,
 * so rows of different profiles never mix and the key itself is never stored.
 */
export function defaultProfileName(profileKey: string | undefined): string {
  if (!profileKey) return 'primary';
  return `profile-${createHash('sha256').update(profileKey).digest('hex').slice(0, 8)}`;
}

export function configErrorFrom(
  error: z.ZodError,
  input: Record<string, unknown>,
  secretKeys: ReadonlySet<string>,
  prefix?: string,
): ConfigError {
  const lines = error.issues.map((issue) => {
    const name = [prefix, ...issue.path].filter((p) => p !== undefined && p !== '').join('.') || 'configuration';
    const value = issue.path.reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
      input,
    );
    const shown =
      secretKeys.has(String(issue.path[0])) || typeof value !== 'string' ? '' : ` (got "${value.slice(0, 60)}")`;
    return `${name} ${issue.message}${shown}`;
  });
  return new ConfigError(`Invalid configuration: ${lines.join('; ')}.`);
}

/** The weekday whose run also sends the weekly digest, or off. */
export const digestDaySchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum([...WEEKDAYS, 'off'], { message: `must be a weekday (${WEEKDAYS.join(', ')}) or off` }));

/** Turns zod issues into one short sentence that names the offending field (and shows the value it got). */
export function describeIssues(error: z.ZodError, input: unknown, name?: string): string {
  return error.issues
    .slice(0, name ? 1 : 3)
    .map((issue) => {
      const field = [name, ...issue.path].filter((p) => p !== undefined && p !== '').join('.') || 'value';
      const received = issue.path.reduce<unknown>(
        (value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
        input,
      );
      return `${field} ${issue.message.replace(/^Invalid input: /, '')} (got ${preview(received)})`;
    })
    .join('; ');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** One fan-out chunk, as the SQS message body. */
export const chunkMessageSchema = z.object({
  action: z.literal('collect-chunk'),
  runKey: z.string().min(1),
  date: z.string().refine(isIsoDate, 'must be YYYY-MM-DD'),
  trigger: z.enum(['schedule', 'manual', 'retry']),
  chunk: z.number().int().min(0),
  chunks: z.number().int().min(1),
  profiles: z.array(z.string().min(1)).min(1),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

/** The byte cap on an answer, in MB (TRACKER_MAX_ANSWER_MB, context maxAnswerMegabytes). */

/**
 * Ayrshare's base URL: http(s), no trailing slash, and no user name or password in it (they would travel in every
 * message that names the address; keys belong in their own settings). Errors never repeat the value.
 */
export const baseUrlSchema = z
  .string()
  .trim()
  .refine((u) => /^https?:\/\/[^\s/]+/.test(u) && URL.canParse(u), `must be an http(s) URL such as ${DEFAULT_BASE_URL}`)
  .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), {
    message: 'must not hold a user name or password; the API key goes in its own setting',
  })
  .transform((u) => u.replace(/\/+$/, ''));
