// The database: RDS PostgreSQL on a small Graviton instance in isolated subnets, encrypted, TLS-only, backed up,
// protected from deletion, with credentials RDS generates into Secrets Manager.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface TrackerDatabaseProps {
  readonly vpc: ec2.IVpc;
  /** Instance type without the "db." prefix. @default 't4g.micro' */
  readonly instanceType?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
}

export const DATABASE_NAME = 'tracker';

export class TrackerDatabase extends Construct {
  public readonly instance: rds.DatabaseInstance;
  public readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: TrackerDatabaseProps) {
    super(scope, id);
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 });
    const storage = props.allocatedStorageGiB ?? 20;
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceType: new ec2.InstanceType(props.instanceType ?? 't4g.micro'),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      publiclyAccessible: false,
      credentials: rds.Credentials.fromGeneratedSecret('tracker'),
      databaseName: DATABASE_NAME,
      storageType: rds.StorageType.GP3,
      allocatedStorage: storage,
      maxAllocatedStorage: Math.max(storage * 5, 100),
      storageEncrypted: true,
      multiAz: props.multiAz ?? false,
      backupRetention: Duration.days(7),
      deletionProtection: props.deletionProtection ?? true,
      // Deleting the stack keeps a final snapshot, whatever deletion protection says.
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      parameterGroup: new rds.ParameterGroup(this, 'Parameters', {
        engine,
        description: 'ayrshare-tracker: TLS required',
        parameters: { 'rds.force_ssl': '1' },
      }),
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
      copyTagsToSnapshot: true,
    });
    this.secret = this.instance.secret!;

    NagSuppressions.addResourceSuppressions(this.instance, [
      {
        id: 'AwsSolutions-RDS3',
        reason: 'Multi-AZ doubles the database cost for a once-a-day job; enable it with -c multiAz=true.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason:
          'The default port is kept: the instance sits in isolated subnets and admits only the collector ' +
          'security group.',
      },
      {
        id: 'AwsSolutions-RDS6',
        reason:
          'The functions authenticate with the RDS-generated secret read from Secrets Manager at each ' +
          'invocation, over verified TLS.',
      },
    ]);
    if (props.deletionProtection === false) {
      // The documented teardown: an explicit -c deletionProtection=false, acknowledged here rather than failing synth.
      NagSuppressions.addResourceSuppressions(this.instance, [
        {
          id: 'AwsSolutions-RDS10',
          reason:
            'Deletion protection was turned off on purpose (-c deletionProtection=false) to delete the stack; ' +
            'deleting it still keeps a final snapshot.',
        },
      ]);
    }
    // The generated secret itself (`secret` above is its attachment to the instance).
    NagSuppressions.addResourceSuppressions(this.instance.node.findChild('Secret'), [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotation would need a rotation function with its own ingress to the database; the functions read ' +
          'the secret at each invocation, so rotating by hand (or adding rotation) needs no change to them.',
      },
    ]);
  }

  /** Lets a function connect: ingress on the PostgreSQL port from its security group only. */
  public allowConnectionsFrom(peer: ec2.IConnectable): void {
    this.instance.connections.allowDefaultPortFrom(peer, 'PostgreSQL from the collector');
  }
}
