// zod schemas for Ayrshare's POST /api/analytics/social answer: the envelope, each platform's block, and error bodies.
import * as z from 'zod';
import { getPath, hasPath, withPath } from './field-paths';
import { DECIMAL_COLUMNS, mappedPaths, type Platform } from './platforms';

/** A number, or a string holding one (YouTube sends `subscriberCount` as "67"). */
const numberLike = z.union(
  [
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
  ],
  { error: 'must be a number' },
);

const finiteNonNegative = z.number().refine(Number.isFinite, 'must be finite').refine((n) => n >= 0, 'must not be negative');
/** JavaScript holds numbers exactly up to 2^53 - 1; anything larger would be rounded silently, so it is refused. */
const exactlyStorable = z.number().max(Number.MAX_SAFE_INTEGER, 'is too large to store exactly');

/** Counts land in BIGINT columns. */
const countValue = numberLike.pipe(finiteNonNegative).pipe(exactlyStorable).pipe(z.number().int('must be a whole number')).nullish();

/** Minutes and seconds may carry decimals; the same bound keeps them (scaled or not) inside their NUMERIC columns. */
const decimalValue = numberLike.pipe(finiteNonNegative).pipe(exactlyStorable).nullish();

/** One mapped field that could not be used: its value is left out of the row, the rest of the platform is kept. */
export interface FieldProblem {
  field: string;
  /** "views is too large to store exactly (got 9007199254740992)" */
  reason: string;
}

export interface ValidatedAnalytics {
  /** The analytics object with every mapped field as a number (or absent); unmapped fields untouched. */
  analytics: Record<string, unknown>;
  problems: FieldProblem[];
}

/**
 * Checks every mapped field of one platform's `analytics` object on its own: a field that is not a usable number is
 * left out (its column stays NULL) and reported, so a retired or changed metric never fails the others. Fields the
 * mapping does not read are kept untouched (networks add fields over time; they belong in raw_data).
 */
export function validateAnalytics(platform: Platform, analytics: Record<string, unknown>): ValidatedAnalytics {
  let out: Record<string, unknown> = analytics;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const { path, column } of mappedPaths(platform)) {
    if (seen.has(path) || !hasPath(analytics, path)) continue;
    seen.add(path);
    const value = getPath(analytics, path);
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
  return { analytics: out, problems };
}

/** A platform block that failed inside an otherwise successful answer (not linked, token expired, ...). */
export const platformErrorSchema = z.looseObject({
  status: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

export const platformBlockSchema = z.looseObject({
  analytics: z.record(z.string(), z.unknown()),
  lastUpdated: z.string().optional(),
  nextUpdate: z.string().optional(),
});

/** Whole-request error bodies: `{ action, status: "error", code, message }`. */
export const errorBodySchema = z.looseObject({
  action: z.string().optional(),
  status: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const responseEnvelopeSchema = z.looseObject({
  status: z.string().optional(),
});

/** Turns zod issues into one short sentence that names the offending field. */
export function describeIssues(error: z.ZodError, input: unknown, name?: string): string {
  return error.issues
    .slice(0, name ? 1 : 3)
    .map((issue) => {
      const field = [name, ...issue.path].filter((p) => p !== undefined && p !== '').join('.') || 'value';
      const received = issue.path.reduce<unknown>(
        (value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
        input,
      );
      return `${field} ${issue.message.replace(/^Invalid input: /, '')} (got ${preview(received)})`;
    })
    .join('; ');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
