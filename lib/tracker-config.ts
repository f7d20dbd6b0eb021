// The stack's configuration from CDK context (cdk.json defaults, `-c key=value` overrides), validated at synth with
// messages that name the key. Values from -c arrive as strings, so numbers and booleans are coerced.
import * as z from 'zod';
import { isValidTimeZone } from '../lambda/config';
import { WEEKDAYS } from '../lambda/dates';
import { KNOWN_PLATFORMS, PLATFORMS, isPlatform, type Platform } from '../lambda/platforms';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const wholeNumber = (min: number, max: number) => z.coerce.number().int(`must be a whole number`).min(min, `must be ${min} to ${max}`).max(max, `must be ${min} to ${max}`);
const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

const contextSchema = z.object({
  alertEmail: optionalText.refine((v) => v === undefined || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), 'must be an email address'),
  scheduleHour: wholeNumber(0, 23).default(6),
  scheduleMinute: wholeNumber(0, 59).default(0),
  timeZone: z.string().default('America/New_York').refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York'),
  platforms: z
    .union([z.string(), z.array(z.string())])
    .default([...PLATFORMS])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((p) => p.trim().toLowerCase()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every(isPlatform), `must list platforms among ${KNOWN_PLATFORMS.join(', ')}`)
    .transform((list) => [...new Set(list)] as Platform[]),
  databaseInstanceType: z.string().default('t4g.micro').refine((v) => /^[a-z][a-z0-9]*\.[a-z0-9]+$/.test(v), 'must be an instance type such as t4g.micro (without the "db." prefix)'),
  databaseStorageGiB: wholeNumber(20, 16384).default(20),
  multiAz: flag.default(false),
  deletionProtection: flag.default(true),
  nat: z.enum(['instance', 'gateway'], { message: 'must be "instance" (a small NAT instance) or "gateway" (a managed NAT Gateway)' }).default('instance'),
  vpcId: optionalText.refine((v) => v === undefined || /^vpc-[0-9a-f]{8,17}$/.test(v), 'must be a VPC id such as vpc-0123456789abcdef0'),
  ayrshareSecretName: optionalText,
  anomalyThreshold: z.coerce.number().gt(0, 'must be more than 0 (a share: 0.5 means 50 %)').max(100, 'must be at most 100 (a share: 0.5 means 50 %)').default(0.5),
  concurrency: wholeNumber(1, 100).default(25),
  fanOutAbove: wholeNumber(1, 100_000).default(200),
  fanOutChunk: wholeNumber(1, 1_000).default(50),
  fanOutConcurrency: wholeNumber(2, 1_000).default(2),
  weeklyDigest: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum([...WEEKDAYS, 'off'], { message: `must be a weekday (${WEEKDAYS.join(', ')}) or off` }))
    .default('monday'),
});

export type TrackerConfig = z.output<typeof contextSchema>;
export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as Array<keyof TrackerConfig>;

/** Reads every key with `tryGetContext`; throws one error listing each bad key, its value and what it must be. */
export function readTrackerConfig(tryGetContext: (key: string) => unknown): TrackerConfig {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, tryGetContext(key)]).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      return `${key} ${issue.message} (got ${JSON.stringify(raw[key])})`;
    });
    throw new Error(`Invalid CDK context: ${problems.join('; ')}. Set it in cdk.json or with -c key=value.`);
  }
  return parsed.data;
}
