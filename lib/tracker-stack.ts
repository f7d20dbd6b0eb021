// The deployed tracker: wires network, database, collector (with its fan-out and migration), schedule, alerts and
// dashboard together, and lists what a user needs after deploying.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { TrackerAlerts } from './constructs/alerts';
import { AwakeWindows } from './constructs/awake-windows';
import { Collector } from './constructs/collector';
import { TrackerDashboard } from './constructs/dashboard';
import { TrackerDatabase } from './constructs/database';
import { DeletionProtection } from './constructs/deletion-protection';
import { TrackerNetwork } from './constructs/network';
import { DailySchedule } from './constructs/schedule';
import { SqlAccess } from './constructs/sql-access';
import { isCustomResourceProvider, suppressStackSingletonFindings } from './nag-suppressions';
import {
  maintenanceWeekStart,
  parseBackupWindow,
  parseMaintenanceWindow,
  effectiveWindows,
  type DaySpan,
  type EffectiveWindows,
} from './database-windows';
import { retriesFor, runSpanMinutes } from './run-timing';
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
  /** The Session Manager path to the database, with -c sqlAccess=ssm only. */
  public readonly sqlAccess?: SqlAccess;
  /** Turns the database's deletion protection on once everything else exists. */
  public readonly deletionProtection: DeletionProtection;
  /** The backup and maintenance windows deployed: computed, given with their context flags, or placed after one. */
  public readonly windows: EffectiveWindows;
  /** Economy mode's wake and sleep schedules, with -c economy=true only. */
  public readonly awakeWindows?: AwakeWindows;

  constructor(scope: Construct, id: string, props: TrackerStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.network = new TrackerNetwork(this, 'Network', {
      nat: config.nat,
      vpcId: config.vpcId,
      imageGeneration: config.imageGeneration,
    });
    const retries = retriesFor(config.economy);
    const run = {
      hour: config.scheduleHour,
      minute: config.scheduleMinute,
      timeZone: config.timeZone,
      spanMinutes: runSpanMinutes(retries),
    };
    this.windows = effectiveWindows(run, config.backupWindow, config.maintenanceWindow);
    this.database = new TrackerDatabase(this, 'Database', {
      vpc: this.network.vpc,
      instanceType: config.databaseInstanceType,
      allocatedStorageGiB: config.databaseStorageGiB,
      multiAz: config.multiAz,
      backupWindow: this.windows.backup,
      maintenanceWindow: this.windows.maintenance,
    });
    this.ayrshareSecret = config.ayrshareSecretName
      ? secretsmanager.Secret.fromSecretNameV2(this, 'AyrshareSecret', config.ayrshareSecretName)
      : this.createAyrshareSecret();
    this.alerts = new TrackerAlerts(this, 'Alerts', { alertEmail: config.alertEmail });
    this.collector = new Collector(this, 'Collector', {
      vpc: this.network.vpc,
      ayrshareSecret: this.ayrshareSecret,
      databaseSecret: this.database.secret,
      collectorSecret: this.database.collectorSecret,
      readerSecret: this.database.readerSecret,
      alertTopic: this.alerts.topic,
      settings: config,
      fanOutConcurrency: config.fanOutConcurrency,
      retries,
      ...(config.economy ? { databaseWaitSeconds: ECONOMY_DATABASE_WAIT_SECONDS } : {}),
    });
    this.database.allowConnectionsFrom(this.collector.securityGroup);
    // After the instance, its security group and the ingress rule from the collector: all live in the construct.
    // ...and after the functions' security group with its rules (its only way to the database is an egress rule).
    this.collector.migration.runAfter(this.database, this.collector.securityGroup);
    // The collector logs in as tracker_collector, whose login the migration step gives: on the first deploy and on
    // every update, the collector (and so its schedule) changes only once the migrations have run.
    this.collector.collectFunction.node.addDependency(this.collector.migration.trigger);
    if (config.sqlAccess === 'ssm') {
      const [natInstance] = this.network.natInstances;
      this.sqlAccess = new SqlAccess(this, 'SqlAccess', {
        vpc: this.network.vpc,
        database: this.database,
        natInstance,
        imageGeneration: config.imageGeneration,
      });
    }
    this.schedule = new DailySchedule(this, 'Schedule', {
      target: this.collector.collectFunction,
      hour: config.scheduleHour,
      minute: config.scheduleMinute,
      timeZone: config.timeZone,
      retries,
    });
    if (config.economy) {
      this.awakeWindows = new AwakeWindows(this, 'AwakeWindows', {
        database: this.database.instance,
        natInstance: this.network.natInstances[0],
        run,
        backup: parseBackupWindow(this.windows.backup) as DaySpan,
        maintenance: {
          weekStart: maintenanceWeekStart(this.windows.maintenance),
          length: (parseMaintenanceWindow(this.windows.maintenance) as DaySpan).length,
        },
      });
    }
    this.alerts.monitor({
      collectFunction: this.collector.collectFunction,
      scheduleGroup: this.schedule.group,
      queues: {
        SchedulerDeadLetter: this.schedule.deadLetterQueue,
        FailedRun: this.collector.failureQueue,
        FailedChunk: this.collector.fanOut.failedChunks,
      },
    });
    for (const alarm of this.network.recoveryAlarms) this.alerts.watch(alarm);
    this.dashboard = new TrackerDashboard(this, 'Dashboard', {
      collectFunction: this.collector.collectFunction,
      alarms: this.alerts.alarms,
      awake: {
        databaseInstanceId: this.database.instance.instanceIdentifier,
        natInstanceId: this.network.natInstances[0]?.instanceId,
      },
    });

    const output = (id: string, value: string, description?: string) => new CfnOutput(this, id, { value, description });
    output('CollectorFunctionName', this.collector.collectFunction.functionName, 'Invoke it to collect now');
    output('AyrshareSecretName', this.ayrshareSecret.secretName, 'Put your Ayrshare keys here');
    output('DatabaseSecretName', this.database.secret.secretName, 'PostgreSQL owner (master) credentials');
    output('ReaderSecretName', this.database.readerSecret.secretName, 'Read-only PostgreSQL login (tracker_reader)');
    output('DatabaseEndpoint', this.database.instance.dbInstanceEndpointAddress);
    output(
      'DatabaseInstanceId',
      this.database.instance.instanceIdentifier,
      'The RDS instance (economy mode: npx ayrshare-tracker wake)',
    );
    output(
      'EconomyMode',
      String(config.economy),
      'true: the database and the NAT instance sleep outside their windows',
    );
    const [natInstance] = this.network.natInstances;
    if (natInstance) output('NatInstanceId', natInstance.instanceId, "The NAT instance: the functions' way out");
    output('AlertTopicArn', this.alerts.topic.topicArn);
    output('ScheduleName', this.schedule.schedule.scheduleName);
    output('ScheduleGroupName', this.schedule.group.scheduleGroupName);
    output(
      'CollectorLogGroupName',
      this.collector.collectFunction.logGroup.logGroupName,
      'Logs of every run: aws logs tail <name> --since 1d',
    );
    output(
      'MigrateFunctionName',
      this.collector.migration.functionName,
      'Runs during deploy; invoke it after changing a database login secret',
    );
    output(
      'MigrateLogGroupName',
      this.collector.migration.logGroup.logGroupName,
      'Logs of the migrations run during deploy',
    );
    const dashboardDescription = 'CloudWatch dashboard: growth per platform, run health, alarms';
    output('DashboardName', this.dashboard.dashboard.dashboardName, dashboardDescription);
    if (this.sqlAccess) {
      output('SqlAccessInstanceId', this.sqlAccess.instance.instanceId, 'Session Manager host for the SQL tunnel');
      output(
        'SqlTunnelCommand',
        this.sqlAccess.tunnelCommand,
        'Opens the tunnel: the database on 127.0.0.1:15432 (see docs/SQL.md)',
      );
    }

    // Last: deletion protection comes on only once every other resource (the migration among them) exists, so a
    // first deploy that fails anywhere rolls back completely.
    this.deletionProtection = new DeletionProtection(this, 'DeletionProtection', {
      instance: this.database.instance,
      enabled: config.deletionProtection,
    });
    const others = this.node.children.filter((child) => !isCustomResourceProvider(child.node.id));
    // Economy mode's schedules come next to last: a sleep firing during the deploy could stop the database or the NAT
    // under the migration, so they exist only once everything but the switch does.
    if (this.awakeWindows) {
      // Not the Scheduler target roles aws-cdk-lib puts at stack level: their trust policy names the schedules' group.
      const before = others.filter(
        (c) =>
          c !== this.awakeWindows && c !== this.deletionProtection && !c.node.id.startsWith('SchedulerRoleForTarget'),
      );
      for (const child of before) this.awakeWindows.node.addDependency(child);
    }
    this.deletionProtection.runAfter(others);

    suppressStackSingletonFindings(this);
  }

  /**
   * The Ayrshare keys: the template creates the secret but never holds its value (see docs/DEPLOY.md).
   * Until you put the keys, the value is a placeholder with an empty apiKey, which runs report by name.
   */
  private createAyrshareSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'AyrshareSecret', {
      description:
        'ayrshare-tracker: Ayrshare keys as JSON {"apiKey": "...", "profileKey": "..."} - ' +
        'put the value after deploying',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ apiKey: '' }),
        generateStringKey: 'placeholder',
        passwordLength: 8,
      },
    });
    NagSuppressions.addResourceSuppressions(secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Holds the Ayrshare API key, which only Ayrshare can issue: rotate it in the Ayrshare dashboard, ' +
          'then put the new value.',
      },
    ]);
    return secret;
  }
}

/** How long the collector waits for a database that is still waking up in economy mode. */
export const ECONOMY_DATABASE_WAIT_SECONDS = 150;
