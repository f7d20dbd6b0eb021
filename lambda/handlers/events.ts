// The events the collector function receives, one zod schema each, and the routing between them: a schedule's or a
// person's collect event, a `report` request from `ayrshare-tracker report --remote`, a `status` request from
// `ayrshare-tracker doctor --remote`, and fan-out chunks from SQS.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { TrackerError } from '../core/errors';
import { describeIssues } from '../core/schemas';
import { DEFAULT_SQL_MAX_ROWS, DEFAULT_SQL_TIMEOUT_MS } from '../storage/read-only-sql';
import { reportRequestSchema } from '../storage/reports';

/** What one remote `sql` request may ask for: the answer must fit Lambda's 6 MB response. */
export const MAX_REMOTE_SQL_ROWS = 10_000;
export const MAX_REMOTE_SQL_TIMEOUT_MS = 120_000;

/** What EventBridge Scheduler sends (`scheduledTime` from <aws.scheduler.scheduled-time>), or a hand-made `date`. */
export const collectEventSchema = z.looseObject({
  action: z.literal('collect').optional(),
  // Checked by the collect handler itself, so that a bad date still alerts (the run's own failure path).
  scheduledTime: z.unknown().optional(),
  date: z.unknown().optional(),
});
export type CollectEvent = z.infer<typeof collectEventSchema>;

/** `ayrshare-tracker report --remote` asks for the report's JSON this way. */
export const reportEventSchema = reportRequestSchema.extend({ action: z.literal('report') }).strict();
export type ReportEvent = z.input<typeof reportEventSchema>;

/** `ayrshare-tracker doctor --remote` asks for the last run's outcome from the ledger this way. */
export const statusEventSchema = z.strictObject({ action: z.literal('status') });
export type StatusEvent = z.output<typeof statusEventSchema>;

/** `ayrshare-tracker sql --remote` sends one read statement this way; the function runs it as the read-only role. */
export const sqlEventSchema = z.strictObject({
  action: z.literal('sql'),
  sql: z.string().min(1, 'is empty').max(100_000, 'is longer than 100,000 characters'),
  maxRows: z.number().int().min(1).max(MAX_REMOTE_SQL_ROWS).default(DEFAULT_SQL_MAX_ROWS),
  timeoutMs: z.number().int().min(1_000).max(MAX_REMOTE_SQL_TIMEOUT_MS).default(DEFAULT_SQL_TIMEOUT_MS),
});
export type SqlEvent = z.output<typeof sqlEventSchema>;

/** An SQS batch of fan-out chunk messages (the body is checked per record, so one bad message fails alone). */
export const sqsEventSchema = z.looseObject({
  Records: z
    .array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string(), body: z.string() }))
    .min(1),
});

export type CollectorEvent =
  | { kind: 'chunks'; event: SQSEvent }
  | { kind: 'report'; event: z.output<typeof reportEventSchema> }
  | { kind: 'status'; event: StatusEvent }
  | { kind: 'sql'; event: unknown }
  | { kind: 'collect'; event: CollectEvent };

/** Which handler an event is for, by its schema: SQS records, an explicit `report`, `status` or `sql` action, or collect. */
export function routeEvent(event: unknown): CollectorEvent {
  const payload = event ?? {};
  // The SQS event source never names an action: an event that does is routed by its action, whatever else it holds.
  const named = typeof payload === 'object' && payload !== null && 'action' in payload;
  if (!named && sqsEventSchema.safeParse(payload).success) return { kind: 'chunks', event: payload as SQSEvent };
  if (z.looseObject({ action: z.literal('report') }).safeParse(payload).success) {
    const report = reportEventSchema.safeParse(payload);
    if (!report.success) throw new TrackerError(`Invalid report request: ${describeIssues(report.error, payload)}.`);
    return { kind: 'report', event: report.data };
  }
  if (z.looseObject({ action: z.literal('status') }).safeParse(payload).success) {
    const status = statusEventSchema.safeParse(payload);
    if (!status.success) throw new TrackerError(`Invalid status request: ${describeIssues(status.error, payload)}.`);
    return { kind: 'status', event: status.data };
  }
  // Checked by the sql handler itself: a bad request is an answer to the person who sent it, not a function error.
  if (z.looseObject({ action: z.literal('sql') }).safeParse(payload).success) return { kind: 'sql', event: payload };
  const collect = collectEventSchema.safeParse(payload);
  if (!collect.success) throw new TrackerError(`Invalid event: ${describeIssues(collect.error, payload)}.`);
  return { kind: 'collect', event: collect.data };
}
