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

describe('teardown', () => {
  const teardown = synthesize({ deletionProtection: 'false' }, { nag: true });
  const resources = resourcesOf(teardown.template);

  it('synthesizes with -c deletionProtection=false: no AwsSolutions error, the opt-out acknowledged on the instance', () => {
    const errors = Annotations.fromStack(teardown.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors).toEqual([]);
    const [instanceId, instance] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::RDS::DBInstance')!;
    expect(instance.Properties.DeletionProtection).toBe(false);
    const acknowledged = instance.Metadata?.cdk_nag?.rules_to_suppress.map((r: { id: string }) => r.id);
    expect(acknowledged).toContain('AwsSolutions-RDS10');
    expect(instanceId).toMatch(/^DatabaseInstance/);
  });

  it('keeps the acknowledgement out of the default configuration, where deletion protection stays on', () => {
    const instance = Object.values(resourcesOf(synthesize().template)).find((r) => r.Type === 'AWS::RDS::DBInstance')!;
    expect(instance.Properties.DeletionProtection).toBe(true);
    const acknowledged = instance.Metadata?.cdk_nag?.rules_to_suppress.map((r: { id: string }) => r.id);
    expect(acknowledged).not.toContain('AwsSolutions-RDS10');
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
