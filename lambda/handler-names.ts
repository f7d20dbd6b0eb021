// Names the deployed function and the stack must agree on (the heartbeat alarm watches this metric).
export const SERVICE_NAME = 'ayrshare-tracker';
export const METRICS_NAMESPACE = 'AyrshareTracker';
/** Emitted once per run that stored at least one platform (status success or partial). */
export const SUCCESSFUL_RUN_METRIC = 'SuccessfulRuns';
