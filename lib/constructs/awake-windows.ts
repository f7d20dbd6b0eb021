// Economy mode (-c economy=true): the database and the NAT instance run only while there is work. EventBridge
// Scheduler calls RDS and EC2 directly (universal targets, no function of ours):
//   - the run window, in the schedule's time zone (DST-correct): both wake WAKE_LEAD_MINUTES before the run and
//     sleep once the run and every retry of it are over (lib/run-timing);
//   - the upkeep windows, in UTC like RDS's own windows: the database alone wakes UPKEEP_LEAD_MINUTES before its daily
//     backup window and sleeps UPKEEP_TAIL_MINUTES after it; on the day of the weekly maintenance window it stays up
//     through that window too. RDS takes no automated backup of a stopped instance and applies no maintenance to one.
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
/** Minutes between the wake-up and the backup or maintenance window. */
export const UPKEEP_LEAD_MINUTES = 15;
/** Minutes after the backup or maintenance window before the database sleeps again. */
export const UPKEEP_TAIL_MINUTES = 10;
/** A maintenance window starting this close to the backup window shares its wake-up. */
const SHARED_WAKE_MINUTES = 60;

export interface AwakeWindowsProps {
  readonly database: rds.DatabaseInstance;
  /** The NAT instance, when the stack has one (with an existing VPC it has none). */
  readonly natInstance?: ec2.Instance;
  /** The run's local time and zone, and how long it and its retries last (minutes). */
  readonly run: { hour: number; minute: number; timeZone: string; spanMinutes: number };
  /** RDS's backup window as a stretch of the UTC day. */
  readonly backup: DaySpan;
  /** RDS's maintenance window: its start in the UTC week (minutes after Monday 00:00) and its length. */
  readonly maintenance: { weekStart: number; length: number };
}

/** When a schedule fires: a time of day, every day or on the given UTC weekdays (0 = Monday). */
export interface Firing {
  readonly hour: number;
  readonly minute: number;
  readonly weekdays?: readonly number[];
}

const DAY = 1440;
const WEEK = 7 * DAY;
const CRON_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const mod = (value: number, by: number) => ((value % by) + by) % by;
const daily = (minutes: number): Firing => ({
  hour: Math.floor(mod(minutes, DAY) / 60),
  minute: mod(minutes, DAY) % 60,
});
const weekly = (weekMinutes: number, days: number[] = [Math.floor(mod(weekMinutes, WEEK) / DAY)]): Firing => ({
  ...daily(weekMinutes),
  weekdays: days,
});

/**
 * Every firing of economy mode: the run window (in the run's zone, daily), and the upkeep windows (UTC): a daily wake
 * and sleep around the backup, with the sleep moved after the maintenance window on its day, or a weekly wake and
 * sleep of their own when the maintenance window is far from the backup.
 */
export function awakeFirings(props: Pick<AwakeWindowsProps, 'run' | 'backup' | 'maintenance'>) {
  const local = props.run.hour * 60 + props.run.minute;
  const backupWake = props.backup.start - UPKEEP_LEAD_MINUTES;
  const backupSleep = props.backup.start + props.backup.length + UPKEEP_TAIL_MINUTES;
  const maintenanceWake = props.maintenance.weekStart - UPKEEP_LEAD_MINUTES;
  const maintenanceSleep = props.maintenance.weekStart + props.maintenance.length + UPKEEP_TAIL_MINUTES;
  // The day (of the week) whose backup the maintenance window follows closely, if any.
  const sharedDay = [0, 1, 2, 3, 4, 5, 6].find((day) => {
    const after = mod(props.maintenance.weekStart - (day * DAY + props.backup.start), WEEK);
    return after >= 0 && after <= props.backup.length + SHARED_WAKE_MINUTES;
  });
  const upkeepWakes: Firing[] = [daily(backupWake)];
  const upkeepSleeps: Firing[] = [];
  if (sharedDay === undefined) {
    upkeepSleeps.push(daily(backupSleep));
    upkeepWakes.push(weekly(maintenanceWake));
    upkeepSleeps.push(weekly(maintenanceSleep));
  } else {
    // On the shared day, the backup's sleep would cut the maintenance short: it sleeps after the maintenance instead.
    const sleepDay = Math.floor(mod(sharedDay * DAY + backupSleep, WEEK) / DAY);
    upkeepSleeps.push(
      weekly(
        backupSleep,
        [0, 1, 2, 3, 4, 5, 6].filter((d) => d !== sleepDay),
      ),
    );
    upkeepSleeps.push(weekly(maintenanceSleep));
  }
  return {
    runWake: daily(local - WAKE_LEAD_MINUTES),
    runSleep: daily(local + props.run.spanMinutes),
    upkeepWakes,
    upkeepSleeps,
  };
}

/** Scheduler's cron for a firing: every day, or on its weekdays. */
export function cronOf(firing: Firing): string {
  const days = firing.weekdays ? firing.weekdays.map((d) => CRON_DAYS[d]).join(',') : undefined;
  return days ? `cron(${firing.minute} ${firing.hour} ? * ${days} *)` : `cron(${firing.minute} ${firing.hour} * * ? *)`;
}

export class AwakeWindows extends Construct {
  /** Their own group: the collector's group alarms on target errors, and a wake of an awake database is one. */
  public readonly group: scheduler.ScheduleGroup;
  public readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: AwakeWindowsProps) {
    super(scope, id);
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    const firings = awakeFirings(props);
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

    const start = databaseCall('startDBInstance');
    const stop = databaseCall('stopDBInstance');
    this.add('WakeDatabaseForRun', firings.runWake, runZone, start, 'database wakes for the run');
    this.add('SleepDatabaseAfterRun', firings.runSleep, runZone, stop, 'database sleeps after the run');
    if (nat) {
      const natStart = natCall(nat, 'startInstances');
      this.add('WakeNatForRun', firings.runWake, runZone, natStart, 'NAT instance wakes for the run');
      this.add('SleepNatAfterRun', firings.runSleep, runZone, natCall(nat, 'stopInstances'), 'NAT instance sleeps');
    }
    const utc = TimeZone.ETC_UTC;
    firings.upkeepWakes.forEach((firing, i) =>
      this.add(`WakeDatabaseForUpkeep${i || ''}`, firing, utc, start, 'database wakes for its backup or maintenance'),
    );
    firings.upkeepSleeps.forEach((firing, i) =>
      this.add(`SleepDatabaseAfterUpkeep${i || ''}`, firing, utc, stop, 'database sleeps after its upkeep'),
    );
  }

  private add(id: string, firing: Firing, timeZone: TimeZone, target: scheduler.IScheduleTarget, what: string) {
    const schedule = new scheduler.Schedule(this, id, {
      description: `ayrshare-tracker economy mode: the ${what}`,
      scheduleGroup: this.group,
      schedule: scheduler.ScheduleExpression.expression(cronOf(firing), timeZone),
      timeWindow: scheduler.TimeWindow.off(),
      target,
    });
    this.schedules.push(schedule);
    return schedule;
  }
}
