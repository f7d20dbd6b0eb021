// `ayrshare-tracker demo`: simulated Ayrshare data for N days into a demo database of the embedded server (never
// DATABASE_URL), then the report, printed and written as HTML.
import path from 'node:path';
import { addDays } from '../../lambda/core/dates';
import type { CollectorSettings } from '../../lambda/core/model';
import { runCollection } from '../../lambda/pipeline/run';
import { loadReport } from '../../lambda/storage/reports';
import { readLocalEnvironment } from '../environment';
import { DEMO_DATABASE, withDatabase } from '../local-database';
import { ChromiumError } from '../../lambda/render/chromium';
import { renderPdf } from '../../lambda/render/pdf';
import { emitReport, progressWriter, today } from '../output';
import { renderReport } from '../../lambda/render/report-render';
import { EXIT, PROJECT_ROOT, type RunContext } from '../run-context';
import { startSimulatedAyrshare } from '../simulated-ayrshare';
import type { CommandDeclaration } from './command';
import { checkedDays } from './flags';

export const demoCommand: CommandDeclaration = (program, context, done) => {
  program
    .command('demo')
    .description('simulated Ayrshare data into a local demo database, then the report, also written as HTML and PDF')
    .option('--days <n>', 'days of the report (default 30); twice as many are simulated, for the comparison')
    .action(async (flags) => done(await demo(flags, context)));
};

/**
 * Collects 2N consecutive days from the built-in simulated Ayrshare server into a demo database of the embedded
 * server, always apart from real data (DATABASE_URL is not used), then prints the report of the last N days (compared
 * with the N before) and writes it as HTML and PDF.
 */
async function demo(flags: { days?: string }, context: RunContext): Promise<number> {
  const days = checkedDays(flags.days);
  const env = readLocalEnvironment({ ...context.env, DATABASE_URL: undefined });
  const progress = progressWriter(context);
  if (context.env.DATABASE_URL)
    progress('demo keeps simulated data apart: it uses the local embedded database, not DATABASE_URL.');
  const simulator = await startSimulatedAyrshare();
  context.cleanups.add(simulator.close);
  const timeZone = env.timeZone;
  const settings: CollectorSettings = {
    apiKey: 'DEMO-KEY-NOT-SECRET',
    // A fully configured account: the simulator refuses X without X app credentials, as Ayrshare does.
    xCredentials: { apiKey: 'DEMO-X-KEY-NOT-SECRET', apiSecret: 'DEMO-X-SECRET-NOT-SECRET' },
    baseUrl: simulator.baseUrl,
    profiles: [{ name: 'demo' }],
    platforms: env.platforms,
    timeZone,
  };
  const lastDay = today(timeZone, context);
  const report = await withDatabase(env, DEMO_DATABASE, context, async (db) => {
    const statuses: Record<string, number> = { success: 0, partial: 0, error: 0 };
    // Twice the window: the report compares it with the window before, which needs data too.
    for (let offset = 2 * days - 1; offset >= 0; offset -= 1) {
      const date = addDays(lastDay, -offset);
      simulator.setDate(date);
      const summary = await runCollection(settings, date, { db, httpPolicy: context.httpPolicy });
      statuses[summary.status] += 1;
      const failed = summary.failed.map((f) => ` (${f.platform} failed: ${f.reason})`).join('');
      progress(`  ${date}  ${summary.status.padEnd(7)} ${summary.platforms_tracked} platform(s) stored${failed}`);
    }
    progress(
      `Collected ${2 * days} day(s): ${statuses.success} success, ${statuses.partial} partial, ${statuses.error} error.`,
    );
    return loadReport(db, { days, asOf: lastDay }, context.now?.());
  });
  const banner = '*** SIMULATED DATA: produced by the built-in demo server, not by your Ayrshare account. ***';
  const folder = env.dataDir ?? path.join(PROJECT_ROOT, '.data');
  const htmlPath = path.join(folder, 'demo-report.html');
  const pdfPath = path.join(folder, 'demo-report.pdf');
  context.stdout.write(
    `${renderReport(report, 'table', { banner })}\n${banner}\n\nThe report with charts, as HTML (open it in a browser) and PDF:\n`,
  );
  const html = renderReport(report, 'html', {
    banner: 'Simulated data: produced by the built-in demo server, not by your Ayrshare account.',
  });
  await emitReport(html, htmlPath, context);
  progress('Printing the PDF with headless Chromium...');
  try {
    await emitReport((await renderPdf(html, { paper: 'a4' })).pdf, pdfPath, context);
  } catch (error) {
    // Without a Chromium here (macOS, ARM), the demo still shows everything else.
    if (!(error instanceof ChromiumError && error.reason === 'not-found')) throw error;
    progress(`No PDF: ${error.message}`);
  }
  return EXIT.success;
}
