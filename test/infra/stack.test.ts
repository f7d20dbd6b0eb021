import { Match } from 'aws-cdk-lib/assertions';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readTrackerConfig } from '../../lib/tracker-config';
import { synthesize, vpcLookupKey, type Synthesized } from '../support/synth';
import { MIGRATION_FILES } from '../support/migrations';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type && pattern.test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
};

beforeAll(() => {
  defaults = synthesize({ alertEmail: 'ops@example.com' });
  resources = defaults.template.toJSON().Resources;
});

describe('network', () => {
  it('has public, private-with-egress and isolated subnets in two zones', () => {
    const subnets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::EC2::Subnet').map(([id]) => id);
    expect(subnets.filter((id) => /publicSubnet/.test(id))).toHaveLength(2);
    expect(subnets.filter((id) => /collectorSubnet/.test(id))).toHaveLength(2);
    expect(subnets.filter((id) => /databaseSubnet/.test(id))).toHaveLength(2);
  });

  it('defaults to a t4g.nano NAT instance on Graviton, forwarding only for the VPC', () => {
    defaults.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    defaults.template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano', SourceDestCheck: false });
    const image = JSON.stringify(defaults.template.toJSON().Parameters);
    expect(image).toMatch(/al2023-ami-kernel-[^"]*-arm64/);
    const natGroup = resources[logicalId('AWS::EC2::SecurityGroup', /NatSecurityGroup/)];
    expect(natGroup.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkVpc/), 'CidrBlock'] }, IpProtocol: '-1' })]);
    // Collector subnets route to the internet through the NAT instance; database subnets have no route out.
    const routes = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::Route');
    expect(routes.filter((r) => r.Properties.InstanceId)).toHaveLength(2);
    const databaseTables = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::EC2::RouteTable' && /databaseSubnet/.test(id));
    expect(routes.some((r) => databaseTables.includes(r.Properties.RouteTableId?.Ref))).toBe(false);
  });

  it('uses a managed NAT Gateway with -c nat=gateway', () => {
    const { template } = synthesize({ nat: 'gateway' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Instance', 0);
  });

  it('imports an existing VPC by id instead of creating one', () => {
    const subnet = (id: string, zone: string) => ({ subnetId: id, cidr: '10.0.0.0/24', availabilityZone: zone, routeTableId: `rtb-${id}` });
    const group = (name: string, type: string) => ({ name, type, subnets: [subnet(`subnet-${name.toLowerCase()}a`, 'us-east-1a'), subnet(`subnet-${name.toLowerCase()}b`, 'us-east-1b')] });
    const { template } = synthesize(
      { vpcId: 'vpc-0123456789abcdef0' },
      { lookups: { [vpcLookupKey('vpc-0123456789abcdef0')]: { vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], subnetGroups: [group('Public', 'Public'), group('Private', 'Private'), group('Isolated', 'Isolated')] } } },
    );
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.collect', VpcConfig: { SubnetIds: ['subnet-privatea', 'subnet-privateb'] } });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-isolateda', 'subnet-isolatedb'] });
  });
});

describe('database', () => {
  it('is a private, encrypted, backed-up, deletion-protected PostgreSQL on Graviton in isolated subnets', () => {
    const id = logicalId('AWS::RDS::DBInstance', /DatabaseInstance/);
    const db = resources[id];
    expect(db.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '18',
      DBInstanceClass: 'db.t4g.micro',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      MultiAZ: false,
      StorageType: 'gp3',
      DBName: 'tracker',
    });
    expect(db.DeletionPolicy).toBe('Snapshot');
    expect(db.UpdateReplacePolicy).toBe('Snapshot');
    const subnetGroup = resources[db.Properties.DBSubnetGroupName.Ref];
    expect(subnetGroup.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref).every((ref: string) => /databaseSubnet/.test(ref))).toBe(true);
  });

  it('requires TLS (rds.force_ssl = 1) through its parameter group', () => {
    defaults.template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres18', Parameters: { 'rds.force_ssl': '1' } });
  });

  it('generates its credentials into Secrets Manager', () => {
    defaults.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"tracker"}', GenerateStringKey: 'password' }),
    });
    defaults.template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 1);
  });

  it('admits PostgreSQL connections from the collector security group only', () => {
    const databaseGroup = resources[logicalId('AWS::RDS::DBInstance', /DatabaseInstance/)].Properties.VPCSecurityGroups[0]['Fn::GetAtt'][0];
    const ingress = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.GroupId?.['Fn::GetAtt']?.[0] === databaseGroup);
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: { 'Fn::GetAtt': [expect.any(String), 'Endpoint.Port'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^CollectorSecurityGroup/), 'GroupId'] } });
    expect(resources[databaseGroup].Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('follows the instance size, Multi-AZ and deletion protection settings', () => {
    const { template } = synthesize({ databaseInstanceType: 't4g.small', multiAz: 'true', deletionProtection: 'false' });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.small', MultiAZ: true, DeletionProtection: false });
  });
});

describe('collector', () => {
  const functions = () => Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && /^index\.(collect|migrate)$/.test(r.Properties.Handler));

  it('runs both handlers on Node.js 24, arm64, in the private subnets, with source maps', () => {
    expect(functions().map((f) => f.Properties.Handler).sort()).toEqual(['index.collect', 'index.migrate']);
    for (const fn of functions()) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.Properties.VpcConfig.SubnetIds.every((s: { Ref: string }) => /collectorSubnet/.test(s.Ref))).toBe(true);
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    const collect = functions().find((f) => f.Properties.Handler === 'index.collect')!;
    expect(collect.Properties.Timeout).toBe(300);
  });

  it('gives the functions ARNs and settings only: no secret value in any environment variable', () => {
    const collect = functions().find((f) => f.Properties.Handler === 'index.collect')!;
    const variables = collect.Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(['ALERT_TOPIC_ARN', 'AYRSHARE_SECRET_ARN', 'DATABASE_SECRET_ARN', 'NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'TRACKER_ANOMALY_THRESHOLD', 'TRACKER_DIGEST_DAY', 'TRACKER_PLATFORMS', 'TRACKER_TIMEZONE', 'FANOUT_QUEUE_URL', 'TRACKER_CONCURRENCY', 'TRACKER_FANOUT_ABOVE', 'TRACKER_FANOUT_CHUNK'].sort());
    expect(variables).toMatchObject({ TRACKER_CONCURRENCY: '25', TRACKER_FANOUT_ABOVE: '200', TRACKER_FANOUT_CHUNK: '50', FANOUT_QUEUE_URL: { Ref: logicalId('AWS::SQS::Queue', /CollectorChunks/) } });
    expect(variables.TRACKER_ANOMALY_THRESHOLD).toBe('0.5');
    expect(variables.TRACKER_DIGEST_DAY).toBe('monday');
    expect(variables.AYRSHARE_SECRET_ARN).toEqual({ Ref: logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/) });
    expect(variables.TRACKER_TIMEZONE).toBe('America/New_York');
    expect(variables.TRACKER_PLATFORMS).toBe('facebook,instagram,linkedin,threads,tiktok,twitter,youtube');
  });

  it('ships a minified bundle with a source map and the migrations, without pg-native', () => {
    const assetDirs = readdirSync(defaults.app.outdir).filter((d) => d.startsWith('asset.')).map((d) => path.join(defaults.app.outdir, d));
    const bundle = assetDirs.find((dir) => existsSync(path.join(dir, 'index.js')) && readFileSync(path.join(dir, 'index.js'), 'utf8').includes('/api/analytics/social'));
    expect(bundle).toBeDefined();
    const code = readFileSync(path.join(bundle!, 'index.js'), 'utf8');
    expect(existsSync(path.join(bundle!, 'index.js.map'))).toBe(true);
    expect(readdirSync(path.join(bundle!, 'migrations'))).toEqual(MIGRATION_FILES);
    expect(code).not.toContain('parsePlatformBlock'); // minified: our function names are gone
    expect(code).toContain('require("pg-native")'); // left external, never bundled
    expect(code).not.toMatch(/require\("@aws-sdk\/client-sns"\)[\s\S]*function SNSClient/);
  });

  it('retries a failed run once, drops runs older than two hours, and sends failures to a queue', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 7200,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CollectorFailedRuns'), 'Arn'] } } },
    });
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('migrates the database during deploy, after the instance exists, waiting for the result', () => {
    const trigger = Object.values(resources).find((r) => r.Type === 'Custom::Trigger')!;
    expect(trigger.Properties).toMatchObject({ InvocationType: 'RequestResponse', Timeout: '180000' });
    expect(JSON.stringify(trigger.Properties.HandlerArn)).toMatch(/CollectorMigrate.*CurrentVersion/);
    const ingress = Object.keys(resources).find((id) => resources[id].Type === 'AWS::EC2::SecurityGroupIngress' && /^DatabaseInstance/.test(id));
    expect(ingress).toBeDefined();
    expect(trigger.DependsOn).toEqual(expect.arrayContaining([logicalId('AWS::RDS::DBInstance', /DatabaseInstance/), ingress]));
  });
});

describe('secrets and least privilege', () => {
  it('creates the Ayrshare secret without a value', () => {
    const secret = resources[logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/)];
    expect(secret.Properties.SecretString).toBeUndefined();
    // Secrets Manager generates a placeholder whose empty apiKey makes the first run say what to do.
    expect(secret.Properties.GenerateSecretString).toEqual({ SecretStringTemplate: '{"apiKey":""}', GenerateStringKey: 'placeholder', PasswordLength: 8 });
    expect(JSON.stringify(defaults.template.toJSON())).not.toMatch(/"SecretString"/);
  });

  it('imports the Ayrshare secret by name with -c ayrshareSecretName', () => {
    const { template } = synthesize({ ayrshareSecretName: 'tracker/ayrshare' });
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':secret:tracker/ayrshare-[?]{6}$')])] } })]) },
    });
  });

  it('lets collect read exactly its two secrets and publish to exactly its topic', () => {
    const role = resources[logicalId('AWS::Lambda::Function', /CollectorCollect/)].Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(byAction('secretsmanager:GetSecretValue').map((s) => s.Resource).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [{ Ref: logicalId('AWS::SecretsManager::Secret', /AyrshareSecret/) }, { Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', /Database/) }].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    expect(byAction('sns:Publish').map((s) => s.Resource)).toEqual([{ Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) }]);
    // Everything the role may do, listed: the two secrets, the topic, its own on-failure queue, and the fan-out queue
    // (send chunks, and consume them through the event source mapping).
    expect(statements.map((s) => [s.Action].flat().sort().join(',')).sort()).toEqual([
      'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret,secretsmanager:GetSecretValue',
      'sns:Publish',
      'sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ReceiveMessage',
      'sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage',
      'sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:SendMessage',
    ]);
    const chunks = { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorChunks/), 'Arn'] };
    expect(byAction('sqs:ReceiveMessage').map((s) => s.Resource)).toEqual([chunks]);
    expect(byAction('sqs:SendMessage').map((s) => s.Resource)).toEqual(expect.arrayContaining([chunks, { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorFailedRuns/), 'Arn'] }]));
  });

  it('lets migrate read the database secret and nothing else', () => {
    const role = resources[logicalId('AWS::Lambda::Function', /CollectorMigrate/)].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', /Database/) } })]);
  });
});

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
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 21 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.collect', Environment: { Variables: Match.objectLike({ TRACKER_TIMEZONE: 'Europe/Berlin' }) } });
  });
});

describe('alerts', () => {
  it('is a TLS-only topic with the email subscription when alertEmail is set', () => {
    defaults.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    defaults.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    synthesize().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  const alarm = (metricName: string) => {
    const found = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === metricName);
    expect(found.length).toBeGreaterThan(0);
    for (const a of found) expect(a.Properties.AlarmActions).toEqual([{ Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) }]);
    return found;
  };

  it('alarms on function errors, throttles and runs near the timeout', () => {
    expect(alarm('Errors')[0].Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm('Throttles')[0].Properties).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1 });
    expect(alarm('Duration')[0].Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 240_000 });
  });

  it('alarms on a message in either failure queue and on Scheduler target errors', () => {
    const queues = alarm('ApproximateNumberOfMessagesVisible').map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort();
    expect(queues).toEqual([expect.stringMatching(/^CollectorFailedChunks/), expect.stringMatching(/^CollectorFailedRuns/), expect.stringMatching(/^ScheduleDeadLetters/)]);
    const groupName = resources[logicalId('AWS::Scheduler::ScheduleGroup', /ScheduleGroup/)].Properties.Name;
    expect(alarm('TargetErrorCount')[0].Properties).toMatchObject({ Namespace: 'AWS/Scheduler', Dimensions: [{ Name: 'ScheduleGroup', Value: groupName }] });
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

describe('outputs', () => {
  it('tells the user what they need after deploying', () => {
    const outputs = Object.keys(defaults.template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['CollectorFunctionName', 'AyrshareSecretName', 'DatabaseSecretName', 'DatabaseEndpoint', 'AlertTopicArn', 'ScheduleName', 'DashboardName']));
  });
});

describe('fan-out', () => {
  it('feeds chunk messages to the collector one at a time, a bounded number at once, with per-message failures', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0].Properties).toMatchObject({
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorChunks/), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', /CollectorCollect/) },
    });
  });

  it('keeps a chunk invisible for six function timeouts and moves it to a dead-letter queue after three tries', () => {
    expect(resources[logicalId('AWS::SQS::Queue', /CollectorChunks/)].Properties).toMatchObject({
      VisibilityTimeout: 1800,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /CollectorFailedChunks/), 'Arn'] } },
    });
  });

  it('follows -c fanOutAbove, fanOutChunk, fanOutConcurrency and concurrency', () => {
    const template = synthesize({ fanOutAbove: '500', fanOutChunk: '100', fanOutConcurrency: '4', concurrency: '10' }).template.toJSON().Resources as Resources;
    const collect = Object.values(template).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.collect')!;
    expect(collect.Properties.Environment.Variables).toMatchObject({ TRACKER_FANOUT_ABOVE: '500', TRACKER_FANOUT_CHUNK: '100', TRACKER_CONCURRENCY: '10' });
    expect(Object.values(template).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping')!.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 4 });
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    // The body is a Fn::Join of strings and tokens: its string parts are the widgets' JSON.
    const parts: unknown[] = dashboards[0].Properties.DashboardBody['Fn::Join'][1];
    return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  };

  it('graphs each per-platform metric family across every profile and platform of the namespace', () => {
    const text = body();
    for (const metric of ['Followers', 'FollowerGrowth', 'EngagementRate', 'PlatformCollected']) {
      expect(text).toContain(`SEARCH('{AyrshareTracker,platform,profile,service} MetricName=\\"${metric}\\"'`);
    }
    expect(text).toMatch(/"title":"Followers"/);
    expect(text).toMatch(/"title":"Engagement rate \(%\)"/);
  });

  it('shows run health (runs, platforms stored and failed, function errors) and every alarm', () => {
    const text = body();
    for (const metric of ['SuccessfulRuns', 'PlatformsStored', 'PlatformsFailed']) expect(text).toContain(`"AyrshareTracker","${metric}","service","ayrshare-tracker"`);
    expect(text).toContain('"AWS/Lambda","Errors"');
    const alarmIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::CloudWatch::Alarm');
    expect(alarmIds.length).toBe(defaults.stack.alerts.alarms.length);
    expect(alarmIds.length).toBeGreaterThanOrEqual(7);
    for (const id of alarmIds) expect(text).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });

  it('turns the weekly digest off or moves it with -c weeklyDigest', () => {
    const variables = (context: Record<string, unknown>) =>
      Object.values(synthesize(context).template.toJSON().Resources as Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.collect')!.Properties.Environment.Variables;
    expect(variables({ weeklyDigest: 'Friday' }).TRACKER_DIGEST_DAY).toBe('friday');
    expect(variables({ weeklyDigest: 'off' }).TRACKER_DIGEST_DAY).toBe('off');
  });
});

describe('context validation', () => {
  const context = (values: Record<string, unknown>) => (key: string) => values[key];

  it('applies the defaults of a fresh clone', () => {
    expect(readTrackerConfig(context({}))).toEqual({
      scheduleHour: 6,
      scheduleMinute: 0,
      timeZone: 'America/New_York',
      platforms: ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'],
      databaseInstanceType: 't4g.micro',
      databaseStorageGiB: 20,
      multiAz: false,
      deletionProtection: true,
      nat: 'instance',
      weeklyDigest: 'monday',
      anomalyThreshold: 0.5,
      concurrency: 25,
      fanOutAbove: 200,
      fanOutChunk: 50,
      fanOutConcurrency: 2,
    });
  });

  it.each([
    [{ scheduleHour: '25' }, /scheduleHour must be 0 to 23 \(got "25"\)/],
    [{ scheduleMinute: 'half' }, /scheduleMinute/],
    [{ timeZone: 'Moon/Base' }, /timeZone must be an IANA time zone/],
    [{ platforms: 'facebook,bebo' }, /platforms must list platforms among/],
    [{ alertEmail: 'not-an-address' }, /alertEmail must be an email address/],
    [{ nat: 'none' }, /nat must be "instance" .* or "gateway"/],
    [{ multiAz: 'yes' }, /multiAz/],
    [{ databaseInstanceType: 'db.t4g.micro' }, /databaseInstanceType must be an instance type such as t4g.micro/],
    [{ vpcId: 'my-vpc' }, /vpcId must be a VPC id/],
    [{ anomalyThreshold: '0' }, /anomalyThreshold must be more than 0/],
    [{ weeklyDigest: 'someday' }, /weeklyDigest must be a weekday \(sunday, monday, .*\) or off \(got "someday"\)/],
  ])('rejects %p with a message naming the key', (values, message) => {
    expect(() => readTrackerConfig(context(values))).toThrow(message);
    expect(() => readTrackerConfig(context(values))).toThrow(/Set it in cdk.json or with -c key=value/);
  });

  it('reads strings from -c as numbers and booleans', () => {
    expect(readTrackerConfig(context({ scheduleHour: '7', multiAz: 'true', deletionProtection: 'false', platforms: 'TikTok, youtube' }))).toMatchObject({
      scheduleHour: 7,
      multiAz: true,
      deletionProtection: false,
      platforms: ['tiktok', 'youtube'],
    });
  });
});

