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
/** A database stopped for less than this between two stretches stays up instead (a stop takes minutes to finish). */
const MERGE_GAP_MINUTES = 30;

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

/**
 * Every firing of economy mode: the run window (in the run's zone, daily), and the upkeep windows (UTC): the database
 * is up from UPKEEP_LEAD_MINUTES before each backup window and the weekly maintenance window to UPKEEP_TAIL_MINUTES after
 * it. The stretches are laid out over the week and merged where they touch or nearly do, then each start and stop
 * becomes a firing, grouped by time of day (daily when it happens every day).
 */
export function awakeFirings(props: Pick<AwakeWindowsProps, 'run' | 'backup' | 'maintenance'>) {
  const local = props.run.hour * 60 + props.run.minute;
  const awake = new Array<boolean>(WEEK).fill(false);
  const mark = (start: number, end: number) => {
    for (let m = start; m < end; m += 1) awake[mod(m, WEEK)] = true;
  };
  for (let day = 0; day < 7; day += 1) {
    const start = day * DAY + props.backup.start;
    mark(start - UPKEEP_LEAD_MINUTES, start + props.backup.length + UPKEEP_TAIL_MINUTES);
  }
  const { weekStart, length } = props.maintenance;
  mark(weekStart - UPKEEP_LEAD_MINUTES, weekStart + length + UPKEEP_TAIL_MINUTES);
  // Close short gaps: a stop followed soon by a start would find the database still stopping.
  for (let m = 0; m < WEEK; m += 1) {
    if (awake[m] || !awake[mod(m - 1, WEEK)]) continue;
    let gap = 0;
    while (gap < MERGE_GAP_MINUTES && !awake[mod(m + gap, WEEK)]) gap += 1;
    if (gap < MERGE_GAP_MINUTES) for (let g = 0; g < gap; g += 1) awake[mod(m + g, WEEK)] = true;
  }
  const starts: number[] = [];
  const stops: number[] = [];
  for (let m = 0; m < WEEK; m += 1) {
    const before = awake[mod(m - 1, WEEK)];
    if (awake[m] && !before) starts.push(m);
    if (!awake[m] && before) stops.push(m);
  }
  return {
    runWake: daily(local - WAKE_LEAD_MINUTES),
    runSleep: daily(local + props.run.spanMinutes),
    upkeepWakes: byTimeOfDay(starts),
    upkeepSleeps: byTimeOfDay(stops),
  };
}

/** Minutes of the week as firings: one per time of day, on the weekdays it happens (none listed: every day). */
function byTimeOfDay(weekMinutes: number[]): Firing[] {
  const days = new Map<number, number[]>();
  for (const m of weekMinutes) days.set(m % DAY, [...(days.get(m % DAY) ?? []), Math.floor(m / DAY)]);
  return [...days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, on]) => (on.length === 7 ? daily(time) : { ...daily(time), weekdays: on.sort((a, b) => a - b) }));
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
