// The daily trigger: EventBridge Scheduler, cron in the configured time zone (so 06:00 stays 06:00 across DST),
// no flexible window, a short explicit retry policy and a dead-letter queue. Scheduler's default would retry 185
// times over 24 hours, on top of Lambda's own async retries.
import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_SCHEDULE, DEFAULT_TIME_ZONE } from '../../lambda/core/defaults';
import { STANDARD_RETRIES, type RunRetryPolicy } from '../run-timing';
import { DeadLetterQueue } from './dead-letter-queue';

export interface DailyScheduleProps {
  readonly target: lambda.IFunction;
  /** @default DEFAULT_SCHEDULE.hour */
  readonly hour?: number;
  /** @default DEFAULT_SCHEDULE.minute */
  readonly minute?: number;
  /** IANA zone. @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
  /** How long Scheduler keeps retrying (lib/run-timing). @default STANDARD_RETRIES */
  readonly retries?: RunRetryPolicy;
}

export class DailySchedule extends Construct {
  public readonly schedule: scheduler.Schedule;
  public readonly group: scheduler.ScheduleGroup;
  /** Invocations Scheduler could not deliver after its retries. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DailyScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    // Deleted with the stack (the default would retain it under its fixed name, and the next deploy would collide).
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    this.schedule = new scheduler.Schedule(this, 'Daily', {
      description: 'ayrshare-tracker: daily analytics collection',
      scheduleGroup: this.group,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(props.minute ?? DEFAULT_SCHEDULE.minute),
        hour: String(props.hour ?? DEFAULT_SCHEDULE.hour),
        timeZone: TimeZone.of(props.timeZone ?? DEFAULT_TIME_ZONE),
      }),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.LambdaInvoke(props.target, {
        // The function takes the snapshot date from this, in the configured zone.
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.minutes((props.retries ?? STANDARD_RETRIES).schedulerMaxEventAge),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}
