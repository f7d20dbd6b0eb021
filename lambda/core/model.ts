// The tracker's data, as plain types: what a run is configured with, what it stores, and what it reports. Every
// module shares these; none of them owns them.

import type { EngagementBasis, MetricColumn, Platform } from './platform-names';

/** One Ayrshare profile to collect: `profileKey` is omitted for the account's primary profile. */
export interface Profile {
  /** Stored in the `profile` column and shown in reports and alerts; never the key itself. */
  name: string;
  profileKey?: string;
}

/** The account owner's own X app credentials, which Ayrshare needs for every X/Twitter request since 2026-03-31. */
export interface XCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface CollectorSettings {
  apiKey: string;
  baseUrl: string;
  profiles: Profile[];
  platforms: Platform[];
  timeZone: string;
  /** Profiles fetched at the same time. @default the concurrency setting's */
  concurrency?: number;
  /** A follower count moving more than this share of the previous one is flagged. @default the setting's */
  anomalyThreshold?: number;
  /** The account owner's X app credentials; without them X/Twitter is not asked and fails as x_credentials. */
  xCredentials?: XCredentials;
  /** Answers larger than this are refused. @default DEFAULT_MAX_ANSWER_MB MB */
  maxAnswerBytes?: number;
  /** Also collect each network's recent posts (GET /api/history/:platform). @default the posts setting's */
  posts?: boolean;
}

/** The numeric columns of one snapshot row, NULL where the platform did not report the figure. */
export type Metrics = Record<MetricColumn, number | null>;

/** One mapped field that could not be used: its value is left out of the row, the rest of the platform is kept. */
export interface FieldProblem {
  field: string;
  /** "views is too large to store exactly (got 9007199254740992)" */
  reason: string;
}

export interface Snapshot {
  profile: string;
  platform: string;
  date: string;
  metrics: Metrics;
  engagement_rate: number | null;
  engagement_rate_basis: EngagementBasis | null;
  content_efficiency: number | null;
  raw_data: Record<string, unknown>;
  /** Mapped fields that could not be stored as numbers (their columns stay NULL). */
  left_out: FieldProblem[];
  /** Mapped fields the network declined to compute today (Ayrshare's -1): NULL, and never counted. */
  not_computed: string[];
  /** When Ayrshare last refreshed this platform's figures (its `lastUpdated`), or null when it did not say. */
  source_updated_at: string | null;
  /** The platform block's `warning` list (kept in raw_data too). */
  warnings: AyrshareWarning[];
}

/** One entry of a platform block's `warning` list: Ayrshare's code and message (395: Meta withholds demographics). */
export interface AyrshareWarning {
  code: number | string;
  message: string;
}

/** The nearest stored snapshot before or after a run's date, as much of it as derivation needs. */
export interface NeighbourSnapshot {
  id: number;
  followers_count: number | null;
  date: string;
  left_out: FieldProblem[];
  /** Whether it had at least one mapped figure. */
  has_metrics: boolean;
  /** Its `lastUpdated`, to tell whether today's figures are new. */
  source_updated_at: string | null;
  not_computed: string[];
}

/** The key of a profile's platform in the maps a run builds (storage fills them, derivation reads them). */
export const keyOf = (profile: string, platform: string) => `${profile}\u0000${platform}`;

/** What a later snapshot derives from its previous one, recomputed after a back-fill or correction. */
export interface DerivedCorrection {
  id: number;
  growth_velocity: number | null;
  days_since_previous: number;
  anomaly: string | null;
}

/** A snapshot with what it derives from the previous one. */
export interface StoredSnapshot extends Snapshot {
  growth_velocity: number | null;
  days_since_previous: number | null;
  anomaly: string | null;
  /** false: Ayrshare's lastUpdated did not move since the previous snapshot (growth unknown); null: not said. */
  refreshed: boolean | null;
}

export type RunTrigger = 'schedule' | 'manual' | 'retry';

/** One profile's collection attempt, for the ledger. */
export interface RunRecord {
  profile: string;
  trigger: RunTrigger;
  /** Lambda's request id: the same on Lambda's own retries of one event, which makes the trigger "retry". */
  invocationId?: string;
  startedAt: Date;
  finishedAt: Date;
  requests: number;
  rateLimited: number;
  rateLimit: Record<string, string>;
}

/**
 * Why a platform was not stored, in a few words a user can act on (alerts pick their advice by it):
 * - auth: Ayrshare refused the API key or Profile-Key (401/403);
 * - request: Ayrshare refused the request itself (400, 404 and other 4xx): wrong base URL or platform list;
 * - rate_limited: 429 until the retries or the time budget ran out;
 * - server: 5xx, or a 2xx answer that is not usable JSON, or a top-level error without platform detail;
 * - network: no answer (timeout, refused or reset connection, DNS);
 * - not_linked: the platform is missing from the answer (not linked to the profile);
 * - platform_error: the platform's own block carries an error (token expired, network refused);
 * - invalid_data: the figures fail validation, or an empty block would replace a non-empty history;
 * - database: PostgreSQL was unreachable or the write failed (the whole run was rolled back);
 * - time_budget: the run's shared deadline passed before this profile could be asked (or asked again);
 * - x_credentials: X/Twitter needs the account owner's own X app credentials, and they are missing or refused;
 * - no_data: Ayrshare answered that no platform returned data (its code 187).
 */
export type FailureClass =
  | 'auth'
  | 'request'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'not_linked'
  | 'platform_error'
  | 'invalid_data'
  | 'database'
  | 'time_budget'
  | 'x_credentials'
  | 'no_data';

export interface FailedPlatform {
  profile: string;
  platform: string;
  reason: string;
  /** What kind of failure, for scripts and for the alert's advice (see FailureClass). */
  error_class: FailureClass;
  /** From the ledger: the first of the failed days since the last stored snapshot, and how many there were. */
  failing_since?: string;
  failed_days?: number;
}

export type DriftChange = 'disappeared' | 'turned_null' | 'changed_type' | 'appeared';

/** A change in what Ayrshare sends for a platform. */
export interface DriftEvent {
  profile: string;
  platform: string;
  field: string;
  change: DriftChange;
  /** A plain sentence for the alert and the drift table. */
  detail: string;
}

/** A figure left out that the previous snapshot did have: said in the alert once, not every day after. */
export interface LeftOutWarning extends FieldProblem {
  profile: string;
  platform: string;
}

/** A field the network declined to compute (-1), said the first day it is so, not every day after. */
export interface NotComputed {
  profile: string;
  platform: string;
  field: string;
}

/** A warning code not seen before for the profile and platform: said once. */
export interface NewWarning extends AyrshareWarning {
  profile: string;
  platform: string;
}

/** A platform whose figures Ayrshare has not refreshed for several snapshots in a row. */
export interface StaleStreak {
  profile: string;
  platform: string;
  /** The first not-refreshed snapshot of the streak, and how many there are. */
  since: string;
  days: number;
  /** Ayrshare's lastUpdated of those figures. */
  last_updated: string | null;
}

/** A follower count that moved more than the threshold (or fell to zero). */
export interface FlaggedSnapshot {
  profile: string;
  platform: string;
  previous: number;
  current: number;
  note: string;
}

export type RunStatus = 'success' | 'partial' | 'error';

/** What a run stored but wants a person to look at; each list is present only when it has entries. */
export interface RunFindings {
  anomalies?: FlaggedSnapshot[];
  drift?: DriftEvent[];
  left_out?: LeftOutWarning[];
  /** Fields newly not computed by their network (stored as NULL): said once, not a problem. */
  not_computed?: NotComputed[];
  /** Warning codes Ayrshare sent for the first time for that profile and platform. */
  warnings?: NewWarning[];
  /** Platforms not refreshed for STALE_ALERT_DAYS snapshots or more in a row. */
  stale?: StaleStreak[];
}

export interface ProfileSummary {
  profile: string;
  status: RunStatus;
  platforms_tracked: number;
  total_followers: number;
  total_engagement: number;
  top_performer: string | null;
  failed: FailedPlatform[];
}

/** One post of one network on one snapshot date (post_snapshots). */
export interface PostSnapshot {
  profile: string;
  platform: string;
  post_id: string;
  post_url: string | null;
  /** ISO instant. */
  posted_at: string;
  post_text: string | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  impressions: number | null;
  views: number | null;
  engagement: number | null;
  raw_data: Record<string, unknown>;
}

/** One network's history request in the ledger (post_outcomes). */
export interface PostOutcome {
  profile: string;
  platform: string;
  outcome: 'stored' | 'failed';
  /** Posts stored (0 when failed). */
  posts: number;
  error_class: FailureClass | null;
  /** Why it failed, or what was skipped; null when there is nothing to say. */
  message: string | null;
}

/** The history requests of a run, on their own line: they never change the run's status. */
export interface PostsSummary {
  /** Post snapshots stored. */
  stored: number;
  /** Networks whose post history was stored (profile and network pairs). */
  networks: number;
  failed: FailedPlatform[];
}

/** What the CLI prints with --json and what the Lambda returns. */
export interface RunSummary extends Omit<ProfileSummary, 'profile'>, RunFindings {
  date: string;
  /** Present when posts were asked for. */
  posts?: PostsSummary;
  /** Present when the run covered several profiles. */
  profiles?: ProfileSummary[];
}
