import { fetchSocialAnalytics, parseRetryAfter, type HttpPolicy } from '../../../../lambda/ayrshare/client';
import { AyrshareRequestError } from '../../../../lambda/core/errors';
import { loadFixture, startAyrshareStandIn, type AyrshareStandIn } from '../../../support/ayrshare-stand-in';

const API_KEY = 'TEST-API-KEY-0001';
const PROFILE_KEY = 'TEST-PROFILE-KEY-0001';
const fastPolicy: HttpPolicy = {
  requestTimeoutMs: 2_000,
  maxAttempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 20,
  budgetMs: 10_000,
};

let standIn: AyrshareStandIn;
beforeAll(async () => {
  standIn = await startAyrshareStandIn();
});
afterAll(() => standIn.close());

const request = (overrides: { profileKey?: string } = {}) => ({
  baseUrl: standIn.baseUrl,
  apiKey: API_KEY,
  platforms: ['facebook', 'tiktok'] as const,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<AyrshareRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AyrshareRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('the Ayrshare client', () => {
  it('posts the platforms with the bearer key, JSON content type and Profile-Key', async () => {
    standIn.script({ body: loadFixture() });
    const answer = await fetchSocialAnalytics(request({ profileKey: PROFILE_KEY }), fastPolicy);
    expect(answer.attempts).toBe(1);
    expect((answer.body as { status: string }).status).toBe('success');
    const [sent] = standIn.requests;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/api/analytics/social');
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.headers['profile-key']).toBe(PROFILE_KEY);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({ platforms: ['facebook', 'tiktok'] });
  });

  it('omits Profile-Key for the primary profile and records rate-limit headers', async () => {
    standIn.script({ body: loadFixture(), headers: { 'X-RateLimit-Remaining': '299', 'X-RateLimit-Limit': '300' } });
    const answer = await fetchSocialAnalytics(request(), fastPolicy);
    expect(standIn.requests[0].headers).not.toHaveProperty('profile-key');
    expect(answer.rateLimit).toEqual({ 'x-ratelimit-remaining': '299', 'x-ratelimit-limit': '300' });
  });

  it('retries 5xx and 429 with growing, jittered waits, then succeeds', async () => {
    standIn.script(
      { status: 503, body: { status: 'error', message: 'busy' } },
      { status: 429, body: {} },
      { body: loadFixture() },
    );
    const waits: number[] = [];
    const answer = await fetchSocialAnalytics(request(), fastPolicy, {
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    expect(answer.attempts).toBe(3);
    expect(standIn.requests).toHaveLength(3);
    expect(waits).toEqual([5, 10]);
  });

  it('waits at least what Retry-After asks', async () => {
    standIn.script({ status: 429, headers: { 'Retry-After': '2' }, body: {} }, { body: loadFixture() });
    const waits: number[] = [];
    await fetchSocialAnalytics(request(), fastPolicy, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(waits).toEqual([2000]);
  });

  it('gives up, without sleeping, when Retry-After is beyond the time budget', async () => {
    standIn.script({
      status: 429,
      headers: { 'Retry-After': '3600' },
      body: { status: 'error', code: 429, message: 'Too many requests' },
    });
    const waits: number[] = [];
    const error = await failure(
      fetchSocialAnalytics(request(), fastPolicy, { sleep: async (ms) => void waits.push(ms) }),
    );
    expect(waits).toEqual([]);
    expect(standIn.requests).toHaveLength(1);
    expect(error.message).toMatch(/HTTP 429 .*Too many requests.*asked to wait 3600 s, beyond the time budget/);
    expect(error.hint).toMatch(/rate limiting/);
  });

  it.each([
    [401, 'auth', 'Ayrshare refused the API key', /API key/],
    [403, 'auth', 'the key may not read analytics for this profile, or the profile is suspended', /Profile-Key/],
    [400, 'request', 'Ayrshare could not read the request', /AYRSHARE_BASE_URL/],
    [404, 'request', 'the endpoint or the profile does not exist', /AYRSHARE_BASE_URL/],
    [405, 'request', 'Ayrshare refused the request', /AYRSHARE_BASE_URL/],
  ])('does not retry HTTP %i and names the likely cause', async (status, failureClass, cause, hint) => {
    standIn.script({ status, body: { action: 'request', status: 'error', code: 102, message: 'Nope' } });
    const error = await failure(fetchSocialAnalytics(request(), fastPolicy, { sleep: async () => undefined }));
    expect(standIn.requests).toHaveLength(1);
    expect(error.message).toBe(`Ayrshare answered HTTP ${status} (code 102): Nope. Likely cause: ${cause}.`);
    expect(error.hint).toMatch(hint);
    expect(error.details).toMatchObject({ status, code: 102, retryable: false, attempts: 1, failureClass });
  });

  it('stops after maxAttempts on lasting 5xx', async () => {
    standIn.script({ status: 500, text: 'upstream exploded' });
    const error = await failure(fetchSocialAnalytics(request(), fastPolicy, { sleep: async () => undefined }));
    expect(standIn.requests).toHaveLength(4);
    expect(error.message).toBe(
      'Ayrshare request failed after 4 attempts: Ayrshare answered HTTP 500: upstream exploded',
    );
  });

  it('times out a request that hangs and retries it', async () => {
    standIn.script({ delayMs: 1_000, body: loadFixture() }, { body: loadFixture() });
    const answer = await fetchSocialAnalytics(
      request(),
      { ...fastPolicy, requestTimeoutMs: 100 },
      { sleep: async () => undefined },
    );
    expect(answer.attempts).toBe(2);
  });

  it('reports a refused connection as a network error after retrying', async () => {
    const closed = await startAyrshareStandIn();
    await closed.close();
    const error = await failure(
      fetchSocialAnalytics(
        { ...request(), baseUrl: closed.baseUrl },
        { ...fastPolicy, maxAttempts: 2 },
        { sleep: async () => undefined },
      ),
    );
    expect(error.message).toMatch(/failed after 2 attempts: network error: ECONNREFUSED/);
  });

  it('never puts the API key or Profile-Key into an error, even when the server echoes them', async () => {
    standIn.script({
      status: 401,
      body: { status: 'error', code: 102, message: `Key ${API_KEY} for profile ${PROFILE_KEY} is not valid` },
    });
    const error = await failure(fetchSocialAnalytics(request({ profileKey: PROFILE_KEY }), fastPolicy));
    expect(error.message).toBe(
      'Ayrshare answered HTTP 401 (code 102): Key [redacted] for profile [redacted] is not valid. ' +
        'Likely cause: Ayrshare refused the API key.',
    );
  });

  it('retries a 200 answer whose body is not JSON, and says what came when it lasts', async () => {
    standIn.script({ text: '<html>maintenance</html>' });
    const error = await failure(fetchSocialAnalytics(request(), fastPolicy, { sleep: async () => undefined }));
    expect(standIn.requests).toHaveLength(4);
    expect(error.message).toBe(
      'Ayrshare request failed after 4 attempts: Ayrshare answered HTTP 200 with a body that is not JSON ' +
        '(starts "<html>maintenance</html>", 24 characters)',
    );
    expect(error.details).toMatchObject({ status: 200, retryable: true, failureClass: 'server' });
  });

  it('recovers when a truncated 200 answer is followed by a whole one', async () => {
    standIn.script({ text: '{"status":"success","facebook":{"analyt' }, { body: loadFixture() });
    const answer = await fetchSocialAnalytics(request(), fastPolicy, { sleep: async () => undefined });
    expect(answer.attempts).toBe(2);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-05T10:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 05 Jan 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
