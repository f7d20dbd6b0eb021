// The events the collector function receives, one zod schema each, and the routing between them: a schedule's or a
// person's collect event, a `report` request from `ayrshare-tracker report --remote`, a `status` request from
// `ayrshare-tracker doctor --remote`, and fan-out chunks from SQS.
import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { TrackerError } from '../core/errors';
import { describeIssues } from '../core/schemas';
import {
  collectRequestSchema,
  reportActionSchema,
  statusActionSchema,
  type CollectRequest,
  type ReportAction,
  type StatusAction,
} from '../core/contracts';

/** An SQS batch of fan-out chunk messages (the body is checked per record, so one bad message fails alone). */
export const sqsEventSchema = z.looseObject({
  Records: z
    .array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string(), body: z.string() }))
    .min(1),
});

export type CollectorEvent =
  | { kind: 'chunks'; event: SQSEvent }
  | { kind: 'report'; event: ReportAction }
  | { kind: 'status'; event: StatusAction }
  | { kind: 'sql'; event: unknown }
  | { kind: 'collect'; event: CollectRequest };

/** Which handler an event is for, by its schema: SQS records, an explicit `report`, `status` or `sql` action, or collect. */
export function routeEvent(event: unknown): CollectorEvent {
  const payload = event ?? {};
  // The SQS event source never names an action: an event that does is routed by its action, whatever else it holds.
  const named = typeof payload === 'object' && payload !== null && 'action' in payload;
  if (!named && sqsEventSchema.safeParse(payload).success) return { kind: 'chunks', event: payload as SQSEvent };
  if (z.looseObject({ action: z.literal('report') }).safeParse(payload).success) {
    const report = reportActionSchema.safeParse(payload);
    if (!report.success) throw new TrackerError(`Invalid report request: ${describeIssues(report.error, payload)}.`);
    return { kind: 'report', event: report.data };
  }
  if (z.looseObject({ action: z.literal('status') }).safeParse(payload).success) {
    const status = statusActionSchema.safeParse(payload);
    if (!status.success) throw new TrackerError(`Invalid status request: ${describeIssues(status.error, payload)}.`);
    return { kind: 'status', event: status.data };
  }
  // Checked by the sql handler itself: a bad request is an answer to the person who sent it, not a function error.
  if (z.looseObject({ action: z.literal('sql') }).safeParse(payload).success) return { kind: 'sql', event: payload };
  const collect = collectRequestSchema.safeParse(payload);
  if (!collect.success) throw new TrackerError(`Invalid event: ${describeIssues(collect.error, payload)}.`);
  return { kind: 'collect', event: collect.data };
}
