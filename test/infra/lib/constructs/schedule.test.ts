// lib/constructs/schedule.ts: the daily EventBridge Scheduler schedule in the configured time zone.
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DailySchedule } from '../../../../lib/constructs/schedule';
import { DEFAULT_SCHEDULE, DEFAULT_TIME_ZONE } from '../../../../lambda/core/defaults';
import { bareStack, synthesize, type Synthesized, synthesizeDefaults } from '../../../support/synth';

let defaults: Synthesized;

beforeAll(() => ({ defaults } = synthesizeDefaults()));

describe('schedule', () => {
  it('runs daily at 06:00 New York time with no flexible window, bounded retries and a dead-letter queue', () => {
    defaults.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CollectorCollect'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetters'), 'Arn'] } },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });

  it('follows the configured hour, minute and time zone', () => {
    const { template } = synthesize({ scheduleHour: '21', scheduleMinute: 30, timeZone: 'Europe/Berlin' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 21 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.collect',
      Environment: { Variables: Match.objectLike({ TRACKER_TIMEZONE: 'Europe/Berlin' }) },
    });
  });

  it('falls back to the shared default time of day and zone', () => {
    const stack = bareStack();
    const target = lambda.Function.fromFunctionName(stack, 'Target', 'collect');
    new DailySchedule(stack, 'Schedule', { target });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `cron(${DEFAULT_SCHEDULE.minute} ${DEFAULT_SCHEDULE.hour} * * ? *)`,
      ScheduleExpressionTimezone: DEFAULT_TIME_ZONE,
    });
  });
});
