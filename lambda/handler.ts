// The Lambda edge, thin: secrets in, the same pipeline as the CLI, alert out. Two handlers share one bundle:
// `collect` (the daily run) and `migrate` (run by a deploy-time trigger; a throw fails the deploy).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import { alertForFailure, alertForSummary, type Alert } from './alert';
import { DEFAULT_HTTP_POLICY, type HttpPolicy } from './ayrshare-client';
import { dateInTimeZone, isIsoDate } from './dates';
import { parseAyrshareSecret, type AyrshareCredentials, parseDatabaseSecret, readDatabaseEnvironment, readFunctionEnvironment, type FunctionEnvironment } from './deployed-config';
import { createRedactor, errorMessage, TrackerError } from './errors';
import { METRICS_NAMESPACE, PLATFORM_METRICS, SERVICE_NAME, SUCCESSFUL_RUN_METRIC } from './handler-names';
import type { Log } from './log';
import { migrateDatabase, DEFAULT_MIGRATIONS_DIR } from './migrate';
import { secretsOf, type CollectorSettings, type Profile } from './config';
import { chunkMessageSchema, completeChunk, dispatchChunks } from './fanout';
import { collectAndStore } from './pipeline';
import { connectToRds } from './rds-connection';
import { loadReport, reportRequestSchema, type ReportData, type ReportRequest } from './report';
import type { StoredSnapshot } from './storage';
import type { FailedPlatform, RunSummary } from './summary';
import { buildWeeklyDigest, claimDigest, digestPlanFor, releaseDigest } from './digest';
import { describeIssues } from './ayrshare-schema';
import * as z from 'zod';

/** What EventBridge Scheduler sends (`scheduledTime` from <aws.scheduler.scheduled-time>), or a hand-made `date`. */
export interface CollectEvent {
  action?: 'collect';
  scheduledTime?: string;
  date?: string;
}

/** `ayrshare-tracker report --remote` asks for the report's JSON (lambda/report.ts) this way. */
export interface ReportEvent extends ReportRequest {
  action: 'report';
}

const reportEventSchema = reportRequestSchema.extend({ action: z.literal('report') }).strict();

export interface HandlerDependencies {
  secretsManager?: SecretsManagerClient;
  sns?: SNSClient;
  sqs?: SQSClient;
  logger?: Logger;
  metrics?: Metrics;
  /** Trusted database CAs (tests bring their own; the default is the RDS bundle). */
  databaseCa?: string | string[];
  httpPolicy?: Partial<HttpPolicy>;
  now?: () => Date;
}

/** Time kept back from the function timeout for the database work and the alert after the API call. */
const RESERVED_MS = 90_000;

/** The bundle ships migrations/ next to index.js; from the sources they sit at the repository root. */
const MIGRATIONS_DIR = existsSync(path.join(__dirname, 'migrations')) ? path.join(__dirname, 'migrations') : DEFAULT_MIGRATIONS_DIR;

/** What a scheduled run that fanned out returns: the chunks went to SQS; the last one to finish alerts. */
export interface DispatchSummary {
  status: 'dispatched';
  date: string;
  profiles: number;
  chunks: number;
}

function isSqsEvent(event: unknown): event is SQSEvent {
  return Boolean(event && typeof event === 'object' && Array.isArray((event as SQSEvent).Records) && (event as SQSEvent).Records.every((r) => r.eventSource === 'aws:sqs'));
}

export class CollectionFailedError extends Error {
  constructor(readonly summary: RunSummary) {
    super(`Nothing was stored for ${summary.date}: ${summary.failed.map((f) => `${f.platform}: ${f.reason}`).join('; ')}`);
    this.name = 'CollectionFailedError';
  }
}

function toLog(logger: Logger): Log {
  return { info: (message, data) => logger.info(message, data ?? {}), warn: (message, data) => logger.warn(message, data ?? {}) };
}

async function readSecret(client: SecretsManagerClient, arn: string): Promise<string | undefined> {
  const answer = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  return answer.SecretString;
}

/**
 * Reads the database secret, connects (one connection per invocation: a pool kept across invocations breaks when
 * Lambda freezes the sandbox), applies pending migrations, runs `work`, and closes the connection in `finally`.
 */
async function withDatabase<T>(
  env: Pick<FunctionEnvironment, 'databaseSecretArn' | 'timeZone'>,
  deps: HandlerDependencies & { secretsManager: SecretsManagerClient; logger: Logger; connectAttempts?: number },
  work: (db: pg.Client, appliedMigrations: string[]) => Promise<T>,
): Promise<T> {
  const credentials = parseDatabaseSecret(await readSecret(deps.secretsManager, env.databaseSecretArn));
  const log = toLog(deps.logger);
  const db = await connectToRds({ credentials, timeZone: env.timeZone, ca: deps.databaseCa, log, attempts: deps.connectAttempts });
  try {
    const applied = await migrateDatabase(db, { migrationsDir: MIGRATIONS_DIR, log });
    return await work(db, applied);
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** The snapshot date: given, or the schedule's scheduled time in the configured zone, or now. */
export function snapshotDate(event: CollectEvent | undefined, timeZone: string, now: Date): string {
  if (event?.date !== undefined) {
    if (!isIsoDate(event.date)) throw new TrackerError(`The event's "date" must be YYYY-MM-DD (got "${String(event.date).slice(0, 20)}").`);
    return event.date;
  }
  const scheduled = event?.scheduledTime ? new Date(event.scheduledTime) : undefined;
  return dateInTimeZone(scheduled && !Number.isNaN(scheduled.getTime()) ? scheduled : now, timeZone);
}

export function createCollectHandler(deps: HandlerDependencies = {}) {
  const secretsManager = deps.secretsManager ?? new SecretsManagerClient({});
  const sns = deps.sns ?? new SNSClient({});
  // Only a fan-out needs SQS: its client (and SDK module) are loaded then, not on every cold start.
  let sqsClient = deps.sqs;
  const sqs = async () => (sqsClient ??= new (await import('@aws-sdk/client-sqs')).SQSClient({}));
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics = deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const full = { ...deps, secretsManager, logger };

  /** Publishes to the alert topic; false when SNS refused (logged: the run's own outcome matters more). */
  const publish = async (topicArn: string, alert: Alert): Promise<boolean> => {
    try {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message }));
      return true;
    } catch (error) {
      // The alarms catch what the email missed.
      logger.error('Could not publish the alert', { subject: alert.subject, error: errorMessage(error) });
      return false;
    }
  };

  const report = async (event: ReportEvent): Promise<ReportData> => {
    const parsed = reportEventSchema.safeParse(event);
    if (!parsed.success) throw new TrackerError(`Invalid report request: ${describeIssues(parsed.error, event)}.`);
    const { action: _action, ...request } = parsed.data;
    return withDatabase(readDatabaseEnvironment(process.env), full, (db) => loadReport(db, request, deps.now ? deps.now() : new Date()));
  };

  /** What every finished run does with its summary: run metrics (the heartbeat among them), log, alert, digest. */
  const finishRun = async (db: pg.Client, summary: RunSummary, env: FunctionEnvironment, profiles: string[]) => {
    metrics.addMetric('PlatformsStored', MetricUnit.Count, summary.platforms_tracked);
    metrics.addMetric('PlatformsFailed', MetricUnit.Count, summary.failed.length);
    if (summary.status !== 'error') metrics.addMetric(SUCCESSFUL_RUN_METRIC, MetricUnit.Count, 1);
    logger.info('Run summary', { summary });
    const alert = alertForSummary(summary);
    if (alert) await publish(env.alertTopicArn, alert);
    await sendWeeklyDigest(db, summary.date, env, profiles);
  };

  /** The settings of a run over `profiles` of the secret. */
  const settingsFor = (env: FunctionEnvironment, ayrshare: AyrshareCredentials, profiles: Profile[]): CollectorSettings => ({
    apiKey: ayrshare.apiKey,
    ...(ayrshare.xCredentials ? { xCredentials: ayrshare.xCredentials } : {}),
    baseUrl: env.baseUrl,
    profiles,
    platforms: env.platforms,
    timeZone: env.timeZone,
    anomalyThreshold: env.anomalyThreshold,
    concurrency: env.concurrency,
  });

  /** One chunk of a fanned-out run: collected like a run; the last chunk to finish assembles the run and alerts. */
  const collectChunk = async (record: SQSRecord, env: FunctionEnvironment, context: Context): Promise<void> => {
    const message = chunkMessageSchema.parse(JSON.parse(record.body));
    const ayrshare = parseAyrshareSecret(await readSecret(secretsManager, env.ayrshareSecretArn));
    const wanted = new Set(message.profiles);
    const profiles = ayrshare.profiles.filter((p) => wanted.has(p.name));
    const gone = message.profiles.filter((name) => !profiles.some((p) => p.name === name));
    if (gone.length > 0) logger.warn('Chunk names profiles the secret no longer lists; they are skipped', { runKey: message.runKey, profiles: gone });
    await withDatabase(env, full, async (db) => {
      const result = await collectAndStore(settingsFor(env, ayrshare, profiles), message.date, {
        db,
        log: toLog(logger),
        httpPolicy: httpPolicyFor(context.getRemainingTimeInMillis(), deps.httpPolicy),
        trigger: message.trigger,
        // SQS redelivers a chunk with the same message id: the ledger records the second attempt as a retry.
        invocationId: `${message.runKey}#${message.chunk}`,
      });
      emitPlatformMetrics(result.stored, result.summary.failed);
      logger.info('Chunk collected', { runKey: message.runKey, chunk: message.chunk, of: message.chunks, status: result.summary.status });
      const whole = await completeChunk(db, message, { ...result.summary, profiles_in_chunk: profiles.map((p) => p.name) } as RunSummary);
      if (whole) await finishRun(db, whole, env, ayrshare.profiles.map((p) => p.name));
    });
  };

  return async (event: CollectEvent | ReportEvent | SQSEvent, context: Context): Promise<RunSummary | ReportData | DispatchSummary | SQSBatchResponse> => {
    if (isSqsEvent(event)) {
      const env = readFunctionEnvironment(process.env);
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await collectChunk(record, env, context);
        } catch (error) {
          // SQS retries this message alone, then moves it to the fan-out dead-letter queue (which alarms).
          logger.error('Chunk failed', { messageId: record.messageId, reason: errorMessage(error) });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    }
    if (event?.action === 'report') return report(event);
    let env: FunctionEnvironment;
    try {
      env = readFunctionEnvironment(process.env);
    } catch (error) {
      // Only a broken deployment gets here; alert when the topic is known, and fail so the Errors alarm fires too.
      const topic = process.env.ALERT_TOPIC_ARN?.trim();
      logger.error('The function is misconfigured', { reason: errorMessage(error) });
      if (topic) await publish(topic, alertForFailure(snapshotDate(undefined, 'UTC', new Date()), errorMessage(error)));
      throw error;
    }
    let redact = (text: string) => text;
    let date: string | undefined;
    try {
      const now = deps.now ? deps.now() : new Date();
      date = snapshotDate(event, env.timeZone, now);
      const ayrshare = parseAyrshareSecret(await readSecret(secretsManager, env.ayrshareSecretArn));
      redact = createRedactor(secretsOf(ayrshare));
      const runDate = date;
      // Lambda keeps the request id when it retries an event: the ledger turns a repeated id into "retry".
      const trigger = event?.scheduledTime ? 'schedule' : 'manual';
      if (env.fanOut && ayrshare.profiles.length > env.fanOut.above) {
        const fanOut = env.fanOut;
        const queue = await sqs();
        const messages = await withDatabase(env, full, (db) =>
          dispatchChunks(db, queue, fanOut.queueUrl, { runKey: `${runDate}/${context.awsRequestId}`, date: runDate, trigger, profiles: ayrshare.profiles.map((p) => p.name), chunkSize: fanOut.chunk }),
        );
        logger.info('Run fanned out', { date: runDate, profiles: ayrshare.profiles.length, chunks: messages.length });
        return { status: 'dispatched', date: runDate, profiles: ayrshare.profiles.length, chunks: messages.length };
      }
      const httpPolicy = httpPolicyFor(context.getRemainingTimeInMillis(), deps.httpPolicy);
      const summary = await withDatabase(env, full, async (db) => {
        const result = await collectAndStore(settingsFor(env, ayrshare, ayrshare.profiles), runDate, {
          db,
          log: toLog(logger),
          httpPolicy,
          today: dateInTimeZone(now, env.timeZone),
          trigger,
          invocationId: context.awsRequestId,
        });
        emitPlatformMetrics(result.stored, result.summary.failed);
        await finishRun(db, result.summary, env, ayrshare.profiles.map((p) => p.name));
        return result.summary;
      });
      if (summary.status === 'error') throw new CollectionFailedError(summary);
      return summary;
    } catch (error) {
      if (error instanceof CollectionFailedError) throw error;
      // Only the message travels on: raw error objects (pg, fetch, the SDK) can carry hosts, headers or values.
      const reason = redact(errorMessage(error));
      const hint = error instanceof TrackerError && error.hint ? ` ${error.hint}` : '';
      const when = date ?? dateInTimeZone(new Date(), env.timeZone);
      logger.error('Collection failed', { date: when, reason });
      await publish(env.alertTopicArn, alertForFailure(when, `${reason}${hint}`));
      throw new TrackerError(reason);
    }
  };

  /** On the digest weekday, once per week (claimed in the database before publishing, released if publishing fails). */
  async function sendWeeklyDigest(db: pg.Client, runDate: string, env: FunctionEnvironment, profiles: string[]): Promise<void> {
    const plan = digestPlanFor(runDate, env.digestDay);
    if (!plan) return;
    try {
      if (!(await claimDigest(db, plan.weekEnding))) return;
      const digest = await buildWeeklyDigest(db, plan, { profiles, platforms: env.platforms });
      if (await publish(env.alertTopicArn, digest)) logger.info('Weekly digest sent', { weekEnding: plan.weekEnding });
      else await releaseDigest(db, plan.weekEnding);
    } catch (error) {
      // The digest is a courtesy: its failure never fails the run that stored the day.
      logger.error('Could not send the weekly digest', { error: errorMessage(error) });
    }
  }
}

/**
 * Per profile and platform: followers, engagement rate, growth since the previous snapshot, and whether the platform
 * was collected (1) or failed (0). Each platform is one EMF document with its own dimensions.
 */
export function emitPlatformMetrics(stored: readonly StoredSnapshot[], failed: readonly FailedPlatform[]): void {
  const emit = (profile: string, platform: string, values: Array<[string, Parameters<Metrics['addMetric']>[1], number | null]>) => {
    const document = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
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

/**
 * The Ayrshare retry policy for an invocation with `remainingMs` left: all attempts and waits together end
 * RESERVED_MS before the timeout, which leaves the database work and the alert their time. Never under 10 s (a
 * single attempt), never over the default budget.
 */
export function httpPolicyFor(remainingMs: number, overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  const budgetMs = Math.max(10_000, Math.min(DEFAULT_HTTP_POLICY.budgetMs, remainingMs - RESERVED_MS));
  return { ...DEFAULT_HTTP_POLICY, budgetMs, ...overrides };
}

export function createMigrateHandler(deps: HandlerDependencies = {}) {
  const secretsManager = deps.secretsManager ?? new SecretsManagerClient({});
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  return async (): Promise<{ applied: string[] }> => {
    // During a deploy the instance may have just become available: allow more connection attempts.
    const applied = await withDatabase(readDatabaseEnvironment(process.env), { ...deps, secretsManager, logger, connectAttempts: 5 }, async (_db, appliedNow) => appliedNow);
    logger.info('Schema is current', { applied });
    return { applied };
  };
}

/** The middy-wrapped handlers: Powertools context in the logs, metrics flushed as EMF after each run. */
export function buildHandlers(deps: HandlerDependencies = {}) {
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics = deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  return {
    collect: middy(createCollectHandler({ ...deps, logger, metrics }))
      .use(injectLambdaContext(logger))
      .use(logMetrics(metrics, { captureColdStartMetric: true })),
    migrate: middy(createMigrateHandler({ ...deps, logger })).use(injectLambdaContext(logger)),
  };
}

export const { collect, migrate } = buildHandlers();
