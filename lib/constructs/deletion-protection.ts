// Deletion protection for the database, switched on as the last step of a deploy instead of at creation.
//
// Created protected, the database could not be deleted by the rollback of a first deploy that failed at any later
// step (the NAT setup, the migration, a quota): the stack would end in ROLLBACK_FAILED with the database still
// billing. So the instance is created unprotected, and this resource, which depends on every other resource of the
// stack, turns protection on through the RDS API. Any failure before it rolls back cleanly (nothing is protected
// yet); once it has run, `cdk destroy` stops at the protected database. It has no delete step, so deleting the stack
// never switches protection off: -c deletionProtection=false does, through its update step, before a teardown.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeGuardRule } from '../nag-suppressions';

export interface DeletionProtectionProps {
  readonly instance: rds.DatabaseInstance;
  /** What protection should be once the deploy has succeeded. */
  readonly enabled: boolean;
}

export class DeletionProtection extends Construct {
  /** The custom resource that calls rds:ModifyDBInstance. */
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: DeletionProtectionProps) {
    super(scope, id);
    // A year, like the functions' logs (Control Tower's minimum): a few lines per deploy that changes protection.
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    acknowledgeGuardRule(
      logGroup,
      'cloudwatch_log_group_encrypted_check',
      'CloudWatch Logs encrypts every log group at rest; this one holds the RDS API call that switches deletion ' +
        'protection, no data and no secret.',
    );
    const call: cr.AwsSdkCall = {
      service: 'RDS',
      action: 'modifyDBInstance',
      parameters: {
        DBInstanceIdentifier: props.instance.instanceIdentifier,
        // Takes effect at once by itself; ApplyImmediately would also push through any pending modification.
        DeletionProtection: props.enabled,
      },
      physicalResourceId: cr.PhysicalResourceId.of('deletion-protection'),
      // The answer describes the whole instance; a custom resource may return 4 KB at most.
      outputPaths: ['DBInstance.DeletionProtection'],
    };
    this.resource = new cr.AwsCustomResource(this, 'Switch', {
      onCreate: call,
      // Runs only when a property changes: the flag, or a replaced instance. A redeploy with no change skips it.
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['rds:ModifyDBInstance'], resources: [props.instance.instanceArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup,
    });
  }

  /** Runs only after all of these (and everything in them) exist, so that nothing can fail after it. */
  public runAfter(scopes: readonly IConstruct[]): void {
    for (const scope of scopes) if (scope !== this) this.node.addDependency(scope);
  }
}
