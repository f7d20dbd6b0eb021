// Writes the documentation generated from code: docs/metric-registry.md from lambda/metrics/registry.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRegistryMarkdown } from '../lambda/metrics/registry';

const target = path.resolve(__dirname, '..', 'docs', 'metric-registry.md');
writeFileSync(target, renderRegistryMarkdown());
process.stdout.write(`${target}\n`);
