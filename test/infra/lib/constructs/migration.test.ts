// lib/constructs/migration.ts: the migrate function and the trigger that runs it during deploy.
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Migration } from '../../../../lib/constructs/migration';
import { DEFAULT_TIME_ZONE } from '../../../../lambda/core/defaults';
import { bareStack, logicalIdIn, resourcesOf, synthesize, type Resources } from '../../../support/synth';

let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);
/** Every IAM statement of the policies attached to a function's role. */
const statementsOf = (template: Resources, functionId: string) => {
  const role = template[functionId].Properties.Role['Fn::GetAtt'][0];
  return Object.values(template)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: { Ref: string }) => x.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
};

beforeAll(() => {
  resources = resourcesOf(synthesize({ alertEmail: 'ops@example.com' }).template);
});

describe('migration in the stack', () => {
  it('migrates the database during deploy, after the instance exists, waiting for the result', () => {
    const trigger = Object.values(resources).find((r) => r.Type === 'Custom::Trigger')!;
    expect(trigger.Properties).toMatchObject({ InvocationType: 'RequestResponse', Timeout: '180000' });
    expect(JSON.stringify(trigger.Properties.HandlerArn)).toMatch(/CollectorMigrate.*CurrentVersion/);
    const ingress = Object.keys(resources).find(
      (id) => resources[id].Type === 'AWS::EC2::SecurityGroupIngress' && /^DatabaseInstance/.test(id),
    );
    expect(ingress).toBeDefined();
    expect(trigger.DependsOn).toEqual(
      expect.arrayContaining([logicalId('AWS::RDS::DBInstance', /DatabaseInstance/), ingress]),
    );
  });

  it('lets migrate read the owner secret and the two login secrets, nothing else', () => {
    const functionId = logicalId('AWS::Lambda::Function', /CollectorMigrate/);
    const statements = statementsOf(resources, functionId);
    const attachment = (pattern: RegExp) => ({
      Ref: logicalId('AWS::SecretsManager::SecretTargetAttachment', pattern),
    });
    expect(statements).toEqual(
      [/DatabaseInstanceSecret/, /DatabaseCollectorSecret/, /DatabaseReaderSecret/].map((pattern) =>
        expect.objectContaining({
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: attachment(pattern),
        }),
      ),
    );
    // It migrates as the owner and gives each role the password of its own secret.
    expect(resources[functionId].Properties.Environment.Variables).toMatchObject({
      DATABASE_SECRET_ARN: attachment(/DatabaseInstanceSecret/),
      COLLECTOR_SECRET_ARN: attachment(/DatabaseCollectorSecret/),
      READER_SECRET_ARN: attachment(/DatabaseReaderSecret/),
    });
  });
});

describe('Migration on its own', () => {
  const build = () => {
    const stack = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const migration = new Migration(stack, 'Migrate', {
      vpc,
      securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }),
      databaseSecret: new secretsmanager.Secret(stack, 'DatabaseSecret'),
    });
    // Stands in for the database: nothing else refers to it, so only runAfter can make the trigger wait for it.
    const database = new sqs.Queue(stack, 'StandInDatabase');
    migration.runAfter(database);
    return resourcesOf(Template.fromStack(stack));
  };

  it('runs after what it is told to and on every change, waiting for the result (a failure fails the deploy)', () => {
    const probe = build();
    const triggers = Object.entries(probe).filter(([, r]) => r.Type === 'Custom::Trigger');
    expect(triggers).toHaveLength(1);
    const [triggerId, trigger] = triggers[0];
    expect(triggerId).toMatch(/^MigrateOnDeploy/);
    expect(trigger.DependsOn).toEqual(
      expect.arrayContaining([logicalIdIn(probe, 'AWS::SQS::Queue', /^StandInDatabase/)]),
    );
    // RequestResponse: the trigger waits for the function, and fails (the deploy rolls back) when it returns an error.
    expect(trigger.Properties).toMatchObject({ InvocationType: 'RequestResponse', ExecuteOnHandlerChange: true });
    // It runs the current version of the migrate function, and gives up when the function would.
    const fn = probe[logicalIdIn(probe, 'AWS::Lambda::Function', /^Migrate/)];
    expect(fn.Properties.Handler).toBe('index.migrate');
    expect(trigger.Properties.HandlerArn).toEqual({
      Ref: logicalIdIn(probe, 'AWS::Lambda::Version', /^MigrateCurrentVersion/),
    });
    expect(Number(trigger.Properties.Timeout)).toBe(fn.Properties.Timeout * 1000);
  });

  it('reads the database secret only, with the default time zone unless told otherwise', () => {
    const probe = build();
    const functionId = logicalIdIn(probe, 'AWS::Lambda::Function', /^Migrate/);
    const secret = { Ref: logicalIdIn(probe, 'AWS::SecretsManager::Secret', /^DatabaseSecret/) };
    expect(probe[functionId].Properties.Environment.Variables).toEqual({
      DATABASE_SECRET_ARN: secret,
      TRACKER_TIMEZONE: DEFAULT_TIME_ZONE,
      POWERTOOLS_SERVICE_NAME: 'ayrshare-tracker',
      NODE_OPTIONS: '--enable-source-maps',
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
    });
    expect(statementsOf(probe, functionId)).toEqual([
      expect.objectContaining({
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: secret,
      }),
    ]);
  });
});
