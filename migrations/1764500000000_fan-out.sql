-- Fan-out: a scheduled run with more profiles than one invocation should fetch is split into chunks sent
-- through SQS. These tables let the chunk that finishes last assemble the run's summary and alert, exactly once.
-- Up Migration
CREATE TABLE fanout_runs (
    run_key         TEXT        PRIMARY KEY,
    snapshot_date   DATE        NOT NULL,
    chunks_total    INTEGER     NOT NULL CHECK (chunks_total > 0),
    profiles_total  INTEGER     NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set by the one chunk that assembled the summary and sent the alert.
    completed_at    TIMESTAMPTZ
);

CREATE TABLE fanout_chunks (
    run_key         TEXT        NOT NULL REFERENCES fanout_runs (run_key) ON DELETE CASCADE,
    chunk           INTEGER     NOT NULL,
    -- The chunk's run summary (failed platforms and findings); a redelivered chunk replaces it.
    summary         JSONB       NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_key, chunk)
);

-- Down Migration
DROP TABLE fanout_chunks;
DROP TABLE fanout_runs;
