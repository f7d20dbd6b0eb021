// The database migrations, applied during `cdk deploy`: the `migrate` function and the trigger that invokes it.
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { DEFAULT_TIME_ZONE } from '../../lambda/core/defaults';
import { TrackerFunction, databaseEnvironment } from './tracker-function';

export interface MigrationProps {
  readonly vpc: ec2.IVpc;
  /** A group the database admits. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The database owner's credentials: the migrations run as this user. */
  readonly databaseSecret: secretsmanager.ISecret;
  /** The roles' own secrets: after migrating, each role gets its login with the password in its secret. */
  readonly loginSecrets?: { collector?: secretsmanager.ISecret; reader?: secretsmanager.ISecret };
  /** IANA zone, as the collector has it. @default DEFAULT_TIME_ZONE */
  readonly timeZone?: string;
}

const MIGRATION_TIMEOUT = Duration.minutes(3);

/**
 * The `migrate` function, and its trigger `<id>OnDeploy` created next to it. The trigger runs during every deploy
 * whose bundle (code or migrations/) changed, waits for the result, and fails the deploy when a migration fails.
 * Call `runAfter` with the database so it runs once the instance and its ingress rules exist.
 */
export class Migration extends TrackerFunction {
  public readonly trigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: MigrationProps) {
    super(scope, id, {
      handler: 'migrate',
      description: 'ayrshare-tracker: apply database migrations (runs during deploy)',
      timeout: MIGRATION_TIMEOUT,
      vpc: props.vpc,
      securityGroup: props.securityGroup,
      environment: {
        ...databaseEnvironment(props.databaseSecret, props.timeZone ?? DEFAULT_TIME_ZONE),
        ...(props.loginSecrets?.collector ? { COLLECTOR_SECRET_ARN: props.loginSecrets.collector.secretArn } : {}),
        ...(props.loginSecrets?.reader ? { READER_SECRET_ARN: props.loginSecrets.reader.secretArn } : {}),
      },
    });
    for (const secret of [props.databaseSecret, props.loginSecrets?.collector, props.loginSecrets?.reader])
      secret?.grantRead(this);

    this.trigger = new triggers.Trigger(scope, `${id}OnDeploy`, {
      handler: this,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: MIGRATION_TIMEOUT,
      executeOnHandlerChange: true,
    });
  }

  /** Runs the migrations only after these constructs (and everything in them) are deployed. */
  public runAfter(...scopes: Construct[]): void {
    this.trigger.executeAfter(...scopes);
  }
}
