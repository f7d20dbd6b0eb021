// The collector: the `collect` function (the daily run) with its settings and least-privilege grants, the queue its
// failed runs land in, its fan-out queue, and the `migrate` function that shares its security group.
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../lambda/core/metric-names';
import { functionEnvironment, type FunctionSettings } from '../../lambda/core/settings';
import { STANDARD_RETRIES, type RunRetryPolicy } from '../run-timing';
import { DeadLetterQueue } from './dead-letter-queue';
import { FanOut, type FanOutSettings } from './fan-out';
import { Migration } from './migration';
import { TrackerFunction, databaseEnvironment } from './tracker-function';

export interface CollectorProps {
  readonly vpc: ec2.IVpc;
  /** The Ayrshare keys; collect reads it at each run. */
  readonly ayrshareSecret: secretsmanager.ISecret;
  /** The database owner's credentials: only the migrate function reads them. */
  readonly databaseSecret: secretsmanager.ISecret;
  /** The collector role's login: collect connects with it. */
  readonly collectorSecret: secretsmanager.ISecret;
  /** The read-only role's login: report, status and sql requests connect with it; migrate sets its password. */
  readonly readerSecret: secretsmanager.ISecret;
  /** Where collect publishes alerts and the weekly digest. */
  readonly alertTopic: sns.ITopic;
  /** The settings the collector reads from its environment (lambda/core/settings.ts declares them). */
  readonly settings: FunctionSettings;
  /** Fan-out chunks collected at the same time. */
  readonly fanOutConcurrency?: FanOutSettings['concurrency'];
  /** Retry horizons and timeout (lib/run-timing). @default STANDARD_RETRIES */
  readonly retries?: RunRetryPolicy;
  /**
   * Economy mode: the database may still be waking when the run starts, so collect waits for it this long before it
   * gives up and alerts. @default - a few quick retries (the database is always on)
   */
  readonly databaseWaitSeconds?: number;
}

export class Collector extends Construct {
  public readonly collectFunction: TrackerFunction;
  /** Shared by both functions; the database admits this group only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Async invocations that failed after their retries land here. */
  public readonly failureQueue: DeadLetterQueue;
  /** Fan-out: one message per chunk of profiles, consumed by the collect function. */
  public readonly fanOut: FanOut;
  /** The migrate function and its deploy-time trigger. */
  public readonly migration: Migration;

  constructor(scope: Construct, id: string, props: CollectorProps) {
    super(scope, id);
    const { timeZone } = props.settings;
    const retries = props.retries ?? STANDARD_RETRIES;
    // Outbound: HTTPS anywhere (Ayrshare and the AWS APIs, through the NAT), and PostgreSQL to the database's group
    // only (added by the database's allowConnectionsFrom). DNS goes to the VPC resolver, which groups do not filter.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'ayrshare-tracker collector: HTTPS out to Ayrshare and AWS APIs, PostgreSQL to the database',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Ayrshare and AWS APIs');

    // Time budget inside the 5-minute timeout: connect 3 x 8 s with backoff, migrations and writes under 30 s
    // statement timeouts, the Ayrshare calls within what remains less 90 s (lambda/handlers).
    this.collectFunction = new TrackerFunction(this, 'Collect', {
      handler: 'collect',
      description: 'ayrshare-tracker: daily analytics collection',
      timeout: Duration.minutes(retries.functionTimeout),
      vpc: props.vpc,
      securityGroup: this.securityGroup,
      environment: {
        ...databaseEnvironment(props.collectorSecret, timeZone),
        AYRSHARE_SECRET_ARN: props.ayrshareSecret.secretArn,
        // Reads (report, status, and people's SQL) connect as the read-only role.
        READER_SECRET_ARN: props.readerSecret.secretArn,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        ...functionEnvironment(props.settings),
        ...(props.databaseWaitSeconds ? { TRACKER_DATABASE_WAIT_SECONDS: String(props.databaseWaitSeconds) } : {}),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });

    // Least privilege: collect reads exactly its three secrets (Ayrshare's, its own database login, the read-only
    // login for report, status and sql requests) and publishes to exactly its topic. The database owner's secret is
    // the migrate function's alone.
    props.ayrshareSecret.grantRead(this.collectFunction);
    props.collectorSecret.grantRead(this.collectFunction);
    props.readerSecret.grantRead(this.collectFunction);
    props.alertTopic.grantPublish(this.collectFunction);

    this.failureQueue = new DeadLetterQueue(this, 'FailedRuns');
    // One retry of a failed run (Lambda's default is two), and no run older than the retry horizon.
    this.collectFunction.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.minutes(retries.asyncMaxEventAge),
      onFailure: new SqsDestination(this.failureQueue),
    });

    this.fanOut = new FanOut(this, 'Chunks', {
      consumer: this.collectFunction,
      concurrency: props.fanOutConcurrency,
      visibility: Duration.minutes(retries.chunkVisibility),
      receives: retries.chunkReceives,
    });

    // Shares the security group, so the database's one ingress rule admits it too. Reads the database secrets only.
    this.migration = new Migration(this, 'Migrate', {
      vpc: props.vpc,
      securityGroup: this.securityGroup,
      databaseSecret: props.databaseSecret,
      loginSecrets: { collector: props.collectorSecret, reader: props.readerSecret },
      timeZone,
    });
  }
}
