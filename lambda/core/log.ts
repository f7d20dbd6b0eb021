// The pipeline's logging seam: the CLI prints progress on stderr, the Lambda hands in Powertools Logger.

export interface Log {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined };

/** What the edges (handlers, CLI) log with: the pipeline's seam, plus errors. */
export interface EdgeLog extends Log {
  error(message: string, data?: Record<string, unknown>): void;
}
