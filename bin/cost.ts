// `npm run cost`: the monthly cost of every documented configuration, from its synthesized template (lib/cost-model),
// for one profile and for 100, in us-east-1 at the prices in lib/prices.ts. `--update-readme` writes the table into
// docs/DEPLOY.md between its cost markers; a test fails when that table is not this output.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { DEFAULT_STACK_NAME } from '../lambda/core/defaults';
import { estimateMonthlyCost, type CostEstimate, type TemplateJson } from '../lib/cost-model';
import { DOCUMENTED_CONFIGURATIONS } from '../lib/regions';
import { TrackerStack } from '../lib/tracker-stack';
import { readTrackerConfig } from '../lib/tracker-config';
import cdkJson from '../cdk.json';

export const README_MARKERS = ['<!-- cost:begin (npm run cost -- --update-readme) -->', '<!-- cost:end -->'] as const;
/** Every documented configuration but the teardown, which costs what the default does. */
export const COSTED = Object.entries(DOCUMENTED_CONFIGURATIONS).filter(([name]) => !name.startsWith('teardown'));
export const PROFILE_COUNTS = [1, 100] as const;

/** The template of one configuration as `cdk deploy` would deploy it to us-east-1 (without building the code). */
export function templateFor(context: Record<string, string>): TemplateJson {
  const app = new App({ context: { ...cdkJson.context, ...context, [cxapi.BUNDLING_STACKS]: [] } });
  const config = readTrackerConfig((key) => app.node.tryGetContext(key));
  const stack = new TrackerStack(app, DEFAULT_STACK_NAME, {
    env: { account: '111111111111', region: 'us-east-1' },
    config,
  });
  return app.synth().getStackByName(stack.stackName).template as TemplateJson;
}

export function estimates(): Array<{ name: string; byProfiles: Map<number, CostEstimate> }> {
  return COSTED.map(([name, context]) => {
    const template = templateFor(context);
    return { name, byProfiles: new Map(PROFILE_COUNTS.map((n) => [n, estimateMonthlyCost(template, n)])) };
  });
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The markdown table: per configuration and profile count, the total with and without CloudWatch's free allowance. */
export function costTable(rows = estimates()): string {
  const header = [
    '| configuration (`-c ...`) | 1 profile | 1 profile, no free allowance | 100 profiles | 100 profiles, no free allowance |',
    '|---|---:|---:|---:|---:|',
  ];
  const lines = rows.map(({ name, byProfiles }) => {
    const one = byProfiles.get(1)!;
    const hundred = byProfiles.get(100)!;
    return (
      `| ${name} | ${usd(one.withAllowance)} | ${usd(one.withoutAllowance)} ` +
      `| ${usd(hundred.withAllowance)} | ${usd(hundred.withoutAllowance)} |`
    );
  });
  return [...header, ...lines].join('\n');
}

function details(rows: ReturnType<typeof estimates>): string {
  return rows
    .map(({ name, byProfiles }) => {
      const one = byProfiles.get(1)!;
      const items = one.items.map(
        (i) => `  ${usd(i.usd).padStart(8)}  ${i.what}${i.freeUsd ? ` (free allowance: ${usd(i.freeUsd)})` : ''}`,
      );
      return [
        `${name}, 1 profile: ${usd(one.withAllowance)} (${usd(one.withoutAllowance)} without the free allowance)`,
        ...items,
      ].join('\n');
    })
    .join('\n\n');
}

if (require.main === module) {
  const rows = estimates();
  const table = costTable(rows);
  process.stdout.write(`Monthly cost in us-east-1 (prices in lib/prices.ts):\n\n${table}\n\n${details(rows)}\n`);
  if (process.argv.includes('--update-readme')) {
    const readme = path.join(__dirname, '..', 'docs', 'DEPLOY.md');
    const text = readFileSync(readme, 'utf8');
    const [begin, end] = README_MARKERS;
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) throw new Error(`docs/DEPLOY.md has no ${begin} ... ${end} section`);
    writeFileSync(readme, `${text.slice(0, start + begin.length)}\n${table}\n${text.slice(stop)}`);
    process.stdout.write('\ndocs/DEPLOY.md updated.\n');
  }
}
