// The network: public subnets for the NAT, private subnets with egress for the collector (it calls Ayrshare,
// Secrets Manager and SNS), isolated subnets for the database. Or an existing VPC with those subnet kinds.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface TrackerNetworkProps {
  /** How private subnets reach the internet. @default 'instance' */
  readonly nat?: 'instance' | 'gateway';
  /** Use this existing VPC instead of creating one (looked up at synth). @default - a new VPC */
  readonly vpcId?: string;
}

export class TrackerNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  /** The NAT instance provider, when the VPC was created here with one. */
  public readonly natInstance?: ec2.NatInstanceProviderV2;

  constructor(scope: Construct, id: string, props: TrackerNetworkProps = {}) {
    super(scope, id);
    if (props.vpcId) {
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId });
      return;
    }
    // A t4g.nano NAT instance costs about a tenth of a managed NAT Gateway; plenty for one API call a day.
    this.natInstance =
      props.nat === 'gateway'
        ? undefined
        : ec2.NatProvider.instanceV2({
            instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
            machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
            defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
          });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider: this.natInstance ?? ec2.NatProvider.gateway(),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'collector', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    // The NAT instance forwards traffic from inside the VPC only.
    this.natInstance?.connections.allowFrom(
      ec2.Peer.ipv4(vpc.vpcCidrBlock),
      ec2.Port.allTraffic(),
      'NAT for the private subnets',
    );
    this.vpc = vpc;

    NagSuppressions.addResourceSuppressions(vpc, [
      {
        id: 'AwsSolutions-VPC7',
        reason:
          'Flow logs would cost more than the rest of the network for one outbound API call a day; ' +
          'add them if your policy requires.',
      },
    ]);
    if (this.natInstance) {
      const applyToChildren = true;
      NagSuppressions.addResourceSuppressions(
        this.natInstance.securityGroup,
        [
          {
            id: 'CdkNagValidationFailure',
            reason:
              'AwsSolutions-EC23 cannot read the ingress peer, which is the VPC CIDR block (a token), not 0.0.0.0/0.',
          },
        ],
        applyToChildren,
      );
      NagSuppressions.addResourceSuppressions(
        this.natInstance.gatewayInstances,
        [
          {
            id: 'AwsSolutions-EC26',
            reason: 'The NAT instance root volume holds only the operating system; no data is stored on it.',
          },
          {
            id: 'AwsSolutions-EC28',
            reason:
              'Detailed monitoring costs more than the t4g.nano instance itself; basic monitoring suffices for a NAT.',
          },
          {
            id: 'AwsSolutions-EC29',
            reason:
              'The NAT instance is replaceable and managed by the stack; termination protection would block ' +
              'stack updates.',
          },
        ],
        applyToChildren,
      );
    }
  }
}
