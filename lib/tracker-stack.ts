// The deployed tracker: wires network, database, collector, schedule and alerts together.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TrackerAlerts } from './alerts';
import { Collector } from './collector';
import { TrackerDashboard } from './dashboard';
import { TrackerDatabase } from './database';
import { TrackerNetwork } from './network';
import { suppressAcceptedFindings } from './nag-suppressions';
import { DailySchedule } from './schedule';
import type { TrackerConfig } from './tracker-config';

export interface TrackerStackProps extends StackProps {
  readonly config: TrackerConfig;
}

export class TrackerStack extends Stack {
  public readonly network: TrackerNetwork;
  public readonly database: TrackerDatabase;
  public readonly collector: Collector;
  public readonly schedule: DailySchedule;
  public readonly alerts: TrackerAlerts;
  public readonly dashboard: TrackerDashboard;
  public readonly ayrshareSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: TrackerStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.network = new TrackerNetwork(this, 'Network', { nat: config.nat, vpcId: config.vpcId });
    this.database = new TrackerDatabase(this, 'Database', {
      vpc: this.network.vpc,
      instanceType: config.databaseInstanceType,
      allocatedStorageGiB: config.databaseStorageGiB,
      multiAz: config.multiAz,
      deletionProtection: config.deletionProtection,
    });
    // The Ayrshare keys: the template creates the secret but never holds its value (see README, "Deploy to AWS").
    this.ayrshareSecret = config.ayrshareSecretName
      ? secretsmanager.Secret.fromSecretNameV2(this, 'AyrshareSecret', config.ayrshareSecretName)
      : new secretsmanager.Secret(this, 'AyrshareSecret', {
          description: 'ayrshare-tracker: Ayrshare keys as JSON {"apiKey": "...", "profileKey": "..."} - put the value after deploying',
          // Until you put the keys, the value is a placeholder with an empty apiKey, which runs report by name.
          generateSecretString: { secretStringTemplate: JSON.stringify({ apiKey: '' }), generateStringKey: 'placeholder', passwordLength: 8 },
        });
    this.alerts = new TrackerAlerts(this, 'Alerts', { alertEmail: config.alertEmail });
    this.collector = new Collector(this, 'Collector', {
      vpc: this.network.vpc,
      ayrshareSecret: this.ayrshareSecret,
      databaseSecret: this.database.secret,
      alertTopic: this.alerts.topic,
      timeZone: config.timeZone,
      platforms: config.platforms,
      weeklyDigest: config.weeklyDigest,
      anomalyThreshold: config.anomalyThreshold,
      concurrency: config.concurrency,
      fanOut: { above: config.fanOutAbove, chunk: config.fanOutChunk, concurrency: config.fanOutConcurrency },
    });
    this.database.allowConnectionsFrom(this.collector.securityGroup);
    // After the instance, its security group and the ingress rule from the collector: all live in the construct.
    this.collector.migration.executeAfter(this.database);
    this.schedule = new DailySchedule(this, 'Schedule', {
      target: this.collector.collectFunction,
      hour: config.scheduleHour,
      minute: config.scheduleMinute,
      timeZone: config.timeZone,
    });
    this.alerts.monitor({
      collectFunction: this.collector.collectFunction,
      scheduleGroup: this.schedule.group,
      queues: { SchedulerDeadLetter: this.schedule.deadLetterQueue, FailedRun: this.collector.failureQueue, FailedChunk: this.collector.chunkDeadLetterQueue },
    });
    this.dashboard = new TrackerDashboard(this, 'Dashboard', { collectFunction: this.collector.collectFunction, alarms: this.alerts.alarms });

    new CfnOutput(this, 'CollectorFunctionName', { value: this.collector.collectFunction.functionName, description: 'Invoke it to collect now' });
    new CfnOutput(this, 'AyrshareSecretName', { value: this.ayrshareSecret.secretName, description: 'Put your Ayrshare keys here' });
    new CfnOutput(this, 'DatabaseSecretName', { value: this.database.secret.secretName, description: 'PostgreSQL credentials' });
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.database.instance.dbInstanceEndpointAddress });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerts.topic.topicArn });
    new CfnOutput(this, 'ScheduleName', { value: this.schedule.schedule.scheduleName });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard: growth per platform, run health, alarms' });

    suppressAcceptedFindings(this);
  }
}
