// CDK entry: read context, build the stack. Nothing else.
import { App } from 'aws-cdk-lib';
import { TrackerStack } from '../lib/tracker-stack';

const app = new App();
new TrackerStack(app, 'AyrshareAnalyticsTracker', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
