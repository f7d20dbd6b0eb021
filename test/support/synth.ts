// Builds the stack for assertions, as bin/app.ts does, with context overrides; one synth per call.
import { App, Aspects, ContextProvider, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TrackerStack } from '../../lib/tracker-stack';
import { readTrackerConfig } from '../../lib/tracker-config';
import cdkJson from '../../cdk.json';

export interface Synthesized {
  app: App;
  stack: TrackerStack;
  template: Template;
}

export const TEST_ENV = { account: '111111111111', region: 'us-east-1' };

export function synthesize(context: Record<string, unknown> = {}, options: { nag?: boolean; lookups?: Record<string, unknown> } = {}): Synthesized {
  const app = new App({ context: { ...cdkJson.context, ...context } });
  for (const [key, value] of Object.entries(options.lookups ?? {})) app.node.setContext(key, value);
  const stack = new TrackerStack(app, 'Tracker', { env: TEST_ENV, config: readTrackerConfig((key) => app.node.tryGetContext(key)) });
  if (options.nag) Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack, template: Template.fromStack(stack) };
}

/** The context key under which Vpc.fromLookup looks for a VPC, so a test can answer it without AWS. */
export function vpcLookupKey(vpcId: string): string {
  const app = new App();
  const probe = new Stack(app, 'Probe', { env: TEST_ENV });
  return ContextProvider.getKey(probe, {
    provider: 'vpc-provider',
    props: { filter: { 'vpc-id': vpcId }, returnAsymmetricSubnets: true, returnVpnGateways: undefined, subnetGroupNameTag: undefined },
  }).key;
}
