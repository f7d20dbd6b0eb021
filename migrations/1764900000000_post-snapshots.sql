-- Posts and their metrics, day by day (GET /api/history/:platform): one row per post per snapshot date, so a report
-- can rank a period's posts and say how each grew since the previous snapshot.
--   post_id      the network's own id of the post (text: LinkedIn's are URNs);
--   engagement   the interactions of the post as defined per network in docs/metrics.md (NULL when none was sent);
--   raw_data     the post as Ayrshare sent it, through the same boundary as the account snapshots.
-- post_outcomes is the ledger of the history requests, apart from the account's: a failed history never fails the
-- account snapshot, and says why here.
-- Up Migration
CREATE TABLE post_snapshots (
    profile         TEXT        NOT NULL,
    platform        TEXT        NOT NULL,
    post_id         TEXT        NOT NULL,
    snapshot_date   DATE        NOT NULL,
    post_url        TEXT,
    posted_at       TIMESTAMPTZ NOT NULL,
    post_text       TEXT,
    likes           BIGINT CHECK (likes >= 0),
    comments        BIGINT CHECK (comments >= 0),
    shares          BIGINT CHECK (shares >= 0),
    impressions     BIGINT CHECK (impressions >= 0),
    views           BIGINT CHECK (views >= 0),
    engagement      BIGINT CHECK (engagement >= 0),
    raw_data        JSONB       NOT NULL,
    collected_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (profile, platform, post_id, snapshot_date)
);
CREATE INDEX post_snapshots_profile_date_idx ON post_snapshots (profile, snapshot_date);

CREATE TABLE post_outcomes (
    run_id          BIGINT  NOT NULL REFERENCES collection_runs (id) ON DELETE CASCADE,
    profile         TEXT    NOT NULL,
    platform        TEXT    NOT NULL,
    snapshot_date   DATE    NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('stored', 'failed')),
    posts           INTEGER NOT NULL DEFAULT 0,
    error_class     TEXT,
    message         TEXT,
    PRIMARY KEY (run_id, platform)
);
CREATE INDEX post_outcomes_key_idx ON post_outcomes (profile, platform, snapshot_date);

-- Down Migration
DROP TABLE post_outcomes;
DROP TABLE post_snapshots;
