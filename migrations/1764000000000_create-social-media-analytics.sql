-- One snapshot row per (profile, platform, date). Column names are the ones users' dashboard SQL uses
-- (docs/metrics.md); counts are BIGINT because large accounts pass 2^31.
-- Up Migration
CREATE TABLE social_media_analytics (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at         TIMESTAMPTZ   NOT NULL DEFAULT now(),
    date                DATE          NOT NULL,
    profile             TEXT          NOT NULL CHECK (profile <> ''),
    platform            TEXT          NOT NULL CHECK (platform <> ''),
    followers_count     BIGINT,
    following_count     BIGINT,
    subscribers_gained  BIGINT,
    subscribers_lost    BIGINT,
    likes_total         BIGINT,
    comments_total      BIGINT,
    shares_total        BIGINT,
    engagement_total    BIGINT,
    views_total         BIGINT,
    impressions         BIGINT,
    reach               BIGINT,
    profile_views       BIGINT,
    watch_time_minutes  NUMERIC(20, 2),
    avg_view_duration   NUMERIC(20, 2),
    posts_count         BIGINT,
    -- A percentage that can pass 100 and 1000 (engagement larger than its basis).
    engagement_rate     NUMERIC(14, 2),
    growth_velocity     BIGINT,
    content_efficiency  NUMERIC(20, 2),
    raw_data            JSONB         NOT NULL,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT now(),
    CONSTRAINT social_media_analytics_profile_platform_date_key UNIQUE (profile, platform, date)
);

CREATE INDEX social_media_analytics_date_platform_idx ON social_media_analytics (date, platform);
CREATE INDEX social_media_analytics_platform_idx ON social_media_analytics (platform);

COMMENT ON COLUMN social_media_analytics.recorded_at IS 'When the latest values for this row were fetched (updated by re-runs).';
COMMENT ON COLUMN social_media_analytics.created_at IS 'When this row was first inserted (kept by re-runs).';
COMMENT ON COLUMN social_media_analytics.date IS 'Snapshot date in the configured time zone at the scheduled time.';

-- Down Migration
DROP TABLE social_media_analytics;
