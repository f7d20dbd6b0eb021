// `ayrshare-tracker report`: growth over the last N days, from the local database or (--remote) the deployed stack,
// as a table, JSON, CSV or HTML with charts.
import path from 'node:path';
import type { ReportData, ReportRequest } from '../../lambda/core/contracts';
import { loadReport } from '../../lambda/storage/reports';
import { fetchRemoteReport } from '../aws/remote';
import { readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { emitReport, progressWriter } from '../output';
import { REPORT_FORMATS, renderReport } from '../report-render';
import { EXIT, type RunContext } from '../run-context';
import { remoteTarget, withOutputFlags, withRemoteFlags, type CommandDeclaration } from './command';
import { checkedDays, checkedFormat, checkedPlatform, checkedText } from './flags';

interface ReportFlags {
  days?: string;
  profile?: string;
  platform?: string;
  format?: string;
  out?: string;
  remote?: true;
  stack?: string;
  region?: string;
  wake?: true;
}

export const reportCommand: CommandDeclaration = (program, context, done) => {
  const command = program
    .command('report')
    .description(
      'growth over the last N days (today included): per platform, day by day, the best performer and the last ' +
        '7 days; html has charts',
    )
    .option('--days <n>', 'the window, in days (default 30)')
    .option('--profile <name>', 'one profile only')
    .option('--platform <name>', 'one platform only');
  withRemoteFlags(withOutputFlags(command, REPORT_FORMATS)).action(async (flags) => done(await report(flags, context)));
};

async function report(flags: ReportFlags, context: RunContext): Promise<number> {
  const request: ReportRequest = {
    days: checkedDays(flags.days),
    profile: checkedText('--profile', flags.profile),
    platform: checkedPlatform(flags.platform),
  };
  const out = flags.out === undefined ? undefined : path.resolve(checkedText('--out', flags.out)!);
  const format = checkedFormat(flags.format, out);
  const remote = remoteTarget(flags);

  let data: ReportData;
  if (remote) {
    const progress = progressWriter(context);
    progress(`Asking the deployed collector of stack ${remote.stackName} for the report...`);
    data = await fetchRemoteReport(request, { ...remote, progress });
  } else {
    const env = readLocalEnvironment(context.env);
    data = await withDatabase(env, MAIN_DATABASE, context, (db) => loadReport(db, request, context.now?.()));
  }
  await emitReport(renderReport(data, format), out, context);
  return EXIT.success;
}
