// The migrations the repository ships, oldest first, as node-pg-migrate names them (file name without .sql).
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
export const MIGRATION_FILES = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();
export const MIGRATION_NAMES = MIGRATION_FILES.map((f) => f.replace(/\.sql$/, ''));
