// The weekly digest's claim: one row per week sent, so a retried or repeated run never sends the same week twice.
import type pg from 'pg';

/**
 * Claims the week's digest in the database, so retries and re-runs send it once. Returns false when it was sent
 * already. `release` gives the claim back when publishing failed, so the next run of the week can try again.
 */
export async function claimDigest(db: pg.ClientBase, weekEnding: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO weekly_digests (week_ending) VALUES ($1::date) ON CONFLICT DO NOTHING`,
    [weekEnding],
  );
  return rowCount === 1;
}

export async function releaseDigest(db: pg.ClientBase, weekEnding: string): Promise<void> {
  await db.query(`DELETE FROM weekly_digests WHERE week_ending = $1::date`, [weekEnding]);
}
