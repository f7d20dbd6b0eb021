// Validates Ayrshare's analytics answer platform by platform: a bad or missing block fails that platform only.
import { platformBlockSchema, platformErrorSchema, responseEnvelopeSchema, validateAnalytics, type FieldProblem } from './ayrshare-schema';
import { AyrshareResponseError, type FailureClass } from './errors';
import type { Platform } from './platforms';

export type PlatformResult =
  | { platform: Platform; ok: true; analytics: Record<string, unknown>; raw: Record<string, unknown>; problems: FieldProblem[] }
  | { platform: Platform; ok: false; reason: string; failureClass: FailureClass };

/**
 * Splits a success answer into one result per requested platform.
 * Throws AyrshareResponseError only when the answer as a whole is unusable (not an object, or an error envelope).
 */
export function parseSocialAnalytics(body: unknown, platforms: readonly Platform[]): PlatformResult[] {
  const envelope = responseEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new AyrshareResponseError('Ayrshare answered with something that is not a JSON object.');
  }
  if (envelope.data.status === 'error') {
    const message = typeof envelope.data.message === 'string' ? envelope.data.message : 'no message';
    const code = typeof envelope.data.code === 'number' || typeof envelope.data.code === 'string' ? ` (code ${envelope.data.code})` : '';
    throw new AyrshareResponseError(`Ayrshare answered with an error${code}: ${message}`);
  }
  const record = envelope.data as Record<string, unknown>;
  return platforms.map((platform) => parsePlatformBlock(platform, record[platform]));
}

export function parsePlatformBlock(platform: Platform, block: unknown): PlatformResult {
  if (block === undefined || block === null) {
    return { platform, ok: false, reason: 'not in the response (is the account linked in Ayrshare?)', failureClass: 'not_linked' };
  }
  const parsedBlock = platformBlockSchema.safeParse(block);
  if (!parsedBlock.success) {
    return { platform, ok: false, reason: describePlatformError(block), failureClass: 'platform_error' };
  }
  const { analytics, problems } = validateAnalytics(platform, parsedBlock.data.analytics);
  return { platform, ok: true, analytics, raw: parsedBlock.data, problems };
}

/** "error 161: Instagram token expired" from a per-platform error block, or a plain description of what came. */
function describePlatformError(block: unknown): string {
  const parsed = platformErrorSchema.safeParse(block);
  if (parsed.success && (parsed.data.message || parsed.data.code !== undefined || parsed.data.status === 'error')) {
    const code = parsed.data.code !== undefined ? `error ${parsed.data.code}` : 'error';
    return parsed.data.message ? `${code}: ${parsed.data.message}` : `${code} without a message`;
  }
  if (block && typeof block === 'object') return 'no analytics object in the response';
  return `unexpected ${typeof block} instead of an analytics block`;
}
