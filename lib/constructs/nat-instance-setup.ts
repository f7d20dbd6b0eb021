// The NAT instance's first-boot script (nat-instance-setup.sh, read at synth) as user data lines: the stack's values
// assigned on top, then the script. Kept apart from the construct so a test can render and run the very same text.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Token } from 'aws-cdk-lib';

export const NAT_SETUP_SCRIPT_PATH = path.join(__dirname, 'nat-instance-setup.sh');

export interface NatSetupValues {
  /** The stack to signal. */
  readonly stackName: string;
  readonly region: string;
  /** The logical ID of the AWS::EC2::Instance running the script: the resource whose CreationPolicy waits. */
  readonly logicalId: string;
}

/** The user data's lines after `#!/bin/bash`, for `ec2.UserData.forLinux().addCommands(...)`. */
export function natSetupCommands(values: NatSetupValues): string[] {
  const script = readFileSync(NAT_SETUP_SCRIPT_PATH, 'utf8').replace(/^#!.*\n/, '');
  return [
    `NAT_STACK_NAME='${checked('stackName', values.stackName)}'`,
    `NAT_REGION='${checked('region', values.region)}'`,
    `NAT_LOGICAL_ID='${checked('logicalId', values.logicalId)}'`,
    script,
  ];
}

/** The whole user data, exactly as `ec2.UserData.forLinux()` renders `natSetupCommands(values)`. */
export function natSetupScript(values: NatSetupValues): string {
  return ['#!/bin/bash', ...natSetupCommands(values)].join('\n');
}

/**
 * A fingerprint of the user data apart from the stack's own values. Appended to the instance's logical ID, it makes
 * any change to the script replace the instance: cloud-init runs user data only at an instance's first boot, and
 * only a new instance is held by the CreationPolicy until its setup is verified.
 */
export function natSetupFingerprint(): string {
  const text = natSetupScript({ stackName: 'stack', region: 'region', logicalId: 'instance' });
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}

/** Stack names, regions and logical IDs never need quoting; anything else would break the assignment. */
function checked(name: string, value: string): string {
  if (!Token.isUnresolved(value) && !/^[A-Za-z0-9-]+$/.test(value)) {
    throw new Error(`NAT setup: ${name} must be letters, digits and hyphens, got ${JSON.stringify(value)}`);
  }
  return value;
}
