// Paths inside the repository, whatever folder a test file sits in.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const fromRoot = (...parts: string[]) => path.join(ROOT, ...parts);

/** A JSON fixture of test/fixtures, parsed. */
export function readFixture<T = Record<string, any>>(name: string): T {
  return JSON.parse(readFileSync(fromRoot('test', 'fixtures', name), 'utf8')) as T;
}
