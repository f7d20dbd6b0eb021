// Every default of the tracker, written once: the CLI, the Lambda's environment parsing and the CDK context schema
// all read them from here.

/** The zone that decides the snapshot date and the schedule (DST-correct through EventBridge Scheduler). */
export const DEFAULT_TIME_ZONE = 'America/New_York';
/** When the daily run starts, in DEFAULT_TIME_ZONE unless configured. */
export const DEFAULT_SCHEDULE = { hour: 6, minute: 0 } as const;
export const DEFAULT_BASE_URL = 'https://api.ayrshare.com';
/**
 * Profiles fetched at the same time: Ayrshare limits each profile (300 requests per 5 minutes), not the account. Each
 * profile has its two requests (the other platforms, and X) in flight at once, so at most twice this many are open.
 */
export const DEFAULT_CONCURRENCY = 25;
/** A follower count moving more than this share of the previous one is flagged (0.5 = 50 %). */
export const DEFAULT_ANOMALY_THRESHOLD = 0.5;
/** The weekday whose run also sends the weekly digest. */
export const DEFAULT_DIGEST_DAY = 'monday';
/**
 * Fan-out: a scheduled run with more profiles than `above` goes out through SQS in chunks of `chunk`, collected
 * `concurrency` at a time. With 25 profiles at a time and a few seconds each, 200 profiles are 8 rounds: well inside
 * the 120 s request budget, retries included.
 */
export const DEFAULT_FANOUT = { above: 200, chunk: 50, concurrency: 2 } as const;
/** Ayrshare's analytics answer for seven platforms is a few kilobytes; a larger answer than this is refused. */
export const DEFAULT_MAX_ANSWER_MB = 8;
/** The longest report window: ten years of days. */
export const MAX_REPORT_DAYS = 3660;
/** The report window when none is asked for. */
export const DEFAULT_REPORT_DAYS = 30;
/** The stack's name, which `report --remote` looks up when none is given. */
export const DEFAULT_STACK_NAME = 'AyrshareAnalyticsTracker';
