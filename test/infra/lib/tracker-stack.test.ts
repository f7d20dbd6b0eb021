// lib/tracker-stack.ts: the Ayrshare secret the stack owns, and the outputs a user needs after deploying.
import { Match } from 'aws-cdk-lib/assertions';
import { logicalIdIn, synthesize, type Resources, type Synthesized, synthesizeDefaults } from '../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('Ayrshare secret', () => {
  it('creates the Ayrshare secret without a value', () => {
    const secret = resources[logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/)];
    expect(secret.Properties.SecretString).toBeUndefined();
    // Secrets Manager generates a placeholder whose empty apiKey makes the first run say what to do.
    expect(secret.Properties.GenerateSecretString).toEqual({
      SecretStringTemplate: '{"apiKey":""}',
      GenerateStringKey: 'placeholder',
      PasswordLength: 8,
    });
    expect(JSON.stringify(defaults.template.toJSON())).not.toMatch(/"SecretString"/);
  });

  it('imports the Ayrshare secret by name with -c ayrshareSecretName', () => {
    const { template } = synthesize({ ayrshareSecretName: 'tracker/ayrshare' });
    // Only the database's own secrets (owner, collector login, reader login): no Ayrshare secret is created.
    const secrets = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(3);
    expect(secrets.filter((id) => !/Database/.test(id))).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:tracker/ayrshare-[?]{6}$')])],
            },
          }),
        ]),
      },
    });
  });
});

describe('wiring', () => {
  it('points the schedule and the alarms at the collect function, and watches the fan-out failures', () => {
    const collect = logicalId('AWS::Lambda::Function', /CollectorCollect/);
    defaults.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [collect, 'Arn'] } }),
    });
    const errors = Object.values(resources).find(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'Errors',
    )!;
    expect(errors.Properties.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: collect } }]);
    const { collector, alerts } = defaults.stack;
    const watched = alerts.alarms.map((alarm) => alarm.node.id);
    expect(watched).toEqual(
      expect.arrayContaining(['FailedChunkWaiting', 'FailedRunWaiting', 'SchedulerDeadLetterWaiting']),
    );
    expect(collector.fanOut.failedChunks.node.path).toBe('Tracker/Collector/FailedChunks');
  });

  it('keeps the logical IDs (from construct paths) of the database and of the collector queues and trigger', () => {
    // A changed logical ID replaces the resource: for the RDS instance that would lose every snapshot taken so far.
    expect(Object.keys(resources)).toEqual(
      expect.arrayContaining([
        'DatabaseInstanceAA8A5FDE',
        'DatabaseParametersB8AC9B07',
        'AyrshareSecretA7BE486A',
        'CollectorSecurityGroup247E2E7E',
        'CollectorCollect2FA495E4',
        'CollectorMigrate0893240F',
        'CollectorChunksF7A94D8B',
        'CollectorFailedChunks734A134D',
        'CollectorFailedRuns7795978B',
        'CollectorMigrateOnDeploy5E29F7FA',
      ]),
    );
  });
});

describe('outputs', () => {
  it('tells the user what they need after deploying', () => {
    const outputs = Object.keys(defaults.template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'CollectorFunctionName',
        'AyrshareSecretName',
        'DatabaseSecretName',
        'DatabaseEndpoint',
        'AlertTopicArn',
        'ScheduleName',
        'DashboardName',
        'ScheduleGroupName',
        'CollectorLogGroupName',
        'MigrateLogGroupName',
        'MigrateFunctionName',
        'ReaderSecretName',
      ]),
    );
  });

  it('changes the collector only after the migrations ran (they give it its database login)', () => {
    const template = defaults.template.toJSON();
    const [triggerId] = Object.keys(template.Resources).filter(
      (id) => template.Resources[id].Type === 'Custom::Trigger',
    );
    const [, collect] = Object.entries<any>(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && /^CollectorCollect[0-9A-F]{8}$/.test(id),
    )!;
    expect(collect.DependsOn).toContain(triggerId);
  });

  it('names the log groups the functions really write to', () => {
    const template = defaults.template.toJSON();
    const functions = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    for (const [output, pattern] of [
      ['CollectorLogGroupName', /^CollectorCollect[0-9A-F]{8}$/],
      ['MigrateLogGroupName', /^CollectorMigrate[0-9A-F]{8}$/],
    ] as const) {
      const logGroupRef = template.Outputs[output].Value;
      expect(template.Resources[logGroupRef.Ref].Type).toBe('AWS::Logs::LogGroup');
      const [, fn] = functions.find(([id]) => pattern.test(id))!;
      expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: logGroupRef });
    }
  });
});
