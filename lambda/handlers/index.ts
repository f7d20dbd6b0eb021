// The Lambda bundle's entry: `collect` (the collector function: schedule, manual runs, report and status requests and
// fan-out chunks, routed by their schema) and `migrate` (the deploy-time migration), each wrapped with Powertools.
import type { Context } from 'aws-lambda';
import { createLogger, createMetrics, instrument } from '../aws/observability';
import { handleCollect } from './collect';
import { handleChunks } from './collect-chunk';
import { routeEvent } from './events';
import { handleMigrate } from './migrate';
import { handleReport } from './report';
import { handleSql } from './sql';
import { handleStatus } from './status';
import { createRuntime, type HandlerDependencies } from './runtime';

export { httpPolicyFor, snapshotDate, type HandlerDependencies } from './runtime';
export { type DispatchSummary } from './collect';
export { CollectionFailedError } from './runtime';
export { emitPlatformMetrics } from '../aws/observability';

export function buildHandlers(deps: HandlerDependencies = {}) {
  const logger = deps.logger ?? createLogger();
  const metrics = deps.metrics ?? createMetrics();
  const runtime = createRuntime({ ...deps, logger, metrics });
  const collect = async (event: unknown, context: Context) => {
    const routed = routeEvent(event);
    if (routed.kind === 'chunks') return handleChunks(routed.event, context, runtime);
    if (routed.kind === 'report') return handleReport(routed.event, runtime);
    if (routed.kind === 'status') return handleStatus(routed.event, runtime);
    if (routed.kind === 'sql') return handleSql(routed.event, runtime);
    return handleCollect(routed.event, context, runtime);
  };
  return {
    collect: instrument(collect, logger, metrics),
    migrate: instrument(() => handleMigrate(runtime), logger),
  };
}

export const { collect, migrate } = buildHandlers();
