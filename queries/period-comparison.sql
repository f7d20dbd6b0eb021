-- Each profile and platform over the last 30 days (today included) next to the 30 days before: follower growth, total
-- engagement and average engagement rate, each with its change and its change in percent. The previous figures are
-- empty when the earlier window has no snapshot; a percentage is empty when the earlier figure is 0 or missing.
SELECT profile, platform, from_date, to_date,
       follower_growth, previous_follower_growth, follower_growth_change, follower_growth_change_pct,
       total_engagement, previous_total_engagement, total_engagement_change, total_engagement_change_pct,
       avg_engagement_rate, previous_avg_engagement_rate, avg_engagement_rate_change, avg_engagement_rate_change_pct,
       days_collected, previous_days_collected
FROM report_period_comparison(30, CURRENT_DATE) ORDER BY profile, platform;
