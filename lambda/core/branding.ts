// An agency's branding of the client report, per profile: display name, logo, accent colour, footer line. The same
// JSON document comes from a local file (logos as file paths or data: URIs) or from an object in S3 (data: URIs only);
// every value is checked here so that nothing in it can reach the page as anything but text, a colour or an image.
import * as z from 'zod';
import { ConfigError, errorMessage } from './errors';

/** The largest logo, decoded: 200 KB. A logo is embedded in every report, and a PDF carries it on each profile. */
export const MAX_LOGO_BYTES = 204_800;
/** The image types a logo may be, decided from its bytes. SVG is not one: it can carry scripts and outside links. */
export const LOGO_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type LogoMediaType = (typeof LOGO_MEDIA_TYPES)[number];

/** One profile's branding, after `default` and the profile's own entry are merged field by field. */
export interface ProfileBranding {
  displayName?: string;
  /** Rebuilt from the detected type and the bytes: never the string the document held. */
  logo?: { dataUri: string; mediaType: LogoMediaType; bytes: number };
  /** `#rrggbb`, lower case. */
  accent?: string;
  footer?: string;
}

export interface Branding {
  /** The profiles the document names, in its order. */
  readonly profileNames: readonly string[];
  /** A profile's branding: `default`, overridden field by field by the profile's entry (an empty footer removes it). */
  forProfile(name: string): ProfileBranding;
}

export interface BrandingOptions {
  /** Names the document in errors: a file path, an S3 object. */
  source: string;
  /** Reads a logo given as a file path (locally); without it, logos must be data: URIs. */
  readLogo?: (relativePath: string) => Uint8Array;
}

/** The fields of a branding entry, as `default` and under each profile. */
export const BRANDING_FIELDS = ['displayName', 'logo', 'accent', 'footer'] as const;

// Control characters, line and paragraph separators, and the invisible text-direction overrides.
const CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const NO_CONTROL = 'must not contain control characters (line breaks, tabs, text-direction overrides)';
const characters = (text: string) => [...text].length;
const text = () => z.string({ error: 'must be a string' });

const displayNameSchema = text()
  .trim()
  .refine((v) => characters(v) >= 1, 'must not be empty')
  .refine((v) => characters(v) <= 100, { message: 'must be at most 100 characters', abort: true })
  .refine((v) => !CONTROL.test(v), NO_CONTROL);

/** An empty footer is allowed: under a profile it removes the default's footer. */
const footerSchema = text()
  .trim()
  .refine((v) => characters(v) <= 200, { message: 'must be at most 200 characters', abort: true })
  .refine((v) => !CONTROL.test(v), NO_CONTROL);

/** `#rgb` or `#rrggbb`, nothing else: a colour name, rgb() or anything longer could be more than a colour in CSS. */
const accentSchema = text()
  .trim()
  .refine((v) => /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v), 'must be a colour such as #1a7f37 or #c00')
  .transform((v) => {
    const hex = v.slice(1).toLowerCase();
    return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
  });

const profileNameOk = (name: string) => name === name.trim() && characters(name) >= 1 && characters(name) <= 100;

/** The document's schema; logos given as paths are read with `readLogo` (without it, only data: URIs pass). */
export function brandingDocumentSchema(readLogo?: BrandingOptions['readLogo']) {
  const cache = new Map<string, Uint8Array | Error>();
  const logoSchema = text().transform((value, ctx) => {
    const result = logoFrom(value, readLogo, cache);
    if ('problem' in result) {
      ctx.addIssue({ code: 'custom', message: result.problem, params: { hint: result.hint, quiet: true } });
      return z.NEVER;
    }
    return result;
  });
  const entrySchema = z.strictObject(
    {
      displayName: displayNameSchema.optional(),
      logo: logoSchema.optional(),
      accent: accentSchema.optional(),
      footer: footerSchema.optional(),
    },
    { error: 'must be an object such as {"displayName": "Acme Corp", "accent": "#c2185b"}' },
  );
  return z.strictObject(
    {
      default: entrySchema.optional(),
      profiles: z
        .record(z.string(), entrySchema, { error: 'must be an object with one entry per profile name' })
        .superRefine((profiles, ctx) => {
          for (const name of Object.keys(profiles)) {
            if (!profileNameOk(name))
              ctx.addIssue({
                code: 'custom',
                path: [name],
                message: 'is not a profile name: names are 1 to 100 characters, without spaces around them',
              });
          }
        })
        .optional(),
    },
    { error: 'must be a JSON object with "default" and/or "profiles"' },
  );
}

/** The branding document parsed and checked; every problem is a ConfigError naming the source and the JSON path. */
export function parseBranding(document: unknown, options: BrandingOptions): Branding {
  const parsed = brandingDocumentSchema(options.readLogo).safeParse(document);
  if (!parsed.success) throw brandingError(parsed.error, document, options.source);
  const { default: base = {}, profiles = {} } = parsed.data;
  const merged = new Map<string, ProfileBranding>();
  const forProfile = (name: string): ProfileBranding => {
    const own = Object.hasOwn(profiles, name) ? profiles[name] : {};
    const entry: ProfileBranding = {};
    for (const field of BRANDING_FIELDS) {
      const value = own[field] ?? base[field];
      if (value !== undefined && value !== '') Object.assign(entry, { [field]: value });
    }
    return entry;
  };
  return {
    profileNames: Object.keys(profiles),
    forProfile(name) {
      if (!merged.has(name)) merged.set(name, forProfile(name));
      const entry = merged.get(name)!;
      return { ...entry, ...(entry.logo ? { logo: { ...entry.logo } } : {}) };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** `profiles.acme.accent`, or `profiles["my brand"].accent` for a name that is not a plain word. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((key, i) =>
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_$][\w$-]*$/.test(String(key))
          ? `${i === 0 ? '' : '.'}${String(key)}`
          : `[${JSON.stringify(String(key))}]`,
    )
    .join('');
}

const valueAt = (document: unknown, path: ReadonlyArray<PropertyKey>) =>
  path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    document,
  );

function got(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return ` (got ${kind === 'a object' ? 'an object' : kind})`;
  }
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return ` (got ${JSON.stringify(shown)})`;
}

const GENERIC_HINT =
  'Each profile\'s entry and "default" may hold displayName, logo, accent and footer; docs/CLIENT-REPORTS.md ' +
  'describes the format.';

function brandingError(error: z.ZodError, document: unknown, source: string): ConfigError {
  let hint: string | undefined;
  const lines = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = issue.path.length === 0 ? '"default" and "profiles"' : BRANDING_FIELDS.join(', ');
      return issue.keys.map((key) => `${jsonPath([...issue.path, key])} is not a known field (known: ${known})`);
    }
    const where = jsonPath(issue.path) || 'the document';
    const params = (issue as { params?: { hint?: string; quiet?: boolean } }).params;
    hint ??= params?.hint;
    const message = issue.message.replace(/^Invalid input: /, '');
    return [`${where} ${message}${params?.quiet ? '' : got(valueAt(document, issue.path))}`];
  });
  const shown = lines.slice(0, 5).join('; ') + (lines.length > 5 ? `; and ${lines.length - 5} more` : '');
  return new ConfigError(`${source}: ${shown}.`, hint ?? GENERIC_HINT);
}

// ---------------------------------------------------------------------------------------------------------------
// Logos

type LogoResult = NonNullable<ProfileBranding['logo']> | { problem: string; hint?: string };

const SVG_PROBLEM =
  'is an SVG image, which is refused: SVG can carry scripts and references to outside files, and a report is ' +
  'sent to clients';
const SVG_HINT = 'Export the logo as PNG (or JPEG, GIF, WebP); a PNG of about 400x120 pixels prints sharply.';
const TYPE_HINT = 'A logo must be a PNG, JPEG, GIF or WebP image; its type is read from its content, not its name.';

const TYPE_NAMES: Record<LogoMediaType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
};

const kilobytes = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes`;

function logoFrom(
  value: string,
  readLogo: BrandingOptions['readLogo'],
  cache: Map<string, Uint8Array | Error>,
): LogoResult {
  const trimmed = value.trim();
  if (trimmed === '') return { problem: 'is empty: name an image file or give a data: URI' };
  if (/^data:/i.test(trimmed)) return logoFromDataUri(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed))
    return {
      problem:
        `is a web address (got ${JSON.stringify(trimmed.slice(0, 60))}): ` +
        'a logo is embedded in the report, never fetched',
      hint: 'Download the image and name the file, or give it as a data:image/png;base64,... URI.',
    };
  if (!readLogo)
    return {
      problem: `is a file path (got ${JSON.stringify(trimmed.slice(0, 60))}), but logos must be data: URIs here`,
      hint: 'Give the logo as data:image/png;base64,... (the local TRACKER_BRANDING file may name image files).',
    };
  let bytes = cache.get(trimmed);
  if (bytes === undefined) {
    try {
      bytes = readLogo(trimmed);
    } catch (error) {
      bytes = new Error(errorMessage(error));
    }
    cache.set(trimmed, bytes);
  }
  if (bytes instanceof Error)
    return {
      problem: `names a logo file that cannot be read: ${bytes.message}`,
      hint: 'Logo paths are relative to the folder of the branding file.',
    };
  return checkedLogo(bytes, undefined, `(${JSON.stringify(trimmed.slice(0, 60))}) `);
}

function logoFromDataUri(uri: string): LogoResult {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),([\s\S]*)$/i.exec(uri);
  const params = match?.[2].toLowerCase().split(';').filter(Boolean) ?? [];
  if (!match || !params.includes('base64') || params.at(-1) !== 'base64' || !/^[a-z]+\/[a-z0-9.+-]+$/i.test(match[1]))
    return {
      problem: 'must be an image file path or a data URI of the form data:<type>;base64,<data>',
      hint: 'For example data:image/png;base64,iVBORw0KGgo... (base64 encoded, with its image type).',
    };
  const declared = match[1].toLowerCase();
  const data = match[3].replace(/[\t\n\f\r ]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0)
    return { problem: 'has data that is not valid base64 (A-Z, a-z, 0-9, + and /, padded with =)' };
  // The size from the length, before decoding: an oversized logo is never decoded.
  const size = (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  if (size > MAX_LOGO_BYTES) return tooLarge(size);
  return checkedLogo(fromBase64(data), declared === 'image/jpg' ? 'image/jpeg' : declared, '');
}

function tooLarge(size: number, file = ''): LogoResult {
  return {
    problem: `${file}is ${kilobytes(size)}; a logo may be at most ${kilobytes(MAX_LOGO_BYTES)} (200 KB)`,
    hint: 'Scale the logo down (about 400x120 pixels is plenty at 48 pixels high) or save it as an optimised PNG.',
  };
}

/** `file` is `("logos/acme.png") `, said before the problem, or '' for a data: URI. */
function checkedLogo(bytes: Uint8Array, declared: string | undefined, file: string): LogoResult {
  if (bytes.length > MAX_LOGO_BYTES) return tooLarge(bytes.length, file);
  const detected = imageTypeOf(bytes);
  if (detected === 'svg' || (detected === undefined && declared === 'image/svg+xml'))
    return { problem: `${file}${SVG_PROBLEM}`, hint: SVG_HINT };
  if (detected === undefined)
    return {
      problem:
        `${file}is not a PNG, JPEG, GIF or WebP image${bytes.length === 0 ? ' (it is empty)' : ''}: ` +
        'its content decides, not its name or declared type',
      hint: TYPE_HINT,
    };
  if (declared !== undefined && declared !== detected)
    return {
      problem: `is declared ${declared}, but its bytes are a ${TYPE_NAMES[detected]} image (${detected})`,
      hint: `Declare the type the image really has: data:${detected};base64,...`,
    };
  return { dataUri: `data:${detected};base64,${toBase64(bytes)}`, mediaType: detected, bytes: bytes.length };
}

const startsWith = (bytes: Uint8Array, at: number, expected: ReadonlyArray<number> | string) => {
  const list = typeof expected === 'string' ? [...expected].map((c) => c.charCodeAt(0)) : expected;
  return bytes.length >= at + list.length && list.every((b, i) => bytes[at + i] === b);
};

/**
 * The image type from the file's signature (its magic number), as each format's specification defines it; 'svg' for
 * an SVG document (refused with its own reason), undefined for anything else.
 */
export function imageTypeOf(bytes: Uint8Array): LogoMediaType | 'svg' | undefined {
  // PNG: the 8-byte signature, then the IHDR chunk first (PNG spec, 5.2 and 5.6).
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && startsWith(bytes, 12, 'IHDR'))
    return 'image/png';
  // JPEG: SOI (FF D8) followed by another marker (ITU T.81, B.1.1.2).
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // GIF: "GIF87a" or "GIF89a", then the 7-byte logical screen descriptor.
  if ((startsWith(bytes, 0, 'GIF87a') || startsWith(bytes, 0, 'GIF89a')) && bytes.length >= 13) return 'image/gif';
  // WebP: a RIFF container of form type "WEBP" whose first chunk is VP8, VP8L or VP8X (RFC 9649).
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WEBP') && /^VP8[ LX]$/.test(ascii(bytes, 12, 4)))
    return 'image/webp';
  const head = ascii(bytes, 0, 1024)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (head.startsWith('<') && /<svg[\s>/]/i.test(head)) return 'svg';
  return undefined;
}

const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + length)));

// Base64 by hand: lambda/core stays free of Node's Buffer, so the same code runs wherever the document is read.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function toBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out.push(
      ALPHABET[(n >> 18) & 63] +
        ALPHABET[(n >> 12) & 63] +
        (b === undefined ? '=' : ALPHABET[(n >> 6) & 63]) +
        (c === undefined ? '=' : ALPHABET[n & 63]),
    );
  }
  return out.join('');
}

/** Decodes base64 already checked to be the standard alphabet, padded to a multiple of 4. */
export function fromBase64(data: string): Uint8Array {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((data.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < data.length; i += 4) {
    const n =
      (INDEX.get(data[i])! << 18) |
      (INDEX.get(data[i + 1])! << 12) |
      ((INDEX.get(data[i + 2]) ?? 0) << 6) |
      (INDEX.get(data[i + 3]) ?? 0);
    for (const shift of [16, 8, 0]) if (at < bytes.length) bytes[at++] = (n >> shift) & 255;
  }
  return bytes;
}
