-- The documented dashboard query, unchanged: weekly summary, all profiles added together (follower growth is the
-- spread between profiles, not growth, as soon as there are two); use weekly-summary for a per-profile answer.
SELECT platform, MAX(followers_count) - MIN(followers_count) AS follower_growth,
       SUM(engagement_total) AS total_engagement, AVG(engagement_rate) AS avg_engagement_rate
FROM social_media_analytics WHERE date >= CURRENT_DATE - INTERVAL '7 days' GROUP BY platform;
