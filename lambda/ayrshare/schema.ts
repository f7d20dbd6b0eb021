// zod schemas for Ayrshare's POST /api/analytics/social answer: the envelope, each platform's block, and error bodies.
import * as z from 'zod';

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

export const finiteNonNegative = z
  .number()
  .refine(Number.isFinite, 'must be finite')
  .refine((n) => n >= 0, 'must not be negative');
/** JavaScript holds numbers exactly up to 2^53 - 1; anything larger would be rounded silently, so it is refused. */
const exactlyStorable = z.number().max(Number.MAX_SAFE_INTEGER, 'is too large to store exactly');

/** Counts land in BIGINT columns. */
export const countValue = numberLike
  .pipe(finiteNonNegative)
  .pipe(exactlyStorable)
  .pipe(z.number().int('must be a whole number'))
  .nullish();

/** Minutes and seconds may carry decimals; the same bound keeps them (scaled or not) inside their NUMERIC columns. */
export const decimalValue = numberLike.pipe(finiteNonNegative).pipe(exactlyStorable).nullish();

/** A platform block that failed inside an otherwise successful answer (not linked, token expired, ...). */
export const platformErrorSchema = z.looseObject({
  status: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

export const platformBlockSchema = z.looseObject({
  analytics: z.record(z.string(), z.unknown()),
  // Checked field by field in the pipeline: a bad one is reported and the platform kept.
  lastUpdated: z.unknown().optional(),
  nextUpdate: z.unknown().optional(),
  warning: z.unknown().optional(),
});

/** One entry of a block's `warning` list: `{ code: 395, message: "..." }`. */
export const warningSchema = z.looseObject({
  code: z.union([z.number(), z.string().min(1)]),
  message: z.string().optional(),
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
