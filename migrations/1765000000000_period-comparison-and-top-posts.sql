-- What a client report shows beyond the window itself, as SQL anyone can run:
--   report_period_comparison(days, as_of)  each profile and platform's window (days days ending as_of) next to the
--     window of the same length just before it: follower growth, total engagement and average engagement rate, each
--     with its change and its change in percent. previous_* are NULL when the earlier window has no snapshot (the
--     report then says "no earlier data", never 0 %); a percentage is NULL when the earlier figure is 0 or missing.
--   report_top_posts(days, as_of, top)  each profile's `top` posts published in the window, ranked by their latest
--     engagement as of as_of (docs/metrics.md defines it per network), with how much each grew since the snapshot
--     before that one. Dates are in the session's time zone (the tracker's).
-- Up Migration
CREATE FUNCTION report_period_comparison(days integer DEFAULT 30, as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (profile text, platform text, from_date date, to_date date, previous_from date, previous_to date,
               follower_growth bigint, previous_follower_growth bigint, follower_growth_change bigint,
               follower_growth_change_pct numeric,
               total_engagement numeric, previous_total_engagement numeric, total_engagement_change numeric,
               total_engagement_change_pct numeric,
               avg_engagement_rate numeric, previous_avg_engagement_rate numeric, avg_engagement_rate_change numeric,
               avg_engagement_rate_change_pct numeric,
               days_collected bigint, previous_days_collected bigint)
LANGUAGE sql STABLE AS $$
    SELECT c.profile, c.platform, as_of - days + 1, as_of, as_of - 2 * days + 1, as_of - days,
           c.follower_growth, p.follower_growth, c.follower_growth - p.follower_growth,
           CASE WHEN p.follower_growth <> 0
                THEN ROUND(100.0 * (c.follower_growth - p.follower_growth) / ABS(p.follower_growth), 1) END,
           c.total_engagement, p.total_engagement, c.total_engagement - p.total_engagement,
           CASE WHEN p.total_engagement <> 0
                THEN ROUND(100.0 * (c.total_engagement - p.total_engagement) / ABS(p.total_engagement), 1) END,
           c.avg_engagement_rate, p.avg_engagement_rate, c.avg_engagement_rate - p.avg_engagement_rate,
           CASE WHEN p.avg_engagement_rate <> 0
                THEN ROUND(100.0 * (c.avg_engagement_rate - p.avg_engagement_rate) / ABS(p.avg_engagement_rate), 1) END,
           c.days_collected, COALESCE(p.days_collected, 0)
    FROM report_period_summary(days, as_of) c
    LEFT JOIN report_period_summary(days, as_of - days) p ON p.profile = c.profile AND p.platform = c.platform
    ORDER BY c.profile, c.platform
$$;

CREATE FUNCTION report_top_posts(days integer DEFAULT 30, as_of date DEFAULT CURRENT_DATE, top integer DEFAULT 5)
RETURNS TABLE (profile text, rank bigint, platform text, post_id text, posted_at timestamptz, post_url text,
               post_text text, snapshot_date date, likes bigint, comments bigint, shares bigint, impressions bigint,
               views bigint, engagement bigint, previous_snapshot_date date, engagement_growth bigint)
LANGUAGE sql STABLE AS $$
    WITH latest AS (
        SELECT DISTINCT ON (s.profile, s.platform, s.post_id) s.*
        FROM post_snapshots s
        WHERE s.snapshot_date <= as_of AND s.posted_at::date BETWEEN as_of - days + 1 AND as_of
        ORDER BY s.profile, s.platform, s.post_id, s.snapshot_date DESC
    ), ranked AS (
        SELECT l.*, ROW_NUMBER() OVER (PARTITION BY l.profile
                                       ORDER BY l.engagement DESC, l.posted_at DESC, l.platform, l.post_id) AS rank
        FROM latest l WHERE l.engagement IS NOT NULL
    )
    SELECT r.profile, r.rank, r.platform, r.post_id, r.posted_at, r.post_url, r.post_text, r.snapshot_date,
           r.likes, r.comments, r.shares, r.impressions, r.views, r.engagement,
           prev.snapshot_date, r.engagement - prev.engagement
    FROM ranked r
    LEFT JOIN LATERAL (
        SELECT p.snapshot_date, p.engagement FROM post_snapshots p
        WHERE p.profile = r.profile AND p.platform = r.platform AND p.post_id = r.post_id
          AND p.snapshot_date < r.snapshot_date
        ORDER BY p.snapshot_date DESC LIMIT 1
    ) prev ON true
    WHERE r.rank <= top
    ORDER BY r.profile, r.rank
$$;

-- Down Migration
DROP FUNCTION report_top_posts(integer, date, integer);
DROP FUNCTION report_period_comparison(integer, date);
