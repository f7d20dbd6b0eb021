// Economy mode (-c economy=true): the database and the NAT instance run only while there is work. EventBridge
// Scheduler calls RDS and EC2 directly (universal targets, no function of ours):
//   - the run window, in the schedule's time zone (DST-correct): both wake WAKE_LEAD minutes before the run and sleep
//     once the run and every retry of it are over (lib/run-timing);
//   - the upkeep window, in UTC like RDS's own windows: the database alone wakes UPKEEP_LEAD minutes before its backup
//     window and sleeps UPKEEP_TAIL minutes after the later of the backup and maintenance windows, so its automated
//     backup (and maintenance) happen while it runs. RDS takes no automated backup of a stopped instance.
// Each schedule's role may call exactly its one action on exactly its one instance.
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DaySpan } from '../database-windows';

/** Minutes between the wake-up and the run: RDS usually starts a stopped micro instance in 5 to 10 minutes. */
export const WAKE_LEAD_MINUTES = 20;
/** Minutes between the wake-up and the backup window. */
export const UPKEEP_LEAD_MINUTES = 15;
/** Minutes after the backup and maintenance windows before the database sleeps again. */
export const UPKEEP_TAIL_MINUTES = 10;

export interface AwakeWindowsProps {
  readonly database: rds.DatabaseInstance;
  /** The NAT instance, when the stack has one (with an existing VPC it has none). */
  readonly natInstance?: ec2.Instance;
  /** The run's local time and zone, and how long it and its retries last (minutes). */
  readonly run: { hour: number; minute: number; timeZone: string; spanMinutes: number };
  /** RDS's backup and maintenance windows as stretches of the UTC day. */
  readonly backup: DaySpan;
  readonly maintenance: DaySpan;
}

/** A daily time of day, in minutes after midnight. */
export interface DailyTime {
  readonly hour: number;
  readonly minute: number;
}

const DAY = 1440;
const at = (minutes: number): DailyTime => {
  const m = ((minutes % DAY) + DAY) % DAY;
  return { hour: Math.floor(m / 60), minute: m % 60 };
};

/** The upkeep window: from the earlier start to the later end of the two RDS windows, by time of day. */
export function upkeepSpan(backup: DaySpan, maintenance: DaySpan): DaySpan {
  const afterBackup = (((maintenance.start - backup.start) % DAY) + DAY) % DAY;
  const afterMaintenance = (((backup.start - maintenance.start) % DAY) + DAY) % DAY;
  // Take the shorter way round: the window that starts first is the one the other follows closely.
  return afterBackup <= afterMaintenance
    ? { start: backup.start, length: Math.max(backup.length, afterBackup + maintenance.length) }
    : { start: maintenance.start, length: Math.max(maintenance.length, afterMaintenance + backup.length) };
}

/** When each schedule fires: the run window in the run's zone, the upkeep window in UTC. */
export function awakeTimes(props: Pick<AwakeWindowsProps, 'run' | 'backup' | 'maintenance'>) {
  const local = props.run.hour * 60 + props.run.minute;
  const upkeep = upkeepSpan(props.backup, props.maintenance);
  return {
    runWake: at(local - WAKE_LEAD_MINUTES),
    runSleep: at(local + props.run.spanMinutes),
    upkeepWake: at(upkeep.start - UPKEEP_LEAD_MINUTES),
    upkeepSleep: at(upkeep.start + upkeep.length + UPKEEP_TAIL_MINUTES),
    /** Minutes awake a day: the database, and the NAT instance. */
    databaseMinutes:
      WAKE_LEAD_MINUTES + props.run.spanMinutes + UPKEEP_LEAD_MINUTES + upkeep.length + UPKEEP_TAIL_MINUTES,
    natMinutes: WAKE_LEAD_MINUTES + props.run.spanMinutes,
  };
}

export class AwakeWindows extends Construct {
  /** Their own group: the collector's group alarms on target errors, and a wake of an awake database is one. */
  public readonly group: scheduler.ScheduleGroup;
  public readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: AwakeWindowsProps) {
    super(scope, id);
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    const times = awakeTimes(props);
    const runZone = TimeZone.of(props.run.timeZone);
    const database = props.database;
    const databaseCall = (action: 'startDBInstance' | 'stopDBInstance') =>
      new targets.Universal({
        service: 'rds',
        action,
        // Scheduler's aws-sdk targets spell the RDS field DbInstanceIdentifier.
        input: scheduler.ScheduleTargetInput.fromObject({ DbInstanceIdentifier: database.instanceIdentifier }),
        policyStatements: [
          new iam.PolicyStatement({
            actions: [`rds:${action[0].toUpperCase()}${action.slice(1)}`],
            resources: [database.instanceArn],
          }),
        ],
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
      });
    const nat = props.natInstance;
    const natCall = (instance: ec2.Instance, action: 'startInstances' | 'stopInstances') =>
      new targets.Universal({
        service: 'ec2',
        action,
        input: scheduler.ScheduleTargetInput.fromObject({ InstanceIds: [instance.instanceId] }),
        policyStatements: [
          new iam.PolicyStatement({
            actions: [`ec2:${action[0].toUpperCase()}${action.slice(1)}`],
            resources: [
              Stack.of(this).formatArn({ service: 'ec2', resource: 'instance', resourceName: instance.instanceId }),
            ],
          }),
        ],
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
      });

    this.daily(
      'WakeDatabaseForRun',
      times.runWake,
      runZone,
      databaseCall('startDBInstance'),
      'database wakes for the run',
    );
    this.daily('SleepDatabaseAfterRun', times.runSleep, runZone, databaseCall('stopDBInstance'), 'database sleeps');
    if (nat) {
      this.daily(
        'WakeNatForRun',
        times.runWake,
        runZone,
        natCall(nat, 'startInstances'),
        'NAT instance wakes for the run',
      );
      this.daily('SleepNatAfterRun', times.runSleep, runZone, natCall(nat, 'stopInstances'), 'NAT instance sleeps');
    }
    const utc = TimeZone.ETC_UTC;
    this.daily(
      'WakeDatabaseForUpkeep',
      times.upkeepWake,
      utc,
      databaseCall('startDBInstance'),
      'database wakes for its backup',
    );
    this.daily('SleepDatabaseAfterUpkeep', times.upkeepSleep, utc, databaseCall('stopDBInstance'), 'database sleeps');
  }

  private daily(id: string, time: DailyTime, timeZone: TimeZone, target: scheduler.IScheduleTarget, what: string) {
    const schedule = new scheduler.Schedule(this, id, {
      description: `ayrshare-tracker economy mode: the ${what}`,
      scheduleGroup: this.group,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(time.minute),
        hour: String(time.hour),
        timeZone,
      }),
      timeWindow: scheduler.TimeWindow.off(),
      target,
    });
    this.schedules.push(schedule);
    return schedule;
  }
}
