// Opt-in (-c sqlAccess=ssm): read the deployed database from a laptop (psql, Metabase, Grafana) through a Session
// Manager port forward. No inbound port anywhere, the database stays private; who may open the tunnel is decided by
// IAM (ssm:StartSession) and every session is recorded in CloudTrail. The forwarding host is the NAT instance when
// the stack has one (already managed by Systems Manager); otherwise a minimal instance in a private subnet.
import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { acknowledgeGuardRule } from '../nag-suppressions';
import type { TrackerDatabase } from './database';
import { generationSuffix, launchFromPinnedImage, pinnedAtLaunch } from './instance-image';

/** The port on the analyst's machine that the tunnel listens on (not 5432, so a local PostgreSQL can keep it). */
export const SQL_TUNNEL_LOCAL_PORT = 15432;
/** The Session Manager document that forwards a local port to a host reachable from the instance. */
export const PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

export interface SqlAccessProps {
  readonly vpc: ec2.IVpc;
  readonly database: TrackerDatabase;
  /**
   * The stack's NAT instance, when it has one: it becomes the forwarding host and no instance is added.
   * @default - a t4g.nano host in a private subnet with egress
   */
  readonly natInstance?: ec2.Instance;
  /** Raising it replaces the host with the image current then. @default 1 */
  readonly imageGeneration?: number;
}

export class SqlAccess extends Construct {
  /** The instance whose SSM agent forwards the tunnel to the database. */
  public readonly instance: ec2.Instance;
  /** Whether `instance` was created here (false: it is the NAT instance). */
  public readonly ownHost: boolean;
  /** The one command that opens the tunnel (AWS CLI v2 with the Session Manager plugin). */
  public readonly tunnelCommand: string;

  constructor(scope: Construct, id: string, props: SqlAccessProps) {
    super(scope, id);
    this.ownHost = !props.natInstance;
    this.instance = props.natInstance ?? this.createHost(props.vpc, props.imageGeneration ?? 1);
    // The NAT instance's group allows all outbound already; the host's own group gets its egress rule from this.
    props.database.instance.connections.allowDefaultPortFrom(this.instance, 'PostgreSQL from the SSM access host');

    const database = props.database.instance;
    this.tunnelCommand = Fn.join('', [
      `aws ssm start-session --region ${Stack.of(this).region} --target `,
      this.instance.instanceId,
      ` --document-name ${PORT_FORWARDING_DOCUMENT} --parameters '{"host":["`,
      database.dbInstanceEndpointAddress,
      '"],"portNumber":["',
      database.dbInstanceEndpointPort,
      `"],"localPortNumber":["${SQL_TUNNEL_LOCAL_PORT}"]}'`,
    ]);
  }

  /**
   * Without a NAT instance: the smallest Graviton instance, in a private subnet (it reaches Systems Manager through
   * the NAT Gateway), no key pair, no public address, IMDSv2 only, encrypted root volume, Session Manager only.
   */
  private createHost(vpc: ec2.IVpc, imageGeneration: number): ec2.Instance {
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'ayrshare-tracker SQL access host: no inbound; HTTPS to Systems Manager, PostgreSQL to the database',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Systems Manager');
    const host = new ec2.Instance(this, 'Host', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      // Resolved by EC2 at launch: a new Amazon Linux image never replaces the host on an unrelated deploy.
      machineImage: pinnedAtLaunch(),
      securityGroup,
      associatePublicIpAddress: false,
      // IMDSv2 only, rendered as the instance's MetadataOptions (requireImdsv2 would add a launch template for it).
      httpEndpoint: true,
      httpTokens: ec2.HttpTokens.REQUIRED,
      // The role gets AmazonSSMManagedInstanceCore, and nothing else.
      ssmSessionPermissions: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });

    launchFromPinnedImage(this, 'LaunchTemplate', host);
    const cfnHost = host.node.defaultChild as ec2.CfnInstance;
    cfnHost.overrideLogicalId(`${Stack.of(this).getLogicalId(cfnHost)}${generationSuffix(imageGeneration)}`);
    NagSuppressions.addResourceSuppressions(
      host,
      [
        {
          id: 'AwsSolutions-EC28',
          reason:
            'Detailed monitoring costs more than the t4g.nano instance itself; it only relays SQL sessions an ' +
            'analyst opens by hand.',
        },
        {
          id: 'AwsSolutions-EC29',
          reason:
            'The access host holds no data and is replaced by the stack at will; termination protection would ' +
            'block stack updates and turning sqlAccess off.',
        },
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AmazonSSMManagedInstanceCore is the AWS-managed minimum for Session Manager (no SSH key, no inbound ' +
            'port); AWS keeps it current with the SSM agent.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
        },
      ],
      true,
    );
    acknowledgeGuardRule(
      host,
      'ec2_instance_detailed_monitoring_enabled_check',
      'Detailed monitoring costs more than the t4g.nano access host itself, which only relays SQL sessions an ' +
        'analyst opens by hand; basic monitoring suffices.',
    );
    acknowledgeGuardRule(
      host,
      'ec2_instance_nitro_encryption_in_transit_check',
      'What the access host relays is encrypted end to end: the Session Manager channel is TLS, and PostgreSQL ' +
        'itself requires TLS (rds.force_ssl). The encrypting Nitro types start at several times its price.',
    );
    return host;
  }
}
