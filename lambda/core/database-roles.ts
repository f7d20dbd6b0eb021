// The tracker's database roles by name: the migrations create them, the stack gives each that logs in its own
// secret, and the migrate function and the local server set their passwords (lambda/storage/roles.ts).

/** Reads and writes the tracker's rows: the deployed collector connects as this role. */
export const COLLECTOR_ROLE = 'tracker_collector';
/** Reads the tracker's tables and report views, read-only by default: `sql`, BI tools. */
export const READER_ROLE = 'tracker_reader';
export const TRACKER_ROLES = [COLLECTOR_ROLE, READER_ROLE] as const;
export type TrackerRole = (typeof TRACKER_ROLES)[number];
