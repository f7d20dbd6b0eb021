// What the collector function is asked and what it answers, one zod schema each: the handlers build their answers to
// these types, and the CLI (report, sql and doctor with --remote) decodes what comes back with the same schemas, so
// neither side can drift from the other. Each action has one request schema and one schema per answer kind.
import * as z from 'zod';
import { isIsoDate } from './dates';
import { DEFAULT_REPORT_DAYS, DEFAULT_SQL_MAX_ROWS, DEFAULT_SQL_TIMEOUT_MS, MAX_REPORT_DAYS } from './defaults';
import { isPlatform, KNOWN_PLATFORMS } from './platform-names';

/** The mark every answer of this tracker carries, so that an answer from something else is never taken for one. */
export const TRACKER_MARK = 'ayrshare-analytics-tracker';

/** What one remote `sql` request may ask for: the answer must fit Lambda's 6 MB response. */
export const MAX_REMOTE_SQL_ROWS = 10_000;
export const MAX_REMOTE_SQL_TIMEOUT_MS = 120_000;

// ---- collect: the schedule's event (or a person's `aws lambda invoke`) --------------------------------------------

/** What EventBridge Scheduler sends (`scheduledTime` from <aws.scheduler.scheduled-time>), or a hand-made `date`. */
export const collectRequestSchema = z.looseObject({
  action: z.literal('collect').optional(),
  // Checked by the collect handler itself, so that a bad date still alerts (the run's own failure path).
  scheduledTime: z.unknown().optional(),
  date: z.unknown().optional(),
});
export type CollectRequest = z.infer<typeof collectRequestSchema>;

const failedPlatformSchema = z.object({
  profile: z.string(),
  platform: z.string(),
  reason: z.string(),
  error_class: z.string(),
  failing_since: z.string().optional(),
  failed_days: z.number().optional(),
});

/** A run done in this invocation: its summary (the full shape is RunSummary in core/model). */
export const runSummaryAnswerSchema = z.looseObject({
  status: z.enum(['success', 'partial', 'error']),
  date: z.string(),
  platforms_tracked: z.number(),
  failed: z.array(failedPlatformSchema),
});
/** A run too large for one invocation, sent out through the fan-out queue in chunks. */
export const dispatchAnswerSchema = z.strictObject({
  status: z.literal('dispatched'),
  date: z.string(),
  profiles: z.number(),
  chunks: z.number(),
});
export type DispatchAnswer = z.infer<typeof dispatchAnswerSchema>;

// ---- report: `report --remote` -----------------------------------------------------------------------------------

export const reportRequestSchema = z.object({
  days: z.number().int().min(1).max(MAX_REPORT_DAYS).default(DEFAULT_REPORT_DAYS),
  profile: z.string().trim().min(1).max(100).optional(),
  platform: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isPlatform, { message: `must be one of ${KNOWN_PLATFORMS.join(', ')}` })
    .optional(),
  /** The last day of the window; today in the tracker's time zone when absent. */
  asOf: z.string().refine(isIsoDate, 'must be a date as YYYY-MM-DD').optional(),
});
export type ReportRequest = z.input<typeof reportRequestSchema>;
export const reportActionSchema = reportRequestSchema.extend({ action: z.literal('report') }).strict();
export type ReportAction = z.output<typeof reportActionSchema>;

const count = z.number().nullable();

export const dailyPointSchema = z.object({
  date: z.string(),
  platform: z.string(),
  followers_count: count,
  /** Followers gained since the most recent earlier snapshot (growth_velocity). */
  daily_growth: count,
  /** Days between this snapshot and the one daily_growth is measured from; more than 1 means a gap. */
  days_since_previous: count,
  engagement_total: count,
  engagement_rate: count,
  /** What engagement_rate is a percentage of: reach, impressions or views. */
  engagement_rate_basis: z.string().nullable(),
  content_efficiency: count,
  /** YouTube's average share of a video watched, in %. */
  retention_rate: count,
  /** Set when the follower count fell to zero or moved more than the anomaly threshold. */
  anomaly: z.string().nullable(),
  /** Mapped figures Ayrshare sent that could not be stored (their columns are empty that day), and why. */
  left_out: z.array(z.object({ field: z.string(), reason: z.string() })),
  /**
   * false: Ayrshare had not refreshed the figures since the previous snapshot (its lastUpdated did not move), so the
   * day's growth is unknown; true: refreshed; null: Ayrshare did not say.
   */
  refreshed: z.boolean().nullable(),
});
export type DailyPoint = z.infer<typeof dailyPointSchema>;

/** A day of the window without a snapshot, and why, from the ledger. */
export const gapSchema = z.object({
  date: z.string(),
  platform: z.string(),
  /** failed, missing (not in Ayrshare's answer), stale or never ran (no attempt recorded). */
  status: z.string(),
  error_class: z.string().nullable(),
  reason: z.string().nullable(),
});
export type Gap = z.infer<typeof gapSchema>;

export const platformSummarySchema = z.object({
  platform: z.string(),
  first_date: z.string(),
  last_date: z.string(),
  /** Latest followers in the window. */
  followers_count: count,
  /** Last minus first followers in the window (can be negative). */
  follower_growth: count,
  total_engagement: count,
  avg_engagement_rate: count,
  last_engagement_rate: count,
  avg_content_efficiency: count,
  days_collected: z.number(),
});
export type PlatformSummary = z.infer<typeof platformSummarySchema>;

export const weeklyRowSchema = platformSummarySchema.pick({
  platform: true,
  follower_growth: true,
  total_engagement: true,
  avg_engagement_rate: true,
  days_collected: true,
});
export type WeeklyRow = z.infer<typeof weeklyRowSchema>;

/** One figure of the window next to the previous window of the same length. */
export const changeSchema = z.object({
  current: count,
  /** null: the previous window has no such figure (no earlier data). */
  previous: count,
  change: count,
  /** Change in percent of the previous figure; null when that is 0 or missing (never a made-up 0 %). */
  change_pct: count,
});
export type Change = z.infer<typeof changeSchema>;

export const comparisonRowSchema = z.object({
  /** A platform, or "all platforms" for the profile's total (growth and engagement summed, rates averaged). */
  platform: z.string(),
  days_collected: z.number(),
  /** 0: no snapshot in the previous window ("no earlier data"). */
  previous_days_collected: z.number(),
  follower_growth: changeSchema,
  total_engagement: changeSchema,
  avg_engagement_rate: changeSchema,
});
export type ComparisonRow = z.infer<typeof comparisonRowSchema>;

export const periodComparisonSchema = z.object({
  previous_from: z.string(),
  previous_to: z.string(),
  /** The profile's total first, then one row per platform. */
  rows: z.array(comparisonRowSchema),
});
export type PeriodComparison = z.infer<typeof periodComparisonSchema>;

export const topPostSchema = z.object({
  rank: z.number(),
  platform: z.string(),
  post_id: z.string(),
  posted_at: z.string(),
  /** An http(s) address, or null. Outside text: escaped wherever it is shown. */
  post_url: z.string().nullable(),
  post_text: z.string().nullable(),
  /** The snapshot the figures are from (the latest in the window). */
  snapshot_date: z.string(),
  likes: count,
  comments: count,
  shares: count,
  impressions: count,
  views: count,
  engagement: count,
  /** The snapshot before, and how much the engagement grew since; null for a post seen once. */
  previous_snapshot_date: z.string().nullable(),
  engagement_growth: count,
});
export type TopPost = z.infer<typeof topPostSchema>;

export const profileReportSchema = z.object({
  profile: z.string(),
  /** The stored platform with the highest average engagement rate over the window, or null. */
  best_performer: z
    .object({ platform: z.string(), avg_engagement_rate: z.number(), total_engagement: count })
    .nullable(),
  platforms: z.array(platformSummarySchema),
  /** The last 7 days (as_of included). */
  weekly: z.array(weeklyRowSchema),
  /** One point per stored snapshot in the window; days without one are absent (gaps, never zeros). */
  daily: z.array(dailyPointSchema),
  /** Every day of the window a known platform has no snapshot, with the ledger's reason. */
  gaps: z.array(gapSchema),
  /** The window next to the previous window of the same length. */
  comparison: periodComparisonSchema,
  /** The 5 posts published in the window with the highest engagement. */
  top_posts: z.array(topPostSchema),
  /** Networks whose posts are not in this report, and why (a failed history, or none collected). */
  posts_missing: z.array(z.object({ platform: z.string(), reason: z.string() })),
});
export type ProfileReport = z.infer<typeof profileReportSchema>;

/** The report's data: the same document whether the CLI reads the database itself or the function answers. */
export const reportAnswerSchema = z.object({
  report: z.literal(TRACKER_MARK),
  version: z.number(),
  generated_at: z.string(),
  as_of: z.string(),
  from: z.string(),
  days: z.number(),
  filters: z.object({ profile: z.string().nullable(), platform: z.string().nullable() }),
  profiles: z.array(profileReportSchema),
});
export type ReportData = z.infer<typeof reportAnswerSchema>;

// ---- status: `doctor --remote` ------------------------------------------------------------------------------------

export const statusActionSchema = z.strictObject({ action: z.literal('status') });
export type StatusAction = z.output<typeof statusActionSchema>;

const runOutcomeSchema = z.enum(['success', 'partial', 'error']);
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

/** The last run as `doctor --remote` reads it from the ledger (timestamps as ISO 8601 strings). */
export const latestRunSchema = z.object({
  snapshot_date: z.string(),
  /** The trigger of the most recent attempt: schedule, manual or retry. */
  trigger: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
  /** success when every profile succeeded, error when none stored anything, partial otherwise. */
  outcome: runOutcomeSchema,
  profiles: z.array(
    z.object({ profile: z.string(), outcome: runOutcomeSchema, started_at: z.string(), finished_at: z.string() }),
  ),
  /** Every platform not stored in those attempts, with its class and message. */
  failures: z.array(
    z.object({
      profile: z.string(),
      platform: z.string(),
      outcome: z.string(),
      error_class: z.string().nullable(),
      message: z.string().nullable(),
    }),
  ),
});
export type LatestRun = z.infer<typeof latestRunSchema>;

export const statusAnswerSchema = z.object({ status: z.literal(TRACKER_MARK), lastRun: latestRunSchema.nullable() });
export type StatusAnswer = z.infer<typeof statusAnswerSchema>;

// ---- sql: `sql --remote` ------------------------------------------------------------------------------------------

/** One read statement; the function runs it as the read-only role. */
export const sqlActionSchema = z.strictObject({
  action: z.literal('sql'),
  sql: z.string().min(1, 'is empty').max(100_000, 'is longer than 100,000 characters'),
  maxRows: z.number().int().min(1).max(MAX_REMOTE_SQL_ROWS).default(DEFAULT_SQL_MAX_ROWS),
  timeoutMs: z.number().int().min(1_000).max(MAX_REMOTE_SQL_TIMEOUT_MS).default(DEFAULT_SQL_TIMEOUT_MS),
});
export type SqlAction = z.output<typeof sqlActionSchema>;

export const sqlColumnSchema = z.object({
  name: z.string(),
  /** PostgreSQL's name of the column type (int4, numeric, date, ...). */
  type: z.string(),
});
export type SqlColumn = z.infer<typeof sqlColumnSchema>;

/** The rows, as far as they fit. */
export const sqlResultSchema = z.object({
  result: z.literal(`${TRACKER_MARK}-sql`),
  columns: z.array(sqlColumnSchema),
  /** Values as text, numbers, booleans, JSON or null; dates and timestamps as PostgreSQL writes them. */
  rows: z.array(z.array(z.unknown())),
  /** More rows existed than the answer holds: it stops at the row cap or at the byte budget (`cutBy`). */
  truncated: z.boolean(),
  cutBy: z.enum(['rows', 'bytes']).optional(),
  maxRows: z.number(),
  timeoutMs: z.number(),
});
export type SqlResult = z.infer<typeof sqlResultSchema>;

/** A refused statement (a write, a second statement, a bad request): the CLI exits 2. */
export const sqlRefusalSchema = z.object({
  result: z.literal(`${TRACKER_MARK}-sql-refused`),
  message: z.string(),
  hint: z.string().optional(),
});
export type SqlRefusal = z.infer<typeof sqlRefusalSchema>;

/** A statement that could not finish (the timeout, the server): the CLI exits 1. */
export const sqlFailureSchema = z.object({
  result: z.literal(`${TRACKER_MARK}-sql-failed`),
  message: z.string(),
  hint: z.string().optional(),
});
export type SqlFailure = z.infer<typeof sqlFailureSchema>;

export const sqlAnswerSchema = z.discriminatedUnion('result', [sqlResultSchema, sqlRefusalSchema, sqlFailureSchema]);
export type SqlAnswer = z.infer<typeof sqlAnswerSchema>;

/**
 * Every action with its request and its answers: the CLI's one invoke helper decodes by this table, and a test holds
 * each answer kind against the handler that builds it.
 */
export const ACTIONS = {
  collect: { request: collectRequestSchema, answer: z.union([runSummaryAnswerSchema, dispatchAnswerSchema]) },
  report: { request: reportActionSchema, answer: reportAnswerSchema },
  status: { request: statusActionSchema, answer: statusAnswerSchema },
  sql: { request: sqlActionSchema, answer: sqlAnswerSchema },
} as const;
export type Action = keyof typeof ACTIONS;
export type AnswerOf<A extends Action> = z.output<(typeof ACTIONS)[A]['answer']>;
export type RequestOf<A extends Action> = z.input<(typeof ACTIONS)[A]['request']>;

/** The default branch of a switch over answer kinds: a kind left unhandled there is a type error. */
export function unhandledAnswer(answer: never): never {
  throw new Error(`Unhandled answer: ${JSON.stringify(answer).slice(0, 80)}`);
}
