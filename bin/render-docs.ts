// Writes the documentation generated from code: docs/metric-registry.md from lambda/metrics/registry.ts and
// docs/CONFIGURATION.md from lambda/core/settings.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigurationMarkdown } from '../lambda/core/settings';
import { renderRegistryMarkdown } from '../lambda/metrics/registry';

for (const [file, render] of [
  ['metric-registry.md', renderRegistryMarkdown],
  ['CONFIGURATION.md', renderConfigurationMarkdown],
] as const) {
  const target = path.resolve(__dirname, '..', 'docs', file);
  writeFileSync(target, render());
  process.stdout.write(`${target}\n`);
}
