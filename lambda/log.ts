// The pipeline's logging seam: the CLI prints progress on stderr, the Lambda hands in Powertools Logger.

export interface Log {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined };
