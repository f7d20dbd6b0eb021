// The collector: two Lambda functions from one bundle of lambda/handler.ts, `collect` (the daily run) and
// `migrate` (run during every deploy whose code or migrations changed, so a failed migration fails the deploy).
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/handler-names';
import type { Weekday } from '../lambda/dates';
import type { Platform } from '../lambda/platforms';

const PROJECT_ROOT = path.resolve(__dirname, '..');

export interface CollectorProps {
  readonly vpc: ec2.IVpc;
  readonly ayrshareSecret: secretsmanager.ISecret;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly alertTopic: sns.ITopic;
  readonly timeZone: string;
  readonly platforms: readonly Platform[];
  /** The weekday whose run also sends the weekly digest, or off. @default 'monday' */
  readonly weeklyDigest?: Weekday | 'off';
  /** A follower count moving more than this share of the previous one is flagged. @default 0.5 */
  readonly anomalyThreshold?: number;
  /** Profiles fetched at the same time within one invocation. @default 25 */
  readonly concurrency?: number;
  /** Fan-out: runs with more profiles than `above` go out in chunks of `chunk`, `concurrency` chunks at a time. */
  readonly fanOut?: { readonly above: number; readonly chunk: number; readonly concurrency: number };
}

/**
 * One Lambda function of the tracker: Node.js 24 on arm64, bundled locally by esbuild (no Docker), minified with
 * source maps, `pg-native` left out, migrations/ copied next to the bundle, and its own log group.
 */
class TrackerFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: { handler: string; description: string; timeout: Duration; vpc: ec2.IVpc; securityGroup: ec2.ISecurityGroup; environment: Record<string, string> }) {
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'lambda', 'handler.ts'),
      handler: props.handler,
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS }),
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node24',
        format: nodejs.OutputFormat.CJS,
        // Listing externals replaces the default, so the runtime's AWS SDK is named as well.
        externalModules: ['@aws-sdk/*', 'pg-native'],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [`cp -R "${path.join(inputDir, 'migrations')}" "${path.join(outputDir, 'migrations')}"`],
        },
      },
    });
  }
}

export class Collector extends Construct {
  public readonly collectFunction: lambda.Function;
  public readonly migrateFunction: lambda.Function;
  /** Shared by both functions; the database admits this group only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Async invocations that failed after their retries land here. */
  public readonly failureQueue: sqs.Queue;
  /** Fan-out: one message per chunk of profiles. */
  public readonly chunkQueue: sqs.Queue;
  /** Chunks that failed three deliveries. */
  public readonly chunkDeadLetterQueue: sqs.Queue;
  public readonly migration: triggers.Trigger;

  constructor(scope: Construct, id: string, props: CollectorProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'ayrshare-tracker collector: HTTPS out to Ayrshare and AWS APIs, PostgreSQL to the database',
      allowAllOutbound: true,
    });
    const databaseEnvironment = { DATABASE_SECRET_ARN: props.databaseSecret.secretArn, TRACKER_TIMEZONE: props.timeZone, POWERTOOLS_SERVICE_NAME: SERVICE_NAME };

    // Time budget inside the 5-minute timeout: connect 3 x 8 s with backoff, migrations and writes under 30 s
    // statement timeouts, the Ayrshare calls within what remains less 90 s (lambda/handler.ts).
    this.collectFunction = new TrackerFunction(this, 'Collect', {
      handler: 'collect',
      description: 'ayrshare-tracker: daily analytics collection',
      timeout: Duration.minutes(5),
      vpc: props.vpc,
      securityGroup: this.securityGroup,
      environment: {
        ...databaseEnvironment,
        AYRSHARE_SECRET_ARN: props.ayrshareSecret.secretArn,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        TRACKER_PLATFORMS: props.platforms.join(','),
        TRACKER_DIGEST_DAY: props.weeklyDigest ?? 'monday',
        TRACKER_ANOMALY_THRESHOLD: String(props.anomalyThreshold ?? 0.5),
        TRACKER_CONCURRENCY: String(props.concurrency ?? 25),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });
    this.migrateFunction = new TrackerFunction(this, 'Migrate', {
      handler: 'migrate',
      description: 'ayrshare-tracker: apply database migrations (runs during deploy)',
      timeout: Duration.minutes(3),
      vpc: props.vpc,
      securityGroup: this.securityGroup,
      environment: databaseEnvironment,
    });

    // Least privilege: collect reads exactly its two secrets and publishes to exactly its topic; migrate reads one.
    props.ayrshareSecret.grantRead(this.collectFunction);
    props.databaseSecret.grantRead(this.collectFunction);
    props.alertTopic.grantPublish(this.collectFunction);
    props.databaseSecret.grantRead(this.migrateFunction);

    this.failureQueue = new DeadLetterQueue(this, 'FailedRuns');
    // One retry of a failed run (Lambda's default is two), and no run older than two hours.
    this.collectFunction.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(2),
      onFailure: new SqsDestination(this.failureQueue),
    });

    // Fan-out: one message per chunk of profiles, consumed by this same function a few at a time. A chunk that fails
    // three times goes to its dead-letter queue (which alarms). Visibility: six times the function timeout (AWS's rule).
    const fanOut = props.fanOut ?? { above: 200, chunk: 50, concurrency: 2 };
    this.chunkDeadLetterQueue = new DeadLetterQueue(this, 'FailedChunks');
    this.chunkQueue = new sqs.Queue(this, 'Chunks', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(30),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.chunkDeadLetterQueue, maxReceiveCount: 3 },
    });
    this.chunkQueue.grantSendMessages(this.collectFunction);
    this.collectFunction.addEnvironment('FANOUT_QUEUE_URL', this.chunkQueue.queueUrl);
    this.collectFunction.addEnvironment('TRACKER_FANOUT_ABOVE', String(fanOut.above));
    this.collectFunction.addEnvironment('TRACKER_FANOUT_CHUNK', String(fanOut.chunk));
    this.collectFunction.addEventSource(
      new SqsEventSource(this.chunkQueue, { batchSize: 1, maxConcurrency: fanOut.concurrency, reportBatchItemFailures: true }),
    );

    // Runs during `cdk deploy`, after the database exists, and again whenever the bundle (with migrations/) changes.
    this.migration = new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: this.migrateFunction,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(3),
      executeOnHandlerChange: true,
    });
  }
}
