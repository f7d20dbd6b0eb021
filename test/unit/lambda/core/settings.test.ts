// The settings registry: each place made from it (the function's environment, the CLI's environment and --help, the
// stack's context, docs/CONFIGURATION.md) checked against expectations written out here by hand.
import { readFileSync } from 'node:fs';
import {
  cliSettingsSchema,
  contextSettingsSchema,
  functionEnvironment,
  functionSettingsSchema,
  renderConfigurationMarkdown,
  SENSITIVE_VARIABLES,
  type FunctionSettings,
} from '../../../../lambda/core/settings';
import { readLocalEnvironment } from '../../../../local/environment';
import { runCliCaptured } from '../../../support/cli';
import { fromRoot } from '../../../support/paths';

/** Every variable the CLI reads, as docs/CONFIGURATION.md and the README name them. */
const CLI_VARIABLES = [
  'AYRSHARE_API_KEY',
  'AYRSHARE_PROFILE_KEY',
  'AYRSHARE_PROFILE_NAME',
  'AYRSHARE_PROFILES',
  'AYRSHARE_X_API_KEY',
  'AYRSHARE_X_API_SECRET',
  'AYRSHARE_BASE_URL',
  'TRACKER_PLATFORMS',
  'TRACKER_POSTS',
  'TRACKER_TIMEZONE',
  'TRACKER_ANOMALY_THRESHOLD',
  'TRACKER_CONCURRENCY',
  'TRACKER_MAX_ANSWER_MB',
  'DATABASE_URL',
  'TRACKER_DATA_DIR',
  'TRACKER_BRANDING',
];

describe('the function environment the stack writes', () => {
  it('holds only the collector settings, from a whole stack configuration, with their defaults', () => {
    const config = contextSettingsSchema.parse({});
    // The stack hands over its whole configuration: nothing but the function's settings may become a variable.
    expect(functionEnvironment(config as unknown as FunctionSettings)).toEqual({
      TRACKER_PLATFORMS: 'facebook,instagram,linkedin,threads,tiktok,twitter,youtube',
      TRACKER_POSTS: 'true',
      TRACKER_TIMEZONE: 'America/New_York',
      TRACKER_ANOMALY_THRESHOLD: '0.5',
      TRACKER_CONCURRENCY: '25',
      TRACKER_DIGEST_DAY: 'monday',
      TRACKER_FANOUT_ABOVE: '200',
      TRACKER_FANOUT_CHUNK: '50',
    });
  });

  it('is read back by the function as the same values (cdk.json JSON in, text variables, values out)', () => {
    const config = contextSettingsSchema.parse({
      platforms: ['tiktok', 'youtube'],
      posts: 'off',
      timeZone: 'Europe/Paris',
      anomalyThreshold: 0.25,
      concurrency: 4,
      maxAnswerMegabytes: 16,
      weeklyDigest: 'friday',
      fanOutAbove: 10,
      fanOutChunk: 5,
    });
    const env = functionEnvironment(config as unknown as FunctionSettings);
    expect(env.TRACKER_MAX_ANSWER_MB).toBe('16');
    expect(env.TRACKER_PLATFORMS).toBe('tiktok,youtube');
    expect(env.TRACKER_POSTS).toBe('false');
    expect(functionSettingsSchema.parse(env)).toEqual({
      platforms: ['tiktok', 'youtube'],
      posts: false,
      timeZone: 'Europe/Paris',
      anomalyThreshold: 0.25,
      concurrency: 4,
      maxAnswerMegabytes: 16,
      weeklyDigest: 'friday',
      fanOutAbove: 10,
      fanOutChunk: 5,
      baseUrl: 'https://api.ayrshare.com',
    });
  });
});

describe("the CDK context's schema", () => {
  it('takes -c text and cdk.json JSON alike', () => {
    const fromText = contextSettingsSchema.parse({ concurrency: '7', multiAz: 'true', platforms: 'tiktok,youtube' });
    const fromJson = contextSettingsSchema.parse({ concurrency: 7, multiAz: true, platforms: ['tiktok', 'youtube'] });
    expect(fromText).toEqual(fromJson);
    expect(fromJson.multiAz).toBe(true);
    expect(fromJson.concurrency).toBe(7);
  });

  it.each([
    [{ concurrency: '0' }, /concurrency/],
    [{ fanOutConcurrency: 1 }, /must be 2 to 1000|must be 2 to 1,000/],
    [{ multiAz: 'yes' }, /must be true or false/],
    [{ platforms: 'myspace' }, /myspace/],
  ])('refuses %p', (context, message) => {
    const parsed = contextSettingsSchema.safeParse(context);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(message);
  });
});

describe("the CLI's environment", () => {
  it('reads every variable of the list, each into its setting', () => {
    const parsed = cliSettingsSchema.parse({
      AYRSHARE_API_KEY: 'k',
      AYRSHARE_PROFILE_NAME: 'brand',
      TRACKER_PLATFORMS: 'tiktok',
      TRACKER_CONCURRENCY: '3',
      TRACKER_DATA_DIR: '/tmp/x',
    });
    expect(parsed).toMatchObject({
      apiKey: 'k',
      profileName: 'brand',
      platforms: ['tiktok'],
      concurrency: 3,
      dataDir: '/tmp/x',
    });
  });

  it('says which variable is wrong and never repeats a key or a database URL', () => {
    const secret = 'sk-live-\u00e9\u00e9-not-header-safe';
    const read = () =>
      readLocalEnvironment({
        AYRSHARE_API_KEY: secret,
        DATABASE_URL: 'postgres://u:hunter2@h/db and more',
        TRACKER_CONCURRENCY: 'many',
      });
    expect(read).toThrow(/TRACKER_CONCURRENCY .*\(got "many"\)/);
    expect(read).toThrow(/AYRSHARE_API_KEY/);
    let message = '';
    try {
      read();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain(secret);
    expect(message).not.toContain('hunter2');
  });

  it('keeps the values of keys, Profile-Keys and URLs out of messages', () => {
    expect([...SENSITIVE_VARIABLES].sort()).toEqual(
      [
        'AYRSHARE_API_KEY',
        'AYRSHARE_PROFILE_KEY',
        'AYRSHARE_PROFILES',
        'AYRSHARE_X_API_KEY',
        'AYRSHARE_X_API_SECRET',
        'AYRSHARE_BASE_URL',
        'DATABASE_URL',
      ].sort(),
    );
  });

  it('is listed whole in `help`, one line per variable', async () => {
    const run = await runCliCaptured(['help'], {});
    expect(run.code).toBe(0);
    const listed = [...run.stdout.matchAll(/^ {2}([A-Z][A-Z_]+) {2,}\S/gm)].map((m) => m[1]);
    expect(listed).toEqual(CLI_VARIABLES);
  });
});

describe('docs/CONFIGURATION.md', () => {
  it('is the registry rendered (run `npm run docs` after changing a setting)', () => {
    expect(readFileSync(fromRoot('docs', 'CONFIGURATION.md'), 'utf8')).toBe(renderConfigurationMarkdown());
  });

  it('has a row for each CLI variable and each context key the stack reads', () => {
    const doc = readFileSync(fromRoot('docs', 'CONFIGURATION.md'), 'utf8');
    for (const variable of CLI_VARIABLES) expect(doc).toContain(`\`${variable}\``);
    for (const key of ['scheduleHour', 'economy', 'sqlAccess', 'fanOutConcurrency', 'alertEmail', 'weeklyDigest'])
      expect(doc).toMatch(new RegExp(`\\| \`${key}\` \\|`));
  });
});
