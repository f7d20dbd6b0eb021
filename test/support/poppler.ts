// Reads a PDF back with poppler's pdftotext (its text, laid out) or pdfinfo (pages, paper size). A missing tool fails
// the test and says how to install it (.ci/run installs poppler-utils on Debian).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** `layout` keeps the page's columns side by side; `raw` reads in content order (a table cell's lines together). */
export function poppler(
  tool: 'pdftotext' | 'pdfinfo',
  pdf: Buffer,
  folder: string,
  name: string,
  mode: 'layout' | 'raw' = 'layout',
): string {
  const file = path.join(folder, name);
  writeFileSync(file, pdf);
  const run = spawnSync(tool, tool === 'pdftotext' ? [`-${mode}`, file, '-'] : [file], { encoding: 'utf8' });
  if (run.error) {
    throw new Error(
      `${tool} is not installed (${run.error.message}): the PDF tests read the PDF back with poppler. ` +
        'Install it: apt-get install poppler-utils (macOS: brew install poppler).',
    );
  }
  if (run.status !== 0) throw new Error(`${tool} ${name} failed: ${run.stderr}`);
  return run.stdout;
}
