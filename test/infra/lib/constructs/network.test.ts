// lib/constructs/network.ts: the VPC (or an imported one), its subnets and the NAT.
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
    const image = JSON.stringify(defaults.template.toJSON().Parameters);
    expect(image).toMatch(/al2023-ami-kernel-[^"]*-arm64/);
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

  it('uses a managed NAT Gateway with -c nat=gateway', () => {
    const { template } = synthesize({ nat: 'gateway' });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Instance', 0);
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
