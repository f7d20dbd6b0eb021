// Powertools for AWS Lambda: structured logs, CloudWatch metrics as Embedded Metric Format, and the middy middleware
// that adds the invocation's context to the logs and flushes the metrics after each invocation.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { EdgeLog } from '../core/log';
import { METRICS_NAMESPACE, PLATFORM_METRICS, RUN_METRICS, SERVICE_NAME } from '../core/metric-names';
import type { FailedPlatform, RunSummary, StoredSnapshot } from '../core/model';

export { Logger, Metrics };

export const createLogger = () => new Logger({ serviceName: SERVICE_NAME });
export const createMetrics = () => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** The pipeline's logging seam over Powertools Logger (which adds `error` for the edges). */
export function toLog(logger: Logger): EdgeLog {
  return {
    info: (message, data) => logger.info(message, data ?? {}),
    warn: (message, data) => logger.warn(message, data ?? {}),
    error: (message, data) => logger.error(message, data ?? {}),
  };
}

/** Run health: platforms stored and failed, and the heartbeat the "no successful run" alarm watches. */
export function recordRunMetrics(metrics: Metrics, summary: RunSummary): void {
  metrics.addMetric(RUN_METRICS.stored, MetricUnit.Count, summary.platforms_tracked);
  metrics.addMetric(RUN_METRICS.failed, MetricUnit.Count, summary.failed.length);
  if (summary.status !== 'error') metrics.addMetric(RUN_METRICS.succeeded, MetricUnit.Count, 1);
}

/**
 * Per profile and platform: followers, engagement rate, growth since the previous snapshot, and whether the platform
 * was collected (1) or failed (0). Each platform is one EMF document with its own dimensions.
 */
export function emitPlatformMetrics(stored: readonly StoredSnapshot[], failed: readonly FailedPlatform[]): void {
  const emit = (
    profile: string,
    platform: string,
    values: Array<[string, Parameters<Metrics['addMetric']>[1], number | null]>,
  ) => {
    const document = createMetrics();
    document.addDimensions({ profile, platform });
    for (const [name, unit, value] of values) if (value !== null) document.addMetric(name, unit, value);
    document.publishStoredMetrics();
  };
  for (const s of stored) {
    emit(s.profile, s.platform, [
      [PLATFORM_METRICS.collected, MetricUnit.Count, 1],
      [PLATFORM_METRICS.followers, MetricUnit.Count, s.metrics.followers_count],
      [PLATFORM_METRICS.engagementRate, MetricUnit.Percent, s.engagement_rate],
      [PLATFORM_METRICS.growth, MetricUnit.Count, s.growth_velocity],
    ]);
  }
  for (const f of failed) emit(f.profile, f.platform, [[PLATFORM_METRICS.collected, MetricUnit.Count, 0]]);
}

/** A handler wrapped with Powertools: the invocation's context in every log line, metrics flushed (if any). */
export function instrument<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  logger: Logger,
  metrics?: Metrics,
) {
  const wrapped = middy(handler).use(injectLambdaContext(logger));
  return metrics ? wrapped.use(logMetrics(metrics, { captureColdStartMetric: true })) : wrapped;
}
