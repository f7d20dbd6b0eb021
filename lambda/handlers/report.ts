// `report` requests: the report's JSON for `ayrshare-tracker report --remote`, read with the function's own access.
import type { ReportAction, ReportData } from '../core/contracts';
import { readReaderEnvironment } from '../core/deployed-config';
import { loadReport } from '../storage/reports';
import type { Runtime } from './runtime';

export async function handleReport(request: ReportAction, runtime: Runtime): Promise<ReportData> {
  const { action: _action, ...window } = request;
  return runtime.withDatabase(readReaderEnvironment(process.env), (db) => loadReport(db, window, runtime.now()));
}
