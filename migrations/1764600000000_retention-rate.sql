-- YouTube's own retention: averageViewPercentage, the average share of a video watched (in %, can pass 100 when
-- viewers rewatch). NUMERIC(20, 2) like the other decimal figures, which are bounded below 2^53 before storing.
-- The report view gains it at the end (CREATE OR REPLACE VIEW may only add columns after the existing ones).
-- Up Migration
ALTER TABLE social_media_analytics ADD COLUMN retention_rate NUMERIC(20, 2);

CREATE OR REPLACE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count,
       s.engagement_rate_basis, s.anomaly, s.left_out,
       s.retention_rate
FROM social_media_analytics s;

-- Down Migration
DROP VIEW report_daily_growth;
CREATE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count,
       s.engagement_rate_basis, s.anomaly, s.left_out
FROM social_media_analytics s;
ALTER TABLE social_media_analytics DROP COLUMN retention_rate;
