// `report` requests: the report's JSON for `ayrshare-tracker report --remote`, read with the function's own access.
import { readReaderEnvironment } from '../core/deployed-config';
import { loadReport, type ReportData } from '../storage/reports';
import type { ReportEvent } from './events';
import type { Runtime } from './runtime';

export async function handleReport(event: ReportEvent, runtime: Runtime): Promise<ReportData> {
  const { action: _action, ...request } = event;
  return runtime.withDatabase(readReaderEnvironment(process.env), (db) => loadReport(db, request, runtime.now()));
}
