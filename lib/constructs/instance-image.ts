// The image of the stack's EC2 instances (the NAT instance, the SQL access host): Amazon Linux 2023 for arm64, named
// by AWS's public SSM parameter and resolved by EC2 when it launches the instance, not by CloudFormation at each
// deploy. The template holds the parameter's name, never an image ID, so a deploy that changes something else leaves
// the instances alone even after Amazon Linux publishes a new image (every few weeks). A person takes the new image
// on purpose by raising -c imageGeneration, which replaces the instances (docs/OPERATIONS.md).
//
// EC2 resolves `resolve:ssm:` in a launch template's ImageId. An AWS::EC2::Instance's own ImageId must be an image ID
// (CloudFormation's schema and cfn-lint's E1152 refuse anything else), so each instance launches from a one-line
// launch template and has no ImageId of its own.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { acknowledgeGuardRule } from '../nag-suppressions';

/** AWS's public parameter that always names the newest Amazon Linux 2023 image for arm64 (Graviton). */
export const AMAZON_LINUX_2023_ARM64 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

/** The image, resolved at launch: `resolve:ssm:<parameter>` in the template. */
export function pinnedAtLaunch(): ec2.IMachineImage {
  return ec2.MachineImage.resolveSsmParameterAtLaunch(AMAZON_LINUX_2023_ARM64, { os: ec2.OperatingSystemType.LINUX });
}

/**
 * The suffix that puts the image generation into an instance's logical ID: none for the first generation, "G<n>"
 * after, so raising the generation replaces the instance (it launches with the image current at that moment).
 */
export function generationSuffix(generation: number): string {
  return generation > 1 ? `G${generation}` : '';
}

/**
 * Makes `instance` launch from a launch template whose image is resolved by EC2 at launch. The template never changes
 * (its version stays 1), so the instance is replaced only when its logical ID changes. IMDSv2 is required in the
 * template as on the instance.
 */
export function launchFromPinnedImage(scope: Construct, id: string, instance: ec2.Instance): ec2.CfnLaunchTemplate {
  const template = new ec2.CfnLaunchTemplate(scope, id, {
    launchTemplateData: {
      imageId: `resolve:ssm:${AMAZON_LINUX_2023_ARM64}`,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required' },
    },
  });
  acknowledgeGuardRule(
    template,
    'ec2_launch_template_monitoring_enabled_check',
    'Detailed monitoring costs more than the t4g.nano instance itself; basic monitoring and the status-check ' +
      'alarms (recovery, reboot) suffice for a NAT instance or an access host. The template only names the image.',
  );
  const cfnInstance = instance.node.defaultChild as ec2.CfnInstance;
  cfnInstance.addPropertyDeletionOverride('ImageId');
  cfnInstance.launchTemplate = {
    launchTemplateId: template.ref,
    version: template.attrLatestVersionNumber,
  };
  return template;
}
