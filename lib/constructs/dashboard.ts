// The CloudWatch dashboard: one graph per metric family across every profile and platform (search expressions, so
// a platform or profile added later appears without a redeploy), the run's health, and the state of every alarm.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  PLATFORM_METRICS,
  SERVICE_NAME,
  SUCCESSFUL_RUN_METRIC,
} from '../../lambda/core/metric-names';

export interface TrackerDashboardProps {
  readonly collectFunction: lambda.IFunction;
  readonly alarms: cloudwatch.IAlarm[];
  /** The instances whose running hours the dashboard shows (economy mode puts them to sleep between windows). */
  readonly awake?: { databaseInstanceId: string; natInstanceId?: string };
}

const DAY = Duration.days(1);

/** Every series of one per-platform metric: one line per (profile, platform). */
export function platformSearch(metricName: string, statistic: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},platform,profile,service} MetricName="${metricName}"', '${statistic}', ${DAY.toSeconds()})`,
    usingMetrics: {},
    label,
    period: DAY,
  });
}

export class TrackerDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: TrackerDashboardProps) {
    super(scope, id);
    const runMetric = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: DAY,
        label,
      });
    const graph = (title: string, metrics: cloudwatch.IMetric[], left: cloudwatch.YAxisProps = {}) =>
      new cloudwatch.GraphWidget({
        title,
        left: metrics,
        leftYAxis: left,
        width: 12,
        height: 7,
        period: DAY,
        legendPosition: cloudwatch.LegendPosition.BOTTOM,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(90),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown:
              '# Ayrshare tracker\nDaily snapshots per profile and platform. ' +
              'One point a day; a missing point is a day without a snapshot (see the alerts). ' +
              'The full history and HTML charts: `npx ayrshare-tracker report --remote --format html --out report.html`.',
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('Followers', [platformSearch(PLATFORM_METRICS.followers, 'Maximum', '')]),
          graph('Follower growth since the previous snapshot', [platformSearch(PLATFORM_METRICS.growth, 'Sum', '')]),
        ],
        [
          graph('Engagement rate (%)', [platformSearch(PLATFORM_METRICS.engagementRate, 'Average', '')], { min: 0 }),
          graph('Platforms collected (1) or failed (0)', [platformSearch(PLATFORM_METRICS.collected, 'Minimum', '')], {
            min: 0,
            max: 1,
          }),
        ],
        [
          graph(
            'Runs',
            [
              runMetric(SUCCESSFUL_RUN_METRIC, 'runs that stored something'),
              runMetric('PlatformsStored', 'platforms stored'),
              runMetric('PlatformsFailed', 'platforms failed'),
            ],
            { min: 0 },
          ),
          graph(
            'Collector function',
            [
              props.collectFunction.metricErrors({ period: DAY, statistic: 'Sum', label: 'errors' }),
              props.collectFunction.metricThrottles({ period: DAY, statistic: 'Sum', label: 'throttles' }),
              props.collectFunction.metricInvocations({ period: DAY, statistic: 'Sum', label: 'invocations' }),
            ],
            { min: 0 },
          ),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 4 })],
      ],
    });
    if (props.awake) this.dashboard.addWidgets(awakeWidget(props.awake));
  }
}

/**
 * When the database and the NAT instance ran: their CPU metric exists only while they run, so one point per hour
 * with data is one hour awake (economy mode: the run window and the upkeep window each day).
 */
function awakeWidget(awake: { databaseInstanceId: string; natInstanceId?: string }): cloudwatch.GraphWidget {
  const hour = Duration.hours(1);
  const awakeIn = (id: string, namespace: string, dimensionsMap: Record<string, string>, label: string) =>
    new cloudwatch.MathExpression({
      // 1 for every hour with at least one data point; no point while stopped.
      expression: `IF(${id} > 0, 1)`,
      usingMetrics: {
        [id]: new cloudwatch.Metric({
          namespace,
          metricName: 'CPUUtilization',
          dimensionsMap,
          statistic: 'SampleCount',
          period: hour,
        }),
      },
      label,
      period: hour,
    });
  const metrics = [
    awakeIn('database', 'AWS/RDS', { DBInstanceIdentifier: awake.databaseInstanceId }, 'database awake'),
  ];
  if (awake.natInstanceId) {
    metrics.push(awakeIn('nat', 'AWS/EC2', { InstanceId: awake.natInstanceId }, 'NAT instance awake'));
  }
  return new cloudwatch.GraphWidget({
    title: 'Awake hours: the database and the NAT instance (a point per hour they ran)',
    left: metrics,
    leftYAxis: { min: 0, max: 1.2, showUnits: false },
    width: 24,
    height: 5,
    period: hour,
    view: cloudwatch.GraphWidgetView.TIME_SERIES,
    legendPosition: cloudwatch.LegendPosition.BOTTOM,
  });
}
