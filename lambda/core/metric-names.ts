// Names the deployed function and the stack must agree on (the heartbeat alarm watches this metric).
export const SERVICE_NAME = 'ayrshare-tracker';
export const METRICS_NAMESPACE = 'AyrshareTracker';
/** Emitted once per run that stored at least one platform (status success or partial). */
export const SUCCESSFUL_RUN_METRIC = 'SuccessfulRuns';
/** Per run (dimension service only): platforms stored and failed, and the heartbeat. */
export const RUN_METRICS = {
  stored: 'PlatformsStored',
  failed: 'PlatformsFailed',
  succeeded: SUCCESSFUL_RUN_METRIC,
} as const;
/** Per profile and platform (dimensions profile, platform, service): what the dashboard graphs. */
export const PLATFORM_METRICS = {
  followers: 'Followers',
  engagementRate: 'EngagementRate',
  growth: 'FollowerGrowth',
  /** 1 when the platform was stored, 0 when it failed. */
  collected: 'PlatformCollected',
} as const;
