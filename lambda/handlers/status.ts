// `status` requests: the last run's outcome from the ledger, for `ayrshare-tracker doctor --remote`.
import { TRACKER_MARK, type StatusAction, type StatusAnswer } from '../core/contracts';
import { readReaderEnvironment } from '../core/deployed-config';
import { latestRun } from '../storage/ledger';
import type { Runtime } from './runtime';

export async function handleStatus(_request: StatusAction, runtime: Runtime): Promise<StatusAnswer> {
  return runtime.withDatabase(readReaderEnvironment(process.env), async (db) => ({
    status: TRACKER_MARK,
    lastRun: await latestRun(db),
  }));
}
