-- What Ayrshare's 2026 answers say beyond the figures:
--   source_updated_at  the block's lastUpdated: when Ayrshare last refreshed the figures (NULL when not sent);
--   refreshed          false when lastUpdated did not move since the previous snapshot: the figures are yesterday's,
--                      so the day's growth is unknown (NULL), and the next refreshed day's growth spans the gap;
--                      true when it moved; NULL when Ayrshare sent no lastUpdated (nothing to tell);
--   not_computed       the mapped fields the network declined to compute that day (Ayrshare's -1), stored as NULL.
-- The ledger gains the outcome 'stale': stored, but not refreshed. The report view shows refreshed at its end.
-- Up Migration
ALTER TABLE social_media_analytics
  ADD COLUMN source_updated_at TIMESTAMPTZ,
  ADD COLUMN refreshed BOOLEAN,
  ADD COLUMN not_computed JSONB NOT NULL DEFAULT '[]';

ALTER TABLE platform_outcomes DROP CONSTRAINT platform_outcomes_outcome_check;
ALTER TABLE platform_outcomes ADD CONSTRAINT platform_outcomes_outcome_check
  CHECK (outcome IN ('stored', 'stale', 'failed', 'missing'));

CREATE OR REPLACE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count,
       s.engagement_rate_basis, s.anomaly, s.left_out,
       s.retention_rate,
       s.refreshed, s.source_updated_at
FROM social_media_analytics s;

-- Down Migration
DROP VIEW report_daily_growth;
CREATE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count,
       s.engagement_rate_basis, s.anomaly, s.left_out,
       s.retention_rate
FROM social_media_analytics s;
UPDATE platform_outcomes SET outcome = 'stored' WHERE outcome = 'stale';
ALTER TABLE platform_outcomes DROP CONSTRAINT platform_outcomes_outcome_check;
ALTER TABLE platform_outcomes ADD CONSTRAINT platform_outcomes_outcome_check
  CHECK (outcome IN ('stored', 'failed', 'missing'));
ALTER TABLE social_media_analytics DROP COLUMN not_computed, DROP COLUMN refreshed, DROP COLUMN source_updated_at;
