-- Each profile's 5 best posts published in the last 30 days (today included), by their latest engagement (defined
-- per network in docs/metrics.md), with the figures, the link, and how much the engagement grew since the snapshot
-- before.
SELECT profile, rank, platform, posted_at, post_url, left(post_text, 80) AS post_text, likes, comments, shares,
       impressions, views, engagement, engagement_growth, snapshot_date
FROM report_top_posts(30, CURRENT_DATE, 5) ORDER BY profile, rank;
