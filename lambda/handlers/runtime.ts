// What every handler stands on, composed: the AWS services (through lambda/aws), the database (secret, TLS
// connection, a schema check or the migrations, closed after each invocation), the run's settings and retry budget,
// what a finished run does (metrics, log, alert, the weekly digest of lambda/pipeline), and the one place that turns
// a failure into an alert and a thrown error.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { DEFAULT_HTTP_POLICY, type HttpPolicy } from '../ayrshare/client';
import type { AwsDependencies } from '../aws/dependencies';
import { createChunkSender, type ChunkSender } from '../aws/queue';
import { createLogger, createMetrics, recordRunMetrics, toLog, type Logger, type Metrics } from '../aws/observability';
import { connectToRds } from '../aws/rds-connection';
import { createSecretReader, type SecretReader } from '../aws/secrets';
import { createPublisher, type Publisher } from '../aws/topic';
import { PLAIN_BOUNDARY, type Boundary } from '../core/boundary';
import { dateInTimeZone, isIsoDate } from '../core/dates';
import {
  parseAyrshareSecret,
  parseDatabaseSecret,
  readFunctionEnvironment,
  type AyrshareCredentials,
  type DatabaseEnvironment,
  type FunctionEnvironment,
} from '../core/deployed-config';
import { errorMessage, TrackerError } from '../core/errors';
import type { EdgeLog } from '../core/log';
import type { CollectorSettings, Profile, RunSummary } from '../core/model';
import { alertForFailure, alertForSummary } from '../notify/alert';
import { sendWeeklyDigest } from '../pipeline/weekly-digest';
import { DEFAULT_MIGRATIONS_DIR, readySchema } from '../storage/migrations';

export interface HandlerDependencies extends AwsDependencies {
  /** Trusted database CAs instead of Node.js's (tests bring their own; deployed: NODE_EXTRA_CA_CERTS). */
  databaseCa?: string | string[];
  httpPolicy?: Partial<HttpPolicy>;
  now?: () => Date;
}

/** Time kept back from the function timeout for the database work and the alert after the API call. */
const RESERVED_MS = 90_000;

/** The bundle ships migrations/ next to index.js; from the sources they sit at the repository root. */
const MIGRATIONS_DIR = existsSync(path.join(__dirname, 'migrations'))
  ? path.join(__dirname, 'migrations')
  : DEFAULT_MIGRATIONS_DIR;

export interface Runtime {
  logger: Logger;
  metrics: Metrics;
  log: EdgeLog;
  readSecret: SecretReader;
  publish: Publisher;
  sendChunks: ChunkSender;
  now(): Date;
  httpPolicyFor(remainingMs: number): HttpPolicy;
  /** The function's environment; a broken deployment alerts (when the topic is known) and throws. */
  readEnvironment(): Promise<FunctionEnvironment>;
  readAyrshareSecret(env: FunctionEnvironment): Promise<AyrshareCredentials>;
  withDatabase<T>(
    env: DatabaseEnvironment,
    work: (db: pg.Client, appliedMigrations: string[]) => Promise<T>,
    options?: {
      connectAttempts?: number;
      /** Apply pending migrations (the migrate function, as the owner); otherwise refuse a stale schema. */
      migrate?: boolean;
    },
  ): Promise<T>;
  finishRun(db: pg.Client, summary: RunSummary, env: FunctionEnvironment, profiles: string[]): Promise<void>;
  failRun(
    env: Pick<FunctionEnvironment, 'alertTopicArn' | 'timeZone'>,
    date: string | undefined,
    error: unknown,
    boundary?: Boundary,
  ): Promise<never>;
}

export function createRuntime(deps: HandlerDependencies = {}): Runtime {
  const logger = deps.logger ?? createLogger();
  const metrics = deps.metrics ?? createMetrics();
  // Every handler log line passes the boundary (at least: no control characters from outside reach the logs).
  const log = PLAIN_BOUNDARY.log(toLog(logger));
  const readSecret = createSecretReader(deps.secretsManager);
  const publish = createPublisher(log, deps.sns);
  const now = () => (deps.now ? deps.now() : new Date());

  const runtime: Runtime = {
    logger,
    metrics,
    log,
    readSecret,
    publish,
    sendChunks: createChunkSender(deps.sqs),
    now,
    httpPolicyFor: (remainingMs) => httpPolicyFor(remainingMs, deps.httpPolicy),
    readAyrshareSecret: async (env) => parseAyrshareSecret(await readSecret(env.ayrshareSecretArn)),

    async readEnvironment() {
      try {
        return readFunctionEnvironment(process.env);
      } catch (error) {
        // Only a broken deployment gets here; alert when the topic is known, and fail so the Errors alarm fires too.
        const topic = process.env.ALERT_TOPIC_ARN?.trim();
        log.error('The function is misconfigured', { reason: errorMessage(error) });
        if (topic) await publish(topic, alertForFailure(dateInTimeZone(now(), 'UTC'), errorMessage(error)));
        throw error;
      }
    },

    /**
     * Reads the database secret, connects (one connection per invocation: a pool kept across invocations breaks when
     * Lambda freezes the sandbox), applies pending migrations (`migrate`) or checks there are none, runs `work`, and
     * closes the connection in `finally`. The collector's role may not change the schema, so a deploy whose
     * migration step did not run fails here with what to do, not halfway through a write.
     */
    async withDatabase(env, work, options = {}) {
      const credentials = parseDatabaseSecret(await readSecret(env.databaseSecretArn));
      const db = await connectToRds({
        credentials,
        timeZone: env.timeZone,
        ca: deps.databaseCa,
        log,
        attempts: options.connectAttempts,
        waitMs: env.databaseWaitMs,
      });
      try {
        const applied = await readySchema(db, {
          migrate: Boolean(options.migrate),
          migrationsDir: MIGRATIONS_DIR,
          log,
          behind: (pending) =>
            new TrackerError(
              `The database schema is behind this code: ${pending.length} migration(s) not applied ` +
                `(${pending.join(', ')}).`,
              'Deploy again (`npx cdk deploy`): its migration step applies them. Its log group is in the ' +
                'MigrateLogGroupName output.',
            ),
        });
        return await work(db, applied);
      } finally {
        await db.end().catch(() => undefined);
      }
    },

    /** What every finished run does with its summary: run metrics (the heartbeat among them), log, alert, digest. */
    async finishRun(db, summary, env, profiles) {
      recordRunMetrics(metrics, summary);
      log.info('Run summary', { summary });
      const alert = alertForSummary(summary);
      if (alert) await publish(env.alertTopicArn, alert);
      await sendWeeklyDigest(db, {
        runDate: summary.date,
        digestDay: env.digestDay,
        platforms: env.platforms,
        profiles,
        publish: (digest) => publish(env.alertTopicArn, digest),
        log,
      });
    },

    /**
     * The one place a failed run becomes an outcome: logged, alerted (with the hint), and thrown again with its hint
     * and cause, so Lambda counts an error (the Errors alarm) and retries the event. Only the message travels on:
     * raw error objects (pg, fetch, the SDK) can carry hosts, headers or values.
     */
    async failRun(env, date, error, boundary = PLAIN_BOUNDARY) {
      // A run that stored nothing has alerted already (finishRun): only its error is thrown on.
      if (error instanceof CollectionFailedError) throw error;
      const reason = boundary.text(errorMessage(error), 1_000);
      const hint = error instanceof TrackerError && error.hint ? boundary.text(error.hint, 500) : undefined;
      const when = date ?? dateInTimeZone(now(), env.timeZone);
      log.error('Collection failed', { date: when, reason });
      await publish(env.alertTopicArn, alertForFailure(when, hint ? `${reason} ${hint}` : reason));
      // Our own errors travel on as the cause; a raw one (pg, fetch, the SDK) may hold hosts or values, so not it.
      throw new TrackerError(reason, hint, error instanceof TrackerError ? { cause: error } : undefined);
    },
  };

  return runtime;
}

/** A run that stored nothing: thrown (after its alert) so Lambda counts an error, with the summary attached. */
export class CollectionFailedError extends Error {
  constructor(readonly summary: RunSummary) {
    super(
      `Nothing was stored for ${summary.date}: ${summary.failed.map((f) => `${f.platform}: ${f.reason}`).join('; ')}`,
    );
    this.name = 'CollectionFailedError';
  }
}

/** The settings of a run over `profiles` of the Ayrshare secret. */
export function settingsFor(
  env: FunctionEnvironment,
  ayrshare: AyrshareCredentials,
  profiles: Profile[],
): CollectorSettings {
  return {
    apiKey: ayrshare.apiKey,
    ...(ayrshare.xCredentials ? { xCredentials: ayrshare.xCredentials } : {}),
    baseUrl: env.baseUrl,
    profiles,
    platforms: env.platforms,
    timeZone: env.timeZone,
    anomalyThreshold: env.anomalyThreshold,
    concurrency: env.concurrency,
    posts: env.posts,
    ...(env.maxAnswerBytes ? { maxAnswerBytes: env.maxAnswerBytes } : {}),
  };
}

/** The snapshot date: given, or the schedule's scheduled time in the configured zone, or now. */
export function snapshotDate(
  event: { date?: unknown; scheduledTime?: unknown } | undefined,
  timeZone: string,
  now: Date,
): string {
  if (event?.date !== undefined) {
    if (typeof event.date !== 'string' || !isIsoDate(event.date)) {
      throw new TrackerError(`The event's "date" must be YYYY-MM-DD (got "${String(event.date).slice(0, 20)}").`);
    }
    return event.date;
  }
  const scheduled = typeof event?.scheduledTime === 'string' ? new Date(event.scheduledTime) : undefined;
  return dateInTimeZone(scheduled && !Number.isNaN(scheduled.getTime()) ? scheduled : now, timeZone);
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
