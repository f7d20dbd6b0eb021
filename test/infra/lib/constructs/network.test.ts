// lib/constructs/network.ts: the VPC (or an imported one), its subnets and the NAT.
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { natSetupFingerprint, natSetupScript } from '../../../../lib/constructs/nat-instance-setup';
import {
  logicalIdIn,
  synthesize,
  vpcLookupKey,
  type Resources,
  type Synthesized,
  synthesizeDefaults,
} from '../../../support/synth';

let defaults: Synthesized;
let resources: Resources;
const logicalId = (type: string, pattern: RegExp) => logicalIdIn(resources, type, pattern);

beforeAll(() => ({ defaults, resources } = synthesizeDefaults()));

describe('network', () => {
  it('has public, private-with-egress and isolated subnets in two zones', () => {
    const subnets = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::EC2::Subnet')
      .map(([id]) => id);
    expect(subnets.filter((id) => /publicSubnet/.test(id))).toHaveLength(2);
    expect(subnets.filter((id) => /collectorSubnet/.test(id))).toHaveLength(2);
    expect(subnets.filter((id) => /databaseSubnet/.test(id))).toHaveLength(2);
  });

  it('defaults to a t4g.nano NAT instance on Graviton, forwarding only for the VPC', () => {
    defaults.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    defaults.template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano', SourceDestCheck: false });
    // Amazon Linux 2023 for arm64, resolved by EC2 at launch from its launch template (redeploy.test.ts).
    const [template] = Object.values(defaults.template.findResources('AWS::EC2::LaunchTemplate'));
    expect(template.Properties.LaunchTemplateData.ImageId).toMatch(/^resolve:ssm:.*al2023-ami-kernel-default-arm64$/);
    const natGroup = resources[logicalId('AWS::EC2::SecurityGroup', /NatSecurityGroup/)];
    expect(natGroup.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkVpc/), 'CidrBlock'] },
        IpProtocol: '-1',
      }),
    ]);
    // Collector subnets route to the internet through the NAT instance; database subnets have no route out.
    const routes = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::Route');
    expect(routes.filter((r) => r.Properties.InstanceId)).toHaveLength(2);
    const databaseTables = Object.keys(resources).filter(
      (id) => resources[id].Type === 'AWS::EC2::RouteTable' && /databaseSubnet/.test(id),
    );
    expect(routes.some((r) => databaseTables.includes(r.Properties.RouteTableId?.Ref))).toBe(false);
  });

  it('uses a managed NAT Gateway with -c nat=gateway, and none of the NAT instance resources', () => {
    const { template, stack } = synthesize({ nat: 'gateway' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Instance', 0);
    expect(stack.network.natInstances).toEqual([]);
    const text = JSON.stringify(template.toJSON());
    for (const trace of ['StatusCheckFailed_System', ':ec2:recover', 'cloudformation:SignalResource']) {
      expect(text).not.toContain(trace);
    }
    for (const trace of ['AmazonSSMManagedInstanceCore', 'CreationPolicy', 'HttpTokens']) {
      expect(text).not.toContain(trace);
    }
  });

  describe('the NAT instance', () => {
    const instanceId = () => logicalId('AWS::EC2::Instance', /NatInstance/);
    const instance = () => resources[instanceId()];
    const roleId = () => logicalId('AWS::IAM::Role', /NatInstanceInstanceRole/);
    const collectorRoutes = () =>
      Object.keys(resources).filter((id) => resources[id].Type === 'AWS::EC2::Route' && /collectorSubnet/.test(id));

    it('is exposed by the construct, for Session Manager port forwarding later', () => {
      const [nat] = defaults.stack.network.natInstances;
      const cfnInstance = nat.node.defaultChild as ec2.CfnInstance;
      expect(defaults.stack.network.natInstances).toHaveLength(1);
      expect(defaults.stack.resolve(cfnInstance.logicalId)).toBe(instanceId());
    });

    it('requires IMDSv2', () => {
      expect(instance().Properties.MetadataOptions).toEqual({ HttpEndpoint: 'enabled', HttpTokens: 'required' });
      const [template] = Object.values(defaults.template.findResources('AWS::EC2::LaunchTemplate'));
      expect(template.Properties.LaunchTemplateData.MetadataOptions).toEqual({
        HttpEndpoint: 'enabled',
        HttpTokens: 'required',
      });
    });

    it('is created only once its setup signals success, within 15 minutes', () => {
      expect((instance() as Record<string, any>).CreationPolicy).toEqual({
        ResourceSignal: { Count: 1, Timeout: 'PT15M' },
      });
      // The user data is the setup script, signalling this very instance (its real logical ID) in this stack.
      expect(instance().Properties.UserData).toEqual({
        'Fn::Base64': natSetupScript({ stackName: 'Tracker', region: 'us-east-1', logicalId: instanceId() }),
      });
      // The setup's check and signal need the public subnets' way out first.
      expect(instance().DependsOn).toEqual(
        expect.arrayContaining([
          logicalId('AWS::EC2::Route', /publicSubnet1DefaultRoute/),
          logicalId('AWS::EC2::Route', /publicSubnet2DefaultRoute/),
        ]),
      );
    });

    it('is replaced when its setup script changes; every other logical ID stays', () => {
      expect(instanceId()).toBe(`NetworkVpcpublicSubnet1NatInstance90328396${natSetupFingerprint()}`);
      // Stack.getLogicalId reports the ID before the override, so the script must not be given that one.
      expect(
        defaults.stack.getLogicalId(defaults.stack.network.natInstances[0].node.defaultChild as ec2.CfnInstance),
      ).toBe('NetworkVpcpublicSubnet1NatInstance90328396');
      for (const [id, type] of [
        ['NetworkVpcpublicSubnet1NatInstanceInstanceRoleAE360287', 'AWS::IAM::Role'],
        ['NetworkVpcpublicSubnet1NatInstanceInstanceProfile4AA2392C', 'AWS::IAM::InstanceProfile'],
        ['NetworkVpcNatSecurityGroup559BBD24', 'AWS::EC2::SecurityGroup'],
        ['NetworkVpccollectorSubnet1DefaultRoute5585F56E', 'AWS::EC2::Route'],
        ['NetworkVpccollectorSubnet2DefaultRouteEBD53554', 'AWS::EC2::Route'],
      ]) {
        expect(resources[id]?.Type).toBe(type);
      }
    });

    it('may signal this stack and nothing else', () => {
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId() }]),
      );
      expect(policies.map((p) => p.Properties.PolicyDocument.Statement)).toEqual([
        [{ Action: 'cloudformation:SignalResource', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } }],
      ]);
      // The instance waits for that policy, or its signal would be refused.
      expect(instance().DependsOn).toEqual(
        expect.arrayContaining([logicalId('AWS::IAM::Policy', /NatInstanceInstanceRoleDefaultPolicy/)]),
      );
    });

    it('is managed by Systems Manager, with the cdk-nag finding acknowledged for that policy only', () => {
      const role = resources[roleId()];
      expect(role.Properties.ManagedPolicyArns).toEqual([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
      ]);
      const iam4 = role.Metadata?.cdk_nag?.rules_to_suppress.filter(
        (rule: { id: string }) => rule.id === 'AwsSolutions-IAM4',
      );
      expect(iam4.map((rule: { applies_to: string[] }) => rule.applies_to)).toEqual([
        ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
      ]);
      expect(instance().Properties.KeyName).toBeUndefined();
    });

    it('is recovered by EC2 after two minutes of failed system status checks', () => {
      defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/EC2',
        MetricName: 'StatusCheckFailed_System',
        Dimensions: [{ Name: 'InstanceId', Value: { Ref: instanceId() } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // EC2 recovers it, and the alert topic says so by email.
        AlarmActions: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':automate:us-east-1:ec2:recover']] },
          { Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) },
        ],
      });
    });

    it('is rebooted by EC2 after three minutes of failed instance status checks (a hung OS), and the email says so', () => {
      const [reboot] = Object.values(
        defaults.template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { MetricName: 'StatusCheckFailed_Instance' },
        }),
      );
      expect(reboot.Properties).toMatchObject({
        Namespace: 'AWS/EC2',
        Dimensions: [{ Name: 'InstanceId', Value: { Ref: instanceId() } }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // A stopped instance (economy mode) sends no data, which is no failure.
        TreatMissingData: 'notBreaching',
        AlarmActions: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':automate:us-east-1:ec2:reboot']] },
          { Ref: logicalId('AWS::SNS::Topic', /AlertsTopic/) },
        ],
      });
      // CloudWatch puts the description into the email: it says what EC2 did, and what to do if that was not enough.
      expect(reboot.Properties.AlarmDescription).toMatch(/EC2 rebooted it\..*imageGeneration/);
    });

    it('routes the collector subnets, and the functions wait for those routes', () => {
      expect(collectorRoutes()).toHaveLength(2);
      for (const id of collectorRoutes()) {
        expect(resources[id].Properties).toMatchObject({
          DestinationCidrBlock: '0.0.0.0/0',
          InstanceId: { Ref: instanceId() },
        });
      }
      const functions = Object.entries(resources).filter(
        ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.VpcConfig,
      );
      expect(functions.length).toBeGreaterThanOrEqual(2);
      for (const [, fn] of functions) expect(fn.DependsOn).toEqual(expect.arrayContaining(collectorRoutes()));
    });
  });

  it('imports an existing VPC by id instead of creating one', () => {
    const subnet = (id: string, zone: string) => ({
      subnetId: id,
      cidr: '10.0.0.0/24',
      availabilityZone: zone,
      routeTableId: `rtb-${id}`,
    });
    const group = (name: string, type: string) => ({
      name,
      type,
      subnets: [
        subnet(`subnet-${name.toLowerCase()}a`, 'us-east-1a'),
        subnet(`subnet-${name.toLowerCase()}b`, 'us-east-1b'),
      ],
    });
    const vpc = {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidrBlock: '10.0.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      subnetGroups: [group('Public', 'Public'), group('Private', 'Private'), group('Isolated', 'Isolated')],
    };
    const { template } = synthesize(
      { vpcId: 'vpc-0123456789abcdef0' },
      { lookups: { [vpcLookupKey('vpc-0123456789abcdef0')]: vpc } },
    );
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.collect',
      VpcConfig: { SubnetIds: ['subnet-privatea', 'subnet-privateb'] },
    });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-isolateda', 'subnet-isolatedb'] });
  });
});
