// The CLI's commands: collect, migrate, report and demo (doctor is in doctor.ts). Each parses its flags, calls the
// pipeline or the report, and returns its exit code; errors are turned into messages and exit codes in bin/cli.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { addDays } from '../../lambda/core/dates';
import { DEFAULT_STACK_NAME } from '../../lambda/core/defaults';
import { DatabaseError, errorMessage, UsageError } from '../../lambda/core/errors';
import type { CollectorSettings, RunSummary } from '../../lambda/core/model';
import { fetchRemoteReport } from '../../lambda/aws/remote-collector';
import { PLATFORMS } from '../../lambda/metrics/platforms';
import { ADVICE } from '../../lambda/notify/alert';
import { runCollection } from '../../lambda/pipeline/run';
import { loadReport, type ReportData, type ReportRequest } from '../../lambda/storage/reports';
import { collectorSettingsFromEnvironment, readLocalEnvironment } from '../environment';
import { renderReport } from '../report-render';
import { startSimulatedAyrshare } from '../simulated-ayrshare';
import {
  checkedDate,
  checkedDays,
  checkedFormat,
  checkedPlatform,
  checkedText,
  DEMO_DATABASE,
  formatError,
  EXIT,
  MAIN_DATABASE,
  parseFlags,
  progressLog,
  progressWriter,
  PROJECT_ROOT,
  today,
  withDatabase,
  type RunContext,
} from './context';

export { doctorCommand } from './doctor';

export async function collectCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, { date: { type: 'string' }, json: { type: 'boolean' } });
  const env = readLocalEnvironment(context.env);
  const settings = collectorSettingsFromEnvironment(env);
  const date = values.date === undefined ? today(settings.timeZone, context) : checkedDate(values.date as string);
  const progress = progressWriter(context);
  progress(
    `Collecting ${date} for ${settings.platforms.length} platform(s), profile ` +
      `${settings.profiles.map((p) => p.name).join(', ')}...`,
  );

  let summary: RunSummary;
  try {
    summary = await withDatabase(env, MAIN_DATABASE, context, async (db) =>
      runCollection(settings, date, {
        db,
        log: progressLog(progress),
        httpPolicy: context.httpPolicy,
        today: today(settings.timeZone, context),
      }),
    );
  } catch (error) {
    if (!(error instanceof DatabaseError) || !values.json) throw error;
    context.stderr.write(formatError(error));
    summary = databaseFailureSummary(settings, date, error);
  }
  if (values.json) {
    // stdout carries only the summary; what to do about failures goes with the progress, to stderr.
    context.stderr.write(describeAdvice(summary));
    context.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    context.stdout.write(describeSummary(summary));
    context.stderr.write(describeAdvice(summary));
  }
  return exitCodeFor(summary);
}

export async function migrateCommand(args: string[], context: RunContext): Promise<number> {
  parseFlags(args, {});
  const env = readLocalEnvironment(context.env);
  const applied = await withDatabase(env, MAIN_DATABASE, context, async (_db, appliedNow) => appliedNow);
  context.stdout.write(
    applied.length > 0
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
      : 'The schema is up to date; nothing to apply.\n',
  );
  return EXIT.success;
}

export async function reportCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, {
    days: { type: 'string' },
    profile: { type: 'string' },
    platform: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    remote: { type: 'boolean' },
    stack: { type: 'string' },
    region: { type: 'string' },
    wake: { type: 'boolean' },
  });
  const request: ReportRequest = {
    days: checkedDays(values.days as string | undefined),
    profile: checkedText('--profile', values.profile as string | undefined),
    platform: checkedPlatform(values.platform as string | undefined),
  };
  const out = values.out === undefined ? undefined : path.resolve(checkedText('--out', values.out as string)!);
  const format = checkedFormat(values.format as string | undefined, out);
  if (!values.remote && (values.stack !== undefined || values.region !== undefined || values.wake))
    throw new UsageError('--stack, --region and --wake go with --remote.');

  let report: ReportData;
  if (values.remote) {
    const stackName = checkedText('--stack', values.stack as string | undefined) ?? DEFAULT_STACK_NAME;
    const progress = progressWriter(context);
    progress(`Asking the deployed collector of stack ${stackName} for the report...`);
    report = await fetchRemoteReport(request, {
      stackName,
      region: checkedText('--region', values.region as string | undefined),
      wake: Boolean(values.wake),
      progress,
    });
  } else {
    const env = readLocalEnvironment(context.env);
    report = await withDatabase(env, MAIN_DATABASE, context, (db) => loadReport(db, request, context.now?.()));
  }
  await emitReport(renderReport(report, format), out, context);
  return EXIT.success;
}

/** Writes the rendered report to --out (printing its path) or to stdout. */
export async function emitReport(rendered: string, out: string | undefined, context: RunContext): Promise<void> {
  if (!out) {
    context.stdout.write(rendered);
    return;
  }
  try {
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, rendered, 'utf8');
  } catch (error) {
    throw new UsageError(`--out: cannot write ${out} (${errorMessage(error)}).`);
  }
  context.stdout.write(`${out}\n`);
}

/**
 * Collects N consecutive days from the built-in simulated Ayrshare server into a demo database of the embedded
 * server, always apart from real data (DATABASE_URL is not used), then prints the report and writes it as HTML.
 */
export async function demoCommand(args: string[], context: RunContext): Promise<number> {
  const { values } = parseFlags(args, { days: { type: 'string' } });
  const days = checkedDays(values.days as string | undefined);
  const env = readLocalEnvironment({ ...context.env, DATABASE_URL: undefined });
  const progress = progressWriter(context);
  if (context.env.DATABASE_URL)
    progress('demo keeps simulated data apart: it uses the local embedded database, not DATABASE_URL.');
  const simulator = await startSimulatedAyrshare();
  context.cleanups.add(simulator.close);
  const timeZone = env.TRACKER_TIMEZONE;
  const settings: CollectorSettings = {
    apiKey: 'DEMO-KEY-NOT-SECRET',
    // A fully configured account: the simulator refuses X without X app credentials, as Ayrshare does.
    xCredentials: { apiKey: 'DEMO-X-KEY-NOT-SECRET', apiSecret: 'DEMO-X-SECRET-NOT-SECRET' },
    baseUrl: simulator.baseUrl,
    profiles: [{ name: 'demo' }],
    platforms: env.TRACKER_PLATFORMS ?? [...PLATFORMS],
    timeZone,
  };
  const lastDay = today(timeZone, context);
  const report = await withDatabase(env, DEMO_DATABASE, context, async (db) => {
    const statuses: Record<string, number> = { success: 0, partial: 0, error: 0 };
    for (let offset = days - 1; offset >= 0; offset -= 1) {
      const date = addDays(lastDay, -offset);
      simulator.setDate(date);
      const summary = await runCollection(settings, date, { db, httpPolicy: context.httpPolicy });
      statuses[summary.status] += 1;
      const failed = summary.failed.map((f) => ` (${f.platform} failed: ${f.reason})`).join('');
      progress(`  ${date}  ${summary.status.padEnd(7)} ${summary.platforms_tracked} platform(s) stored${failed}`);
    }
    progress(
      `Collected ${days} day(s): ${statuses.success} success, ${statuses.partial} partial, ${statuses.error} error.`,
    );
    return loadReport(db, { days, asOf: lastDay }, context.now?.());
  });
  const banner = '*** SIMULATED DATA: produced by the built-in demo server, not by your Ayrshare account. ***';
  const htmlPath = path.join(env.TRACKER_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'), 'demo-report.html');
  context.stdout.write(
    `${renderReport(report, 'table', { banner })}\n${banner}\n\nHTML report with charts (open it in a browser):\n`,
  );
  await emitReport(
    renderReport(report, 'html', {
      banner: 'Simulated data: produced by the built-in demo server, not by your Ayrshare account.',
    }),
    htmlPath,
    context,
  );
  return EXIT.success;
}

function exitCodeFor(summary: RunSummary): number {
  return summary.status === 'success' ? EXIT.success : summary.status === 'partial' ? EXIT.partial : EXIT.error;
}

function databaseFailureSummary(settings: CollectorSettings, date: string, error: DatabaseError): RunSummary {
  return {
    status: 'error',
    date,
    platforms_tracked: 0,
    total_followers: 0,
    total_engagement: 0,
    top_performer: null,
    failed: settings.profiles.flatMap((p) =>
      settings.platforms.map((platform) => ({
        profile: p.name,
        platform,
        reason: error.message,
        error_class: 'database' as const,
      })),
    ),
  };
}

function describeSummary(summary: RunSummary): string {
  const lines = [
    `${summary.date}: ${summary.status} - ${summary.platforms_tracked} platform(s) stored, ` +
      `${summary.total_followers.toLocaleString('en-US')} followers, ` +
      `${summary.total_engagement.toLocaleString('en-US')} engagements, top performer ` +
      `${summary.top_performer ?? 'none'}`,
    ...summary.failed.map((f) => `  failed: ${f.platform} (profile ${f.profile}): ${f.reason}`),
  ];
  return lines.join('\n') + '\n';
}

/** One line of advice per kind of failure in the run, as the alert gives it. */
function describeAdvice(summary: RunSummary): string {
  return [...new Set(summary.failed.map((f) => f.error_class))]
    .map((c) => `  what to do (${c}): ${ADVICE[c]}\n`)
    .join('');
}
