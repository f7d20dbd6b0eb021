// `ayrshare-tracker report`: growth over the last N days, from the local database or (--remote) the deployed stack,
// as a table, JSON, CSV or HTML with charts.
import path from 'node:path';
import type { ReportData, ReportRequest } from '../../lambda/core/contracts';
import { UsageError } from '../../lambda/core/errors';
import { loadReport } from '../../lambda/storage/reports';
import { fetchRemoteReport } from '../aws/remote';
import { loadBrandingFile } from '../branding';
import { readLocalEnvironment } from '../environment';
import { MAIN_DATABASE, withDatabase } from '../local-database';
import { emitReport, progressWriter } from '../output';
import { renderPdf, PAPERS, type Paper } from '../../lambda/render/pdf';
import { CSV_TABLES, REPORT_FORMATS, renderReport } from '../../lambda/render/report-render';
import { EXIT, type RunContext } from '../run-context';
import { remoteTarget, withOutputFlags, withRemoteFlags, type CommandDeclaration } from './command';
import { checkedChoice, checkedDays, checkedFormat, checkedPlatform, checkedText } from './flags';

/** The report's formats: the text ones, and a PDF printed from the HTML by Chromium. */
const REPORT_OUTPUTS = [...REPORT_FORMATS, 'pdf'] as const;

interface ReportFlags {
  days?: string;
  profile?: string;
  platform?: string;
  format?: string;
  out?: string;
  table?: string;
  paper?: string;
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
    .option('--platform <name>', 'one platform only')
    .option('--table <table>', `csv only: ${CSV_TABLES.join(', ')} (default daily)`)
    .option('--paper <size>', `pdf only: ${PAPERS.join(' or ')} (default a4)`);
  withRemoteFlags(withOutputFlags(command, REPORT_OUTPUTS)).action(async (flags) => done(await report(flags, context)));
};

async function report(flags: ReportFlags, context: RunContext): Promise<number> {
  const request: ReportRequest = {
    days: checkedDays(flags.days),
    profile: checkedText('--profile', flags.profile),
    platform: checkedPlatform(flags.platform),
  };
  const out = flags.out === undefined ? undefined : path.resolve(checkedText('--out', flags.out)!);
  const format = checkedFormat(flags.format, out, REPORT_OUTPUTS);
  const csvTable = checkedChoice('--table', flags.table, CSV_TABLES);
  const paper: Paper = checkedChoice('--paper', flags.paper, PAPERS) ?? 'a4';
  if (csvTable && format !== 'csv')
    throw new UsageError('--table goes with --format csv (or an --out file ending .csv).');
  if (flags.paper !== undefined && format !== 'pdf')
    throw new UsageError('--paper goes with --format pdf (or an --out file ending .pdf).');
  if (format === 'pdf' && !out) throw new UsageError('A PDF is not printed to the terminal: name a file with --out.');
  const remote = remoteTarget(flags);
  // HTML and PDF only, and before anything is fetched: a bad branding file fails at once (exit 2), nothing written.
  // With --remote too: the branding is applied here, to the data the deployed function sends.
  const brandingFile = format === 'html' || format === 'pdf' ? readLocalEnvironment(context.env).branding : undefined;
  const branding = brandingFile === undefined ? undefined : loadBrandingFile(brandingFile);

  let data: ReportData;
  if (remote) {
    const progress = progressWriter(context);
    progress(`Asking the deployed collector of stack ${remote.stackName} for the report...`);
    data = await fetchRemoteReport(request, { ...remote, progress });
  } else {
    const env = readLocalEnvironment(context.env);
    data = await withDatabase(env, MAIN_DATABASE, context, (db) => loadReport(db, request, context.now?.()));
  }
  if (format === 'pdf') {
    const { pdf } = await renderPdf(renderReport(data, 'html', { branding }), { paper });
    await emitReport(pdf, out, context);
  } else await emitReport(renderReport(data, format, { csvTable, branding }), out, context);
  return EXIT.success;
}
