// A redeploy with nothing changed replaces nothing, even after Amazon Linux publishes a new image. CloudFormation
// resolves SSM-backed parameters and `{{resolve:ssm:...}}` references at every deploy; here each template is resolved
// as CloudFormation would, once with one "latest" image and once with the next, and the instances must not differ.
import { type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DOCUMENTED_CONFIGURATIONS } from '../../lib/regions';
import { bareStack, synthesize } from '../support/synth';

type TemplateJson = { Parameters?: Record<string, { Type: string }>; Resources: Record<string, any> };

/** The template as CloudFormation deploys it when every SSM image parameter and reference resolves to `image`. */
function resolvedAtDeploy(template: TemplateJson, image: string): TemplateJson {
  const ssmParameters = new Set(
    Object.entries(template.Parameters ?? {})
      .filter(([, p]) => p.Type.startsWith('AWS::SSM::Parameter::Value<'))
      .map(([id]) => id),
  );
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\{\{resolve:ssm:[^}]+\}\}/g, image);
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') {
      const ref = (value as { Ref?: unknown }).Ref;
      if (typeof ref === 'string' && ssmParameters.has(ref)) return image;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return { ...template, Resources: resolve(template.Resources) as TemplateJson['Resources'] };
}

const INSTANCE_TYPES = ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::AutoScalingGroup'];

/** Each instance-like resource, by logical ID, as deployed. */
function instancesOf(template: TemplateJson): Record<string, unknown> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => INSTANCE_TYPES.includes(r.Type)));
}

describe.each(Object.entries(DOCUMENTED_CONFIGURATIONS))('a redeploy of %s', (_name, context) => {
  const first = synthesize(context).template.toJSON() as TemplateJson;
  const second = synthesize(context).template.toJSON() as TemplateJson;

  it('changes no instance when a new Amazon Linux image is published between the two deploys', () => {
    const before = instancesOf(resolvedAtDeploy(first, 'ami-0aaaaaaaaaaaaaaaa'));
    const after = instancesOf(resolvedAtDeploy(second, 'ami-0bbbbbbbbbbbbbbbb'));
    expect(Object.keys(before).length).toBeGreaterThan(context.nat === 'gateway' && !context.sqlAccess ? -1 : 0);
    expect(after).toEqual(before);
  });

  it('changes nothing at all: the two templates are the same, resolved with different images', () => {
    expect(resolvedAtDeploy(second, 'ami-0bbbbbbbbbbbbbbbb')).toEqual(resolvedAtDeploy(first, 'ami-0aaaaaaaaaaaaaaaa'));
  });
});

describe('the check itself', () => {
  it("sees the replacement that aws-cdk-lib's latestAmazonLinux2023() would cause", () => {
    const stack: Stack = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    new ec2.Instance(stack, 'Host', {
      vpc,
      instanceType: new ec2.InstanceType('t4g.nano'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    });
    const template = Template.fromStack(stack).toJSON() as TemplateJson;
    const before = instancesOf(resolvedAtDeploy(template, 'ami-0aaaaaaaaaaaaaaaa'));
    const after = instancesOf(resolvedAtDeploy(template, 'ami-0bbbbbbbbbbbbbbbb'));
    expect(after).not.toEqual(before);
  });

  it('raising -c imageGeneration replaces the NAT instance (a new logical ID), and only the instances', () => {
    const ids = (context: Record<string, string>) =>
      Object.keys(instancesOf(synthesize(context).template.toJSON() as TemplateJson)).sort();
    const now = ids({});
    const next = ids({ imageGeneration: '2' });
    expect(next).not.toEqual(now);
    expect(next.filter((id) => /NatInstance/.test(id))).toEqual([expect.stringMatching(/G2$/)]);
  });
});
