// CDK entry: read context, build the stack, run the AwsSolutions checks. Nothing else.
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TrackerStack } from '../lib/tracker-stack';
import { readTrackerConfig } from '../lib/tracker-config';
import { DEFAULT_STACK_NAME } from '../lambda/core/defaults';

const app = new App();
const config = readTrackerConfig((key) => app.node.tryGetContext(key));
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
if (config.vpcId && (!account || !region)) {
  throw new Error(
    'Invalid CDK context: vpcId needs the AWS account and region to look the VPC up; run cdk with AWS credentials.',
  );
}
new TrackerStack(app, DEFAULT_STACK_NAME, {
  description: 'ayrshare-analytics-tracker: daily social analytics from Ayrshare into PostgreSQL',
  env: account && region ? { account, region } : undefined,
  config,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
