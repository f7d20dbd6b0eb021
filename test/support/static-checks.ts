// AWS's own static checks over synthesized templates: cfn-lint (Python, from pip: present on this project's machine
// image, `pip install cfn-lint` elsewhere), found on PATH or as a Python module.
import { spawnSync } from 'node:child_process';

export interface CfnLint {
  command: string;
  args: string[];
  version: string;
}

/** How to run cfn-lint here, or undefined when it is not installed. */
export function findCfnLint(): CfnLint | undefined {
  for (const [command, args] of [
    ['cfn-lint', []],
    ['python3', ['-m', 'cfnlint']],
  ] as const) {
    const probe = spawnSync(command, [...args, '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { command, args: [...args], version: probe.stdout.trim() };
  }
  return undefined;
}

export interface LintFinding {
  Rule: { Id: string };
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Filename: string;
  Location: { Path?: Array<string | number> };
}

/** cfn-lint's findings (errors and warnings) for these templates in these regions. */
export function runCfnLint(lint: CfnLint, templates: string[], regions: readonly string[]): LintFinding[] {
  const run = spawnSync(lint.command, [...lint.args, '--format', 'json', '--regions', ...regions, '--', ...templates], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit codes are a bit mask (2 errors, 4 warnings, 8 informational); 1 is cfn-lint itself failing.
  if (run.status === 1 || run.error) throw new Error(`cfn-lint failed: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout || '[]') as LintFinding[];
}
