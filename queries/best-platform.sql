-- Platforms ranked per profile by average engagement rate over the last 7 days (today included); rank 1 is the
-- report's best performer (ties go to the higher total engagement, then the name).
SELECT profile, rank, platform, avg_engagement_rate, total_engagement, days_collected
FROM report_best_platform(7, CURRENT_DATE) ORDER BY profile, rank;
