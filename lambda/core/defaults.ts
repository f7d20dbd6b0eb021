// Defaults that are not settings of their own (a setting's default is declared with it, in settings.ts), or that
// several settings and messages share.

/** The zone that decides the snapshot date and the schedule (DST-correct through EventBridge Scheduler). */
export const DEFAULT_TIME_ZONE = 'America/New_York';
/** When the daily run starts, in DEFAULT_TIME_ZONE unless configured. */
export const DEFAULT_SCHEDULE = { hour: 6, minute: 0 } as const;
export const DEFAULT_BASE_URL = 'https://api.ayrshare.com';
/** Ayrshare's analytics answer for seven platforms is a few kilobytes; a larger answer than this is refused. */
export const DEFAULT_MAX_ANSWER_MB = 8;
/** The longest report window: ten years of days. */
export const MAX_REPORT_DAYS = 3660;
/** The report window when none is asked for. */
export const DEFAULT_REPORT_DAYS = 30;
/** The stack's name, which `report --remote` looks up when none is given. */
export const DEFAULT_STACK_NAME = 'AyrshareAnalyticsTracker';
/** `sql`: rows in one answer and how long one statement may run, unless asked otherwise. */
export const DEFAULT_SQL_MAX_ROWS = 1_000;
export const DEFAULT_SQL_TIMEOUT_MS = 30_000;
