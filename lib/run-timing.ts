// How long a daily run can keep the database busy, from the retry settings the stack deploys: the schedule's own
// retries, Lambda's asynchronous retry, and the fan-out chunks' redeliveries. The maintenance and backup windows
// keep clear of all of it, and economy mode keeps the database and the NAT awake for exactly that long.

/** The retry settings of one mode, in minutes; the constructs deploy these very values. */
export interface RunRetryPolicy {
  /** EventBridge Scheduler keeps retrying the invocation for this long. */
  readonly schedulerMaxEventAge: number;
  /** Lambda keeps an asynchronous event (and its one retry) for this long. */
  readonly asyncMaxEventAge: number;
  /** The collector function's timeout. */
  readonly functionTimeout: number;
  /** The fan-out queue's visibility timeout: a failed chunk comes back after this long. */
  readonly chunkVisibility: number;
  /** Deliveries of a chunk before it goes to the dead-letter queue. */
  readonly chunkReceives: number;
}

/** Always on: generous retries, the database is there all day. */
export const STANDARD_RETRIES: RunRetryPolicy = {
  schedulerMaxEventAge: 60,
  asyncMaxEventAge: 120,
  functionTimeout: 5,
  // Six times the function timeout, AWS's advice for a Lambda event source.
  chunkVisibility: 30,
  chunkReceives: 3,
};

/**
 * Economy mode: the same number of retries, closer together, so the awake window stays short. Scheduler retries only
 * a failed invocation (throttling, an unavailable service), which 5 minutes covers; Lambda retries a failed run about
 * a minute after it ends, which 10 minutes covers.
 */
export const ECONOMY_RETRIES: RunRetryPolicy = {
  schedulerMaxEventAge: 5,
  asyncMaxEventAge: 10,
  functionTimeout: 5,
  // A minute above the function timeout, as Lambda requires it to be above.
  chunkVisibility: 6,
  chunkReceives: 3,
};

export function retriesFor(economy: boolean): RunRetryPolicy {
  return economy ? ECONOMY_RETRIES : STANDARD_RETRIES;
}

/**
 * Minutes from the scheduled time to the end of the last attempt that can still touch the database: the dispatching
 * invocation starts at the latest when both event ages run out and lasts a timeout; its last chunk is redelivered
 * (receives - 1) visibility timeouts later and lasts a timeout too. Without fan-out the span is shorter, never longer.
 */
export function runSpanMinutes(policy: RunRetryPolicy): number {
  const lastDispatch = policy.schedulerMaxEventAge + policy.asyncMaxEventAge + policy.functionTimeout;
  return lastDispatch + (policy.chunkReceives - 1) * policy.chunkVisibility + policy.functionTimeout;
}
