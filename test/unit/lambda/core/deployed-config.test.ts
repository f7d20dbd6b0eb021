import { ConfigError } from '../../../../lambda/core/errors';
import {
  parseAyrshareSecret,
  parseDatabaseSecret,
  readDatabaseEnvironment,
  readFunctionEnvironment,
} from '../../../../lambda/core/deployed-config';
import { DEFAULT_TIME_ZONE } from '../../../../lambda/core/defaults';

const REQUIRED = { AYRSHARE_SECRET_ARN: 'arn:a', DATABASE_SECRET_ARN: 'arn:d', ALERT_TOPIC_ARN: 'arn:t' };

describe("the collector's environment", () => {
  it('takes the shared defaults for what the stack leaves out', () => {
    expect(readFunctionEnvironment(REQUIRED)).toEqual({
      ayrshareSecretArn: 'arn:a',
      databaseSecretArn: 'arn:d',
      alertTopicArn: 'arn:t',
      timeZone: DEFAULT_TIME_ZONE,
      platforms: ['facebook', 'instagram', 'linkedin', 'threads', 'tiktok', 'twitter', 'youtube'],
      baseUrl: 'https://api.ayrshare.com',
      digestDay: 'monday',
      anomalyThreshold: 0.5,
      concurrency: 25,
      posts: true,
      databaseWaitMs: undefined,
      maxAnswerBytes: undefined,
      fanOut: undefined,
    });
  });

  it('reads every setting the stack passes, the fan-out only with its queue', () => {
    const env = readFunctionEnvironment({
      ...REQUIRED,
      TRACKER_TIMEZONE: 'Europe/Berlin',
      TRACKER_PLATFORMS: 'YouTube, bluesky',
      AYRSHARE_BASE_URL: 'http://127.0.0.1:9/',
      FANOUT_QUEUE_URL: 'https://sqs.example/q',
      TRACKER_DIGEST_DAY: 'OFF',
    });
    expect(env).toMatchObject({
      timeZone: 'Europe/Berlin',
      platforms: ['youtube', 'bluesky'],
      baseUrl: 'http://127.0.0.1:9',
      digestDay: 'off',
      fanOut: { queueUrl: 'https://sqs.example/q', above: 200, chunk: 50 },
    });
  });

  it('names each variable at fault', () => {
    expect(() => readFunctionEnvironment({ ...REQUIRED, ALERT_TOPIC_ARN: '', TRACKER_CONCURRENCY: '0' })).toThrow(
      'Invalid configuration: ALERT_TOPIC_ARN is not set (got ""); TRACKER_CONCURRENCY must be a whole number from 1 to 100 (got "0").',
    );
    expect(() => readDatabaseEnvironment({})).toThrow(ConfigError);
    expect(readDatabaseEnvironment({ DATABASE_SECRET_ARN: 'arn:d' })).toEqual({
      databaseSecretArn: 'arn:d',
      timeZone: DEFAULT_TIME_ZONE,
    });
  });
});

describe('the secrets', () => {
  it('reads one profile, several, and the X credentials, never echoing a value in an error', () => {
    expect(
      parseAyrshareSecret('{"apiKey":"K-1","profileKey":"P-1","name":"brand","xApiKey":"XK","xApiSecret":"XS"}'),
    ).toEqual({
      apiKey: 'K-1',
      profiles: [{ name: 'brand', profileKey: 'P-1' }],
      xCredentials: { apiKey: 'XK', apiSecret: 'XS' },
    });
    expect(parseAyrshareSecret('{"apiKey":"K-1","profiles":[{"name":"a","profileKey":"P-A"},{}]}').profiles).toEqual([
      { name: 'a', profileKey: 'P-A' },
      { name: 'primary' },
    ]);
    const error = (() => {
      try {
        parseAyrshareSecret('{"apiKey":"SECRET VALUE WITH SPACES"}');
        return undefined;
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.message).toMatch(/apiKey contains spaces/);
    expect(error?.message).not.toContain('SECRET VALUE');
    expect(() => parseAyrshareSecret('{"apiKey":"K","xApiKey":"XK"}')).toThrow(
      'The Ayrshare secret is invalid: xApiKey is set but xApiSecret is not',
    );
    expect(() => parseAyrshareSecret(undefined)).toThrow('The Ayrshare secret has no value yet.');
  });

  it('reads the secret RDS generates, with its defaults', () => {
    expect(parseDatabaseSecret('{"host":"h","username":"u","password":"p"}')).toEqual({
      host: 'h',
      port: 5432,
      username: 'u',
      password: 'p',
      dbname: 'postgres',
    });
    expect(() => parseDatabaseSecret('not json')).toThrow('The database secret is not JSON.');
  });
});
