-- The last 7 days (today included) per profile and platform, as the report's weekly table: follower growth (last
-- stored count minus the first), total engagement, average engagement rate, days collected.
SELECT profile, platform, follower_growth, total_engagement, avg_engagement_rate, days_collected
FROM report_period_summary(7, CURRENT_DATE) ORDER BY profile, platform;
