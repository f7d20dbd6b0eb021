-- Reusable report queries: the seed's dashboard queries as views and functions, per profile. The seed's
-- raw queries keep working unchanged; these add the profile, true growth (last minus first, which can be negative,
-- where the seed's weekly MAX - MIN is a range) and the distance to the snapshot each growth figure is measured from.
-- Windows of N days end on `as_of` and include it: N = 7 means as_of and the 6 days before.
-- Up Migration

-- One row per snapshot: followers and their change since the most recent earlier snapshot (growth_velocity, kept up
-- to date by every write and back-fill), and how many days lie between the two.
CREATE VIEW report_daily_growth AS
SELECT s.date, s.profile, s.platform, s.followers_count,
       s.growth_velocity AS daily_growth,
       s.date - prev.date AS days_since_previous,
       s.engagement_total, s.engagement_rate, s.content_efficiency, s.posts_count
FROM social_media_analytics s
LEFT JOIN LATERAL (
    SELECT p.date FROM social_media_analytics p
    WHERE p.profile = s.profile AND p.platform = s.platform AND p.date < s.date
    ORDER BY p.date DESC LIMIT 1
) prev ON true;

-- Engagement per post, where both are known.
CREATE VIEW report_content_efficiency AS
SELECT date, profile, platform, engagement_total, posts_count, content_efficiency
FROM social_media_analytics
WHERE content_efficiency IS NOT NULL;

-- Calendar weeks (Monday first), per profile and platform.
CREATE VIEW report_weekly_summary AS
SELECT date_trunc('week', date)::date AS week_start, profile, platform,
       (array_agg(followers_count ORDER BY date DESC) FILTER (WHERE followers_count IS NOT NULL))[1]
     - (array_agg(followers_count ORDER BY date ASC) FILTER (WHERE followers_count IS NOT NULL))[1] AS follower_growth,
       SUM(engagement_total) AS total_engagement,
       ROUND(AVG(engagement_rate), 2) AS avg_engagement_rate,
       COUNT(*) AS days_collected
FROM social_media_analytics
GROUP BY 1, 2, 3;

-- Any window of `days` days ending on `as_of`: first and last followers, growth, engagement, days collected.
CREATE FUNCTION report_period_summary(days integer DEFAULT 7, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (profile text, platform text, first_date date, last_date date, first_followers bigint, last_followers bigint,
               follower_growth bigint, total_engagement numeric, avg_engagement_rate numeric, last_engagement_rate numeric,
               avg_content_efficiency numeric, days_collected bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.profile, s.platform, MIN(s.date), MAX(s.date),
           (array_agg(s.followers_count ORDER BY s.date ASC) FILTER (WHERE s.followers_count IS NOT NULL))[1],
           (array_agg(s.followers_count ORDER BY s.date DESC) FILTER (WHERE s.followers_count IS NOT NULL))[1],
           (array_agg(s.followers_count ORDER BY s.date DESC) FILTER (WHERE s.followers_count IS NOT NULL))[1]
         - (array_agg(s.followers_count ORDER BY s.date ASC) FILTER (WHERE s.followers_count IS NOT NULL))[1],
           SUM(s.engagement_total),
           ROUND(AVG(s.engagement_rate), 2),
           (array_agg(s.engagement_rate ORDER BY s.date DESC) FILTER (WHERE s.engagement_rate IS NOT NULL))[1],
           ROUND(AVG(s.content_efficiency), 2),
           COUNT(*)
    FROM social_media_analytics s
    WHERE s.date > as_of - days AND s.date <= as_of
    GROUP BY s.profile, s.platform
$$;

-- The seed's "best performing platform", per profile, over any window: rank 1 is the best (highest average
-- engagement rate; ties to the higher total engagement, then the name, as the run summary's top_performer).
CREATE FUNCTION report_best_platform(days integer DEFAULT 7, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (profile text, platform text, avg_engagement_rate numeric, total_engagement numeric, days_collected bigint, rank bigint)
LANGUAGE sql STABLE AS $$
    SELECT p.profile, p.platform, p.avg_engagement_rate, p.total_engagement, p.days_collected,
           RANK() OVER (PARTITION BY p.profile ORDER BY p.avg_engagement_rate DESC NULLS LAST, p.total_engagement DESC NULLS LAST, p.platform)
    FROM report_period_summary(days, as_of) p
    ORDER BY p.profile, 6
$$;

-- Down Migration
DROP FUNCTION report_best_platform(integer, date);
DROP FUNCTION report_period_summary(integer, date);
DROP VIEW report_weekly_summary;
DROP VIEW report_content_efficiency;
DROP VIEW report_daily_growth;
