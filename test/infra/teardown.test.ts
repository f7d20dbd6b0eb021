// The documented teardown (`-c deletionProtection=false`, then `cdk destroy`) and the deploy after it: what the stack
// leaves behind must never block a second deploy, so every resource CloudFormation keeps on delete is named by
// CloudFormation (a kept resource under a fixed name makes the next create fail with "already exists").
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthesize, type Resources } from '../support/synth';

/** The property that names a resource, per type: set in the template, the name is fixed; absent, CloudFormation picks one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBParameterGroup': 'DBParameterGroupName',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
};

/** CloudFormation's DeletionPolicy, with its defaults: a DB instance outside a cluster is snapshotted, the rest deleted. */
function deletionPolicy(resource: Resources[string]): string {
  if (resource.DeletionPolicy) return resource.DeletionPolicy;
  return resource.Type === 'AWS::RDS::DBInstance' && !resource.Properties.DBClusterIdentifier ? 'Snapshot' : 'Delete';
}

function keptOnDelete(resources: Resources): Array<[string, Resources[string]]> {
  return Object.entries(resources).filter(([, r]) => deletionPolicy(r) !== 'Delete');
}

/** The DeletionProtection value the stack's last step writes with rds:ModifyDBInstance. */
function protectionSetBy(resources: Resources): boolean {
  const [step] = Object.entries(resources).filter(
    ([id, r]) => r.Type === 'Custom::AWS' && /^DeletionProtection/.test(id),
  );
  const call = JSON.parse(
    step[1].Properties.Update['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'ID')).join(''),
  );
  return call.parameters.DeletionProtection;
}

describe('teardown', () => {
  const teardown = synthesize({ deletionProtection: 'false' }, { nag: true });
  const resources = resourcesOf(teardown.template);

  it('synthesizes with -c deletionProtection=false: no AwsSolutions error, and the last step switches protection off', () => {
    const errors = Annotations.fromStack(teardown.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors).toEqual([]);
    expect(protectionSetBy(resources)).toBe(false);
    expect(protectionSetBy(resourcesOf(synthesize().template))).toBe(true);
  });

  it('names every resource kept on delete by CloudFormation, never by the template', () => {
    const kept = keptOnDelete(resources);
    // The database (final snapshot) and the functions' log groups are kept on purpose.
    expect(kept.map(([, r]) => r.Type)).toEqual(
      expect.arrayContaining(['AWS::RDS::DBInstance', 'AWS::Logs::LogGroup']),
    );
    const unknown = kept.filter(([, r]) => !(r.Type in NAME_PROPERTY)).map(([id, r]) => `${id} (${r.Type})`);
    expect(unknown).toEqual([]);
    const fixed = kept
      .filter(([, r]) => r.Properties[NAME_PROPERTY[r.Type]] !== undefined)
      .map(([id, r]) => `${id}: ${NAME_PROPERTY[r.Type]} = ${JSON.stringify(r.Properties[NAME_PROPERTY[r.Type]])}`);
    expect(fixed).toEqual([]);
  });

  it('deletes the schedule group with the stack (it has a fixed name)', () => {
    const [group] = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::ScheduleGroup');
    expect(group.Properties.Name).toEqual(expect.any(String));
    expect(deletionPolicy(group)).toBe('Delete');
  });

  it('the database is snapshotted, not retained, so destroy removes the instance and keeps its data', () => {
    const instance = Object.values(resources).find((r) => r.Type === 'AWS::RDS::DBInstance')!;
    expect(instance.DeletionPolicy).toBe('Snapshot');
  });
});
