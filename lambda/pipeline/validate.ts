// Validates Ayrshare's analytics answer platform by platform: a bad or missing block fails that platform only, a bad
// figure is left out without failing its platform, and a top-level `status: "error"` (Ayrshare sets it when any
// network failed) keeps every block that carries analytics.
import * as z from 'zod';
import { classOfErrorCode } from '../ayrshare/advice';
import {
  countValue,
  decimalValue,
  platformBlockSchema,
  platformErrorSchema,
  responseEnvelopeSchema,
  warningSchema,
} from '../ayrshare/schema';
import { jsonDepth } from '../core/boundary';
import { AyrshareResponseError } from '../core/errors';
import type { AyrshareWarning, FailureClass, FieldProblem } from '../core/model';
import { describeIssues } from '../core/schemas';
import { getPath, hasPath, withPath } from '../metrics/field-paths';
import { DECIMAL_COLUMNS, mappedPaths, type Platform } from '../metrics/platforms';

export type PlatformResult =
  | {
      platform: Platform;
      ok: true;
      analytics: Record<string, unknown>;
      raw: Record<string, unknown>;
      problems: FieldProblem[];
      /** Mapped fields the network declined to compute (Ayrshare's -1). */
      notComputed: string[];
      /** The block's lastUpdated as an ISO instant, or null when absent or unreadable (then in problems). */
      sourceUpdatedAt: string | null;
      warnings: AyrshareWarning[];
    }
  | { platform: Platform; ok: false; reason: string; failureClass: FailureClass };

/** One network's error in the answer's `errors` list: `{ action, status, code, message, platform }`. */
const listedErrorSchema = z.looseObject({
  platform: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  action: z.string().optional(),
});
type ListedError = z.infer<typeof listedErrorSchema>;

/**
 * Splits an answer into one result per requested platform.
 * Throws AyrshareResponseError only when the answer as a whole is unusable (not a JSON object).
 */
export function parseSocialAnalytics(body: unknown, platforms: readonly Platform[]): PlatformResult[] {
  const envelope = responseEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new AyrshareResponseError('Ayrshare answered with something that is not a JSON object.');
  }
  const record = envelope.data as Record<string, unknown>;
  if (envelope.data.status !== 'error')
    return platforms.map((platform) => parsePlatformBlock(platform, record[platform]));

  // A top-level error: usable blocks are kept; every other platform fails with its own error, else the answer's.
  const listed = (Array.isArray(record.errors) ? record.errors : []).flatMap((e) => {
    const parsed = listedErrorSchema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
  const topLevel: ListedError = {
    code: envelope.data.code as ListedError['code'],
    message: envelope.data.message as string | undefined,
    action: envelope.data.action as string | undefined,
    // Ayrshare names the platform of a single-network refusal (X's code 419 does).
    platform: typeof envelope.data.platform === 'string' ? envelope.data.platform.toLowerCase() : undefined,
  };
  // When some platform sent a block, the answer is partial: one that is simply absent is not linked, as in a success.
  const partial = platforms.some((p) => record[p] !== undefined && record[p] !== null);
  return platforms.map((platform): PlatformResult => {
    const block = record[platform];
    const own =
      listed.find((e) => e.platform?.toLowerCase() === platform) ??
      (topLevel.platform === platform ? topLevel : undefined);
    if (platformBlockSchema.safeParse(block).success || hasErrorDetail(block))
      return parsePlatformBlock(platform, block);
    if (own)
      return failure(
        platform,
        own,
        `error${own.code !== undefined ? ` ${own.code}` : ''}: ${own.message ?? 'no message'}`,
        'platform_error',
      );
    if (partial) return parsePlatformBlock(platform, undefined);
    const code = topLevel.code !== undefined ? ` (code ${topLevel.code})` : '';
    return failure(
      platform,
      topLevel,
      `Ayrshare answered with an error${code}: ${typeof topLevel.message === 'string' ? topLevel.message : 'no message'}`,
      'server',
    );
  });
}

/** A block that says why it failed (a status, code or message of its own). */
function hasErrorDetail(block: unknown): boolean {
  const parsed = platformErrorSchema.safeParse(block);
  return (
    parsed.success && Boolean(parsed.data.message || parsed.data.code !== undefined || parsed.data.status === 'error')
  );
}

/** A failed platform; Ayrshare's own codes (419: X credentials, 187: no data) choose the class over the default. */
function failure(platform: Platform, error: ListedError, reason: string, fallback: FailureClass): PlatformResult {
  return { platform, ok: false, reason, failureClass: classOfErrorCode(error.code, error.action) ?? fallback };
}

/** Analytics blocks nest a few levels (LinkedIn's followers, Facebook's reactions); this leaves a wide margin. */
export const MAX_BLOCK_DEPTH = 32;

export function parsePlatformBlock(platform: Platform, block: unknown): PlatformResult {
  if (block === undefined || block === null) {
    return {
      platform,
      ok: false,
      reason: 'not in the response (is the account linked in Ayrshare?)',
      failureClass: 'not_linked',
    };
  }
  // A block nested deeper than any analytics needs is refused before anything walks it (hostile answers nest thousands
  // of levels to exhaust the stack): that platform fails, the others are kept.
  const depth = jsonDepth(block, MAX_BLOCK_DEPTH);
  if (depth > MAX_BLOCK_DEPTH) {
    return {
      platform,
      ok: false,
      reason: `its block nests deeper than ${MAX_BLOCK_DEPTH} levels, which no analytics need`,
      failureClass: 'invalid_data',
    };
  }
  const parsedBlock = platformBlockSchema.safeParse(block);
  if (!parsedBlock.success) {
    const error = platformErrorSchema.safeParse(block);
    return failure(
      platform,
      (error.success ? error.data : {}) as ListedError,
      describePlatformError(block),
      'platform_error',
    );
  }
  const { analytics, problems, notComputed } = validateAnalytics(platform, parsedBlock.data.analytics);
  const updated = readLastUpdated(parsedBlock.data.lastUpdated);
  const warnings = readWarnings(parsedBlock.data.warning);
  return {
    platform,
    ok: true,
    analytics,
    raw: parsedBlock.data,
    problems: [...problems, ...updated.problems, ...warnings.problems],
    notComputed,
    sourceUpdatedAt: updated.value,
    warnings: warnings.value,
  };
}

const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 40) ?? String(value);

/** `lastUpdated` as an ISO instant; anything but a date-time string is reported (the platform is kept). */
function readLastUpdated(value: unknown): { value: string | null; problems: FieldProblem[] } {
  if (value === undefined || value === null) return { value: null, problems: [] };
  const time = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    return {
      value: null,
      problems: [{ field: 'lastUpdated', reason: `lastUpdated is not a date and time (got ${shown(value)})` }],
    };
  }
  return { value: new Date(time).toISOString(), problems: [] };
}

/** The `warning` list; a list that is not one, or entries without a code, are reported (the platform is kept). */
function readWarnings(value: unknown): { value: AyrshareWarning[]; problems: FieldProblem[] } {
  if (value === undefined || value === null) return { value: [], problems: [] };
  if (!Array.isArray(value))
    return { value: [], problems: [{ field: 'warning', reason: `warning is not a list (got ${shown(value)})` }] };
  const warnings: AyrshareWarning[] = [];
  let unreadable = 0;
  for (const entry of value) {
    const parsed = warningSchema.safeParse(entry);
    if (parsed.success) warnings.push({ code: parsed.data.code, message: parsed.data.message ?? '' });
    else unreadable += 1;
  }
  const problems =
    unreadable > 0
      ? [{ field: 'warning', reason: `warning has ${unreadable} entr${unreadable === 1 ? 'y' : 'ies'} without a code` }]
      : [];
  return { value: warnings, problems };
}

/** "error 161: Instagram token expired" from a per-platform error block, or a plain description of what came. */
function describePlatformError(block: unknown): string {
  const parsed = platformErrorSchema.safeParse(block);
  if (parsed.success && hasErrorDetail(block)) {
    const code = parsed.data.code !== undefined ? `error ${parsed.data.code}` : 'error';
    return parsed.data.message ? `${code}: ${parsed.data.message}` : `${code} without a message`;
  }
  if (block && typeof block === 'object') return 'no analytics object in the response';
  return `unexpected ${typeof block} instead of an analytics block`;
}

export interface ValidatedAnalytics {
  /** The analytics object with every mapped field as a number (or absent); unmapped fields untouched. */
  analytics: Record<string, unknown>;
  problems: FieldProblem[];
  /** Mapped fields sent as -1: the network declined to compute them; absent here, never a problem. */
  notComputed: string[];
}

/** Ayrshare's "the network did not compute this figure": -1 (or "-1"), never a count. */
export const NOT_COMPUTED = -1;
const isNotComputed = (value: unknown) => value === NOT_COMPUTED || value === '-1';

/**
 * Checks every mapped field of one platform's `analytics` object on its own: a field that is not a usable number is
 * left out (its column stays NULL) and reported, so a retired or changed metric never fails the others. Fields the
 * mapping does not read are kept untouched (networks add fields over time; they belong in raw_data).
 */
export function validateAnalytics(platform: Platform, analytics: Record<string, unknown>): ValidatedAnalytics {
  let out: Record<string, unknown> = analytics;
  const problems: FieldProblem[] = [];
  const notComputed: string[] = [];
  const seen = new Set<string>();
  for (const { path, column } of mappedPaths(platform)) {
    if (seen.has(path) || !hasPath(analytics, path)) continue;
    seen.add(path);
    const value = getPath(analytics, path);
    if (isNotComputed(value)) {
      // Not a bad figure: the network said it has none today. Left out of the row and of every sum.
      out = withPath(out, path, undefined);
      notComputed.push(path);
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // JSON numbers beyond about 1.8e308 (1e400, say) parse as Infinity: say so instead of "got null".
      out = withPath(out, path, undefined);
      problems.push({ field: path, reason: `${path} is out of range (a number too large to hold)` });
      continue;
    }
    const schema = DECIMAL_COLUMNS.has(column) ? decimalValue : countValue;
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      out = withPath(out, path, parsed.data === null ? undefined : parsed.data);
    } else {
      out = withPath(out, path, undefined);
      problems.push({ field: path, reason: describeIssues(parsed.error, value, path) });
    }
  }
  return { analytics: out, problems, notComputed };
}
