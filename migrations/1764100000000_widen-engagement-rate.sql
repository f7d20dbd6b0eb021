-- engagement_rate is not capped (docs/metrics.md): engagement can be many times its basis. NUMERIC(14, 2) overflowed
-- past 10^12 % and failed the whole run's transaction; NUMERIC(20, 2) holds every rate of counts below 2^53 on a
-- basis of 1 or more. Widening the precision keeps the scale, so PostgreSQL needs no table rewrite.
-- Up Migration
ALTER TABLE social_media_analytics ALTER COLUMN engagement_rate TYPE NUMERIC(20, 2);

-- Down Migration
ALTER TABLE social_media_analytics ALTER COLUMN engagement_rate TYPE NUMERIC(14, 2);
