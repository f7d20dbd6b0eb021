// lib/constructs/alerts.ts: the alert topic, its email subscription and the alarms that publish to it.
import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdIn, synthesize, type Resources, type Synthesized, synthesizeDefaults } from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('alerts', () => {
  it('is a TLS-only topic with the email subscription when alertEmail is set', () => {
    defaults.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    synthesize().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  const alarm = (metricName: string) => {
    const found = Object.values(resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === metricName,
    );
    expect(found.length).toBeGreaterThan(0);
    for (const a of found)
      expect(a.Properties.AlarmActions).toEqual([{ Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) }]);
    return found;
  };

  it('alarms on function errors, throttles and runs near the timeout', () => {
    expect(alarm('Errors')[0].Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm('Throttles')[0].Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
    expect(alarm('Duration')[0].Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 240_000 });
  });

  it('alarms on a message in either failure queue and on Scheduler target errors', () => {
    const queues = alarm('ApproximateNumberOfMessagesVisible')
      .map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0])
      .sort();
    expect(queues).toEqual([
      expect.stringMatching(/^CollectorFailedChunks/),
      expect.stringMatching(/^CollectorFailedRuns/),
      expect.stringMatching(/^ScheduleDeadLetters/),
    ]);
    const groupName = resources[logicalId('AWS::Scheduler::ScheduleGroup', /ScheduleGroup/)].Properties.Name;
    expect(alarm('TargetErrorCount')[0].Properties).toMatchObject({
      Namespace: 'AWS/Scheduler',
      Dimensions: [{ Name: 'ScheduleGroup', Value: groupName }],
    });
  });

  it('has a heartbeat: no successful run for 26 hours (a DST day plus slack) alarms, missing data included', () => {
    expect(alarm('SuccessfulRuns')[0].Properties).toMatchObject({
      Namespace: 'AyrshareTracker',
      Dimensions: [{ Name: 'service', Value: 'ayrshare-tracker' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});
