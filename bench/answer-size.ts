// `npm run bench:answers`: how the client ends answers too large to be analytics, and the memory it takes. Each case
// runs in a child process of its own, so its peak resident memory (maxRSS) is its own. Written to docs/BENCHMARKS.md
// under "Oversized answers" (the section is replaced, the rest of the file kept).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEFAULT_HTTP_POLICY, DEFAULT_MAX_ANSWER_BYTES, fetchSocialAnalytics } from '../lambda/ayrshare/client';
import { AyrshareRequestError } from '../lambda/core/errors';

const MB = 1024 * 1024;
type Case = 'declared-200mb' | 'chunked-200mb' | 'endless';
const CASES: Array<[Case, string]> = [
  ['declared-200mb', '200 MB body with its Content-Length'],
  ['chunked-200mb', '200 MB body streamed without a length'],
  ['endless', 'an answer that never ends'],
];

async function runCase(kind: Case): Promise<void> {
  const chunk = Buffer.alloc(MB, 'x');
  const server = http.createServer((req, res) => {
    req.resume();
    if (kind === 'declared-200mb')
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(200 * MB) });
    else res.writeHead(200, { 'Content-Type': 'application/json' });
    let sent = 0;
    const pump = () => {
      while (!res.destroyed && (kind === 'endless' || sent < 200)) {
        sent += 1;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => res.destroy());
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const started = Date.now();
  let reason: string;
  try {
    await fetchSocialAnalytics({ baseUrl, apiKey: 'BENCH-KEY', platforms: ['facebook'] }, DEFAULT_HTTP_POLICY);
    reason = 'read in full (unexpected)';
  } catch (error) {
    reason = error instanceof AyrshareRequestError ? error.message : String(error);
  }
  const seconds = (Date.now() - started) / 1000;
  server.closeAllConnections();
  server.close();
  process.stdout.write(
    JSON.stringify({ kind, seconds, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), reason }) + '\n',
  );
}

async function main(): Promise<void> {
  const only = process.argv[2] as Case | undefined;
  if (only) return runCase(only);
  const rows = CASES.map(([kind, label]) => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, kind], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
      seconds: number;
      maxRssMb: number;
      reason: string;
    };
    return `| ${label} | ${result.seconds.toFixed(2)} s | ${result.maxRssMb} MB | ${result.reason} |`;
  });
  const section = [
    '## Oversized answers',
    '',
    '`npm run bench:answers` on this machine: the Ayrshare client against a loopback server, ' +
      `with the default cap of ${DEFAULT_MAX_ANSWER_BYTES / MB} MB`,
    `and the default policy (the budget is ${DEFAULT_HTTP_POLICY.budgetMs / 1000} s). ` +
      'Peak memory is the whole Node.js process (maxRSS, tsx and the loopback server included), each case alone.',
    '',
    '| answer | ends after | peak memory | reason |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  const file = path.resolve(__dirname, '..', 'docs', 'BENCHMARKS.md');
  const current = readFileSync(file, 'utf8');
  const start = current.indexOf('## Oversized answers');
  const end = start === -1 ? -1 : current.indexOf('\n## ', start + 1);
  const next =
    start === -1
      ? `${current.trimEnd()}\n\n${section}`
      : `${current.slice(0, start)}${section}${end === -1 ? '' : current.slice(end + 1)}`;
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
  process.stdout.write(`${section}\n`);
}

void main();
