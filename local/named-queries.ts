// The named queries that ship in queries/: the product's three dashboard queries as documented (unchanged, summed
// across profiles) and their per-profile forms. Each file starts with comment lines that describe it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const QUERIES_DIR = path.resolve(__dirname, '..', 'queries');

export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
}

export function namedQueries(dir = QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const lines = text.split('\n');
      const comments = lines.filter(
        (line, i) => line.startsWith('--') && lines.slice(0, i).every((l) => l.startsWith('--')),
      );
      return {
        name: file.replace(/\.sql$/, ''),
        description: comments.map((line) => line.replace(/^--\s?/, '')).join(' '),
        sql: lines.slice(comments.length).join('\n').trim(),
      };
    });
}
