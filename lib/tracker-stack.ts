// The deployed tracker: network, database, collector, schedule and alerts (filled in by the AWS stack work).
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class TrackerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
  }
}
