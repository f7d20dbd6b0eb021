// lambda/pipeline/fetch.ts with lambda/ayrshare/client.ts against a loopback Ayrshare: a profile's two requests (the
// six platforms, and X on its own) are in flight together, X fails alone, and the profile's rate-limit budget is
// shared: at most 5 requests when Ayrshare answers 429 to everything, and none more once it asks to wait too long.
import { collectProfile } from '../../../../lambda/pipeline/fetch';
import type { CollectorSettings } from '../../../../lambda/core/model';
import { PLATFORMS } from '../../../../lambda/metrics/platforms';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';

let standIn: AyrshareStandIn;
beforeAll(async () => {
  standIn = await startAyrshareStandIn();
});
afterAll(() => standIn.close());

const settings = (): CollectorSettings => ({
  apiKey: 'UNIT-KEY',
  baseUrl: standIn.baseUrl,
  profiles: [{ name: 'brand', profileKey: 'UNIT-PROFILE' }],
  platforms: [...PLATFORMS],
  timeZone: 'UTC',
  xCredentials: { apiKey: 'UNIT-X-KEY', apiSecret: 'UNIT-X-SECRET' },
});
// The real policy's attempts, with short waits.
const policy = { requestTimeoutMs: 5_000, maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 20_000 };
const collect = () => collectProfile(settings(), settings().profiles[0], '2026-06-01', { httpPolicy: policy });
const isX = (r: { body: unknown }) => (r.body as { platforms: string[] }).platforms.includes('twitter');
const fixture = loadFixture() as Record<string, unknown>;
const withoutX = { ...fixture, twitter: undefined };

describe('a profile with X', () => {
  it('asks the six and X at the same time: one round trip, not two', async () => {
    standIn.script({ delayMs: 300, body: fixture });
    const result = await collect();
    expect(result.snapshots).toHaveLength(7);
    expect(standIn.requests).toHaveLength(2);
    // The second request arrived while the first was still waiting for its answer (the speed is in npm run bench).
    expect(standIn.maxInFlight).toBe(2);
  });

  it('fails X alone when it is refused, while the six, asked at the same time, are stored', async () => {
    standIn.script((request) =>
      isX(request)
        ? { delayMs: 200, status: 401, body: { status: 'error', code: 156, message: 'X refused the credentials' } }
        : { delayMs: 200, body: withoutX },
    );
    const result = await collect();
    expect(standIn.maxInFlight).toBe(2);
    expect(result.snapshots.map((s) => s.platform)).toEqual(PLATFORMS.filter((p) => p !== 'twitter'));
    expect(result.failed).toEqual([expect.objectContaining({ platform: 'twitter', error_class: 'x_credentials' })]);
  });

  it('calls a 401 on both requests what it is: the API key, not X', async () => {
    standIn.script({ status: 401, body: { status: 'error', code: 102, message: 'API Key not valid' } });
    const result = await collect();
    expect(new Set(result.failed.map((f) => f.error_class))).toEqual(new Set(['auth']));
  });
});

describe("a profile's rate limits", () => {
  it('sends at most 5 requests when Ayrshare answers 429 to everything, and records them', async () => {
    standIn.script({ status: 429, body: { status: 'error', code: 429, message: 'Too many requests' } });
    const result = await collect();
    expect(standIn.requests).toHaveLength(5);
    expect(result.run).toMatchObject({ requests: 5, rateLimited: 5 });
    expect(new Set(result.failed.map((f) => f.error_class))).toEqual(new Set(['rate_limited']));
    expect(result.failed).toHaveLength(7);
  });

  it('stops the other request when Ayrshare asks to wait longer than the run can, with the same reason', async () => {
    standIn.script((request) =>
      isX(request)
        ? { status: 429, headers: { 'Retry-After': '3600' }, body: { status: 'error', message: 'Slow down' } }
        : { delayMs: 100, status: 503, body: { status: 'error', message: 'Unavailable' } },
    );
    const result = await collect();
    // X's 429 came first; the six's 503 would be retried, but the profile was told to wait an hour.
    expect(standIn.requests).toHaveLength(2);
    expect(new Set(result.failed.map((f) => f.error_class))).toEqual(new Set(['rate_limited']));
    expect(new Set(result.failed.map((f) => f.reason)).size).toBe(1);
    expect(result.failed[0].reason).toMatch(/asked to wait 3600 s, beyond the time budget/);
  });

  it('does not retry code 106 (the monthly quota), on either request', async () => {
    standIn.script({ status: 429, body: { status: 'error', code: 106, message: 'Monthly quota reached' } });
    const result = await collect();
    expect(standIn.requests).toHaveLength(2);
    expect(result.failed[0].reason).toMatch(/monthly quota is used up \(code 106\); it resets on the 1st/);
  });

  it('a profile without X keeps its own 4 attempts', async () => {
    standIn.script({ status: 429, body: { status: 'error', message: 'Too many requests' } });
    const noX = { ...settings(), platforms: PLATFORMS.filter((p) => p !== 'twitter') };
    await collectProfile(noX, noX.profiles[0], '2026-06-01', { httpPolicy: policy });
    expect(standIn.requests).toHaveLength(4);
  });
});
