// Headless Chromium driven by playwright-core, for the PDF report (and the browser tests). The browser comes from, in
// order: CHROMIUM_PATH; the Chromium that the @sparticuz/chromium dependency ships inside its npm package (Linux x64:
// no download, no system package), unpacked once into a cache folder; a system Chromium.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The folder holding this package's package.json and node_modules, wherever it is installed. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
/**
 * Playwright adds --headless, --no-sandbox, --no-first-run, --disable-background-networking and
 * --disable-component-update; these keep Chromium off the network too (a report must need none). The packaged
 * Chromium's own flag list is not used: its --single-process breaks a second page.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LAUNCH_TIMEOUT_MS = 30_000;
/** An unpack takes seconds: a staging folder this old was left by a killed process. */
const STALE_STAGING_MS = 60 * 60 * 1000;
const HOW_TO_GET_ONE =
  'Set CHROMIUM_PATH to a Chromium or Chrome, or install one (Debian/Ubuntu: apt-get install chromium).';

export type ChromiumSource = 'CHROMIUM_PATH' | '@sparticuz/chromium' | 'system';

export interface FoundChromium {
  executable: string;
  source: ChromiumSource;
  /** Variables Chromium needs beyond the process's own (the packaged one's Amazon Linux libraries). */
  env?: Record<string, string>;
}

/** Why there is no browser: none found, the packaged one could not be unpacked, or the one found did not start. */
export type ChromiumFailure = 'not-found' | 'unpack-failed' | 'failed-to-start';

export class ChromiumError extends Error {
  constructor(
    message: string,
    readonly reason: ChromiumFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChromiumError';
  }
}

const firstLine = (text: string) => text.trim().split('\n')[0];
/** The "Error: ..." line of a child's stack trace (its first lines are the throwing file and source). */
const errorLine = (text: string) => text.split('\n').find((line) => /^\w*Error\b/.test(line)) ?? firstLine(text);

/** The executable a finished unpack recorded in its "complete" marker, if it is there and runnable by this user. */
function readyExecutable(folder: string): string | undefined {
  try {
    // Relative to the folder (an older layout wrote an absolute path, which path.resolve keeps).
    const executable = path.resolve(folder, readFileSync(path.join(folder, 'complete'), 'utf8').trim());
    accessSync(executable, constants.X_OK);
    return executable;
  } catch {
    return undefined;
  }
}

const privateTmpPath = () => path.join(os.tmpdir(), `ayrshare-tracker-${process.getuid?.() ?? 0}`);

/**
 * A folder of this user's under os.tmpdir(), for when the package's own folder is read-only (a global install by
 * root). /tmp is shared, so a folder someone else made, or one others may write to, is never trusted: it could hold
 * their binary.
 */
function privateTmpFolder(): string | undefined {
  const uid = process.getuid?.() ?? 0;
  const folder = privateTmpPath();
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return undefined;
    return folder;
  } catch {
    return undefined;
  }
}

function writable(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function packagedVersion(): { entry: string; version: string } | undefined {
  try {
    // The package's exports map hides package.json: find it from the entry point.
    const entry = require.resolve('@sparticuz/chromium');
    const manifest = path.join(entry.slice(0, entry.lastIndexOf(`${path.sep}build${path.sep}`)), 'package.json');
    return { entry, version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
  } catch {
    return undefined;
  }
}

/**
 * The packaged Chromium, unpacked into node_modules/.cache of this package (per install, per version), or into a
 * private folder under os.tmpdir() when that is not writable. @sparticuz/chromium unpacks into os.tmpdir() and
 * reuses whatever it finds there, so it unpacks into a staging folder of its own that is renamed into place once
 * complete: two processes unpacking at once (the test workers) never see half a browser, and the loser keeps the
 * winner's copy.
 */
function packagedChromium(): FoundChromium | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const packaged = packagedVersion();
  if (!packaged) return undefined;
  const name = `sparticuz-chromium-${packaged.version}`;
  const ownCache = path.join(PACKAGE_ROOT, 'node_modules', '.cache');
  const found = (folder: string): FoundChromium | undefined => {
    const executable = readyExecutable(folder);
    if (!executable) return undefined;
    // Where AWS_EXECUTION_ENV or CODEBUILD_BUILD_IMAGE names a Node runtime, the package also unpacks the Amazon Linux
    // libraries Chromium needs there; it points LD_LIBRARY_PATH at them in its own process only, so this one does.
    const libraries = path.join(folder, 'al2023', 'lib');
    const env = existsSync(libraries)
      ? { LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }
      : undefined;
    return { executable, source: '@sparticuz/chromium', env };
  };
  const ready = found(path.join(ownCache, name));
  if (ready) return ready;
  const cache = writable(ownCache) ? ownCache : privateTmpFolder();
  if (!cache) {
    throw new ChromiumError(
      `Could not unpack the Chromium of @sparticuz/chromium ${packaged.version}: ${ownCache} is not writable, and ` +
        `${privateTmpPath()} is not a folder that only you may write to. ${HOW_TO_GET_ONE}`,
      'unpack-failed',
    );
  }
  const folder = path.join(cache, name);
  const cached = cache === ownCache ? undefined : found(folder);
  if (cached) return cached;
  removeStaleStaging(cache, name);
  const staging = mkdtempSync(path.join(cache, `.${name}-`));
  try {
    // Unpacked in a child process: os.tmpdir() there reads this TMPDIR (and a test's process.env is the runner's).
    const script =
      'const c = require(process.argv[1]); (c.default ?? c).executablePath().then((p) => process.stdout.write(p))';
    const unpacked = spawnSync(process.execPath, ['-e', script, packaged.entry], {
      cwd: staging,
      env: { ...process.env, TMPDIR: staging },
      encoding: 'utf8',
    });
    if (unpacked.status !== 0 || !unpacked.stdout) {
      throw new ChromiumError(
        `Could not unpack the Chromium of @sparticuz/chromium ${packaged.version} into ${cache}: ` +
          `${errorLine(unpacked.stderr || unpacked.error?.message || 'no output')}. ${HOW_TO_GET_ONE}`,
        'unpack-failed',
      );
    }
    writeFileSync(path.join(staging, 'complete'), `${path.relative(staging, unpacked.stdout)}\n`);
    // A folder without the marker is an interrupted unpack of the older layout (unpacked in place): replace it.
    if (existsSync(folder) && !readyExecutable(folder)) rmSync(folder, { recursive: true, force: true });
    try {
      renameSync(staging, folder);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      if (!readyExecutable(folder)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const result = found(folder);
  if (!result) {
    throw new ChromiumError(
      `The Chromium unpacked from @sparticuz/chromium ${packaged.version} into ${folder} is not executable. ` +
        HOW_TO_GET_ONE,
      'unpack-failed',
    );
  }
  return result;
}

function removeStaleStaging(cache: string, name: string): void {
  for (const entry of readdirSync(cache)) {
    if (!entry.startsWith(`.${name}-`)) continue;
    const folder = path.join(cache, entry);
    try {
      if (Date.now() - statSync(folder).mtimeMs > STALE_STAGING_MS) rmSync(folder, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * The browser to drive and where it came from (for error messages), or undefined when there is none. The packaged
 * Chromium is unpacked on the first call (a few seconds, about 200 MB on disk); if that fails, a system Chromium is
 * used instead, and without one the unpack's error is thrown.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<FoundChromium | undefined> {
  if (env.CHROMIUM_PATH) return { executable: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  try {
    const packaged = packagedChromium();
    if (packaged) return packaged;
  } catch (error) {
    if (!system) throw error;
  }
  return system ? { executable: system, source: 'system' } : undefined;
}

export interface LaunchChromiumOptions {
  /** Where to look: CHROMIUM_PATH is read from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How long Chromium may take to start, in ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * Starts headless Chromium (see findChromium for which one). Throws a ChromiumError saying which browser and how to
 * fix it: none found ('not-found'), the packaged one could not be unpacked ('unpack-failed'), or it did not start
 * ('failed-to-start', usually missing system libraries). The caller closes the browser.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const found = await findChromium(options.env);
  if (!found) {
    throw new ChromiumError(
      `No Chromium found on ${os.platform()}/${os.arch()}: the packaged one (@sparticuz/chromium) runs on Linux x64 ` +
        `only, and none of ${SYSTEM_CHROMIUM.join(', ')} exists. ${HOW_TO_GET_ONE}`,
      'not-found',
    );
  }
  if (!existsSync(found.executable)) {
    throw new ChromiumError(
      `CHROMIUM_PATH is ${found.executable}, which does not exist. ` +
        'Point it at a Chromium or Chrome executable, or unset it to use the packaged one.',
      'not-found',
    );
  }
  try {
    return await chromium.launch({
      executablePath: found.executable,
      args: CHROMIUM_ARGS,
      timeout: options.timeoutMs ?? LAUNCH_TIMEOUT_MS,
      ...(found.env ? { env: { ...process.env, ...found.env } } : {}),
    });
  } catch (error) {
    throw new ChromiumError(
      `Chromium from ${found.source} (${found.executable}) did not start: ${firstLine((error as Error).message)}. ` +
        'It needs the system libraries libnss3, libnspr4 and libexpat1 (Debian/Ubuntu: apt-get install libnss3); ' +
        'or set CHROMIUM_PATH to another browser.',
      'failed-to-start',
      { cause: error },
    );
  }
}
