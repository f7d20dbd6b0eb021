// `cdk synth` as a user runs it on a fresh clone: the real CLI, no AWS credentials, no Docker, no network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** `cdk synth` with these context values, without AWS credentials. */
function cdkSynth(out: string, context: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS_|CDK_DEFAULT_)/.test(key)));
  return spawnSync(
    path.join(ROOT, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '--output', out, ...context.flatMap((c) => ['-c', c])],
    {
      cwd: ROOT,
      env: { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
}

it.each([
  [['economy=maybe'], /economy .*\(got "maybe"\)/],
  [['backupWindow=10:00-10:30'], /backupWindow comes within 0 min of the run and its retries/],
  [['fanOutConcurrency=500'], /fanOutConcurrency must be at most 72 on db\.t4g\.micro/],
  [['economy=true', 'nat=gateway'], /economy cannot be true with nat=gateway/],
])('stops on %p with exit 1, a message naming the flag, and no template', (context, message) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-synth-'));
  try {
    const result = cdkSynth(out, context);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(() => readFileSync(path.join(out, 'AyrshareAnalyticsTracker.template.json'))).toThrow(/ENOENT/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

it('synthesizes the stack offline with the cdk CLI', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'tracker-synth-'));
  try {
    const result = cdkSynth(out, ['alertEmail=ops@example.com']);
    expect(result.stderr).not.toMatch(/\[Error|ERROR/);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(path.join(out, 'AyrshareAnalyticsTracker.template.json'), 'utf8'));
    const types = new Set(Object.values<{ Type: string }>(template.Resources).map((r) => r.Type));
    for (const type of [
      'AWS::RDS::DBInstance',
      'AWS::Scheduler::Schedule',
      'AWS::Lambda::Function',
      'AWS::SNS::Subscription',
      'Custom::Trigger',
    ])
      expect(types).toContain(type);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
