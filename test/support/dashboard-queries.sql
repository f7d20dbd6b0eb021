-- The users' dashboard queries, unchanged from docs/metrics.md ("Dashboard queries"). Tests run them as they are.
-- Daily growth
SELECT date, platform, followers_count,
       followers_count - LAG(followers_count) OVER (PARTITION BY platform ORDER BY date) AS daily_growth
FROM social_media_analytics WHERE date >= CURRENT_DATE - INTERVAL '30 days' ORDER BY date DESC, platform;
-- Best performing platform
SELECT platform, AVG(engagement_rate) AS avg_engagement FROM social_media_analytics
WHERE date >= CURRENT_DATE - INTERVAL '7 days' GROUP BY platform ORDER BY avg_engagement DESC;
-- Weekly summary
SELECT platform, MAX(followers_count) - MIN(followers_count) AS follower_growth,
       SUM(engagement_total) AS total_engagement, AVG(engagement_rate) AS avg_engagement_rate
FROM social_media_analytics WHERE date >= CURRENT_DATE - INTERVAL '7 days' GROUP BY platform;
