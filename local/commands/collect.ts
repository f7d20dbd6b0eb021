// `ayrshare-tracker collect`: one day's analytics for every configured profile, stored one row per platform; prints
// the run summary (JSON with --json) and exits 0, 3 (some platforms failed) or 1 (nothing stored).
import { DatabaseError } from '../../lambda/core/errors';
import type { CollectorSettings, RunSummary } from '../../lambda/core/model';
import { ADVICE } from '../../lambda/notify/alert';
import { runCollection } from '../../lambda/pipeline/run';
import { collectorSettingsFromEnvironment, readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { formatError, progressLog, progressWriter, today } from '../output';
import { EXIT, type RunContext } from '../run-context';
import type { CommandDeclaration } from './command';
import { checkedDate } from './flags';

export const collectCommand: CommandDeclaration = (program, context, done) => {
  program
    .command('collect')
    .description("fetch today's analytics (or a given date's) and store one row per platform")
    .option('--date <YYYY-MM-DD>', 'the snapshot date (default: today in TRACKER_TIMEZONE)')
    .option('--json', 'print the run summary as JSON on stdout')
    .action(async (flags) => done(await collect(flags, context)));
};

async function collect(values: { date?: string; json?: true }, context: RunContext): Promise<number> {
  const env = readLocalEnvironment(context.env);
  const settings = collectorSettingsFromEnvironment(env);
  const date = values.date === undefined ? today(settings.timeZone, context) : checkedDate(values.date);
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
  if (summary.posts) {
    const { stored, networks, failed } = summary.posts;
    lines.push(
      `  posts: ${stored.toLocaleString('en-US')} post snapshot(s) from ${networks} network(s)` +
        (failed.length > 0 ? `, history failed for ${failed.length}` : ''),
      ...failed.map((f) => `    posts failed: ${f.platform} (profile ${f.profile}): ${f.reason}`),
    );
  }
  return lines.join('\n') + '\n';
}

/** One line of advice per kind of failure in the run, as the alert gives it. */
function describeAdvice(summary: RunSummary): string {
  return [...new Set(summary.failed.map((f) => f.error_class))]
    .map((c) => `  what to do (${c}): ${ADVICE[c]}\n`)
    .join('');
}
