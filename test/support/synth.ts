// Builds the stack for assertions, as bin/app.ts does, with context overrides (one synth per call); a bare stack to
// try one construct on its own; and look-ups into a synthesized template.
import { App, Aspects, ContextProvider, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
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

/** A synthesized template's resources by logical ID, for assertions that follow references between them. */
export type Resources = Record<
  string,
  {
    Type: string;
    Properties: Record<string, any>;
    DependsOn?: string[];
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
    Metadata?: Record<string, any>;
  }
>;

export function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** The logical ID of the one resource of `type` whose ID matches `pattern`; throws when there is none or several. */
export function logicalIdIn(resources: Resources, type: string, pattern: RegExp): string {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type && pattern.test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${pattern}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/**
 * An empty stack to try one construct on its own. Lambda bundling is skipped (the code is a placeholder), so it
 * synthesizes fast; `synthesize` builds the real bundle.
 */
export function bareStack(): Stack {
  const app = new App({ context: { [cxapi.BUNDLING_STACKS]: [] } });
  return new Stack(app, 'Bare', { env: TEST_ENV });
}

export function synthesize(
  context: Record<string, unknown> = {},
  options: { nag?: boolean; lookups?: Record<string, unknown> } = {},
): Synthesized {
  const app = new App({ context: { ...cdkJson.context, ...context } });
  for (const [key, value] of Object.entries(options.lookups ?? {})) app.node.setContext(key, value);
  const config = readTrackerConfig((key) => app.node.tryGetContext(key));
  const stack = new TrackerStack(app, 'Tracker', { env: TEST_ENV, config });
  if (options.nag) Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack, template: Template.fromStack(stack) };
}

/** The context key under which Vpc.fromLookup looks for a VPC, so a test can answer it without AWS. */
export function vpcLookupKey(vpcId: string): string {
  const app = new App();
  const probe = new Stack(app, 'Probe', { env: TEST_ENV });
  return ContextProvider.getKey(probe, {
    provider: 'vpc-provider',
    props: {
      filter: { 'vpc-id': vpcId },
      returnAsymmetricSubnets: true,
      returnVpnGateways: undefined,
      subnetGroupNameTag: undefined,
    },
  }).key;
}

/** The stack every construct test reads: the defaults, with an alert email so the subscription exists. */
export function synthesizeDefaults(): { defaults: Synthesized; resources: Resources } {
  const defaults = synthesize({ alertEmail: 'ops@example.com' });
  return { defaults, resources: resourcesOf(defaults.template) };
}

/** The logical IDs a resource names directly: DependsOn, Ref and Fn::GetAtt anywhere in its properties. */
export function directDependencies(resources: Resources, id: string): Set<string> {
  const found = new Set<string>(resources[id].DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && inner in resources) found.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && inner[0] in resources) found.add(inner[0]);
        else walk(inner);
      }
    }
  };
  walk(resources[id].Properties);
  return found;
}

/** Everything CloudFormation must have created before `id`: the transitive closure of its dependencies. */
export function dependencyClosure(resources: Resources, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    for (const next of directDependencies(resources, stack.pop()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}
