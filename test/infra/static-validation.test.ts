// Every configuration docs/DEPLOY.md documents, synthesized as `cdk synth` writes it for any region, then checked with
// AWS's own tools: cfn-lint for every supported region (zero errors), and the AWS Control Tower proactive rules through
// @cdklabs/cdk-validator-cfnguard (each finding fixed, or acknowledged next to its resource with a reason).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { DOCUMENTED_CONFIGURATIONS, SUPPORTED_REGIONS } from '../../lib/regions';
import { TrackerStack } from '../../lib/tracker-stack';
import { readTrackerConfig } from '../../lib/tracker-config';
import cdkJson from '../../cdk.json';
import { findCfnLint, runCfnLint } from '../support/static-checks';

/** Region-agnostic, as `cdk synth` without credentials: the template decides per region where it must. */
function synthesizeForAnyRegion(context: Record<string, string>, guard: boolean) {
  const app = new App({ context: { ...cdkJson.context, ...context } });
  if (guard) Validations.of(app).addPlugins(new CfnGuardValidator({ controlTowerRulesEnabled: true }));
  const config = readTrackerConfig((key) => app.node.tryGetContext(key));
  new TrackerStack(app, DEFAULT_STACK_NAME, { config });
  return app.synth();
}

const configurations = Object.entries(DOCUMENTED_CONFIGURATIONS);
const decisions = readFileSync(path.join(__dirname, '../../docs/decisions.md'), 'utf8');

describe.each(configurations)('the %s configuration', (_name, context) => {
  it('passes the AWS Control Tower proactive rules, or acknowledges each finding with a reason', () => {
    const assembly = synthesizeForAnyRegion(context, true);
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{
        pluginName: string;
        violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }>;
        suppressedViolations: Array<{ ruleName: string; reason: string }>;
      }>;
    };
    const [guard] = report.pluginReports.filter((r) => r.pluginName === 'cdk-validator-cfnguard');
    const open = guard.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`));
    expect(open).toEqual([]);
    for (const acknowledged of guard.suppressedViolations) expect(acknowledged.reason.length).toBeGreaterThan(40);
    // Every acknowledged rule is explained in docs/decisions.md too.
    for (const rule of new Set(guard.suppressedViolations.map((v) => v.ruleName))) expect(decisions).toContain(rule);
  });
});

describe('cfn-lint', () => {
  const lint = findCfnLint();
  // Reported as skipped, not passed, where cfn-lint is not installed (`pip install cfn-lint`).
  const withCfnLint = lint ? it : it.skip;

  withCfnLint(
    `reports no error for any documented configuration in any of the ${SUPPORTED_REGIONS.length} supported regions`,
    () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'tracker-cfn-lint-'));
      const templates = configurations.map(([name, context], index) => {
        const assembly = synthesizeForAnyRegion(context, false);
        const file = path.join(folder, `${index}-${name.replace(/\W+/g, '-')}.template.json`);
        writeFileSync(file, JSON.stringify(assembly.getStackByName(DEFAULT_STACK_NAME).template));
        return file;
      });
      const findings = runCfnLint(lint!, templates, SUPPORTED_REGIONS);
      const errors = findings
        .filter((f) => f.Level === 'Error')
        .map((f) => `${path.basename(f.Filename)} ${f.Rule.Id}: ${f.Message.slice(0, 300)}`);
      expect(errors).toEqual([]);
    },
    180_000,
  );

  withCfnLint(
    'finds what it should: a class RDS does not offer in a region is an error there',
    () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'tracker-cfn-lint-'));
      const file = path.join(folder, 'forced-class.template.json');
      const assembly = synthesizeForAnyRegion({ databaseInstanceType: 't4g.micro' }, false);
      writeFileSync(file, JSON.stringify(assembly.getStackByName(DEFAULT_STACK_NAME).template));
      const errors = runCfnLint(lint!, [file], ['ca-west-1', 'us-east-1']).filter((f) => f.Level === 'Error');
      expect(errors.map((f) => f.Rule.Id)).toEqual(['E3025']);
      expect(errors[0].Message).toContain("'ca-west-1'");
    },
    120_000,
  );
});
