// The one boundary for text that comes from outside (Ayrshare's bodies, messages and header values, drift values,
// database errors, URLs): every configured secret is redacted, and so is any 8-character part of one (a key cut
// short or echoed in pieces is still a key); control characters (C0, C1, ESC) are stripped so nothing can drive a
// terminal; then the text is cut. Logs handed to the pipeline and the Lambda pass every message and field through it,
// and raw_data passes it before it is stored, so a new log line or column cannot forget it.
import type { Log } from './log';

/** A secret's part this long, found anywhere, is redacted: shorter fragments say nothing usable. */
export const SECRET_PART_LENGTH = 8;
/** Secrets shorter than this are not redacted (they would blank common words); keys and tokens are far longer. */
const SHORTEST_SECRET = 4;
export const REDACTED = '[redacted]';
/** The default length of a message from outside once cleaned (an error body, a drift value). */
export const DEFAULT_TEXT_LIMIT = 500;
/** A JSON value deeper than this is not walked (and not stored: the pipeline refuses deeper platform blocks). */
export const MAX_JSON_DEPTH = 64;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LINE_BREAKS = /[\t\n\r]/g;

/** A polynomial hash of an 8-character window, kept in 32 bits; rolled one character at a time below. */
const BASE = 31;
const BASE_TO_WINDOW = Array.from({ length: SECRET_PART_LENGTH }).reduce<number>((p) => Math.imul(p, BASE) >>> 0, 1);
const rollIn = (hash: number, code: number) => (Math.imul(hash, BASE) + code) >>> 0;
const rollOut = (hash: number, code: number) => (hash - Math.imul(code, BASE_TO_WINDOW)) >>> 0;
function windowHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = rollIn(hash, text.charCodeAt(i));
  return hash;
}

export interface Boundary {
  /** Redacts, strips control characters (line breaks become spaces), then cuts to `maxLength` characters. */
  text(value: string, maxLength?: number): string;
  /** Like text(), keeping line breaks (for multi-line text of our own that quotes outside text). */
  lines(value: string): string;
  /** A copy of a JSON value with every string and key passed through the boundary (never cut). */
  json<T>(value: T): T;
  /** A Log whose messages and fields pass the boundary. */
  log<L extends Log>(log: L): L;
}

export function createBoundary(secrets: ReadonlyArray<string | undefined>): Boundary {
  const whole = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= SHORTEST_SECRET))];
  whole.sort((a, b) => b.length - a.length);
  const parts = new Set(
    whole.flatMap((s) =>
      s.length < SECRET_PART_LENGTH
        ? []
        : Array.from({ length: s.length - SECRET_PART_LENGTH + 1 }, (_, i) => s.slice(i, i + SECRET_PART_LENGTH)),
    ),
  );

  const partHashes = new Set([...parts].map(windowHash));
  // Secrets too short to have an 8-character part are replaced whole (computed once: a run with hundreds of profiles
  // redacts every string of every answer).
  const short = whole.filter((s) => s.length < SECRET_PART_LENGTH);
  const redact = (value: string): string => {
    let out = short.length === 0 ? value : short.reduce((text, secret) => text.split(secret).join(REDACTED), value);
    if (parts.size === 0 || out.length < SECRET_PART_LENGTH) return out;
    // Mark every character covered by an 8-character window that is part of a secret, then replace each marked run.
    // A rolling hash over each 8-character window finds the candidates without cutting a string per position (an
    // agency's run cleans every string of thousands of answers); a candidate is confirmed against the parts.
    const marked = new Uint8Array(out.length);
    let any = false;
    let hash = 0;
    for (let i = 0; i < out.length; i += 1) {
      hash = rollIn(hash, out.charCodeAt(i));
      if (i >= SECRET_PART_LENGTH) hash = rollOut(hash, out.charCodeAt(i - SECRET_PART_LENGTH));
      const start = i - SECRET_PART_LENGTH + 1;
      if (start >= 0 && partHashes.has(hash) && parts.has(out.slice(start, i + 1))) {
        marked.fill(1, start, i + 1);
        any = true;
      }
    }
    if (!any) return out;
    let result = '';
    for (let i = 0; i < out.length;) {
      if (marked[i]) {
        result += REDACTED;
        while (i < out.length && marked[i]) i += 1;
      } else {
        result += out[i];
        i += 1;
      }
    }
    out = result;
    return out;
  };

  // Redacted before and after stripping: a key split by control characters is caught once they are gone.
  const clean = (value: string, keepLines: boolean) => {
    const stripped = redact(value).replace(CONTROL, '');
    return redact(keepLines ? stripped : stripped.replace(LINE_BREAKS, ' '));
  };

  const boundary: Boundary = {
    text(value, maxLength = DEFAULT_TEXT_LIMIT) {
      // Only a prefix can survive the cut; cleaning a little more than that keeps a huge body cheap.
      const cleaned = clean(value.length > maxLength * 4 + 64 ? value.slice(0, maxLength * 4 + 64) : value, false);
      return cleaned.length > maxLength ? `${cleaned.slice(0, Math.max(0, maxLength - 3))}...` : cleaned;
    },
    lines: (value) => clean(value, true),
    json<T>(value: T): T {
      return cleanJson(value, (text) => clean(text, true)) as T;
    },
    log<L extends Log>(log: L): L {
      const wrap =
        (write: (message: string, data?: Record<string, unknown>) => void) =>
        (message: string, data?: Record<string, unknown>) =>
          write(boundary.text(message, 2_000), data === undefined ? undefined : boundary.json(data));
      const wrapped = { ...(log as object) } as Record<string, unknown>;
      for (const level of ['info', 'warn', 'error'] as const) {
        const write = (log as unknown as Record<string, unknown>)[level];
        if (typeof write === 'function')
          wrapped[level] = wrap(write.bind(log) as (message: string, data?: Record<string, unknown>) => void);
      }
      return wrapped as L;
    },
  };
  return boundary;
}

/** A boundary without secrets: still strips control characters and cuts. */
export const PLAIN_BOUNDARY = createBoundary([]);

/** Depth of a JSON value, without recursion (a hostile answer can nest thousands of levels). */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > stopAt) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Copies a JSON value with `clean` applied to every string and key; levels below MAX_JSON_DEPTH are dropped. */
function cleanJson(value: unknown, clean: (text: string) => string): unknown {
  const copy = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return clean(item);
    if (item === null || typeof item !== 'object') return item;
    if (depth >= MAX_JSON_DEPTH) return '[too deep]';
    if (Array.isArray(item)) return item.map((child) => copy(child, depth + 1));
    if (item instanceof Date) return item;
    return Object.fromEntries(Object.entries(item).map(([key, child]) => [clean(key), copy(child, depth + 1)]));
  };
  return copy(value, 0);
}
