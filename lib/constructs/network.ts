// The network: public subnets for the NAT, private subnets with egress for the collector (it calls Ayrshare,
// Secrets Manager and SNS), isolated subnets for the database. Or an existing VPC with those subnet kinds.
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { acknowledgeGuardRule } from '../nag-suppressions';
import { Construct } from 'constructs';
import { generationSuffix, launchFromPinnedImage, pinnedAtLaunch } from './instance-image';
import { natSetupCommands, natSetupFingerprint } from './nat-instance-setup';

/** How long CloudFormation waits for the NAT instance's setup to signal before it fails the instance. */
export const NAT_SETUP_TIMEOUT = Duration.minutes(15);

export interface TrackerNetworkProps {
  /** How private subnets reach the internet. @default 'instance' */
  readonly nat?: 'instance' | 'gateway';
  /** Use this existing VPC instead of creating one (looked up at synth). @default - a new VPC */
  readonly vpcId?: string;
  /** Raising it replaces the NAT instance with the image current then (lib/constructs/instance-image). @default 1 */
  readonly imageGeneration?: number;
}

export class TrackerNetwork extends Construct {
  public readonly vpc: ec2.IVpc;
  /** The NAT instance provider, when the VPC was created here with one. */
  public readonly natInstance?: ec2.NatInstanceProviderV2;
  /**
   * The NAT instance (one), when the VPC was created here with one: managed by Systems Manager, so an operator can
   * open a shell or forward a port through it with Session Manager (no key pair, no inbound port).
   */
  public readonly natInstances: readonly ec2.Instance[] = [];
  /**
   * Self-healing of each NAT instance, which the stack's alerts also send by email: EC2 recovery on a failed system
   * status check (the hardware), a reboot on a failed instance status check (the operating system).
   */
  public readonly recoveryAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: TrackerNetworkProps = {}) {
    super(scope, id);
    if (props.vpcId) {
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId });
      return;
    }
    // A t4g.nano NAT instance costs about a tenth of a managed NAT Gateway; plenty for one API call a day.
    // Its user data (instead of aws-cdk-lib's default) is nat-instance-setup.sh; filled in once the instance exists.
    const natSetup = props.nat === 'gateway' ? undefined : ec2.UserData.forLinux();
    this.natInstance = natSetup
      ? ec2.NatProvider.instanceV2({
          instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
          // Resolved by EC2 at launch: a new Amazon Linux image never replaces the instance on an unrelated deploy.
          machineImage: pinnedAtLaunch(),
          defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
          userData: natSetup,
          // Asked for here: the public subnets give no address to whatever else is launched in them.
          associatePublicIpAddress: true,
        })
      : undefined;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider: this.natInstance ?? ec2.NatProvider.gateway(),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
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
    if (this.natInstance && natSetup) {
      this.natInstances = [this.makeNatTrustworthy(vpc, this.natInstance, natSetup, props.imageGeneration ?? 1)];
    }

    NagSuppressions.addResourceSuppressions(vpc, [
      {
        id: 'AwsSolutions-VPC7',
        reason:
          'Flow logs would cost more than the rest of the network for one outbound API call a day; ' +
          'add them if your policy requires.',
      },
    ]);
    if (this.natInstance) {
      acknowledgeGuardRule(
        this.natInstance.gatewayInstances,
        'ec2_instance_detailed_monitoring_enabled_check',
        'Detailed monitoring costs more than the t4g.nano instance itself; basic monitoring and the recovery ' +
          'alarm on its status check suffice for a NAT.',
      );
      acknowledgeGuardRule(
        this.natInstance.gatewayInstances,
        'ec2_instance_nitro_encryption_in_transit_check',
        "The NAT instance talks to no other instance: it forwards the functions' HTTPS (encrypted end to end) " +
          'to the internet. The encrypting Nitro types start at several times its price.',
      );
      acknowledgeGuardRule(
        this.natInstance.gatewayInstances,
        'ec2_instance_no_public_ip_check',
        'A NAT instance needs a public address to reach the internet; it admits traffic from inside the VPC only.',
      );
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
            id: 'AwsSolutions-IAM4',
            reason:
              'AmazonSSMManagedInstanceCore is the AWS-managed minimum for Session Manager on the NAT instance ' +
              '(no SSH key, no inbound port); AWS keeps it current with the SSM agent.',
            appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
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

  /**
   * The NAT instance carries the private subnets' only way out, so: a setup that retries, verifies and signals its
   * CreationPolicy (the routes through the instance, and the functions, wait for it); IMDSv2 only; EC2 recovery on a
   * failed system status check; and Session Manager instead of SSH.
   */
  private makeNatTrustworthy(
    vpc: ec2.Vpc,
    provider: ec2.NatInstanceProviderV2,
    setup: ec2.UserData,
    imageGeneration: number,
  ): ec2.Instance {
    // One instance (natGateways: 1), and the provider gives every instance the same user data, which names it.
    const instances = provider.gatewayInstances;
    if (instances.length !== 1) throw new Error(`expected one NAT instance, found ${instances.length}`);
    const [instance] = instances;
    const stack = Stack.of(this);
    const cfnInstance = instance.node.defaultChild as ec2.CfnInstance;

    // A changed script replaces the instance (see natSetupFingerprint), so the new setup runs and is verified; so
    // does a raised image generation, so the new instance launches with the image current then.
    // From here on the instance's logical ID is this override, which Stack.getLogicalId does not report:
    // the script signals cfnInstance.logicalId, the ID the template really has.
    cfnInstance.overrideLogicalId(
      `${stack.getLogicalId(cfnInstance)}${natSetupFingerprint()}${generationSuffix(imageGeneration)}`,
    );
    // Signalling: the AWS CLI v2, which every Amazon Linux 2023 image has. The CDK's own mechanisms
    // (UserData.addSignalOnExitCommand, Instance init/CloudFormationInit) call /opt/aws/bin/cfn-signal and cfn-init
    // from aws-cfn-bootstrap, which Amazon Linux 2023 images do not reliably include; and the signal belongs in the
    // script so its test can see SUCCESS and FAILURE.
    setup.addCommands(
      ...natSetupCommands({ stackName: stack.stackName, region: stack.region, logicalId: cfnInstance.logicalId }),
    );
    cfnInstance.cfnOptions.creationPolicy = {
      resourceSignal: { count: 1, timeout: NAT_SETUP_TIMEOUT.toIsoString() },
    };
    instance.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:SignalResource'], resources: [stack.stackId] }),
    );
    // The setup's own HTTPS check and its signal leave through the public subnet's route to the internet gateway.
    cfnInstance.node.addDependency(
      vpc.selectSubnets({ subnetType: ec2.SubnetType.PUBLIC }).internetConnectivityEstablished,
    );

    // The image, resolved by EC2 when it launches the instance (lib/constructs/instance-image).
    launchFromPinnedImage(this, 'NatLaunchTemplate', instance);

    // IMDSv2 only. AWS::EC2::Instance takes MetadataOptions directly (what ec2.Instance renders for its
    // httpTokens prop), so no launch template is needed.
    cfnInstance.metadataOptions = { httpEndpoint: 'enabled', httpTokens: 'required' };

    // Session Manager: a shell, or later a port forward to the database, without SSH.
    instance.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));

    // EC2 recovers the instance (same ID, addresses and volume) onto healthy hardware after 2 failed minutes.
    this.statusAlarm(instance, {
      id: 'NatRecovery',
      metricName: 'StatusCheckFailed_System',
      minutes: 2,
      action: cloudwatchActions.Ec2InstanceAction.RECOVER,
      description:
        'The NAT instance failed its system status check for 2 minutes; EC2 recovers it onto healthy hardware.',
    });
    // A hung operating system (kernel panic, exhausted memory, a broken network stack) fails the instance status
    // check, which recovery does not act on (AWS allows it on system checks only): a reboot does. The NAT rules and
    // forwarding are saved on disk by the setup script, so they come back with the instance.
    this.statusAlarm(instance, {
      id: 'NatReboot',
      metricName: 'StatusCheckFailed_Instance',
      minutes: 3,
      action: cloudwatchActions.Ec2InstanceAction.REBOOT,
      description:
        'The NAT instance failed its instance status check (its operating system) for 3 minutes; EC2 rebooted it. ' +
        'If this alarm stays in ALARM, replace the instance: raise -c imageGeneration and deploy (docs/OPERATIONS.md).',
    });
    return instance;
  }

  /**
   * An EC2 action on a failed status check of `minutes` consecutive minutes; the stack's alerts email it too. No data
   * while the instance is stopped (economy mode) is not a failure.
   */
  private statusAlarm(
    instance: ec2.Instance,
    alarm: {
      id: string;
      metricName: string;
      minutes: number;
      action: cloudwatchActions.Ec2InstanceAction;
      description: string;
    },
  ): void {
    const created = new cloudwatch.Alarm(this, alarm.id, {
      alarmDescription: alarm.description,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/EC2',
        metricName: alarm.metricName,
        dimensionsMap: { InstanceId: instance.instanceId },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: alarm.minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(new cloudwatchActions.Ec2Action(alarm.action));
    this.recoveryAlarms.push(created);
  }
}
