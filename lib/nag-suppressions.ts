// cdk-nag AwsSolutions findings this design accepts, each named precisely and with the reason. Everything else
// is an error in `npm test` (test/infra/nag.test.ts) and in `cdk synth`.
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagSuppressions } from 'cdk-nag';
import type { TrackerStack } from './tracker-stack';

export function suppressAcceptedFindings(stack: TrackerStack): void {
  const lambdaVpcPolicy = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
  const lambdaBasicPolicy = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

  NagSuppressions.addResourceSuppressions(
    [stack.collector.collectFunction, stack.collector.migrateFunction],
    [
      { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function in a VPC (ENIs, logs).', appliesTo: [lambdaBasicPolicy, lambdaVpcPolicy] },
    ],
    true,
  );

  NagSuppressions.addResourceSuppressions(stack.database.instance, [
    { id: 'AwsSolutions-RDS3', reason: 'Multi-AZ doubles the database cost for a once-a-day job; enable it with -c multiAz=true.' },
    { id: 'AwsSolutions-RDS11', reason: 'The default port is kept: the instance sits in isolated subnets and admits only the collector security group.' },
    { id: 'AwsSolutions-RDS6', reason: 'The functions authenticate with the RDS-generated secret read from Secrets Manager at each invocation, over verified TLS.' },
  ]);
  NagSuppressions.addResourceSuppressions(stack.database.instance.node.findChild('Secret'), [
    { id: 'AwsSolutions-SMG4', reason: 'Rotation would need a rotation function with its own ingress to the database; the functions read the secret at each invocation, so rotating by hand (or adding rotation) needs no change to them.' },
  ]);
  NagSuppressions.addResourceSuppressions(stack.ayrshareSecret, [
    { id: 'AwsSolutions-SMG4', reason: 'Holds the Ayrshare API key, which only Ayrshare can issue: rotate it in the Ayrshare dashboard, then put the new value.' },
  ]);
  NagSuppressions.addResourceSuppressions(
    [stack.schedule.deadLetterQueue, stack.collector.failureQueue, stack.collector.chunkDeadLetterQueue],
    [{ id: 'AwsSolutions-SQS3', reason: 'These queues are themselves dead-letter queues (Scheduler DLQ, Lambda on-failure destination, fan-out chunk DLQ).' }],
  );

  const natInstances = stack.network.node.findAll().filter((c) => c instanceof ec2.Instance);
  if (natInstances.length > 0) {
    NagSuppressions.addResourceSuppressions(stack.network.node.findAll().filter((c) => c.node.id === 'NatSecurityGroup'), [
      { id: 'CdkNagValidationFailure', reason: 'AwsSolutions-EC23 cannot read the ingress peer, which is the VPC CIDR block (a token), not 0.0.0.0/0.' },
    ], true);
    NagSuppressions.addResourceSuppressions(natInstances, [
      { id: 'AwsSolutions-EC26', reason: 'The NAT instance root volume holds only the operating system; no data is stored on it.' },
      { id: 'AwsSolutions-EC28', reason: 'Detailed monitoring costs more than the t4g.nano instance itself; basic monitoring suffices for a NAT.' },
      { id: 'AwsSolutions-EC29', reason: 'The NAT instance is replaceable and managed by the stack; termination protection would block stack updates.' },
    ], true);
  }
  if (stack.network.vpc instanceof ec2.Vpc) {
    NagSuppressions.addResourceSuppressions(stack.network.vpc, [
      { id: 'AwsSolutions-VPC7', reason: 'Flow logs would cost more than the rest of the network for one outbound API call a day; add them if your policy requires.' },
    ]);
  }

  // aws-cdk-lib's own stack-level singletons: the `triggers` provider (AWSCDK...), log retention for the RDS
  // logs (LogRetention...), and the Scheduler's role for its Lambda target (SchedulerRoleForTarget-...).
  const singletons = (prefix: string) => stack.node.children.filter((child) => child.node.id.startsWith(prefix));
  const providers = [...singletons('AWSCDK'), ...singletons('LogRetention')];
  if (providers.length > 0) {
    NagSuppressions.addResourceSuppressions(providers, [
      { id: 'AwsSolutions-IAM4', reason: 'aws-cdk-lib provider function: uses the AWS-managed basic execution policy.', appliesTo: [lambdaBasicPolicy] },
      { id: 'AwsSolutions-IAM5', reason: 'aws-cdk-lib provider function: sets retention on log groups named at run time, or invokes every version of the migrate function.' },
      { id: 'AwsSolutions-L1', reason: 'aws-cdk-lib provider function: its runtime is chosen by aws-cdk-lib.' },
    ], true);
  }
  NagSuppressions.addResourceSuppressions(singletons('SchedulerRoleForTarget'), [
    { id: 'AwsSolutions-IAM5', reason: 'The Scheduler role may invoke the collector and its versions (ARN:*), nothing else.', appliesTo: [{ regex: '/^Resource::<CollectorCollect[0-9A-F]+\\.Arn>:\\*$/' }] },
  ], true);
}
