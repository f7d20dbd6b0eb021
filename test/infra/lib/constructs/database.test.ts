// lib/constructs/database.ts: RDS PostgreSQL, its parameter group, its generated secret and its one ingress rule.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { REGIONS_WITHOUT_DEFAULT_INSTANCE_TYPE, TrackerDatabase } from '../../../../lib/constructs/database';
import { logicalIdIn, synthesize, type Resources, type Synthesized, synthesizeDefaults } from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('database', () => {
  it('is a private, encrypted, backed-up PostgreSQL on Graviton in isolated subnets, created unprotected', () => {
    const id = logicalId('AWS::RDS::DBInstance', /DatabaseInstance/);
    const db = resources[id];
    expect(db.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '18',
      DBInstanceClass: 'db.t4g.micro',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      // Turned on by the stack's last step (deletion-protection.test.ts), so a failed first deploy rolls back.
      DeletionProtection: false,
      MultiAZ: false,
      StorageType: 'gp3',
      DBName: 'tracker',
    });
    expect(db.DeletionPolicy).toBe('Snapshot');
    expect(db.UpdateReplacePolicy).toBe('Snapshot');
    const subnetGroup = resources[db.Properties.DBSubnetGroupName.Ref];
    const subnetRefs: string[] = subnetGroup.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref);
    expect(subnetRefs.every((ref) => /databaseSubnet/.test(ref))).toBe(true);
  });

  it('requires TLS (rds.force_ssl = 1) through its parameter group', () => {
    defaults.template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres18',
      // And no session's temporary files past 1 GB (in kB): a reader's huge sort cannot fill the disk.
      Parameters: { 'rds.force_ssl': '1', temp_file_limit: '1048576' },
    });
  });

  it('generates its credentials into Secrets Manager', () => {
    defaults.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: '{"username":"tracker"}',
        GenerateStringKey: 'password',
      }),
    });
    // The owner's, and one login per tracker role, each attached to the instance (host, port, dbname).
    for (const username of ['tracker_collector', 'tracker_reader']) {
      defaults.template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify({ username, dbname: 'tracker' }),
          GenerateStringKey: 'password',
        }),
      });
    }
    defaults.template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 3);
  });

  it('admits PostgreSQL connections from the collector security group only', () => {
    const databaseGroup =
      resources[logicalId('AWS::RDS::DBInstance', /DatabaseInstance/)].Properties.VPCSecurityGroups[0]['Fn::GetAtt'][0];
    const ingress = Object.values(resources).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupIngress' && r.Properties.GroupId?.['Fn::GetAtt']?.[0] === databaseGroup,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0].Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: { 'Fn::GetAtt': [expect.any(String), 'Endpoint.Port'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^CollectorSecurityGroup/), 'GroupId'] },
    });
    expect(resources[databaseGroup].Properties.SecurityGroupIngress).toBeUndefined();
  });

  describe('the default class, where RDS for PostgreSQL offers it', () => {
    const classIn = (region?: string) => {
      const app = new App({ context: { [cxapi.BUNDLING_STACKS]: [] } });
      const stack = new Stack(app, 'Probe', region ? { env: { account: '111111111111', region } } : {});
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
          { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      new TrackerDatabase(stack, 'Database', { vpc });
      const template = Template.fromStack(stack).toJSON();
      const [instance] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::RDS::DBInstance');
      return { instanceClass: instance.Properties.DBInstanceClass, conditions: template.Conditions };
    };

    it('is t4g.micro in a region that offers it, t3.micro where it is not offered', () => {
      expect(classIn('eu-central-1').instanceClass).toBe('db.t4g.micro');
      for (const region of REGIONS_WITHOUT_DEFAULT_INSTANCE_TYPE)
        expect(classIn(region).instanceClass).toBe('db.t3.micro');
    });

    it('is chosen by a condition on the region when the template is region-agnostic', () => {
      const { instanceClass, conditions } = classIn();
      const [condition] = Object.keys(conditions);
      expect(instanceClass).toEqual({ 'Fn::If': [condition, 'db.t3.micro', 'db.t4g.micro'] });
      expect(JSON.stringify(conditions[condition])).toContain('"ca-west-1"');
    });
  });

  it('follows the instance size and Multi-AZ settings', () => {
    const { template } = synthesize({ databaseInstanceType: 't4g.small', multiAz: 'true' });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.small', MultiAZ: true });
  });

  it('pins its backup and maintenance windows: computed from the schedule, or given', () => {
    defaults.template.hasResourceProperties('AWS::RDS::DBInstance', {
      PreferredBackupWindow: '00:00-00:30',
      PreferredMaintenanceWindow: 'sun:00:30-sun:01:00',
    });
    const given = synthesize({ backupWindow: '03:00-03:30', maintenanceWindow: 'wed:04:00-wed:04:30' });
    given.template.hasResourceProperties('AWS::RDS::DBInstance', {
      PreferredBackupWindow: '03:00-03:30',
      PreferredMaintenanceWindow: 'wed:04:00-wed:04:30',
    });
  });
});
