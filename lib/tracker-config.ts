// The stack's configuration from CDK context (cdk.json defaults, `-c key=value` overrides), validated at synth with
// messages that name the key. Values from -c arrive as strings, so numbers and booleans are coerced. The defaults and
// the rules shared with the local and deployed configuration come from lambda/core.
import * as z from 'zod';
import {
  DEFAULT_ANOMALY_THRESHOLD,
  DEFAULT_CONCURRENCY,
  DEFAULT_DIGEST_DAY,
  DEFAULT_FANOUT,
  DEFAULT_SCHEDULE,
  DEFAULT_TIME_ZONE,
} from '../lambda/core/defaults';
import {
  anomalyThresholdSchema,
  concurrencySchema,
  maxAnswerMbSchema,
  digestDaySchema,
  platformListSchema,
  timeZoneSchema,
} from '../lambda/core/schemas';
import { PLATFORMS } from '../lambda/metrics/platforms';

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number()
    .int(`must be a whole number`)
    .min(min, `must be ${min} to ${max}`)
    .max(max, `must be ${min} to ${max}`);
const email = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
/** Lambda's SQS event source runs between 2 and 1,000 invocations at a time. */
const eventSourceConcurrency = wholeNumber(2, 1_000);

const contextSchema = z.object({
  alertEmail: optionalText.refine((v) => v === undefined || email.test(v), 'must be an email address'),
  scheduleHour: wholeNumber(0, 23).default(DEFAULT_SCHEDULE.hour),
  scheduleMinute: wholeNumber(0, 59).default(DEFAULT_SCHEDULE.minute),
  timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
  // A comma-separated list (from -c) or a JSON array (from cdk.json), checked by the same rule as TRACKER_PLATFORMS.
  platforms: z
    .union([z.string(), z.array(z.string()).transform((list) => list.join(','))])
    .pipe(platformListSchema)
    .default([...PLATFORMS]),
  // Unset: t4g.micro, or t3.micro in the regions where RDS for PostgreSQL does not offer it (lib/constructs/database).
  databaseInstanceType: optionalText.refine(
    (v) => v === undefined || /^[a-z][a-z0-9]*\.[a-z0-9]+$/.test(v),
    'must be an instance type such as t4g.micro (without the "db." prefix)',
  ),
  databaseStorageGiB: wholeNumber(20, 16384).default(20),
  multiAz: flag.default(false),
  deletionProtection: flag.default(true),
  nat: z
    .enum(['instance', 'gateway'], {
      message: 'must be "instance" (a small NAT instance) or "gateway" (a managed NAT Gateway)',
    })
    .default('instance'),
  // Opt-in: a Session Manager port forward to the database for BI tools (lib/constructs/sql-access).
  sqlAccess: z
    .enum(['off', 'ssm'], {
      message: 'must be "off" (no access from outside the VPC) or "ssm" (a Session Manager port forward)',
    })
    .default('off'),
  vpcId: optionalText.refine(
    (v) => v === undefined || /^vpc-[0-9a-f]{8,17}$/.test(v),
    'must be a VPC id such as vpc-0123456789abcdef0',
  ),
  ayrshareSecretName: optionalText,
  anomalyThreshold: anomalyThresholdSchema.default(DEFAULT_ANOMALY_THRESHOLD),
  concurrency: concurrencySchema.default(DEFAULT_CONCURRENCY),
  fanOutAbove: wholeNumber(1, 100_000).default(DEFAULT_FANOUT.above),
  fanOutChunk: wholeNumber(1, 1_000).default(DEFAULT_FANOUT.chunk),
  fanOutConcurrency: eventSourceConcurrency.default(DEFAULT_FANOUT.concurrency),
  weeklyDigest: digestDaySchema.default(DEFAULT_DIGEST_DAY),
  maxAnswerMegabytes: maxAnswerMbSchema.optional(),
});

export type TrackerConfig = z.output<typeof contextSchema>;
export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as Array<keyof TrackerConfig>;

/** Reads every key with `tryGetContext`; throws one error listing each bad key, its value and what it must be. */
export function readTrackerConfig(tryGetContext: (key: string) => unknown): TrackerConfig {
  const raw = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, tryGetContext(key)]).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
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
