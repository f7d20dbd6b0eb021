-- The documented dashboard query, unchanged: daily growth over 30 days. With several profiles, rows of different
-- profiles on one platform follow each other in the growth column; use daily-growth for a per-profile answer.
SELECT date, platform, followers_count,
       followers_count - LAG(followers_count) OVER (PARTITION BY platform ORDER BY date) AS daily_growth
FROM social_media_analytics WHERE date >= CURRENT_DATE - INTERVAL '30 days' ORDER BY date DESC, platform;
