-- Followers and daily growth per profile and platform over the last 30 days (today included), newest first, exactly
-- as the report computes them: growth since the previous stored day of the same profile and platform, and how many
-- days that spans (more than 1 across a gap).
SELECT date, profile, platform, followers_count, daily_growth, days_since_previous
FROM report_daily_growth WHERE date > CURRENT_DATE - 30 AND date <= CURRENT_DATE
ORDER BY date DESC, profile, platform;
