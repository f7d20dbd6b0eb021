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
import { DEFAULT_INSTANCE_TYPE } from './constructs/database';
import { defaultMaxConnections, maxFanOutConcurrency, reservedConnections } from './database-capacity';
import {
  effectiveWindows,
  parseBackupWindow,
  parseMaintenanceWindow,
  windowConflict,
  overlaps,
  type DaySpan,
} from './database-windows';
import { retriesFor, runSpanMinutes } from './run-timing';

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

const baseSchema = z.object({
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
  // Economy mode: the database and the NAT instance sleep outside a daily window around the run (docs/DEPLOY.md).
  economy: flag.default(false),
  // RDS windows in UTC; unset, they are computed from the schedule (lib/database-windows).
  backupWindow: optionalText,
  maintenanceWindow: optionalText,
  // The NAT instance and the SQL access host keep the image they were launched with; raising this number replaces
  // them with the image that is current then.
  imageGeneration: wholeNumber(1, 1_000_000).default(1),
});

/** Rules between keys: each issue names the key to change. */
function crossChecks(config: z.output<typeof baseSchema>, ctx: z.RefinementCtx): void {
  const issue = (key: keyof typeof config, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  if (config.economy && config.nat === 'gateway') {
    issue(
      'economy',
      'cannot be true with nat=gateway: a NAT Gateway bills every hour and cannot sleep; use nat=instance ' +
        '(the default)',
    );
  }
  const run = {
    hour: config.scheduleHour,
    minute: config.scheduleMinute,
    timeZone: config.timeZone,
    spanMinutes: runSpanMinutes(retriesFor(config.economy)),
  };
  // Each given window on its own, then the pair the stack will deploy (a window placed next to a given one included).
  const bad = new Set<string>();
  for (const [key, parse] of [
    ['backupWindow', parseBackupWindow],
    ['maintenanceWindow', parseMaintenanceWindow],
  ] as const) {
    const text = config[key];
    if (text === undefined) continue;
    const span = parse(text);
    const problem = typeof span === 'string' ? span : windowConflict(span, run);
    if (problem) {
      issue(key, problem);
      bad.add(key);
    }
  }
  if (bad.size === 0 && (config.backupWindow !== undefined || config.maintenanceWindow !== undefined)) {
    const deployed = effectiveWindows(run, config.backupWindow, config.maintenanceWindow);
    const backup = parseBackupWindow(deployed.backup) as DaySpan;
    const maintenance = parseMaintenanceWindow(deployed.maintenance) as DaySpan;
    const other = (key: 'backup' | 'maintenance', text: string) =>
      deployed.given[key] ? '' : ` (the ${key} window the stack would use, ${text}; give ${key}Window too)`;
    if (overlaps(backup, maintenance)) {
      issue(
        deployed.given.maintenance ? 'maintenanceWindow' : 'backupWindow',
        `must not overlap the ${deployed.given.maintenance ? 'backup' : 'maintenance'} window` +
          `${deployed.given.maintenance ? other('backup', deployed.backup) : other('maintenance', deployed.maintenance)}` +
          ': RDS refuses overlapping windows',
      );
    } else if (!deployed.given.maintenance && windowConflict(maintenance, run)) {
      issue(
        'backupWindow',
        `leaves no room after it for the maintenance window${other('maintenance', deployed.maintenance)}`,
      );
    }
  }
  const instanceType = config.databaseInstanceType ?? DEFAULT_INSTANCE_TYPE;
  const limit = maxFanOutConcurrency(instanceType, config.sqlAccess === 'ssm');
  if (limit !== undefined && config.fanOutConcurrency > limit) {
    issue(
      'fanOutConcurrency',
      `must be at most ${limit} on db.${instanceType}: each chunk holds a database connection, the class allows ` +
        `about ${defaultMaxConnections(instanceType)} and ${reservedConnections(config.sqlAccess === 'ssm')} are ` +
        'kept for the migration, reads, SQL tools and RDS itself; choose a larger databaseInstanceType to go higher',
    );
  }
}

const contextSchema = baseSchema.superRefine(crossChecks);

export type TrackerConfig = z.output<typeof contextSchema>;
export const CONTEXT_KEYS = Object.keys(baseSchema.shape) as Array<keyof TrackerConfig>;

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
