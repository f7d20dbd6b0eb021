// Reads the branding file named by TRACKER_BRANDING: its JSON checked by lambda/core/branding.ts, its logos read from
// image files next to it (or given as data: URIs in it).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseBranding, type Branding } from '../lambda/core/branding';
import { ConfigError, errorCode, errorMessage } from '../lambda/core/errors';

const FORMAT_HINT = 'docs/CLIENT-REPORTS.md describes the file; unset TRACKER_BRANDING for reports without branding.';

/** The branding of the HTML and PDF reports; a missing, unreadable or invalid file is a ConfigError (exit 2). */
export function loadBrandingFile(file: string): Branding {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    const problem =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a JSON file'
          : `cannot be read (${code || errorMessage(error)})`;
    throw new ConfigError(`TRACKER_BRANDING names ${absolute}, which ${problem}.`, FORMAT_HINT, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(
      `TRACKER_BRANDING names ${absolute}, which is not JSON (${errorMessage(error)}).`,
      FORMAT_HINT,
      { cause: error },
    );
  }
  const folder = path.dirname(absolute);
  return parseBranding(document, {
    source: `${absolute} (TRACKER_BRANDING)`,
    readLogo: (relativePath) => readLogo(path.resolve(folder, relativePath)),
  });
}

/** A logo file's bytes; the error says which file, so a wrong path is plain to see. */
function readLogo(file: string): Uint8Array {
  try {
    if (!statSync(file).isFile()) throw new Error(`${file} is not a file`);
    return readFileSync(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') throw new Error(`there is no file ${file}`, { cause: error });
    throw new Error(code ? `${file}: ${code}` : errorMessage(error), { cause: error });
  }
}
