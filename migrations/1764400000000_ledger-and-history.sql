-- Trustworthy history: a ledger of every collection attempt and every platform's outcome, the distance
-- each growth figure spans, the basis of each engagement rate, anomaly flags, left-out figures, and metric drift.
-- Up Migration

-- Days between a snapshot and the one its growth_velocity is measured from (NULL on the first snapshot).
ALTER TABLE social_media_analytics ADD COLUMN days_since_previous INTEGER;
-- What engagement_rate is a percentage of: "12 %" always says 12 % of what.
ALTER TABLE social_media_analytics ADD COLUMN engagement_rate_basis TEXT
    CHECK (engagement_rate_basis IN ('reach', 'impressions', 'views'));
-- A plain sentence when the follower count fell to zero or moved more than the threshold; the row is kept.
ALTER TABLE social_media_analytics ADD COLUMN anomaly TEXT;
-- Mapped fields Ayrshare sent but that could not be stored as numbers: [{"field": "...", "reason": "..."}].
ALTER TABLE social_media_analytics ADD COLUMN left_out JSONB NOT NULL DEFAULT '[]';

UPDATE social_media_analytics s SET days_since_previous = s.date - prev.date
FROM (
    SELECT id, LAG(date) OVER (PARTITION BY profile, platform ORDER BY date) AS date FROM social_media_analytics
) prev
WHERE prev.id = s.id AND prev.date IS NOT NULL;

UPDATE social_media_analytics SET engagement_rate_basis = CASE
        WHEN reach > 0 THEN 'reach' WHEN impressions > 0 THEN 'impressions' WHEN views_total > 0 THEN 'views' END
WHERE engagement_rate IS NOT NULL;

-- One row per collection attempt of one profile for one snapshot date.
CREATE TABLE collection_runs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile         TEXT        NOT NULL,
    snapshot_date   DATE        NOT NULL,
    trigger         TEXT        NOT NULL CHECK (trigger IN ('schedule', 'manual', 'retry')),
    -- The Lambda request id (the same on Lambda's own retries of an event), or NULL from the command line.
    invocation_id   TEXT,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    outcome         TEXT        NOT NULL CHECK (outcome IN ('success', 'partial', 'error')),
    requests        INTEGER     NOT NULL,
    rate_limited    INTEGER     NOT NULL,
    rate_limit      JSONB       NOT NULL DEFAULT '{}'
);
CREATE INDEX collection_runs_profile_date_idx ON collection_runs (profile, snapshot_date);
CREATE INDEX collection_runs_invocation_idx ON collection_runs (invocation_id) WHERE invocation_id IS NOT NULL;

-- Per run and platform: stored, failed (with a class and the message) or missing from Ayrshare's answer.
CREATE TABLE platform_outcomes (
    run_id          BIGINT NOT NULL REFERENCES collection_runs (id) ON DELETE CASCADE,
    profile         TEXT   NOT NULL,
    platform        TEXT   NOT NULL,
    snapshot_date   DATE   NOT NULL,
    outcome         TEXT   NOT NULL CHECK (outcome IN ('stored', 'failed', 'missing')),
    error_class     TEXT,
    message         TEXT,
    PRIMARY KEY (run_id, platform)
);
CREATE INDEX platform_outcomes_key_idx ON platform_outcomes (profile, platform, snapshot_date);
CREATE INDEX platform_outcomes_date_idx ON platform_outcomes (snapshot_date);

-- A field that was there for several snapshots and went away, turned null or changed type; or a new field.
-- One row per change and day: the alert goes out when the row is new, so it is said once.
CREATE TABLE metric_drift (
    profile         TEXT        NOT NULL,
    platform        TEXT        NOT NULL,
    field           TEXT        NOT NULL,
    change          TEXT        NOT NULL CHECK (change IN ('disappeared', 'turned_null', 'changed_type', 'appeared')),
    detail          TEXT        NOT NULL,
    detected_on     DATE        NOT NULL,
    detected_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (profile, platform, field, change, detected_on)
);

-- For every profile and platform the tracker has heard of, every day from its first record to today: collected,
-- failed or missing (the latest attempt's outcome and reason), or never ran.
CREATE VIEW collection_ledger AS
WITH keys AS (
    SELECT profile, platform, MIN(first_day) AS first_day FROM (
        SELECT profile, platform, MIN(date) AS first_day FROM social_media_analytics GROUP BY 1, 2
        UNION ALL
        SELECT profile, platform, MIN(snapshot_date) FROM platform_outcomes GROUP BY 1, 2
    ) k GROUP BY 1, 2
)
SELECT d::date AS date, k.profile, k.platform,
       CASE WHEN s.id IS NOT NULL THEN 'collected' WHEN o.outcome IS NOT NULL THEN o.outcome ELSE 'never ran' END AS status,
       CASE WHEN s.id IS NULL THEN o.error_class END AS error_class,
       CASE WHEN s.id IS NULL THEN o.message END AS reason,
       s.anomaly,
       o.attempts
FROM keys k
CROSS JOIN LATERAL generate_series(k.first_day, GREATEST(k.first_day, CURRENT_DATE), interval '1 day') d
LEFT JOIN social_media_analytics s ON s.profile = k.profile AND s.platform = k.platform AND s.date = d::date
LEFT JOIN LATERAL (
    SELECT po.outcome, po.error_class, po.message, COUNT(*) OVER () AS attempts
    FROM platform_outcomes po JOIN collection_runs r ON r.id = po.run_id
    WHERE po.profile = k.profile AND po.platform = k.platform AND po.snapshot_date = d::date
    ORDER BY r.started_at DESC, r.id DESC
    LIMIT 1
) o ON true;

-- The report view reads the stored distance now, and shows the basis, any anomaly and the figures left out.
CREATE OR REPLACE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count,
       s.engagement_rate_basis, s.anomaly, s.left_out
FROM social_media_analytics s;

-- Down Migration
CREATE OR REPLACE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count, s.growth_velocity AS daily_growth,
       s.date - prev.date AS days_since_previous, s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count
FROM social_media_analytics s
LEFT JOIN LATERAL (SELECT p.date FROM social_media_analytics p WHERE p.profile = s.profile AND p.platform = s.platform AND p.date < s.date ORDER BY p.date DESC LIMIT 1) prev ON true;
DROP VIEW collection_ledger;
DROP TABLE metric_drift;
DROP TABLE platform_outcomes;
DROP TABLE collection_runs;
ALTER TABLE social_media_analytics DROP COLUMN left_out, DROP COLUMN anomaly, DROP COLUMN engagement_rate_basis, DROP COLUMN days_since_previous;
