// lib/constructs/sql-access.ts: the opt-in Session Manager path to the database (-c sqlAccess=ssm), through the NAT
// instance or, without one, a minimal host of its own; and nothing at all when it is off.
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PORT_FORWARDING_DOCUMENT, SQL_TUNNEL_LOCAL_PORT } from '../../../../lib/constructs/sql-access';
import { logicalIdIn, resourcesOf, synthesize, type Resources, type Synthesized } from '../../../support/synth';

type Template = Record<string, any>;
const SSM_POLICY = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']],
};

/** The group a `{"Fn::GetAtt": [id, "GroupId"]}` names, or a description of a source that is no group. */
const groupOf = (value: unknown): string =>
  (value as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[1] === 'GroupId'
    ? (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]
    : `not a group: ${JSON.stringify(value)}`;

interface IngressRule {
  /** The group the rule belongs to (the destination). */
  group: string;
  rule: Record<string, any>;
}

/** Every ingress rule in the template: standalone AWS::EC2::SecurityGroupIngress and those inline in a group. */
function ingressRules(resources: Resources): IngressRule[] {
  return Object.entries(resources).flatMap(([id, r]) => {
    if (r.Type === 'AWS::EC2::SecurityGroupIngress')
      return [{ group: groupOf(r.Properties.GroupId), rule: r.Properties }];
    if (r.Type === 'AWS::EC2::SecurityGroup') {
      return ((r.Properties.SecurityGroupIngress ?? []) as Array<Record<string, any>>).map((rule) => ({
        group: id,
        rule,
      }));
    }
    return [];
  });
}

describe('sql access', () => {
  let off: Synthesized;
  let offGateway: Synthesized;
  const synthesized: Record<'instance' | 'gateway', Synthesized> = {} as never;
  const modes: Array<[string, Record<string, string>, () => Synthesized]> = [
    ['through the NAT instance', { sqlAccess: 'ssm' }, () => synthesized.instance],
    ['through its own host (nat=gateway)', { sqlAccess: 'ssm', nat: 'gateway' }, () => synthesized.gateway],
  ];

  beforeAll(() => {
    off = synthesize({});
    offGateway = synthesize({ nat: 'gateway' });
    synthesized.instance = synthesize({ sqlAccess: 'ssm' });
    synthesized.gateway = synthesize({ sqlAccess: 'ssm', nat: 'gateway' });
  });

  describe('when off (the default)', () => {
    it('adds nothing: no outputs, no host, no ingress beyond the collector', () => {
      const template: Template = off.template.toJSON();
      expect(off.stack.sqlAccess).toBeUndefined();
      expect(Object.keys(template.Outputs)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^Sql/)]));
      const text = JSON.stringify(template);
      for (const trace of ['SqlAccess', 'start-session', PORT_FORWARDING_DOCUMENT, 'SSM access host']) {
        expect(text).not.toContain(trace);
      }
      // The database admits exactly one rule: the collector's.
      const resources = resourcesOf(off.template);
      const databaseGroup = groupOf(
        resources[logicalIdIn(resources, 'AWS::RDS::DBInstance', /DatabaseInstance/)].Properties.VPCSecurityGroups[0],
      );
      expect(ingressRules(resources).filter((r) => r.group === databaseGroup)).toHaveLength(1);
      // With nat=gateway, no instance at all.
      offGateway.template.resourceCountIs('AWS::EC2::Instance', 0);
    });

    it('is the same template as an explicit -c sqlAccess=off', () => {
      const explicit = synthesize({ sqlAccess: 'off' });
      expect(Object.keys(resourcesOf(explicit.template)).sort()).toEqual(Object.keys(resourcesOf(off.template)).sort());
      expect(explicit.template.toJSON().Outputs).toEqual(off.template.toJSON().Outputs);
    });
  });

  describe('when on, the resources added are exactly the expected ones, and nothing is removed', () => {
    const added = (before: Synthesized, after: Synthesized) => {
      const was = resourcesOf(before.template);
      const is = resourcesOf(after.template);
      expect(Object.keys(was).filter((id) => !(id in is))).toEqual([]);
      return Object.keys(is)
        .filter((id) => !(id in was))
        .map((id) => `${is[id].Type} ${id}`)
        .sort();
    };

    it('through the NAT instance: one ingress rule on the database, nothing else', () => {
      expect(added(off, synthesized.instance)).toEqual([
        expect.stringMatching(/^AWS::EC2::SecurityGroupIngress DatabaseInstanceSecurityGroupfrom.*NatSecurityGroup/),
      ]);
      synthesized.instance.template.resourceCountIs('AWS::EC2::Instance', 1);
    });

    it('with nat=gateway: the host, its role, profile and group, its egress and the ingress on the database', () => {
      expect(added(offGateway, synthesized.gateway)).toEqual([
        expect.stringMatching(/^AWS::EC2::Instance SqlAccessHost[0-9A-F]{8}$/),
        expect.stringMatching(/^AWS::EC2::LaunchTemplate SqlAccessLaunchTemplate[0-9A-F]{8}$/),
        expect.stringMatching(/^AWS::EC2::SecurityGroup SqlAccessSecurityGroup[0-9A-F]{8}$/),
        expect.stringMatching(
          /^AWS::EC2::SecurityGroupEgress SqlAccessSecurityGrouptoTrackerDatabaseInstanceSecurityGroup/,
        ),
        expect.stringMatching(
          /^AWS::EC2::SecurityGroupIngress DatabaseInstanceSecurityGroupfromTrackerSqlAccessSecurityGroup/,
        ),
        expect.stringMatching(/^AWS::IAM::InstanceProfile SqlAccessHostInstanceProfile/),
        expect.stringMatching(/^AWS::IAM::Role SqlAccessHostInstanceRole/),
      ]);
    });
  });

  describe.each(modes)('when on, %s', (_label, context, current) => {
    let resources: Resources;
    let template: Template;
    let hostId: string;
    let hostGroup: string;
    let databaseId: string;
    let databaseGroup: string;
    let collectorGroup: string;

    beforeAll(() => {
      resources = resourcesOf(current().template);
      template = current().template.toJSON();
      // The host is the instance the output names.
      hostId = template.Outputs.SqlAccessInstanceId.Value.Ref;
      const host = resources[hostId];
      expect(host.Type).toBe('AWS::EC2::Instance');
      const groups = host.Properties.SecurityGroupIds ?? host.Properties.NetworkInterfaces[0].GroupSet;
      expect(groups).toHaveLength(1);
      hostGroup = groupOf(groups[0]);
      databaseId = logicalIdIn(resources, 'AWS::RDS::DBInstance', /DatabaseInstance/);
      databaseGroup = groupOf(resources[databaseId].Properties.VPCSecurityGroups[0]);
      collectorGroup = logicalIdIn(resources, 'AWS::EC2::SecurityGroup', /^CollectorSecurityGroup/);
    });

    it('who may reach the database: the collector and the access host, on its port, nothing else', () => {
      const databasePort = { 'Fn::GetAtt': [databaseId, 'Endpoint.Port'] };
      const portOf = (rule: Record<string, any>) =>
        JSON.stringify(rule.FromPort) === JSON.stringify(databasePort) &&
        JSON.stringify(rule.ToPort) === JSON.stringify(databasePort)
          ? 'database port'
          : `${JSON.stringify(rule.FromPort)}-${JSON.stringify(rule.ToPort)}`;
      const edges = new Set(
        ingressRules(resources)
          .filter((r) => r.group === databaseGroup)
          .map(({ rule }) => {
            const source = rule.SourceSecurityGroupId
              ? groupOf(rule.SourceSecurityGroupId)
              : `address ${JSON.stringify(rule.CidrIp ?? rule.CidrIpv6 ?? rule.SourcePrefixListId)}`;
            return `${source} -> ${databaseGroup} ${rule.IpProtocol}/${portOf(rule)}`;
          }),
      );
      expect(edges).toEqual(
        new Set([
          `${collectorGroup} -> ${databaseGroup} tcp/database port`,
          `${hostGroup} -> ${databaseGroup} tcp/database port`,
        ]),
      );
      expect(hostGroup).not.toBe(collectorGroup);
      // No ingress on the database's group names an address range, inline or standalone.
      expect(resources[databaseGroup].Properties.SecurityGroupIngress).toBeUndefined();
      for (const { rule } of ingressRules(resources).filter((r) => r.group === databaseGroup)) {
        expect(rule.CidrIp).toBeUndefined();
        expect(rule.CidrIpv6).toBeUndefined();
      }
    });

    it('no security group in the stack admits the internet (0.0.0.0/0 or ::/0)', () => {
      const rules = ingressRules(resources);
      expect(rules.length).toBeGreaterThanOrEqual(2);
      const open = rules.filter(({ rule }) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0');
      expect(open).toEqual([]);
    });

    it('the host requires IMDSv2, has no key pair, and its role has exactly the SSM managed policy', () => {
      const host = resources[hostId];
      expect(host.Properties.MetadataOptions).toEqual({ HttpEndpoint: 'enabled', HttpTokens: 'required' });
      expect(host.Properties.KeyName).toBeUndefined();
      // The launch templates (one per instance) only name the image and require IMDSv2 too.
      for (const template of Object.values(current().template.findResources('AWS::EC2::LaunchTemplate'))) {
        expect(template.Properties.LaunchTemplateData).toEqual({
          ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
          MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: 'required' },
        });
      }
      const profile = resources[host.Properties.IamInstanceProfile.Ref];
      const [roleRef] = profile.Properties.Roles;
      expect(resources[roleRef.Ref].Properties.ManagedPolicyArns).toEqual([SSM_POLICY]);
    });

    it('the database is still private: no public address, isolated subnets', () => {
      expect(resources[databaseId].Properties.PubliclyAccessible).toBe(false);
      const subnetGroup = resources[resources[databaseId].Properties.DBSubnetGroupName.Ref];
      const subnets: string[] = subnetGroup.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref);
      expect(subnets.length).toBeGreaterThan(0);
      expect(subnets.every((ref) => /^NetworkVpcdatabaseSubnet/.test(ref))).toBe(true);
    });

    it('the tunnel command names this region, the host and the database endpoint', () => {
      const value = template.Outputs.SqlTunnelCommand.Value;
      const parts: unknown[] = value['Fn::Join'][1];
      expect(value['Fn::Join'][0]).toBe('');
      expect(parts).toContainEqual({ Ref: hostId });
      expect(parts).toContainEqual({ 'Fn::GetAtt': [databaseId, 'Endpoint.Address'] });
      // Substituted as CloudFormation would: one command, whose --parameters is valid JSON.
      const resolved = parts
        .map((part) => {
          if (typeof part === 'string') return part;
          const text = JSON.stringify(part);
          if (text === JSON.stringify({ Ref: hostId })) return 'i-0123456789abcdef0';
          if (text.includes('Endpoint.Address')) return 'tracker.abc.us-east-1.rds.amazonaws.com';
          if (text.includes('Endpoint.Port')) return '5432';
          throw new Error(`unexpected part ${text}`);
        })
        .join('');
      expect(resolved).toBe(
        'aws ssm start-session --region us-east-1 --target i-0123456789abcdef0 ' +
          `--document-name ${PORT_FORWARDING_DOCUMENT} --parameters ` +
          `'{"host":["tracker.abc.us-east-1.rds.amazonaws.com"],"portNumber":["5432"],` +
          `"localPortNumber":["${SQL_TUNNEL_LOCAL_PORT}"]}'`,
      );
      expect(JSON.parse(resolved.split("'")[1])).toEqual({
        host: ['tracker.abc.us-east-1.rds.amazonaws.com'],
        portNumber: ['5432'],
        localPortNumber: ['15432'],
      });
    });

    it('leaves no cdk-nag AwsSolutions finding unacknowledged', () => {
      const annotations = Annotations.fromStack(synthesize(context, { nag: true }).stack);
      const findings = [
        ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*|CdkNagValidationFailure.*')),
      ];
      expect(findings.map((f) => `${f.id}: ${String(f.entry.data).split(':')[0]}`)).toEqual([]);
    });
  });

  describe('through the NAT instance', () => {
    it('forwards through the NAT instance itself: no new instance, its group already allows all outbound', () => {
      const { stack, template } = synthesized.instance;
      const resources = resourcesOf(template);
      const [nat] = stack.network.natInstances;
      const natId = stack.resolve((nat.node.defaultChild as ec2.CfnInstance).logicalId);
      expect(template.toJSON().Outputs.SqlAccessInstanceId.Value).toEqual({ Ref: natId });
      expect(stack.sqlAccess?.ownHost).toBe(false);
      const natGroup = logicalIdIn(resources, 'AWS::EC2::SecurityGroup', /NatSecurityGroup/);
      expect(resources[natGroup].Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }),
      ]);
      // It admits the VPC only (it needs a public address to be a NAT; nothing from outside reaches it).
      expect(resources[natGroup].Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkVpc/), 'CidrBlock'] } }),
      ]);
    });
  });

  describe('with nat=gateway, its own host', () => {
    let resources: Resources;
    let hostId: string;
    beforeAll(() => {
      resources = resourcesOf(synthesized.gateway.template);
      hostId = logicalIdIn(resources, 'AWS::EC2::Instance', /^SqlAccessHost/);
    });

    it('is a t4g.nano on Amazon Linux 2023 arm64 in a private subnet with egress, with no public address', () => {
      const host = resources[hostId];
      expect(host.Properties.InstanceType).toBe('t4g.nano');
      // The image comes from its launch template, resolved by EC2 at launch (redeploy.test.ts).
      expect(host.Properties.ImageId).toBeUndefined();
      const template = resources[host.Properties.LaunchTemplate.LaunchTemplateId.Ref];
      expect(template.Properties.LaunchTemplateData.ImageId).toBe(
        'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
      );
      expect(host.Properties.SubnetId).toBeUndefined();
      const [nic] = host.Properties.NetworkInterfaces;
      expect(nic).toMatchObject({ DeviceIndex: '0', AssociatePublicIpAddress: false });
      expect(nic.SubnetId.Ref).toMatch(/^NetworkVpccollectorSubnet/);
      expect(resources[nic.SubnetId.Ref].Properties.MapPublicIpOnLaunch).toBe(false);
      expect(synthesized.gateway.stack.sqlAccess?.ownHost).toBe(true);
    });

    it('has an encrypted gp3 root volume', () => {
      expect(resources[hostId].Properties.BlockDeviceMappings).toEqual([
        { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8, VolumeType: 'gp3' } },
      ]);
    });

    it('its role has no policy of its own beyond the SSM managed one', () => {
      const roleId = logicalIdIn(resources, 'AWS::IAM::Role', /^SqlAccessHostInstanceRole/);
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles ?? []).includes(JSON.stringify({ Ref: roleId })),
      );
      expect(policies).toEqual([]);
      expect(resources[roleId].Properties.Policies).toBeUndefined();
    });

    it('its group admits nothing, and goes out only on HTTPS (Systems Manager) and to the database port', () => {
      const groupId = logicalIdIn(resources, 'AWS::EC2::SecurityGroup', /^SqlAccessSecurityGroup/);
      const group = resources[groupId];
      expect(ingressRules(resources).filter((r) => r.group === groupId)).toEqual([]);
      expect(group.Properties.SecurityGroupEgress).toEqual([
        { CidrIp: '0.0.0.0/0', Description: 'HTTPS to Systems Manager', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ]);
      const databaseId = logicalIdIn(resources, 'AWS::RDS::DBInstance', /DatabaseInstance/);
      const databaseGroup = groupOf(resources[databaseId].Properties.VPCSecurityGroups[0]);
      const egress = Object.values(resources).filter(
        (r) => r.Type === 'AWS::EC2::SecurityGroupEgress' && groupOf(r.Properties.GroupId) === groupId,
      );
      expect(egress.map((r) => r.Properties)).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          DestinationSecurityGroupId: { 'Fn::GetAtt': [databaseGroup, 'GroupId'] },
          FromPort: { 'Fn::GetAtt': [databaseId, 'Endpoint.Port'] },
          ToPort: { 'Fn::GetAtt': [databaseId, 'Endpoint.Port'] },
        }),
      ]);
    });

    it('acknowledges exactly its cdk-nag findings, IAM4 for the SSM policy only', () => {
      const rules = (id: string) =>
        (resources[id].Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; applies_to?: string[] }>;
      expect(rules(hostId).map((r) => r.id)).toEqual(['AwsSolutions-EC28', 'AwsSolutions-EC29', 'AwsSolutions-IAM4']);
      const roleId = logicalIdIn(resources, 'AWS::IAM::Role', /^SqlAccessHostInstanceRole/);
      expect(rules(roleId).find((r) => r.id === 'AwsSolutions-IAM4')?.applies_to).toEqual([
        'Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
      ]);
    });
  });
});
