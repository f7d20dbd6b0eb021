// The stack's configuration from CDK context (cdk.json defaults, `-c key=value` overrides), validated at synth with
// messages that name the key. Values from -c arrive as strings, so numbers and booleans are coerced. The defaults and
// the rules shared with the local and deployed configuration come from lambda/core.
import type * as z from 'zod';
import { contextSettingsSchema, SETTINGS } from '../lambda/core/settings';
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

/** Every context key: the settings that have one (lambda/core/settings.ts), named as the settings are. */
export const CONTEXT_KEYS = Object.values(SETTINGS).flatMap((s) => ('context' in s ? [s.context] : []));

/** Rules between keys: each issue names the key to change. */
function crossChecks(config: z.output<typeof contextSettingsSchema>, ctx: z.RefinementCtx): void {
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

const contextSchema = contextSettingsSchema.superRefine(crossChecks);

export type TrackerConfig = z.output<typeof contextSchema>;

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
