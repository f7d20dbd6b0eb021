// A built-in stand-in for Ayrshare's analytics endpoint on 127.0.0.1, for `demo`: deterministic, plausible
// day-to-day growth per platform in the field names Ayrshare uses in 2026, X refused without X app credentials (code
// 419) as Ayrshare does, and Threads failing now and then so the partial path shows. It also answers each network's
// post history (GET /api/history/:platform): posts every few days whose figures grow with age, in each network's own
// field names, now and then one whose text is a script (it must show as text in every report). Simulated data only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPlatform, X_PLATFORM, type Platform } from '../lambda/metrics/platforms';

/** Ayrshare's answer to an X request without the account owner's X app credentials. */
export const X_CREDENTIALS_REQUIRED = {
  action: 'x_credentials_required',
  status: 'error',
  code: 419,
  message:
    'X/Twitter operations require your own API credentials. Missing: X-Twitter-OAuth1-Api-Key, X-Twitter-OAuth1-Api-Secret.',
  platform: 'twitter',
};

export interface SimulatedAyrshare {
  baseUrl: string;
  /** The day whose numbers the next answers describe. */
  setDate(isoDate: string): void;
  /** Requests answered so far. */
  readonly requestCount: number;
  close(): Promise<void>;
}

/** Threads answers with an expired-token error on every 11th day (by day number), so any 30 days hold a few. */
export function simulatedFailure(platform: Platform, isoDate: string): { code: number; message: string } | undefined {
  if (platform === 'threads' && dayNumber(isoDate) % 11 === 5) {
    return {
      code: 272,
      message: 'Threads access token expired. Re-link the account in the Ayrshare dashboard. (simulated)',
    };
  }
  return undefined;
}

export async function startSimulatedAyrshare(options: { date?: string } = {}): Promise<SimulatedAyrshare> {
  let date = options.date ?? new Date().toISOString().slice(0, 10);
  let requestCount = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requestCount += 1;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const historyPath = /^\/api\/history\/([a-z]+)(\?|$)/.exec(req.url ?? '');
      if (req.method === 'GET' && historyPath) {
        if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
          return send(401, { action: 'authorization', status: 'error', code: 102, message: 'API Key not valid.' });
        }
        const platform = historyPath[1];
        if (!isPlatform(platform)) return send(404, { status: 'error', code: 404, message: 'Unknown platform.' });
        if (
          platform === X_PLATFORM &&
          !(req.headers['x-twitter-oauth1-api-key'] && req.headers['x-twitter-oauth1-api-secret'])
        )
          return send(400, X_CREDENTIALS_REQUIRED);
        const failure = simulatedFailure(platform, date);
        if (failure) return send(400, { status: 'error', ...failure, platform });
        return send(200, simulatedHistory(platform, date));
      }
      if (req.method !== 'POST' || req.url !== '/api/analytics/social') {
        return send(404, { action: 'request', status: 'error', code: 404, message: 'Not found' });
      }
      if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
        return send(401, { action: 'authorization', status: 'error', code: 102, message: 'API Key not valid.' });
      }
      let platforms: unknown;
      try {
        platforms = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { platforms?: unknown }).platforms;
      } catch {
        return send(400, { action: 'request', status: 'error', code: 101, message: 'Body is not JSON.' });
      }
      if (!Array.isArray(platforms) || !platforms.every((p): p is Platform => typeof p === 'string' && isPlatform(p))) {
        return send(400, {
          action: 'request',
          status: 'error',
          code: 101,
          message: 'platforms must list known platforms.',
        });
      }
      if (platforms.includes(X_PLATFORM)) {
        const key = req.headers['x-twitter-oauth1-api-key'];
        const secret = req.headers['x-twitter-oauth1-api-secret'];
        if (!key && !secret) return send(400, X_CREDENTIALS_REQUIRED);
        if (!key || !secret)
          return send(400, {
            action: 'request',
            status: 'error',
            code: 101,
            message: 'Both X-Twitter-OAuth1-Api-Key and X-Twitter-OAuth1-Api-Secret are required.',
          });
      }
      send(200, simulatedAnswer(platforms, date));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    setDate(isoDate: string) {
      date = isoDate;
    },
    get requestCount() {
      return requestCount;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The whole answer for one day, shaped like the shared fixture. */
export function simulatedAnswer(platforms: readonly Platform[], isoDate: string): Record<string, unknown> {
  const answer: Record<string, unknown> = { status: 'success' };
  for (const platform of platforms) {
    const failure = simulatedFailure(platform, isoDate);
    answer[platform] = failure
      ? { status: 'error', ...failure }
      : { analytics: simulatedAnalytics(platform, isoDate), lastUpdated: `${isoDate}T10:00:00.000Z` };
  }
  return answer;
}

/** Days between a network's posts: each posts on its own rhythm. */
const POST_EVERY: Partial<Record<Platform, number>> = {
  facebook: 3,
  instagram: 2,
  linkedin: 4,
  threads: 2,
  tiktok: 3,
  twitter: 1,
  youtube: 7,
};
/** Every this many posts of a network, the post's text is a script: it must reach every report as text. */
const HOSTILE_EVERY = 13;
export const HOSTILE_POST_TEXT = '<script>document.title="pwned"</script><img src=x onerror=alert(1)> Launch teaser';

/** One network's answer to GET /api/history/:platform on `isoDate`: its posts of the last 40 days, newest first. */
export function simulatedHistory(platform: Platform, isoDate: string): Record<string, unknown> {
  const today = dayNumber(isoDate);
  const every = POST_EVERY[platform] ?? 5;
  const posts: Array<Record<string, unknown>> = [];
  for (let day = today - (today % every); day > today - 40; day -= every) {
    posts.push(simulatedPost(platform, day, today));
  }
  return { status: 'success', posts, lastUpdated: `${isoDate}T10:00:00.000Z` };
}

function simulatedPost(platform: Platform, postDay: number, today: number): Record<string, unknown> {
  const hour = 9 + Math.floor(noise(platform, 'hour', postDay) * 10);
  const created = new Date(Date.parse('2025-01-01T00:00:00Z') + postDay * 86_400_000 + hour * 3_600_000).toISOString();
  // Interactions rise quickly after posting and level off; each post has its own appeal.
  // The script posts do well: a client report's top posts show one, and it must read as text there.
  const hostile = Math.floor(postDay / (POST_EVERY[platform] ?? 5)) % HOSTILE_EVERY === 4;
  const appeal = hostile ? 1.9 : 0.4 + 1.6 * noise(platform, 'appeal', postDay);
  const age = today - postDay + 1;
  const grown = (base: number) => Math.round(base * appeal * (1 - Math.exp(-age / 2)));
  const id = `${platform}-${postDay}`;
  const text = hostile
    ? HOSTILE_POST_TEXT
    : `${platform} post of day ${postDay}: ${['tips', 'behind the scenes', 'launch', 'Q&A', 'team'][postDay % 5]}`;
  const url = `https://social.example/${platform}/${id}`;
  switch (platform) {
    case 'facebook':
      return {
        id,
        created,
        post: text,
        postUrl: url,
        likeCount: grown(40),
        commentsCount: grown(8),
        sharesCount: grown(4),
      };
    case 'instagram':
      return {
        id,
        created,
        post: text,
        postUrl: url,
        likeCount: grown(210),
        commentsCount: grown(18),
        mediaType: 'IMAGE',
        mediaProductType: 'FEED',
      };
    case 'linkedin':
      return {
        id: `urn:li:share:${postDay}`,
        publishedAt: created,
        post: text,
        postUrl: url,
        likeCount: grown(58),
        commentCount: grown(9),
        shareCount: grown(4),
        clickCount: grown(120),
        impressionCount: grown(3400),
        uniqueImpressionsCount: grown(2100),
      };
    case 'twitter':
      return {
        id,
        created,
        post: text,
        postUrl: url,
        publicMetrics: {
          likeCount: grown(140),
          replyCount: grown(5),
          retweetCount: grown(12),
          quoteCount: grown(2),
          impressionCount: grown(9800),
        },
      };
    case 'tiktok':
      return {
        id,
        created,
        post: text,
        postUrl: url,
        likeCount: grown(150),
        commentsCount: grown(12),
        sharesCount: grown(6),
        videoViews: grown(3100),
        videoDuration: 34,
      };
    case 'youtube':
      return {
        id,
        created,
        post: text,
        postUrl: url,
        likeCount: grown(30),
        commentCount: grown(6),
        viewCount: grown(900),
      };
    default:
      return {
        id,
        created,
        post: text,
        postUrl: url,
        likeCount: grown(60),
        replyCount: grown(9),
        repostCount: grown(5),
      };
  }
}

function simulatedAnalytics(platform: Platform, isoDate: string): Record<string, unknown> {
  const d = dayNumber(isoDate);
  // followers: a steady trend plus a small wobble, so daily growth varies and is now and then negative.
  const grow = (base: number, perDay: number, wobble: number) =>
    Math.max(0, Math.round(base + perDay * d + wobble * (noise(platform, 'f', d) - 0.5)));
  const around = (metric: string, centre: number, spread: number) =>
    Math.max(0, Math.round(centre * (1 + spread * (noise(platform, metric, d) - 0.5))));
  switch (platform) {
    case 'facebook': {
      const followers = grow(587, 1.3, 6);
      const likes = around('like', 30, 0.8);
      const love = around('love', 6, 1);
      return {
        name: 'Simulated Page',
        fanCount: followers - 20,
        followersCount: followers,
        pagePostEngagements: around('engagements', 48, 0.9),
        pageMediaView: around('views', 1210, 0.5),
        pageVideoViews: around('videoViews', 310, 0.6),
        reactions: { like: likes, love, wow: 1, haha: 2, sorry: 0, anger: 0, total: likes + love + 3 },
      };
    }
    case 'instagram':
      return {
        username: 'simulated',
        followersCount: grow(1500, 4.2, 14),
        followsCount: grow(200, 0.05, 2),
        mediaCount: 150 + Math.floor(d / 3),
        reachCount: around('reach', 5000, 0.5),
        viewsCount: around('views', 8800, 0.5),
        likeCount: around('likes', 400, 0.6),
        commentsCount: around('comments', 37, 0.8),
      };
    case 'tiktok':
      return {
        username: 'simulated',
        followerCount: grow(34, 0.6, 3),
        followingCount: grow(39, 0.02, 1),
        likeCountTotal: around('likes', 60, 1),
        commentCountTotal: around('comments', 14, 1),
        shareCountTotal: around('shares', 6, 1),
        viewCountTotal: around('views', 1500, 0.7),
        videoCountTotal: 20 + Math.floor(d / 7),
        durationAverage: 31.5,
      };
    case 'youtube':
      return {
        title: 'Simulated channel',
        // YouTube sends these as strings, as the real API does.
        subscriberCount: String(grow(67, 0.35, 2)),
        viewCount: String(5 + d * 3),
        videoCount: String(12 + Math.floor(d / 14)),
        subscribersGained: around('gained', 3, 1),
        subscribersLost: around('lost', 1, 1),
        views: around('views', 44, 0.8),
        likes: around('likes', 4, 1),
        comments: around('comments', 2, 1),
        shares: around('shares', 1, 1),
        estimatedMinutesWatched: around('minutes', 72, 0.6),
        averageViewDuration: around('duration', 99, 0.3),
        averageViewPercentage: Math.round(around('retention', 4400, 0.3)) / 100,
      };
    case 'twitter':
      return {
        username: 'simulated',
        followersCount: grow(11253, 6.5, 24),
        friendsCount: grow(4242, 0.2, 4),
        listedCount: 31,
        likeCount: 561 + Math.floor(d / 2),
        tweetCount: 2930 + 2 * d,
      };
    case 'linkedin':
      return {
        followers: { organicFollowerCount: grow(493, 1.1, 4), paidFollowerCount: 7 },
        impressionCount: around('impressions', 2300, 0.5),
        clickCount: around('clicks', 41, 0.8),
        likeCount: around('likes', 55, 0.8),
        commentCount: around('comments', 9, 1),
        shareCount: around('shares', 4, 1),
        views: { allPageViews: around('pageViews', 120, 0.6) },
      };
    case 'threads':
      return {
        followersCount: grow(1000, 2.8, 10),
        likes: around('likes', 88, 0.7),
        replies: around('replies', 14, 1),
        reposts: around('reposts', 6, 1),
        quotes: around('quotes', 2, 1),
        views: around('views', 3400, 0.5),
      };
    case 'bluesky':
      return { handle: 'simulated.bsky.social', followersCount: grow(220, 0.9, 4), followsCount: grow(80, 0.05, 1) };
    default:
      // Networks whose account fields Ayrshare does not document: an object the tracker keeps as raw data.
      return { id: `simulated-${platform}`, note: 'simulated account analytics' };
  }
}

/** Days since 2025-01-01, so numbers keep growing with the calendar. */
function dayNumber(isoDate: string): number {
  return Math.round((Date.parse(`${isoDate}T00:00:00Z`) - Date.parse('2025-01-01T00:00:00Z')) / 86_400_000);
}

/** A repeatable number in [0, 1) for (platform, metric, day): FNV-1a, then a 32-bit mix. */
function noise(platform: string, metric: string, day: number): number {
  let hash = 0x811c9dc5;
  for (const char of `${platform}:${metric}:${day}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) / 2 ** 32;
}
