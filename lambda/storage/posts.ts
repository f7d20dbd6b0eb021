// Post snapshots (post_snapshots) and the ledger of the history requests (post_outcomes). All SQL; the pipeline
// decides what to store.
import type pg from 'pg';
import type { PostOutcome, PostSnapshot } from '../core/model';

/** Rows per statement: 14 values each stays far below PostgreSQL's 65,535 parameters, and one JSON document. */
const POSTS_PER_STATEMENT = 2_000;

const UPSERT_POSTS_SQL = `
INSERT INTO post_snapshots (profile, platform, post_id, snapshot_date, post_url, posted_at, post_text, likes, comments,
                            shares, impressions, views, engagement, raw_data)
SELECT p.profile, p.platform, p.post_id, $1::date, p.post_url, p.posted_at, p.post_text, p.likes, p.comments, p.shares,
       p.impressions, p.views, p.engagement, p.raw_data
FROM jsonb_to_recordset($2::jsonb) AS p(profile text, platform text, post_id text, post_url text, posted_at timestamptz,
                                         post_text text, likes bigint, comments bigint, shares bigint,
                                         impressions bigint, views bigint, engagement bigint, raw_data jsonb)
ON CONFLICT (profile, platform, post_id, snapshot_date) DO UPDATE SET
  post_url = EXCLUDED.post_url, posted_at = EXCLUDED.posted_at, post_text = EXCLUDED.post_text,
  likes = EXCLUDED.likes, comments = EXCLUDED.comments, shares = EXCLUDED.shares, impressions = EXCLUDED.impressions,
  views = EXCLUDED.views, engagement = EXCLUDED.engagement, raw_data = EXCLUDED.raw_data, collected_at = now()`;

/** Stores one date's post snapshots; the same post on the same date again replaces its figures (a re-run). */
export async function upsertPosts(client: pg.ClientBase, date: string, posts: readonly PostSnapshot[]): Promise<void> {
  for (let start = 0; start < posts.length; start += POSTS_PER_STATEMENT) {
    await client.query(UPSERT_POSTS_SQL, [date, JSON.stringify(posts.slice(start, start + POSTS_PER_STATEMENT))]);
  }
}

const INSERT_POST_OUTCOMES_SQL = `
INSERT INTO post_outcomes (run_id, profile, platform, snapshot_date, outcome, posts, error_class, message)
SELECT r.run_id, r.profile, r.platform, $1::date, r.outcome, r.posts, r.error_class, r.message
FROM jsonb_to_recordset($2::jsonb) AS r(run_id bigint, profile text, platform text, outcome text, posts integer,
                                         error_class text, message text)`;

/** Records each history request's outcome under its profile's run of the day. */
export async function recordPostOutcomes(
  client: pg.ClientBase,
  date: string,
  runIds: ReadonlyMap<string, number>,
  outcomes: readonly PostOutcome[],
): Promise<void> {
  const rows = outcomes.flatMap((o) => {
    const runId = runIds.get(o.profile);
    return runId === undefined ? [] : [{ ...o, run_id: runId }];
  });
  if (rows.length > 0) await client.query(INSERT_POST_OUTCOMES_SQL, [date, JSON.stringify(rows)]);
}
