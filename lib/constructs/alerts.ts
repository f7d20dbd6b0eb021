// Alerts: an SNS topic (TLS enforced) with an optional email subscription, and the CloudWatch alarms that publish
// to it: function errors, throttles, slow runs, messages in either failure queue, Scheduler target errors, and a
// heartbeat that fires when no run succeeded for over a day.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME, SUCCESSFUL_RUN_METRIC } from '../../lambda/core/metric-names';

export interface TrackerAlertsProps {
  /** Subscribed by email when set (the address must confirm). @default - no subscription */
  readonly alertEmail?: string;
}

export interface MonitoredParts {
  readonly collectFunction: lambda.Function;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly queues: Record<string, sqs.IQueue>;
}

/** 26 hours: the longest gap between two 06:00 runs is 25 hours (the autumn DST day), plus an hour of slack. */
export const HEARTBEAT_HOURS = 26;

export class TrackerAlerts extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: TrackerAlertsProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Ayrshare tracker alerts', enforceSSL: true });
    // A topic policy replaces SNS's default one, and enforceSSL writes a policy with only its Deny: without this
    // statement no alarm could publish. CloudWatch may publish for this account's alarms of this stack only
    // (CloudFormation names them "<stack>-<id>-<suffix>").
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStackAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${stack.stackName}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alertEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alertEmail));
  }

  /** Adds the alarms for the deployed parts; every alarm notifies the topic. */
  public monitor(parts: MonitoredParts): void {
    const fn = parts.collectFunction;
    const timeoutMs = fn.timeout!.toMilliseconds();
    const atLeastOnce = (id: string, metric: cloudwatch.IMetric, description: string) =>
      this.alarm(id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });

    atLeastOnce(
      'FunctionErrors',
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The collector function failed (see its log group).',
    );
    atLeastOnce(
      'FunctionThrottles',
      fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The collector function was throttled.',
    );
    this.alarm('SlowRun', {
      metric: fn.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: Math.round(timeoutMs * 0.8),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A collection took 80 % or more of the function timeout.',
    });
    for (const [name, queue] of Object.entries(parts.queues)) {
      atLeastOnce(
        `${name}Waiting`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `A message is waiting in the ${name} queue: a run failed after its retries.`,
      );
    }
    atLeastOnce(
      'SchedulerTargetErrors',
      parts.scheduleGroup.metricTargetErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'EventBridge Scheduler could not invoke the collector.',
    );
    this.alarm('NoSuccessfulRun', {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: SUCCESSFUL_RUN_METRIC,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: HEARTBEAT_HOURS,
      datapointsToAlarm: HEARTBEAT_HOURS,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data is the failure this alarm exists for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `No collection stored anything in the last ${HEARTBEAT_HOURS} hours.`,
    });
  }

  /** An alarm made elsewhere (the NAT instance's recovery) also notifies the topic and shows on the dashboard. */
  public watch(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    this.watch(alarm);
    return alarm;
  }
}
