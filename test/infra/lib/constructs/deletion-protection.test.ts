// lib/constructs/deletion-protection.ts: the database is created unprotected and protected by the stack's last step,
// so that a first deploy failing anywhere rolls back to ROLLBACK_COMPLETE, and a deployed stack still cannot lose
// its database to `cdk destroy`.
import { logicalIdIn, dependencyClosure, resourcesOf, synthesize, type Resources } from '../../../support/synth';
import { DOCUMENTED_CONFIGURATIONS } from '../../../../lib/regions';

/** The SDK call a Custom::AWS resource makes on create or update, with references replaced by their logical IDs. */
function sdkCall(resource: Resources[string], phase: 'Create' | 'Update' | 'Delete'): any {
  const value = resource.Properties[phase];
  if (value === undefined) return undefined;
  const parts: unknown[] = value['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join(''));
}

describe.each(Object.entries(DOCUMENTED_CONFIGURATIONS))('deletion protection, %s', (_name, context) => {
  const resources = resourcesOf(synthesize(context).template);
  const databaseId = logicalIdIn(resources, 'AWS::RDS::DBInstance', /^DatabaseInstance/);
  const stepId = logicalIdIn(resources, 'Custom::AWS', /^DeletionProtection/);
  const step = resources[stepId];

  it('is off when the database is created', () => {
    expect(resources[databaseId].Properties.DeletionProtection).toBe(false);
  });

  it('is switched by rds:ModifyDBInstance on this instance only, on create and on update, never on delete', () => {
    const expected = context.deletionProtection !== 'false';
    for (const phase of ['Create', 'Update'] as const) {
      expect(sdkCall(step, phase)).toMatchObject({
        service: 'RDS',
        action: 'modifyDBInstance',
        parameters: { DBInstanceIdentifier: `<${databaseId}>`, DeletionProtection: expected },
      });
    }
    // Nothing else rides on the call: no pending modification is pushed through with it.
    expect(Object.keys(sdkCall(step, 'Create').parameters)).toEqual(['DBInstanceIdentifier', 'DeletionProtection']);
    // Deleting the stack must not unprotect the database.
    expect(sdkCall(step, 'Delete')).toBeUndefined();
    const policy =
      resources[logicalIdIn(resources, 'AWS::IAM::Policy', /^DeletionProtectionSwitchCustomResourcePolicy/)];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 'rds:ModifyDBInstance', Effect: 'Allow' }),
    ]);
    expect(JSON.stringify(policy.Properties.PolicyDocument.Statement[0].Resource)).toContain(`"Ref":"${databaseId}"`);
  });

  it('comes on only after every other resource, the migration first of all, so nothing can fail after it', () => {
    const before = dependencyClosure(resources, stepId);
    const migration = logicalIdIn(resources, 'Custom::Trigger', /MigrateOnDeploy/);
    expect(before.has(migration)).toBe(true);
    expect(before.has(databaseId)).toBe(true);
    const notBefore = Object.keys(resources).filter((id) => id !== stepId && !before.has(id));
    expect(notBefore).toEqual([]);
  });

  it('has nothing depending on it: a failure anywhere happens while the database can still be deleted', () => {
    const after = Object.keys(resources).filter((id) => id !== stepId && dependencyClosure(resources, id).has(stepId));
    expect(after).toEqual([]);
  });
});
