// cdk-nag AwsSolutions findings this design accepts, each named precisely and with the reason. Everything else is an
// error in `npm test` (test/infra/nag.test.ts) and in `cdk synth`. Each construct acknowledges the findings on its own
// resources next to them; this file keeps only the stack-level ones: the resources aws-cdk-lib creates directly under
// the stack as singletons shared by every construct that needs them, so no construct of this app owns them.
import { Validations, type Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges an AWS Control Tower proactive rule (checked by @cdklabs/cdk-validator-cfnguard in the tests) on a
 * construct and everything in it, with the reason; docs/decisions.md lists them all.
 */
export function acknowledgeGuardRule(scope: IConstruct | IConstruct[], rule: string, reason: string): void {
  for (const construct of [scope].flat())
    Validations.of(construct).acknowledge({ id: `cdk-validator-cfnguard::${rule}`, reason });
}

/** aws-cdk-lib's singleton provider of AwsCustomResource (AWS + its UUID without dashes), a child of the stack. */
export function isCustomResourceProvider(id: string): boolean {
  return /^AWS[0-9a-f]{32}$/.test(id);
}

/** How cdk-nag names an AWS-managed service-role policy in `appliesTo`. */
export function awsManagedPolicy(name: string): string {
  return `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`;
}

/**
 * The `triggers` provider (AWSCDK...), log retention for the RDS logs (LogRetention...), the AwsCustomResource
 * provider that turns deletion protection on (AWS<uuid>), and the Scheduler's role for its Lambda target
 * (SchedulerRoleForTarget-...). Call it once the stack's constructs exist.
 */
export function suppressStackSingletonFindings(stack: Stack): void {
  const singletons = (prefix: string) => stack.node.children.filter((child) => child.node.id.startsWith(prefix));
  const awsCustomResourceProviders = stack.node.children.filter((child) => isCustomResourceProvider(child.node.id));
  const providers = [...singletons('AWSCDK'), ...singletons('LogRetention'), ...awsCustomResourceProviders];
  if (providers.length > 0) {
    NagSuppressions.addResourceSuppressions(
      providers,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: 'aws-cdk-lib provider function: uses the AWS-managed basic execution policy.',
          appliesTo: [awsManagedPolicy('AWSLambdaBasicExecutionRole')],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'aws-cdk-lib provider function: sets retention on log groups named at run time, or invokes every ' +
            'version of the migrate function (the deletion-protection call is limited to the one instance).',
        },
        { id: 'AwsSolutions-L1', reason: 'aws-cdk-lib provider function: its runtime is chosen by aws-cdk-lib.' },
      ],
      true,
    );
  }
  acknowledgeGuardRule(
    providers,
    'lambda_inside_vpc_check',
    'aws-cdk-lib provider functions (log retention, the migration trigger, deletion protection) call AWS APIs only ' +
      'and touch no data; ' +
      'in the VPC they would need its NAT during deploy.',
  );
  NagSuppressions.addResourceSuppressions(
    singletons('SchedulerRoleForTarget'),
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'The Scheduler role may invoke the collector and its versions (ARN:*), nothing else.',
        appliesTo: [{ regex: '/^Resource::<CollectorCollect[0-9A-F]+\\.Arn>:\\*$/' }],
      },
    ],
    true,
  );
}
