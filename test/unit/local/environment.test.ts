import { defaultProfileName } from '../../../lambda/core/schemas';
import { collectorSettingsFromEnvironment, readLocalEnvironment } from '../../../local/environment';
import { ConfigError } from '../../../lambda/core/errors';
import { PLATFORMS } from '../../../lambda/metrics/platforms';

const configError = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    collectorSettingsFromEnvironment(readLocalEnvironment(env));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('local configuration', () => {
  it('defaults to every platform, New York time, the public API and the primary profile', () => {
    const settings = collectorSettingsFromEnvironment(readLocalEnvironment({ AYRSHARE_API_KEY: 'TEST-API-KEY' }));
    expect(settings).toEqual({
      apiKey: 'TEST-API-KEY',
      baseUrl: 'https://api.ayrshare.com',
      profiles: [{ name: 'primary' }],
      platforms: [...PLATFORMS],
      timeZone: 'America/New_York',
      anomalyThreshold: 0.5,
      concurrency: 25,
      posts: true,
    });
  });

  it('reads several profiles from AYRSHARE_PROFILES, and names what is wrong without repeating a key', () => {
    const settings = collectorSettingsFromEnvironment(
      readLocalEnvironment({
        AYRSHARE_API_KEY: 'K',
        AYRSHARE_PROFILES: JSON.stringify([
          { name: 'brand', profileKey: 'KEY-BRAND-1234' },
          { name: 'primary' },
          { profileKey: 'KEY-NONAME-5678' },
        ]),
      }),
    );
    expect(settings.profiles).toEqual([
      { name: 'brand', profileKey: 'KEY-BRAND-1234' },
      { name: 'primary' },
      { name: expect.stringMatching(/^profile-[0-9a-f]{8}$/), profileKey: 'KEY-NONAME-5678' },
    ]);
    const problems: Array<[Record<string, string>, RegExp]> = [
      [
        { AYRSHARE_PROFILES: '[{"name": "a", "profileKey": "KEY SECRET 9"}]' },
        /AYRSHARE_PROFILES\.0\.profileKey contains spaces/,
      ],
      [{ AYRSHARE_PROFILES: '{"name"' }, /AYRSHARE_PROFILES is not JSON/],
      [{ AYRSHARE_PROFILES: '[]' }, /AYRSHARE_PROFILES lists no profile/],
      [
        { AYRSHARE_PROFILES: '[{"name": "a"}, {"name": "a", "profileKey": "KEY-SECRET-9"}]' },
        /AYRSHARE_PROFILES names profile "a" twice/,
      ],
      [{ AYRSHARE_PROFILES: '[{"name": "a"}]', AYRSHARE_PROFILE_KEY: 'KEY-SECRET-9' }, /both set; use one/],
      [{ AYRSHARE_PROFILES: '[{"name": "a", "key": "KEY-SECRET-9"}]' }, /AYRSHARE_PROFILES\.0 /],
    ];
    for (const [env, message] of problems) {
      let error: Error | undefined;
      try {
        collectorSettingsFromEnvironment(readLocalEnvironment({ AYRSHARE_API_KEY: 'K', ...env }));
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toMatch(/SECRET/);
    }
  });

  it('reads the anomaly threshold as a share, and names it when it is not one', () => {
    expect(
      collectorSettingsFromEnvironment(
        readLocalEnvironment({ AYRSHARE_API_KEY: 'K', TRACKER_ANOMALY_THRESHOLD: '0.25' }),
      ).anomalyThreshold,
    ).toBe(0.25);
    expect(configError({ AYRSHARE_API_KEY: 'K', TRACKER_ANOMALY_THRESHOLD: 'half' }).message).toMatch(
      /TRACKER_ANOMALY_THRESHOLD must be a number such as 0\.5/,
    );
    expect(configError({ AYRSHARE_API_KEY: 'K', TRACKER_ANOMALY_THRESHOLD: '0' }).message).toMatch(
      /TRACKER_ANOMALY_THRESHOLD must be more than 0/,
    );
  });

  it('names the missing API key', () => {
    expect(configError({}).message).toMatch(/AYRSHARE_API_KEY is not set/);
    expect(configError({ AYRSHARE_API_KEY: '   ' }).message).toMatch(/AYRSHARE_API_KEY is not set/);
  });

  it.each([
    [{ TRACKER_PLATFORMS: 'facebook,myspace' }, /TRACKER_PLATFORMS has unknown platform\(s\) myspace/],
    [{ TRACKER_TIMEZONE: 'Mars/Olympus' }, /TRACKER_TIMEZONE is not an IANA time zone/],
    [{ AYRSHARE_BASE_URL: 'ftp://example.com' }, /AYRSHARE_BASE_URL must be an http\(s\) URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
  ])('names the variable at fault: %p', (env, message) => {
    expect(configError({ AYRSHARE_API_KEY: 'TEST-API-KEY', ...env }).message).toMatch(message);
  });

  it('never repeats a secret value in its message', () => {
    const error = configError({
      AYRSHARE_API_KEY: 'SECRET KEY WITH SPACES',
      DATABASE_URL: 'mysql://user:SECRETPW@host',
    });
    expect(error.message).toMatch(/AYRSHARE_API_KEY contains spaces/);
    expect(error.message).not.toMatch(/SECRET/);
  });

  it('accepts a platform list with spaces, capitals and repeats', () => {
    const settings = collectorSettingsFromEnvironment(
      readLocalEnvironment({ AYRSHARE_API_KEY: 'k-1', TRACKER_PLATFORMS: ' TikTok, youtube,tiktok ' }),
    );
    expect(settings.platforms).toEqual(['tiktok', 'youtube']);
  });

  it('names a profile by AYRSHARE_PROFILE_NAME, or by a fingerprint that does not reveal the key', () => {
    const named = collectorSettingsFromEnvironment(
      readLocalEnvironment({
        AYRSHARE_API_KEY: 'k-1',
        AYRSHARE_PROFILE_KEY: 'TEST-PROFILE-KEY',
        AYRSHARE_PROFILE_NAME: 'brand',
      }),
    );
    expect(named.profiles).toEqual([{ name: 'brand', profileKey: 'TEST-PROFILE-KEY' }]);
    const fingerprint = defaultProfileName('TEST-PROFILE-KEY');
    expect(fingerprint).toMatch(/^profile-[0-9a-f]{8}$/);
    expect(fingerprint).not.toContain('TEST-PROFILE-KEY');
    expect(defaultProfileName('OTHER-KEY')).not.toBe(fingerprint);
  });
  it('caps Ayrshare answers at TRACKER_MAX_ANSWER_MB when set, and refuses a cap out of range by name', () => {
    expect(
      collectorSettingsFromEnvironment(readLocalEnvironment({ AYRSHARE_API_KEY: 'K-1', TRACKER_MAX_ANSWER_MB: '2' }))
        .maxAnswerBytes,
    ).toBe(2 * 1024 * 1024);
    expect(
      collectorSettingsFromEnvironment(readLocalEnvironment({ AYRSHARE_API_KEY: 'K-1' })).maxAnswerBytes,
    ).toBeUndefined();
    expect(configError({ AYRSHARE_API_KEY: 'K-1', TRACKER_MAX_ANSWER_MB: '9000' }).message).toMatch(
      /TRACKER_MAX_ANSWER_MB must be a whole number of megabytes from 1 to 512/,
    );
  });
});
