// `status` requests: the last run's outcome from the ledger, for `ayrshare-tracker doctor --remote`.
import { readReaderEnvironment } from '../core/deployed-config';
import { latestRun, type LatestRun } from '../storage/ledger';
import type { StatusEvent } from './events';
import type { Runtime } from './runtime';

export interface StatusAnswer {
  status: 'ayrshare-analytics-tracker';
  lastRun: LatestRun | null;
}

export async function handleStatus(_event: StatusEvent, runtime: Runtime): Promise<StatusAnswer> {
  return runtime.withDatabase(readReaderEnvironment(process.env), async (db) => ({
    status: 'ayrshare-analytics-tracker',
    lastRun: await latestRun(db),
  }));
}
