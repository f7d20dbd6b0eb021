// cdk-nag's AwsSolutions pack over the whole stack: any finding without a named, reasoned suppression fails.
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { synthesize } from '../support/synth';

describe.each([
  ['the defaults (NAT instance)', {}],
  [
    'a managed NAT Gateway, Multi-AZ, an imported Ayrshare secret',
    { nat: 'gateway', multiAz: 'true', ayrshareSecretName: 'tracker/ayrshare', alertEmail: 'ops@example.com' },
  ],
  ['the teardown configuration', { deletionProtection: 'false' }],
])('AwsSolutions checks on %s', (_label, context) => {
  const { stack } = synthesize(context, { nag: true });
  const annotations = Annotations.fromStack(stack);

  it('leave no unsuppressed error', () => {
    const errors = annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => `${e.id}: ${String(e.entry.data).split(':')[0]}`)).toEqual([]);
  });

  it('leave no unsuppressed warning', () => {
    expect(
      annotations
        .findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*|CdkNagValidationFailure.*'))
        .map((w) => w.id),
    ).toEqual([]);
  });

  it('record every suppression with its rule and a reason in the template', () => {
    const template = JSON.parse(JSON.stringify(synthesize(context).template.toJSON()));
    const rules = Object.values<{
      Metadata?: { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string }> } };
    }>(template.Resources).flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^(AwsSolutions-[A-Z]+\d+|CdkNagValidationFailure)$/);
      expect(rule.reason.length).toBeGreaterThan(40);
    }
  });
});
