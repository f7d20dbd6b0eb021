// The weekly digest a finished run sends on the digest weekday: once per week (claimed in the database before
// publishing, released when publishing fails), and never failing the run that stored the day.
import type pg from 'pg';
import { errorMessage } from '../core/errors';
import type { EdgeLog } from '../core/log';
import type { Weekday } from '../core/dates';
import type { Alert } from '../notify/alert';
import { digestPlanFor, weeklyDigestText } from '../notify/digest';
import { claimDigest, releaseDigest } from '../storage/digests';
import { loadReport } from '../storage/reports';

export interface WeeklyDigestOptions {
  runDate: string;
  digestDay: Weekday | 'off';
  platforms: string[];
  profiles: string[];
  /** Publishes the digest; false when it could not (the week is then released for the next run to try). */
  publish(digest: Alert): Promise<boolean>;
  log: EdgeLog;
}

export async function sendWeeklyDigest(db: pg.ClientBase, options: WeeklyDigestOptions): Promise<void> {
  const { runDate, digestDay, platforms, profiles, publish, log } = options;
  const plan = digestPlanFor(runDate, digestDay);
  if (!plan) return;
  try {
    if (!(await claimDigest(db, plan.weekEnding))) return;
    const report = await loadReport(db, { days: 7, asOf: plan.weekEnding });
    const digest = weeklyDigestText(plan, report, { profiles, platforms });
    if (await publish(digest)) log.info('Weekly digest sent', { weekEnding: plan.weekEnding });
    else await releaseDigest(db, plan.weekEnding);
  } catch (error) {
    // The digest is a courtesy: its failure never fails the run that stored the day.
    log.error('Could not send the weekly digest', { error: errorMessage(error) });
  }
}
