-- One row per weekly digest sent, so a retried or repeated run never sends the same week twice.
-- Up Migration
CREATE TABLE weekly_digests (
    week_ending DATE        PRIMARY KEY,
    sent_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE weekly_digests;
