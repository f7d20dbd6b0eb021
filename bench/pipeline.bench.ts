// `npm run bench`: parse + normalise throughput, and upsert latency per run size, on a real embedded PostgreSQL.
// Prints numbers; asserts nothing (speed is measured here, never in tests).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../lambda/database';
import { contentEfficiency, engagementRateWithBasis } from '../lambda/derive';
import { migrateDatabase } from '../lambda/migrate';
import { normaliseMetrics } from '../lambda/normalise';
import { parseSocialAnalytics } from '../lambda/parse-response';
import { PLATFORMS } from '../lambda/platforms';
import { writeRun, type Snapshot } from '../lambda/storage';
import { startEmbeddedDatabase } from '../local/embedded-database';
import { simulatedAnswer } from '../local/simulated-ayrshare';
import { addDays } from '../lambda/dates';

function snapshotsFor(profiles: number, date: string): Snapshot[] {
  const answer = simulatedAnswer(PLATFORMS, date);
  const snapshots: Snapshot[] = [];
  for (let p = 0; p < profiles; p += 1) {
    for (const result of parseSocialAnalytics(answer, PLATFORMS)) {
      if (!result.ok) continue;
      const metrics = normaliseMetrics(result.platform, result.analytics);
      const { rate, basis } = engagementRateWithBasis(metrics);
      snapshots.push({ profile: `profile-${p}`, platform: result.platform, date, metrics, engagement_rate: rate, engagement_rate_basis: basis, content_efficiency: contentEfficiency(metrics), raw_data: result.raw, left_out: result.problems });
    }
  }
  return snapshots;
}

async function main(): Promise<void> {
  const answers = Array.from({ length: 365 }, (_, i) => simulatedAnswer(PLATFORMS, addDays('2026-01-01', i)));
  const rounds = 20;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r += 1) {
    for (const answer of answers) {
      for (const result of parseSocialAnalytics(answer, PLATFORMS)) if (result.ok) normaliseMetrics(result.platform, result.analytics);
    }
  }
  const parseMs = Number(process.hrtime.bigint() - started) / 1e6;
  const parsed = rounds * answers.length;
  console.log(`parse + validate + normalise: ${parsed} answers (7 platforms each) in ${parseMs.toFixed(0)} ms = ${((parseMs * 1000) / parsed).toFixed(1)} µs per answer`);

  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'ayrshare-tracker-bench-'));
  const embedded = await startEmbeddedDatabase({ baseDir });
  const db = await connectDatabase({ connection: await embedded.databaseUrl('bench'), timeZone: 'America/New_York' });
  try {
    await migrateDatabase(db);
    for (const profiles of [1, 10, 100, 1000]) {
      const timings: number[] = [];
      for (let day = 0; day < 5; day += 1) {
        const snapshots = snapshotsFor(profiles, addDays('2026-01-01', day));
        const t0 = process.hrtime.bigint();
        await writeRun(db, { date: snapshots[0].date, snapshots, failed: [], runs: [], anomalyThreshold: 0.5 });
        timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      timings.sort((a, b) => a - b);
      console.log(`upsert one run of ${profiles} profile(s) (${profiles * 7} rows, incl. growth velocity): median ${timings[2].toFixed(1)} ms, max ${timings[4].toFixed(1)} ms`);
    }
    console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  } finally {
    await db.end();
    await embedded.stop();
    rmSync(baseDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
