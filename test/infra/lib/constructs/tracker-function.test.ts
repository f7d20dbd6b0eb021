// lib/constructs/tracker-function.ts: what every function of the tracker shares (runtime, architecture, network,
// bundle, log group).
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TrackerFunction } from '../../../../lib/constructs/tracker-function';
import { MIGRATION_FILES } from '../../../support/migrations';
import { bareStack, resourcesOf, type Resources, type Synthesized, synthesizeDefaults } from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const functions = () =>
  Object.values(resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && /^index\.(collect|migrate)$/.test(r.Properties.Handler),
  );

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('tracker functions in the stack', () => {
  it('runs both handlers on Node.js 24, arm64, in the private subnets, with source maps', () => {
    expect(
      functions()
        .map((f) => f.Properties.Handler)
        .sort(),
    ).toEqual(['index.collect', 'index.migrate']);
    for (const fn of functions()) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      // TLS to RDS trusts the runtime's own RDS authorities, kept current by AWS for every region.
      expect(fn.Properties.Environment.Variables.NODE_EXTRA_CA_CERTS).toBe('/var/runtime/ca-cert.pem');
      expect(fn.Properties.VpcConfig.SubnetIds.every((s: { Ref: string }) => /collectorSubnet/.test(s.Ref))).toBe(true);
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    const collect = functions().find((f) => f.Properties.Handler === 'index.collect')!;
    expect(collect.Properties.Timeout).toBe(300);
  });

  it('gives every function its own log group, named after it: a year of logs (the Control Tower minimum), kept if the stack goes', () => {
    const functionIds = Object.keys(resources).filter((id) => functions().includes(resources[id]));
    expect(functionIds).toHaveLength(2);
    for (const id of functionIds) {
      const logGroupId: string = resources[id].Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId].Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId].Properties.RetentionInDays).toBe(365);
      expect(resources[logGroupId].DeletionPolicy).toBe('Retain');
      // CollectorCollect2FA495E4 logs to CollectorCollectLogs640018B6: the log group is the function's `<id>Logs`.
      expect(logGroupId.startsWith(`${id.slice(0, -8)}Logs`)).toBe(true);
    }
  });

  it('ships a minified bundle with a source map and the migrations, without pg-native', () => {
    const assetDirs = readdirSync(defaults.app.outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => path.join(defaults.app.outdir, d));
    const bundle = assetDirs.find(
      (dir) =>
        existsSync(path.join(dir, 'index.js')) &&
        readFileSync(path.join(dir, 'index.js'), 'utf8').includes('/api/analytics/social'),
    );
    expect(bundle).toBeDefined();
    const code = readFileSync(path.join(bundle!, 'index.js'), 'utf8');
    expect(existsSync(path.join(bundle!, 'index.js.map'))).toBe(true);
    expect(readdirSync(path.join(bundle!, 'migrations'))).toEqual(MIGRATION_FILES);
    expect(code).not.toContain('parsePlatformBlock'); // minified: our function names are gone
    expect(code).toContain('require("pg-native")'); // left external, never bundled
    expect(code).not.toMatch(/require\("@aws-sdk\/client-sns"\)[\s\S]*function SNSClient/);
  });
});

describe('TrackerFunction on its own', () => {
  const build = () => {
    const stack = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const securityGroup = new ec2.SecurityGroup(stack, 'Group', { vpc });
    const fn = new TrackerFunction(stack, 'Probe', {
      handler: 'collect',
      description: 'probe',
      timeout: Duration.seconds(42),
      vpc,
      securityGroup,
      environment: { SETTING: 'value' },
    });
    return { fn, resources: resourcesOf(Template.fromStack(stack)) };
  };

  it('is arm64 Node.js 24 with 512 MB in the private subnets, keeps its environment and adds source maps', () => {
    const { resources: probe } = build();
    const [fn] = Object.values(probe).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Handler: 'index.collect',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 42,
      Environment: {
        Variables: {
          SETTING: 'value',
          NODE_OPTIONS: '--enable-source-maps',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        },
      },
    });
    expect(fn.Properties.VpcConfig.SubnetIds.every((s: { Ref: string }) => /VpcPrivateSubnet/.test(s.Ref))).toBe(true);
  });

  it('creates its log group next to itself as `<id>Logs`, with with a year of retention', () => {
    const { fn, resources: probe } = build();
    expect(fn.node.scope!.node.tryFindChild('ProbeLogs')).toBeDefined();
    const logGroups = Object.entries(probe).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(1);
    expect(logGroups[0][0]).toMatch(/^ProbeLogs/);
    expect(logGroups[0][1].Properties.RetentionInDays).toBe(365);
  });

  it('acknowledges the AWS-managed VPC execution policies on its role, and nothing else', () => {
    const { resources: probe } = build();
    const acknowledged = Object.entries(probe).filter(([, r]) => r.Metadata?.cdk_nag);
    expect(acknowledged.map(([, r]) => r.Type)).toEqual(['AWS::IAM::Role']);
    const [rule] = acknowledged[0][1].Metadata!.cdk_nag.rules_to_suppress;
    expect(rule.id).toBe('AwsSolutions-IAM4');
    expect(rule.applies_to).toEqual([
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
  });
});
