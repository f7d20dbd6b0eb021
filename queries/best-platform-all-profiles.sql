-- The documented dashboard query, unchanged: best performing platform over 7 days, all profiles averaged together;
-- use best-platform for a per-profile answer.
SELECT platform, AVG(engagement_rate) AS avg_engagement FROM social_media_analytics
WHERE date >= CURRENT_DATE - INTERVAL '7 days' GROUP BY platform ORDER BY avg_engagement DESC;
