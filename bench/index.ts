// `npm run bench [-- --rows N] [-- --skip-baseline]`: the agency-scale measurements (docs/BENCHMARKS.md), on this machine, with an embedded
// PostgreSQL and a loopback Ayrshare stand-in that answers after a set latency. Prints a markdown report and writes it
// to docs/BENCHMARKS.md. Nothing here is asserted: speed is measured, never tested.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { CollectorSettings } from '../lambda/core/model';
import { connectDatabase } from '../lambda/storage/connection';
import { addDays } from '../lambda/core/dates';
import { migrateDatabase } from '../lambda/storage/migrations';
import { parseSocialAnalytics } from '../lambda/pipeline/validate';
import { normaliseMetrics } from '../lambda/pipeline/normalise';
import { collectAndStore } from '../lambda/pipeline/run';
import { loadReport } from '../lambda/storage/reports';
import { PLATFORMS } from '../lambda/metrics/platforms';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../local/embedded-database';
import { simulatedAnswer, simulatedHistory } from '../local/simulated-ayrshare';
import { synthesize } from '../test/support/synth';

const ROOT = path.resolve(__dirname, '..');
const LATENCY_MS = 200;
const CONCURRENCY = 25;
const args = process.argv.slice(2);
const ROWS = Math.min(12_800_000, Math.max(7_000, Number(args[args.indexOf('--rows') + 1]) || 1_000_000));
const SKIP_BASELINE = args.includes('--skip-baseline');
const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  console.log(line);
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const ms = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** The posts measure's snapshot date (BENCHMARKS.md, 2b): the served posts are the simulator's of that day. */
const HISTORY_DATE = '2026-03-01';

/**
 * Ayrshare on 127.0.0.1, answering every request after `latency` ms, any number at a time, in a process of its own (as
 * a remote API is: its work does not share the tracker's event loop and CPU time).
 */
async function latencyServer(latency: number): Promise<{ baseUrl: string; close(): Promise<void> }> {
  // A simulated day on which every platform answers (the simulator fails Threads on some days).
  let day = '2026-01-15';
  while (!(simulatedAnswer(PLATFORMS, day) as Record<string, { analytics?: unknown }>).threads?.analytics)
    day = addDays(day, 1);
  const folder = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-bench-server-'));
  writeFileSync(path.join(folder, 'answer.json'), JSON.stringify(simulatedAnswer(PLATFORMS, day)));
  // Each network's post history (GET /api/history/:platform) as the simulator lists it on the posts measure's day.
  writeFileSync(
    path.join(folder, 'history.json'),
    JSON.stringify(Object.fromEntries(PLATFORMS.map((p) => [p, simulatedHistory(p, HISTORY_DATE)]))),
  );
  writeFileSync(
    path.join(folder, 'server.js'),
    `const http = require('node:http');
const body = require('node:fs').readFileSync(${JSON.stringify(path.join(folder, 'answer.json'))}, 'utf8');
const history = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(path.join(folder, 'history.json'))}, 'utf8'));
const histories = Object.fromEntries(Object.entries(history).map(([k, v]) => [k, JSON.stringify(v)]));
const server = http.createServer((req, res) => {
  req.resume();
  const platform = /^\\/api\\/history\\/([a-z]+)/.exec(req.url)?.[1];
  const answer = platform ? histories[platform] : body;
  req.on('end', () => setTimeout(() => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(answer); }, ${latency}));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
`,
  );
  const child = fork(path.join(folder, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)));
    child.once('exit', (code) => reject(new Error(`the bench's Ayrshare stand-in exited (${code})`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(embedded: EmbeddedDatabase, name: string): Promise<pg.Client> {
  const admin = await connectDatabase({ connection: embedded.adminUrl('postgres'), timeZone: 'UTC' });
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = await connectDatabase({
    connection: await embedded.databaseUrl(name),
    timeZone: 'America/New_York',
    statementTimeoutMs: 600_000,
  });
  await migrateDatabase(db);
  return db;
}

function settingsFor(baseUrl: string, profiles: number, posts = false): CollectorSettings {
  return {
    // Sections 1 and 2 measure the account analytics; section 2b adds the posts (two round trips a profile).
    posts,
    apiKey: 'BENCH-KEY',
    baseUrl,
    profiles: Array.from({ length: profiles }, (_, i) => ({ name: `client-${i}`, profileKey: `BENCH-PROFILE-${i}` })),
    platforms: [...PLATFORMS],
    timeZone: 'America/New_York',
    concurrency: CONCURRENCY,
    // As a fully configured account: each profile asks the six platforms and, at the same time, X with its credentials.
    xCredentials: { apiKey: 'BENCH-X-KEY', apiSecret: 'BENCH-X-SECRET' },
  };
}

/**
 * What the original design did, with today's API: one profile after another, one request asking all seven platforms (with the X
 * credentials, which X now needs), and one INSERT statement per row.
 */
async function baseline(db: pg.ClientBase, baseUrl: string, profiles: number, date: string): Promise<void> {
  for (let p = 0; p < profiles; p += 1) {
    const response = await fetch(`${baseUrl}/api/analytics/social`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer BENCH-KEY',
        'Profile-Key': `BENCH-PROFILE-${p}`,
        'Content-Type': 'application/json',
        'X-Twitter-OAuth1-Api-Key': 'BENCH-X-KEY',
        'X-Twitter-OAuth1-Api-Secret': 'BENCH-X-SECRET',
      },
      body: JSON.stringify({ platforms: PLATFORMS }),
    });
    const body = (await response.json()) as Record<string, { analytics?: Record<string, unknown> }>;
    for (const platform of PLATFORMS) {
      const analytics = body[platform]?.analytics ?? {};
      await db.query(
        `INSERT INTO social_media_analytics (date, profile, platform, followers_count, raw_data) VALUES ($1, $2, ` +
          `$3, $4, $5)`,
        [
          date,
          `client-${p}`,
          platform,
          Number(analytics.followersCount ?? analytics.followerCount ?? analytics.subscriberCount ?? 0),
          JSON.stringify(body[platform] ?? {}),
        ],
      );
    }
  }
}

async function main(): Promise<void> {
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-bench-'));
  const embedded = await startEmbeddedDatabase({ baseDir });
  const server = await latencyServer(LATENCY_MS);
  try {
    const probe = await freshDatabase(embedded, 'bench_probe');
    const version = (await probe.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const rtts: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const t = process.hrtime.bigint();
      await probe.query('SELECT 1');
      rtts.push(ms(t));
    }
    const dbRtt = median(rtts);
    await probe.end();

    say('# Benchmarks');
    say();
    say(
      `Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Machine: ${os.cpus().length} × ` +
        `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ` +
        `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}, ` +
        `PostgreSQL ${version} (embedded, local socket over TCP).`,
    );
    say(
      `Ayrshare is a loopback HTTP server in a process of its own that answers after ${LATENCY_MS} ms (L). The ` +
        `tracker runs with its ` +
        `default concurrency of ${CONCURRENCY}.`,
    );
    say(
      'Figures are from one run of this script; timings move a few percent between runs. Nothing here is asserted ' +
        'in `npm test`.',
    );
    say();

    // 1. One profile against its floor.
    const one = await freshDatabase(embedded, 'bench_one');
    const oneRuns: number[] = [];
    for (let day = 0; day < 7; day += 1) {
      const t = process.hrtime.bigint();
      await collectAndStore(settingsFor(server.baseUrl, 1), addDays('2026-02-01', day), { db: one });
      oneRuns.push(ms(t));
    }
    await one.end();
    const floor = LATENCY_MS + dbRtt;
    say('## 1. One profile');
    say();
    say('| measure | ms |');
    say('|---|---|');
    say(
      `| run: fetch 7 platforms, validate, derive, write rows and ledger in one transaction (median of 7) | ` +
        `${fmt(median(oneRuns))} |`,
    );
    say(
      `| floor: one API round trip at L (the six platforms and X at the same time) + one database round trip ` +
        `(${dbRtt.toFixed(2)} ms) | ${fmt(floor)} |`,
    );
    say(
      `| overhead above the floor | ${fmt(median(oneRuns) - floor)} ` +
        `(${((median(oneRuns) / floor - 1) * 100).toFixed(1)} %) |`,
    );
    say();

    // 2. Many profiles: this project against the original design's way.
    say(`## 2. Profiles per run at L = ${LATENCY_MS} ms`);
    say();
    say(
      `Ideal = ceil(profiles / ${CONCURRENCY}) × L (each profile asks the six platforms and X at the same time). ` +
        `Baseline = the original design's way with today's API, written in the bench: one request per profile asking all seven ` +
        `platforms with the X credentials, one profile after another, one INSERT per row.`,
    );
    say();
    say('| profiles | rows | tracker (ms) | ideal (ms) | tracker ÷ ideal | baseline (ms) | baseline ÷ tracker |');
    say('|---|---|---|---|---|---|---|');
    for (const profiles of [1, 10, 100, 500]) {
      const db = await freshDatabase(embedded, `bench_p${profiles}`);
      const t = process.hrtime.bigint();
      const result = await collectAndStore(settingsFor(server.baseUrl, profiles), '2026-03-01', { db });
      const tracker = ms(t);
      if (result.summary.status !== 'success') throw new Error(`the tracker's run was ${result.summary.status}`);
      await db.end();
      let base = Number.NaN;
      if (!SKIP_BASELINE) {
        const baseDb = await freshDatabase(embedded, `bench_b${profiles}`);
        const tb = process.hrtime.bigint();
        await baseline(baseDb, server.baseUrl, profiles, '2026-03-01');
        base = ms(tb);
        await baseDb.end();
      }
      const ideal = Math.ceil(profiles / CONCURRENCY) * LATENCY_MS;
      say(
        `| ${profiles} | ${profiles * 7} | ${fmt(tracker)} | ${ideal} | ${(tracker / ideal).toFixed(2)} | ` +
          `${Number.isNaN(base) ? 'skipped' : fmt(base)} | ` +
          `${Number.isNaN(base) ? '-' : `${(base / tracker).toFixed(1)}×`} |`,
      );
    }
    say();

    // 2b. The cost of the posts: each profile's history requests (one per network) after its analytics.
    say(`## 2b. Posts: what the history requests cost at L = ${LATENCY_MS} ms`);
    say();
    say(
      'With posts on (the default), each profile asks each of its 7 networks for its recent posts once its ' +
        'analytics are in: 7 more requests and one more round trip per profile, overlapped with the other ' +
        "profiles' requests. Ideal = ceil(profiles / concurrency) × 2L.",
    );
    say();
    say('| profiles | posts off (ms) | posts on (ms) | added (ms) | post rows | requests | ideal with posts (ms) |');
    say('|---|---|---|---|---|---|---|');
    for (const profiles of [1, 100, 500]) {
      const off = await freshDatabase(embedded, `bench_off${profiles}`);
      const t0 = process.hrtime.bigint();
      await collectAndStore(settingsFor(server.baseUrl, profiles, false), HISTORY_DATE, { db: off });
      const offMs = ms(t0);
      await off.end();
      const on = await freshDatabase(embedded, `bench_on${profiles}`);
      const t1 = process.hrtime.bigint();
      const result = await collectAndStore(settingsFor(server.baseUrl, profiles, true), HISTORY_DATE, { db: on });
      const onMs = ms(t1);
      if (result.summary.posts?.failed.length) throw new Error('a history request failed in the bench');
      const rows = Number((await on.query<{ n: string }>('SELECT count(*) AS n FROM post_snapshots')).rows[0].n);
      const requests = Number(
        (await on.query<{ n: string }>('SELECT sum(requests) AS n FROM collection_runs')).rows[0].n,
      );
      await on.end();
      say(
        `| ${profiles} | ${fmt(offMs)} | ${fmt(onMs)} | ${fmt(onMs - offMs)} | ${rows.toLocaleString('en-US')} | ` +
          `${requests.toLocaleString('en-US')} | ${Math.ceil(profiles / CONCURRENCY) * 2 * LATENCY_MS} |`,
      );
    }
    say();

    // 3. The dashboard queries over a generated history.
    const days = Math.ceil(ROWS / 7_000);
    const history = await freshDatabase(embedded, 'bench_history');
    const tg = process.hrtime.bigint();
    await history.query(
      `INSERT INTO social_media_analytics (date, profile, platform, followers_count, engagement_total,
              engagement_rate, engagement_rate_basis, growth_velocity, days_since_previous, raw_data)
       SELECT CURRENT_DATE - d, 'client-' || p, pl, 1000 + p + d, (p * d) % 500, ((p * d) % 500) / 10.0, 'views', 1,
              CASE WHEN d < $1::int - 1 THEN 1 END,
              jsonb_build_object('analytics', jsonb_build_object('followersCount', 1000 + p + d))
       FROM generate_series(0, $1::int - 1) d, generate_series(1, 1000) p, unnest($2::text[]) pl`,
      [days, PLATFORMS],
    );
    await history.query('ANALYZE social_media_analytics');
    const generated = ms(tg);
    const count = Number(
      (await history.query<{ n: string }>('SELECT count(*) AS n FROM social_media_analytics')).rows[0].n,
    );
    const original = readFileSync(path.join(ROOT, 'test/support/dashboard-queries.sql'), 'utf8')
      .split(';')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter(Boolean);
    const queries: Array<[string, string]> = [
      ['original query: daily growth (30 days)', original[0]],
      ['original query: best performing platform (7 days)', original[1]],
      ['original query: weekly summary (7 days)', original[2]],
      ['report_best_platform(30), rank 1', 'SELECT * FROM report_best_platform(30) WHERE rank = 1'],
      [
        'report_daily_growth, one profile, 30 days',
        `SELECT * FROM report_daily_growth WHERE profile = 'client-7' AND date > CURRENT_DATE - 30`,
      ],
    ];
    say(`## 3. Dashboard queries over ${count.toLocaleString('en-US')} rows`);
    say();
    say(
      `${days} days × 1,000 profiles × 7 platforms, generated in ${(generated / 1000).toFixed(1)} s. Client: median ` +
        `of 7 runs after one warm-up, rows transferred to node-postgres and parsed included. Server: the database's ` +
        `execution time alone (EXPLAIN ANALYZE). Run \`npm run bench -- --rows 12800000\` for 5 years × 7 platforms × ` +
        `1,000 profiles.`,
    );
    say();
    say('| query | rows returned | median, client (ms) | server execution (ms) |');
    say('|---|---|---|---|');
    for (const [name, sql] of queries) {
      await history.query(sql);
      const timings: number[] = [];
      let rows = 0;
      for (let i = 0; i < 7; i += 1) {
        const t = process.hrtime.bigint();
        rows = (await history.query(sql)).rowCount ?? 0;
        timings.push(ms(t));
      }
      // EXPLAIN ANALYZE runs the query without sending its rows: the database's own share of the time.
      const plan = (
        await history.query<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(
          `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`,
        )
      ).rows[0]['QUERY PLAN'][0];
      say(`| ${name} | ${rows.toLocaleString('en-US')} | ${fmt(median(timings))} | ${fmt(plan['Execution Time'])} |`);
    }
    for (const [name, request] of [
      ['`report` data, all 1,000 profiles, 30 days', { days: 30 }],
      ['`report` data, one profile, 30 days', { days: 30, profile: 'client-7' }],
    ] as const) {
      await loadReport(history, request);
      const timings: number[] = [];
      let points = 0;
      for (let i = 0; i < 5; i += 1) {
        const t = process.hrtime.bigint();
        points = (await loadReport(history, request)).profiles.reduce((n, p) => n + p.daily.length, 0);
        timings.push(ms(t));
      }
      say(`| ${name} (all its queries) | ${points.toLocaleString('en-US')} points | ${fmt(median(timings))} | - |`);
    }
    await history.end();
    say();

    // 4. The deployed bundle.
    const { app } = synthesize();
    const bundle = readdirSync(app.outdir)
      .map((dir) => path.join(app.outdir, dir, 'index.js'))
      .find((file) => existsSync(file) && readFileSync(file, 'utf8').includes('/api/analytics/social'));
    if (!bundle) throw new Error('no collector bundle in the synthesized assembly');
    const imports: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          `const ` +
            `t=process.hrtime.bigint();require(${JSON.stringify(bundle)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
        ],
        {
          env: { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1' },
          encoding: 'utf8',
        },
      );
      imports.push(Number(child.stdout.trim()));
    }
    const parseRounds = 2_000;
    const answer = simulatedAnswer(PLATFORMS, '2026-01-15');
    const tp = process.hrtime.bigint();
    for (let i = 0; i < parseRounds; i += 1)
      for (const r of parseSocialAnalytics(answer, PLATFORMS)) if (r.ok) normaliseMetrics(r.platform, r.analytics);
    const parseUs = (ms(tp) * 1000) / parseRounds;
    say('## 4. The Lambda bundle');
    say();
    say('| measure | value |');
    say('|---|---|');
    say(
      `| size of index.js as \`cdk deploy\` uploads it (minified; the AWS SDK comes from the runtime) | ` +
        `${(statSync(bundle).size / 1024).toFixed(0)} KB |`,
    );
    say(
      `| cold import in a new Node.js process (median of 7; AWS SDK from node_modules) | ${fmt(median(imports))} ms |`,
    );
    say(`| parse, validate and map one 7-platform answer | ${parseUs.toFixed(0)} µs |`);
    say(`| peak RSS of this benchmark | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB |`);
    say();
    rmSync(app.outdir, { recursive: true, force: true });
  } finally {
    await server.close();
    await embedded.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
  writeFileSync(path.join(ROOT, 'docs', 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
  console.log(`\nWritten to docs/BENCHMARKS.md`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
